"""Fitbit both ways in: connect with Google Health, move a legacy connection, the retired-API state."""
from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from app.extensions import db
from database.integrations import get_or_create_integration, read_credentials, store_credentials
from database.models import AuditLog, DailyMetric, Event, IntradaySample, UserIntegration
from etl.sync import sync_integration
from tests.conftest import csrf_from, login, make_user
from tests.etl.data_sources.conftest_fitbit import GOOGLE_USER, TZ, register_google, register_legacy
from tests.etl.data_sources.test_fitbit_transform_parity import DAY, google_payloads, legacy_payloads

GOOGLE_AUTH = "https://accounts.google.com/o/oauth2/v2/auth"
GOOGLE_TOKEN = "https://oauth2.googleapis.com/token"
LEGACY = {"access_token": "legacy-access-token", "refresh_token": "legacy-refresh-token",
          "expires_at": int(time.time()) + 8 * 3600, "user_id": "ABC123"}


@pytest.fixture
def fitbit_user(app):
    app.config.update(GOOGLE_CLIENT_ID="g-cid", GOOGLE_CLIENT_SECRET="g-sec",
                      FITBIT_CLIENT_ID="23ABCD", FITBIT_CLIENT_SECRET="fitbit-app-secret")
    user_id = make_user(app, email="fit@example.com", timezone=TZ)
    yield user_id
    app.config.update(GOOGLE_CLIENT_ID="", GOOGLE_CLIENT_SECRET="", FITBIT_CLIENT_ID="", FITBIT_CLIENT_SECRET="")


def _legacy_integration(app, user_id) -> int:
    with app.app_context():
        integration = get_or_create_integration(user_id, "fitbit")
        store_credentials(integration, dict(LEGACY))
        integration.settings, integration.account_id = {"adapter": "legacy"}, "ABC123"
        db.session.commit()
        return integration.id


def _counts(app, user_id):
    with app.app_context():
        return tuple(db.session.scalar(db.select(db.func.count()).select_from(model).filter_by(user_id=user_id))
                     for model in (DailyMetric, IntradaySample, Event))


def _move_to_google(client):
    token = csrf_from(client.get("/integrations/").data)
    location = client.post("/fitbit/connect", data={"csrf_token": token, "adapter": "google"}).headers["Location"]
    assert location.startswith(GOOGLE_AUTH)
    query = parse_qs(urlsplit(location).query)
    assert query["access_type"] == ["offline"] and query["code_challenge_method"] == ["S256"]
    assert all(scope.startswith("https://www.googleapis.com/auth/googlehealth.") for scope in query["scope"][0].split())
    responses.add(responses.POST, GOOGLE_TOKEN, json={"access_token": "ya29.new", "refresh_token": "1//new",
                                                      "expires_in": 3599, "token_type": "Bearer"})
    responses.add(responses.GET, f"{GOOGLE_USER}/identity",
                  json={"name": "users/me/identity", "healthUserId": "h-42", "legacyUserId": "ABC123"})
    return client.get(f"/fitbit/callback?code=google-code&state={query['state'][0]}")


@responses.activate
def test_moving_a_legacy_connection_to_google_keeps_history_without_duplicates(app, client, fitbit_user):
    integration_id = _legacy_integration(app, fitbit_user)
    register_legacy(responses, legacy_payloads(), DAY, DAY)
    with app.app_context():
        assert sync_integration(integration_id, since=DAY, until=DAY).status == "ok"
    before = _counts(app, fitbit_user)
    assert before[1] == 1440 and before[2] == 1

    login(client, "fit@example.com")
    assert b"Move to Google Health" in client.get("/integrations/").data
    assert _move_to_google(client).status_code == 302

    with app.app_context():
        row = db.session.get(UserIntegration, integration_id)
        creds = read_credentials(row)
        assert creds["access_token"] == "ya29.new" and "legacy-refresh-token" not in creds.values()
        assert row.settings["adapter"] == "google" and row.status == "connected"
        assert "moved" in db.session.execute(db.select(AuditLog.detail).filter_by(event="integration_connect")).scalar()
        values_before = dict(db.session.execute(db.select(DailyMetric.metric, DailyMetric.value)
                                                .filter_by(dimension="")).all())
    register_google(responses, google_payloads(), DAY, DAY)
    with app.app_context():
        assert sync_integration(integration_id, since=DAY, until=DAY).status == "ok"
        values_after = dict(db.session.execute(db.select(DailyMetric.metric, DailyMetric.value)
                                               .filter_by(dimension="")).all())
    assert _counts(app, fitbit_user) == before
    assert values_after == values_before
    assert "Connected through: <strong>Google Health API" in client.get("/integrations/").data.decode()


@responses.activate
def test_retired_legacy_api_shows_the_reconnect_with_google_state(app, client, fitbit_user):
    integration_id = _legacy_integration(app, fitbit_user)
    responses.add(responses.GET, "https://api.fitbit.com/1/user/-/activities/steps/date/2026-10-20/2026-10-20.json",
                  json={"errors": [{"errorType": "gone", "message": "This API has been retired"}]}, status=410)
    with app.app_context():
        outcome = sync_integration(integration_id, since=DAY, until=DAY)
        row = db.session.get(UserIntegration, integration_id)
        assert outcome.status == "failed" and row.status == "error"
        assert "retired" in row.last_error and "reconnect with Google" in row.last_error
    login(client, "fit@example.com")
    html = client.get("/integrations/").data.decode()
    assert "Fitbit&#39;s old API has been retired" in html or "Fitbit's old API has been retired" in html
    assert "Move to Google Health" in html


def test_both_ways_in_are_offered_to_a_new_user(app, client, fitbit_user):
    login(client, "fit@example.com")
    html = client.get("/integrations/").data.decode()
    assert "Connect with Google Health" in html and "Connect with Fitbit&#39;s old Web API" in html
