"""Dashboard pages and chart endpoints: data or empty states, the range in the URL, CSP, plotly.js."""
from __future__ import annotations

import gzip
import re
from datetime import datetime, timedelta

import plotly
import pytest

from app.extensions import db
from app.secrets import cipher
from database.models import UserIntegration
from tests.app.test_dashboards_charts import store_daily
from tests.conftest import login, make_user
from utils.date_utils import local_today

SOURCE_PAGES = {"oura": "Oura", "whoop": "WHOOP", "fitbit": "Fitbit", "rize": "Rize", "github": "GitHub",
                "sheets": "Google Sheets"}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
CHART_SRC = re.compile(r'data-chart-src="([^"]+)"')


def recent(app, user_id: int, values: dict[str, list[float]]) -> None:
    """Daily values ending today (the user's today)."""
    with app.app_context():
        today = local_today("UTC")
        store_daily(user_id, values, start=today - timedelta(days=max(len(v) for v in values.values()) - 1))


def everything(app, user_id: int) -> None:
    """A few days of every source's headline metrics."""
    recent(app, user_id, {
        "oura.sleep_score": [80, 85, 90], "oura.deep_sleep_minutes": [80, 90, 95], "whoop.recovery_score": [40, 70, 90],
        "fitbit.steps": [8000, 12000, 10400], "rize.focus_minutes": [200, 240, 180],
        "github.commits": [3, 0, 7], "sheets.weight_kg": [72.4, 72.2, 72.0],
    })


def chart_urls(html: str) -> list[str]:
    return [src.replace("&amp;", "&") for src in CHART_SRC.findall(html)]


@pytest.mark.parametrize("path", ["/", "/coverage", *[f"/{key}/" for key in SOURCE_PAGES]])
def test_every_dashboard_renders_its_charts_for_a_user_with_data(app, logged_in, user, path):
    everything(app, user)
    response = logged_in.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert chart_urls(html)
    assert f'src="/assets/plotly-{plotly.__version__}.min.js"' in html
    assert INLINE_SCRIPT.search(html) is None
    drawn = [url for url in chart_urls(html) if "figure" in logged_in.get(url).get_json()]
    assert drawn, "no chart of the page has a figure"


def test_the_overview_trends_show_one_panel_per_headline(app, logged_in, user):
    everything(app, user)
    html = logged_in.get("/").get_data(as_text=True)
    trends = next(u for u in chart_urls(html) if "trends" in u)
    body = logged_in.get(trends).get_json()
    assert [t["name"] for t in body["figure"]["data"]] == ["Sleep score", "Recovery", "Steps", "Focus time", "Commits"]
    assert body["figure"]["data"][2]["y"][-3:] == [8000.0, 12000.0, 10400.0]


@pytest.mark.parametrize(("key", "label"), SOURCE_PAGES.items())
def test_a_source_that_is_not_connected_shows_how_to_connect_it(logged_in, key, label):
    html = logged_in.get(f"/{key}/").get_data(as_text=True)
    assert f"{label} is not connected." in html
    assert f'href="/integrations/#{key}"' in html
    assert "data-chart-src" not in html


def test_a_connected_source_without_data_says_when_it_last_synced(app, logged_in, user):
    with app.app_context():
        db.session.add(UserIntegration(user_id=user, source="whoop", status="connected", settings={},
                                       credentials=cipher().encrypt({"access_token": "t"}),
                                       last_sync_at=datetime(2026, 3, 4, 3, 30)))
        db.session.commit()
    html = logged_in.get("/whoop/").get_data(as_text=True)
    assert "WHOOP is connected; no data yet." in html
    assert "Last sync: 2026-03-04 03:30 UTC" in html


def test_the_overview_of_a_user_without_data_points_to_the_integrations(logged_in):
    html = logged_in.get("/").get_data(as_text=True)
    assert "No data yet." in html and 'href="/integrations/#oura"' in html
    assert "data-chart-src" not in html


def test_the_overview_cards_compare_with_the_30_day_baseline(app, logged_in, user):
    recent(app, user, {"fitbit.steps": [10000] * 30 + [12500]})
    html = logged_in.get("/").get_data(as_text=True)
    card = re.search(r'<article class="tile" data-kind="steps">(.*?)</article>', html, re.S).group(1)
    assert "12,500 steps" in card
    assert "+2,500 steps (+25 %)" in card and "vs 30-day average (10,000 steps)" in card


def test_another_users_data_never_appears(app, client, user):
    bob = make_user(app, "bob@example.com")
    recent(app, bob, {"fitbit.steps": [77777], "oura.sleep_score": [11]})
    recent(app, user, {"fitbit.steps": [5555]})
    login(client)
    overview = client.get("/").get_data(as_text=True)
    assert "77,777" not in overview and "5,555 steps" in overview
    steps = client.get("/fitbit/charts/steps.json?range=7d").get_data(as_text=True)
    assert "77777" not in steps and "5555" in steps
    assert client.get("/oura/charts/sleep.json?range=7d").get_json() == {"empty": "No data in this range."}
    assert "Oura is not connected." in client.get("/oura/").get_data(as_text=True)


def test_the_range_is_kept_in_the_url_of_every_chart(app, logged_in, user):
    everything(app, user)
    html = logged_in.get("/fitbit/?range=custom&start=2026-01-01&end=2026-02-15&group=week&day=2026-02-01") \
        .get_data(as_text=True)
    urls = chart_urls(html)
    assert all("range=custom" in u and "start=2026-01-01" in u and "group=week" in u for u in urls)
    assert any(u.startswith("/fitbit/charts/heart_rate_day.json") and "day=2026-02-01" in u for u in urls)
    assert 'href="/fitbit/?day=2026-02-01&amp;group=week&amp;range=90d"' in html  # presets keep the other choices


def test_a_bad_range_is_a_clear_message_not_a_server_error(app, logged_in, user):
    everything(app, user)
    page = logged_in.get("/oura/?range=custom&start=2026-02-30&end=2026-03-01")
    assert page.status_code == 400
    assert "The start date “2026-02-30” is not a date in YYYY-MM-DD form." in page.get_data(as_text=True)
    chart = logged_in.get("/oura/charts/sleep.json?range=forever")
    assert chart.status_code == 400
    assert chart.get_json() == {"error": "Unknown range “forever”: choose 7d, 30d, 90d, 1y or custom."}
    assert logged_in.get("/?lag=9").status_code == 200
    assert logged_in.get("/charts/correlation.json?lag=9").get_json()["error"].startswith("The lag must be")


def test_chart_endpoints_need_a_signed_in_user_and_a_known_chart(client, user):
    assert client.get("/fitbit/charts/steps.json").status_code == 302
    login(client)
    response = client.get("/fitbit/charts/nope.json")
    assert response.status_code == 404 and response.get_json() == {"error": "There is no such chart."}
    assert client.get("/coverage/nope.json").status_code == 404


def test_dashboards_are_served_under_a_strict_script_policy(logged_in):
    response = logged_in.get("/fitbit/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
    assert 'data-webgl="off"' in response.get_data(as_text=True)  # plotly.js needs eval for WebGL: SVG instead


def test_plotly_js_comes_from_the_plotly_package_with_year_long_caching(client):
    response = client.get(f"/assets/plotly-{plotly.__version__}.min.js", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "gzip"
    assert b"plotly.js v" in gzip.decompress(response.data)[:200]
    plain = client.get(f"/assets/plotly-{plotly.__version__}.min.js")
    assert "Content-Encoding" not in plain.headers and plain.data.startswith(b"/**")
    assert client.get("/assets/plotly-0.0.1.min.js").status_code == 404
