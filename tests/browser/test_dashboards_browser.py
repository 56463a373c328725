"""The first minute in a real browser: sign in as the demo user and see every dashboard draw real charts.

Drives the system Chromium through Playwright against a live server (werkzeug in a thread, SQLite
temp file). Skipped, with the reason, when /usr/bin/chromium or the playwright package is missing.
Screenshots land in a temporary directory printed at the end (``pytest -s`` shows it).
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from config import TestingConfig
from etl.demo.account import DEFAULT_PASSWORD, DEMO_EMAIL, load_demo

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DASHBOARDS = {"/": "Overview", "/oura/": "Oura", "/whoop/": "WHOOP", "/fitbit/": "Fitbit", "/rize/": "Rize",
              "/github/": "GitHub", "/sheets/": "Google Sheets"}
RECORD_CSP = ("window.__csp = []; document.addEventListener('securitypolicyviolation', "
              "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A live server on 127.0.0.1 over a fresh SQLite file holding the demo account."""
    folder = tmp_path_factory.mktemp("browser")

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'browser.db'}"

    app = create_app(Config)
    with app.app_context():
        upgrade()
        load_demo(days=60, heart_rate_days=3)
        db.session.remove()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    yield folder
    print(f"\nscreenshots: {folder}")


def signed_in_page(browser, server, **context):
    """A page of a fresh browser context, signed in as the demo user, recording console errors and CSP violations."""
    page = browser.new_context(**context).new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.add_init_script(RECORD_CSP)
    page.goto(f"{server}/login")
    page.fill("input[name=email]", DEMO_EMAIL)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{server}/")
    return page


def settle(page) -> None:
    """Wait until every chart container is drawn or shows its message."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.chart')].every(c => c.classList.contains('drawn') || "
        "!c.querySelector('.chart-status') || c.querySelector('.chart-status').textContent !== 'Loading…')",
        timeout=30_000)


def test_the_demo_user_sees_every_dashboard_draw_real_charts(browser, server, shots):
    page = signed_in_page(browser, server, viewport={"width": 1280, "height": 900}, color_scheme="light")
    for path, title in DASHBOARDS.items():
        page.goto(server + path)
        settle(page)
        assert page.locator("h1").first.inner_text() == title
        drawn = page.locator(".chart.drawn .plot-container svg.main-svg")
        assert drawn.count() >= 1, f"{path}: no chart drawn"
        assert page.locator(".chart .chart-status.error").count() == 0, f"{path}: a chart failed"
        assert page.evaluate("window.__csp") == [], f"{path}: CSP violations"
        page.screenshot(path=str(shots / f"{title.lower().replace(' ', '-')}.png"), full_page=True)
    assert page.errors == []


def test_the_fitbit_day_view_draws_every_minute_of_the_chosen_day(browser, server):
    page = signed_in_page(browser, server)
    page.goto(f"{server}/fitbit/")
    settle(page)
    points = page.evaluate("document.querySelector('#chart-heart_rate_day .chart').data[0].y.length")
    assert points == 1440


def test_charts_follow_a_dark_system_theme_and_fit_a_phone(browser, server, shots):
    page = signed_in_page(browser, server, viewport={"width": 390, "height": 844}, color_scheme="dark")
    page.goto(f"{server}/coverage")
    settle(page)
    page.screenshot(path=str(shots / "coverage-dark-phone.png"), full_page=True)
    colours = page.evaluate("[getComputedStyle(document.documentElement).getPropertyValue('--fg').trim(), "
                            "document.querySelector('.chart.drawn').layout.font.color]")
    assert colours[0] == colours[1] == "#e6e9ef"  # the dark theme's text colour, in plotly's layout too
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.errors == [] and page.evaluate("window.__csp") == []
