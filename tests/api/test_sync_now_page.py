"""The integrations page's "Sync now": a button per connected source wired to the API, script from a file."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import responses

from app.extensions import db
from database.models import NEEDS_REAUTH, SyncRun
from tests.api.browser import Browser, LiveServer, find_chromium
from tests.api.conftest import connect, wait_for_job
from tests.conftest import PASSWORD
from tests.etl.provider_mocks import days_between, mock_oura
from utils.date_utils import local_today

BOX_RE = re.compile(r'<div class="sync-now" data-sync-url="([^"]+)" data-csrf-token="([^"]+)">')


def test_connected_sources_get_a_sync_now_button_and_others_do_not(app, logged_in, user):
    connect(app, user, "oura", {"personal_access_token": "pat-1234567890"})
    connect(app, user, "whoop", {"access_token": "at-123456789012"}, status=NEEDS_REAUTH)
    page = logged_in.get("/integrations/").get_data(as_text=True)
    assert [url for url, _ in BOX_RE.findall(page)] == ["/api/v1/integrations/oura/sync"]
    assert page.count('<script src="/static/js/sync_now.js" defer></script>') == 1
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "no inline scripts"
    assert " onclick=" not in page


@responses.activate
def test_the_buttons_csrf_token_starts_a_job_whose_status_the_page_can_poll(app, logged_in, user):
    connect(app, user, "oura", {"personal_access_token": "pat-1234567890"})
    today = local_today("UTC")
    mock_oura(responses, days_between(today - timedelta(days=29), today))
    url, csrf = BOX_RE.search(logged_in.get("/integrations/").get_data(as_text=True)).groups()
    response = logged_in.post(url, headers={"X-CSRFToken": csrf, "Accept": "application/json"})
    assert response.status_code == 202
    job = wait_for_job(logged_in, response.get_json()["job"]["url"], {"Accept": "application/json"})
    assert (job["status"], job["trigger"]) == ("ok", "manual") and job["rows"] > 0


def test_the_script_polls_the_job_url_and_sends_the_csrf_header(client):
    script = client.get("/static/js/sync_now.js").get_data(as_text=True)
    assert '"X-CSRFToken": box.dataset.csrfToken' in script
    assert "call(job.url" in script and "box.dataset.syncUrl" in script


@pytest.fixture
def browser():
    binary = find_chromium()
    if binary is None:
        pytest.skip("Chromium is not installed")
    driver = Browser(binary)
    yield driver
    driver.close()


@pytest.mark.browser
@responses.activate
def test_clicking_sync_now_shows_progress_and_the_result_without_a_reload(app, user, browser):
    responses.add_passthru("http://127.0.0.1")  # the live server itself
    connect(app, user, "oura", {"personal_access_token": "pat-1234567890"})
    today = local_today("UTC")
    mock_oura(responses, days_between(today - timedelta(days=29), today))
    server = LiveServer(app)
    try:
        browser.open(server.url + "/login")
        browser.evaluate(f"""document.querySelector('[name=email]').value = 'alice@example.com';
                             document.querySelector('[name=password]').value = {PASSWORD!r};
                             document.querySelector('form[method=post] button[type=submit]').click()""")
        browser.wait_for("location.pathname === '/' && document.readyState === 'complete'")
        browser.open(server.url + "/integrations/")
        browser.evaluate("window.loadedOnce = true; document.querySelector('#oura .sync-now button').click()")
        status = browser.wait_for("""(() => { const box = document.querySelector('#oura .sync-now');
                                     return box.dataset.state === 'ok' && box.textContent; })()""")
        assert re.search(r"Done: \d+ rows written\.", status)
        assert browser.evaluate("window.loadedOnce") is True  # the same page: no reload happened
    finally:
        server.close()
    with app.app_context():
        run = db.session.execute(db.select(SyncRun)).scalar_one()
        assert (run.trigger, run.status) == ("manual", "ok") and f"{run.rows_written} rows" in status
