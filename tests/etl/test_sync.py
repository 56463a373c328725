"""Syncing one integration: window, idempotent writes, cursor, failures, token rotation, claims, budgets."""
from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest
import responses

from app.extensions import db
from database.integrations import get_or_create_integration, read_credentials, store_credentials
from database.models import DailyMetric, Event, SyncRun, UserIntegration
from etl.budget import RateBudget
from etl.data_sources.http import HttpClient
from etl.data_sources.registry import get_source
from etl.sync import claim, sync_integration, sync_window
from tests.etl.provider_mocks import WHOOP_TOKEN, days_between, mock_oura, mock_whoop
from utils.date_utils import local_today, utc_now

SINCE, UNTIL = date(2026, 11, 1), date(2026, 11, 7)


def _connect(user_id: int, source: str, creds: dict, **fields) -> int:
    integration = get_or_create_integration(user_id, source)
    store_credentials(integration, creds)
    for name, value in fields.items():
        setattr(integration, name, value)
    db.session.commit()
    return integration.id


def _http() -> HttpClient:
    return HttpClient(sleep=lambda s: None, max_retries=1)


def _count(model, **filters) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).filter_by(**filters))


@responses.activate
def test_sync_writes_rows_advances_cursor_and_records_the_run(ctx, user):
    integration_id = _connect(user, "oura", {"personal_access_token": "pat-1234567890"})
    mock_oura(responses, days_between(SINCE, UNTIL))
    outcome = sync_integration(integration_id, since=SINCE, until=UNTIL, http=_http())
    assert outcome.status == "ok", outcome.message
    assert _count(DailyMetric, user_id=user, source="oura", metric="oura.sleep_score") == 7
    integration = db.session.get(UserIntegration, integration_id)
    assert integration.cursor == UNTIL and integration.status == "connected"
    run = db.session.execute(db.select(SyncRun)).scalar_one()
    assert (run.status, run.window_start, run.window_end, run.rows_written) == ("ok", SINCE, UNTIL, outcome.rows)
    assert outcome.rows > 7  # the contributors are stored too


@responses.activate
def test_running_the_same_sync_twice_leaves_the_same_rows(ctx, user):
    integration_id = _connect(user, "oura", {"personal_access_token": "pat-1234567890"})
    mock_oura(responses, days_between(SINCE, UNTIL))
    sync_integration(integration_id, since=SINCE, until=UNTIL, http=_http())
    before = db.session.execute(db.select(DailyMetric.id, DailyMetric.value).order_by(DailyMetric.id)).all()
    sync_integration(integration_id, since=SINCE, until=UNTIL, http=_http())
    after = db.session.execute(db.select(DailyMetric.id, DailyMetric.value).order_by(DailyMetric.id)).all()
    assert before == after and len(before) > 0


@responses.activate
def test_provider_outage_keeps_cursor_and_writes_nothing(ctx, user):
    integration_id = _connect(user, "oura", {"personal_access_token": "pat-1234567890"}, cursor=date(2026, 10, 31))
    mock_oura(responses, [], status=503)
    outcome = sync_integration(integration_id, since=SINCE, until=UNTIL, http=_http())
    assert outcome.status == "failed" and outcome.failed
    integration = db.session.get(UserIntegration, integration_id)
    assert integration.cursor == date(2026, 10, 31)
    assert integration.status == "error" and "503" in integration.last_error
    assert _count(DailyMetric) == 0
    run = db.session.execute(db.select(SyncRun)).scalar_one()
    assert run.status == "failed" and "503" in run.error


@responses.activate
def test_revoked_refresh_token_marks_needs_reauth(ctx, app, user):
    app.config.update(WHOOP_CLIENT_ID="cid", WHOOP_CLIENT_SECRET="csecret")
    integration_id = _connect(user, "whoop", {"access_token": "old-access", "refresh_token": "old-refresh",
                                              "expires_at": int(time.time()) + 3600})
    mock_whoop(responses, [], status=401)
    responses.add(responses.POST, WHOOP_TOKEN, json={"error": "invalid_grant",
                                                     "error_description": "token revoked"}, status=400)
    outcome = sync_integration(integration_id, since=SINCE, until=UNTIL, http=_http())
    assert outcome.status == "failed"
    integration = db.session.get(UserIntegration, integration_id)
    assert integration.status == "needs_reauth"
    assert "old-refresh" not in (integration.last_error or "")


@responses.activate
def test_rotated_refresh_token_survives_crash(ctx, app, user):
    """The new pair is committed before it is used: a crash right after the refresh keeps it."""
    app.config.update(WHOOP_CLIENT_ID="cid", WHOOP_CLIENT_SECRET="csecret")
    integration_id = _connect(user, "whoop", {"access_token": "old-access", "refresh_token": "old-refresh",
                                              "expires_at": int(time.time()) - 10})
    responses.add(responses.POST, WHOOP_TOKEN, json={"access_token": "new-access", "refresh_token": "new-refresh",
                                                     "expires_in": 3600, "token_type": "bearer"})

    def crash(request):
        raise SystemExit("the process died mid-sync")

    responses.add_callback(responses.GET, "https://api.prod.whoop.com/developer/v2/user/measurement/body",
                           callback=crash)
    with pytest.raises(SystemExit):
        sync_integration(integration_id, since=SINCE, until=UNTIL, http=_http())
    db.session.expire_all()
    stored = read_credentials(db.session.get(UserIntegration, integration_id))
    assert (stored["access_token"], stored["refresh_token"]) == ("new-access", "new-refresh")
    assert "refresh_token=old-refresh" in responses.calls[0].request.body
    assert "scope=offline" in responses.calls[0].request.body


@responses.activate
def test_401_refreshes_once_and_retries(ctx, app, user):
    app.config.update(WHOOP_CLIENT_ID="cid", WHOOP_CLIENT_SECRET="csecret")
    integration_id = _connect(user, "whoop", {"access_token": "stale", "refresh_token": "r1",
                                              "expires_at": int(time.time()) + 3600})
    responses.add(responses.GET, "https://api.prod.whoop.com/developer/v2/user/measurement/body",
                  json={"message": "expired"}, status=401)
    responses.add(responses.POST, WHOOP_TOKEN, json={"access_token": "fresh", "refresh_token": "r2",
                                                     "expires_in": 3600})
    mock_whoop(responses, days_between(SINCE, UNTIL))
    outcome = sync_integration(integration_id, since=SINCE, until=UNTIL, http=_http())
    assert outcome.status == "ok", outcome.message
    assert _count(DailyMetric, metric="whoop.strain") == 7
    assert _count(Event, kind="cycle") == 7
    later = [c.request for c in responses.calls if "/v2/cycle" in c.request.url]
    assert later and all(r.headers["Authorization"] == "Bearer fresh" for r in later)


def test_window_rereads_overlap_before_cursor_and_backfills_first_time(ctx, app, user):
    integration = get_or_create_integration(user, "oura")
    today = local_today("UTC")
    first = sync_window(integration, "UTC", None, None)
    assert (first.start, first.end) == (today - timedelta(days=30 - 1), today)  # Oura's default lookback
    integration.cursor = today - timedelta(days=5)
    later = sync_window(integration, "UTC", None, None)
    assert later.start == today - timedelta(days=5 + app.config["ETL_OVERLAP_DAYS"])
    assert sync_window(integration, "UTC", SINCE, UNTIL) == type(later)(SINCE, UNTIL)


def test_first_sync_reads_the_sources_default_history_unless_the_installation_sets_one(ctx, app, user):
    sheet = get_or_create_integration(user, "sheets")
    window = sync_window(sheet, "UTC", None, None)
    assert (window.end - window.start).days + 1 == 365
    app.config["ETL_BACKFILL_DAYS"] = 7
    try:
        window = sync_window(sheet, "UTC", None, None)
    finally:
        app.config["ETL_BACKFILL_DAYS"] = None
    assert (window.end - window.start).days + 1 == 7


def test_an_integration_claimed_by_another_runner_is_skipped(ctx, user):
    integration_id = _connect(user, "oura", {"personal_access_token": "pat"},
                              claimed_by="other-host:1:1", claimed_until=utc_now() + timedelta(minutes=5))
    outcome = sync_integration(integration_id, since=SINCE, until=UNTIL, http=_http())
    assert outcome.status == "skipped" and "another runner" in outcome.message
    assert _count(SyncRun) == 0


def test_an_expired_claim_is_taken_over(ctx, user):
    integration_id = _connect(user, "oura", {"personal_access_token": "pat"},
                              claimed_by="crashed:1:1", claimed_until=utc_now() - timedelta(seconds=1))
    assert claim(integration_id, "me:2:2") is True
    assert claim(integration_id, "someone-else:3:3") is False


@responses.activate
def test_exhausted_shared_budget_defers_without_failing(ctx, user):
    integration_id = _connect(user, "whoop", {"access_token": "a", "refresh_token": "r",
                                              "expires_at": int(time.time()) + 3600}, cursor=date(2026, 10, 31))
    mock_whoop(responses, days_between(SINCE, UNTIL))
    budget = RateBudget(max_wait=0)
    manifest = get_source("whoop").manifest
    take = budget.for_integration("whoop", "WHOOP", manifest.rate_limits, integration_id)
    for _ in range(100):  # another user's sync used the whole minute
        take()
    outcome = sync_integration(integration_id, since=SINCE, until=UNTIL, budget=budget)
    assert outcome.status == "deferred" and not outcome.failed
    integration = db.session.get(UserIntegration, integration_id)
    assert integration.status == "connected" and integration.cursor == date(2026, 10, 31)
    assert db.session.execute(db.select(SyncRun.status)).scalar_one() == "deferred"
    assert len(responses.calls) == 0


@responses.activate
def test_dry_run_fetches_but_writes_nothing(ctx, user):
    integration_id = _connect(user, "oura", {"personal_access_token": "pat-1234567890"})
    mock_oura(responses, days_between(SINCE, UNTIL))
    outcome = sync_integration(integration_id, since=SINCE, until=UNTIL, dry_run=True, http=_http())
    assert outcome.status == "dry-run" and outcome.rows > 0
    assert _count(DailyMetric) == 0 and _count(SyncRun) == 0
    assert db.session.get(UserIntegration, integration_id).cursor is None


def test_demo_integrations_are_never_synced(ctx, user):
    from etl.batch_job import select_integrations

    demo_id = _connect(user, "whoop", {"demo": True}, settings={"demo": True})
    real_id = _connect(user, "oura", {"personal_access_token": "pat-1234567890"})
    assert select_integrations(None, None) == [real_id]
    outcome = sync_integration(demo_id, since=SINCE, until=UNTIL, http=_http())
    assert outcome.status == "skipped" and "demo data" in outcome.message
    assert _count(SyncRun) == 0


GOOGLE_TOKEN = "https://oauth2.googleapis.com/token"


@responses.activate
def test_google_fitbit_refresh_keeps_the_refresh_token_google_does_not_rotate(ctx, app, user):
    app.config.update(GOOGLE_CLIENT_ID="123-abc.apps.googleusercontent.com", GOOGLE_CLIENT_SECRET="GOCSPX-secret")
    integration_id = _connect(user, "fitbit", {"access_token": "ya29.old", "refresh_token": "1//google-refresh",
                                               "expires_at": int(time.time()) - 10}, settings={"adapter": "google"})
    responses.add(responses.POST, GOOGLE_TOKEN, json={"access_token": "ya29.new", "expires_in": 3599,
                                                      "token_type": "Bearer"})
    responses.add(responses.POST, re.compile(r"https://health\.googleapis\.com/.*"), json={"message": "down"},
                  status=503)
    sync_integration(integration_id, since=SINCE, until=SINCE, http=_http())
    stored = read_credentials(db.session.get(UserIntegration, integration_id))
    assert (stored["access_token"], stored["refresh_token"]) == ("ya29.new", "1//google-refresh")
    form = responses.calls[0].request.body
    assert "client_id=123-abc.apps.googleusercontent.com" in form and "refresh_token=1%2F%2Fgoogle-refresh" in form


@responses.activate
def test_dead_google_refresh_token_needs_reauthorisation(ctx, app, user):
    app.config.update(GOOGLE_CLIENT_ID="cid", GOOGLE_CLIENT_SECRET="sec")
    integration_id = _connect(user, "fitbit", {"access_token": "ya29.old", "refresh_token": "1//revoked",
                                               "expires_at": int(time.time()) - 10}, settings={"adapter": "google"})
    responses.add(responses.POST, GOOGLE_TOKEN, status=400,
                  json={"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
    outcome = sync_integration(integration_id, since=SINCE, until=SINCE, http=_http())
    integration = db.session.get(UserIntegration, integration_id)
    assert outcome.status == "failed" and integration.status == "needs_reauth"
    assert "expired or revoked" in integration.last_error
