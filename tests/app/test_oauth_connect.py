"""Connecting an OAuth source through the browser flow (WHOOP and Oura), with the provider mocked at its real URLs."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from sqlalchemy import text

from app.extensions import db
from database.integrations import read_credentials
from database.models import AuditLog, UserIntegration
from tests.conftest import csrf_from

WHOOP_AUTH = "https://api.prod.whoop.com/oauth/oauth2/auth"
WHOOP_TOKEN = "https://api.prod.whoop.com/oauth/oauth2/token"
WHOOP_PROFILE = "https://api.prod.whoop.com/developer/v2/user/profile/basic"


@pytest.fixture
def whoop_client(app):
    app.config.update(WHOOP_CLIENT_ID="whoop-cid", WHOOP_CLIENT_SECRET="whoop-csecret")
    yield
    app.config.update(WHOOP_CLIENT_ID="", WHOOP_CLIENT_SECRET="")


def _start(client, source="whoop"):
    token = csrf_from(client.get("/integrations/").data)
    response = client.post(f"/{source}/connect", data={"csrf_token": token})
    assert response.status_code == 302
    return response.headers["Location"]


def _mock_exchange(user_id=10129, access="acc-1", refresh="ref-1"):
    responses.add(responses.POST, WHOOP_TOKEN, json={"access_token": access, "refresh_token": refresh,
                                                     "expires_in": 3600, "token_type": "bearer",
                                                     "scope": "offline read:cycles"})
    responses.add(responses.GET, WHOOP_PROFILE, json={"user_id": user_id, "email": "w@example.com",
                                                      "first_name": "W", "last_name": "H"})


def _row(app, user_id):
    with app.app_context():
        row = db.session.execute(db.select(UserIntegration).filter_by(user_id=user_id, source="whoop")).scalar()
        if row is not None:
            db.session.expunge(row)
        return row


def test_connect_button_sends_the_user_to_whoop_with_state_and_scopes(logged_in, whoop_client):
    location = _start(logged_in)
    assert location.startswith(WHOOP_AUTH + "?")
    query = parse_qs(urlsplit(location).query)
    assert query["client_id"] == ["whoop-cid"]
    assert query["redirect_uri"] == ["http://localhost/whoop/callback"]
    assert "offline" in query["scope"][0].split() and "read:recovery" in query["scope"][0].split()
    assert len(query["state"][0]) >= 8


def test_unconfigured_source_explains_instead_of_a_broken_button(logged_in):
    html = logged_in.get("/integrations/").data.decode()
    assert "needs the server administrator to set <code>WHOOP_CLIENT_ID</code>" in html
    token = csrf_from(html)
    response = logged_in.post("/whoop/connect", data={"csrf_token": token}, follow_redirects=True)
    assert b"WHOOP is not configured on this server" in response.data


@responses.activate
def test_callback_stores_tokens_encrypted_and_marks_connected(app, logged_in, user, whoop_client):
    state = parse_qs(urlsplit(_start(logged_in)).query)["state"][0]
    _mock_exchange()
    response = logged_in.get(f"/whoop/callback?code=auth-code-1&state={state}")
    assert response.status_code == 302
    row = _row(app, user)
    assert row.status == "connected" and row.account_id == "10129"
    assert "acc-1" not in row.credentials and "ref-1" not in row.credentials
    with app.app_context():
        creds = read_credentials(row)
        raw = db.session.execute(text("SELECT credentials FROM user_integrations")).scalar_one()
        assert "ref-1" not in raw
        assert db.session.execute(db.select(AuditLog.detail).filter_by(event="integration_connect")).scalar()
    assert creds["refresh_token"] == "ref-1" and creds["expires_at"] > 0
    body = parse_qs(responses.calls[0].request.body)
    assert body["grant_type"] == ["authorization_code"] and body["code"] == ["auth-code-1"]
    assert body["redirect_uri"] == ["http://localhost/whoop/callback"]


@responses.activate
def test_state_mismatch_is_refused_and_nothing_is_stored(app, logged_in, user, whoop_client):
    _start(logged_in)
    _mock_exchange()
    response = logged_in.get("/whoop/callback?code=auth-code-1&state=forged-state-value")
    assert response.status_code == 400
    assert b"could not be verified" in response.data
    assert _row(app, user) is None
    assert len(responses.calls) == 0


def test_callback_without_a_started_flow_is_refused(app, logged_in, user, whoop_client):
    response = logged_in.get("/whoop/callback?code=x&state=anything-at-all")
    assert response.status_code == 400 and _row(app, user) is None


def test_user_denying_access_sees_a_clear_page(app, logged_in, user, whoop_client):
    _start(logged_in)
    response = logged_in.get("/whoop/callback?error=access_denied&error_description=The+user+denied")
    assert response.status_code == 400
    assert b"WHOOP did not grant access (The user denied)" in response.data
    assert _row(app, user) is None


@responses.activate
def test_failed_token_exchange_stores_nothing(app, logged_in, user, whoop_client):
    state = parse_qs(urlsplit(_start(logged_in)).query)["state"][0]
    responses.add(responses.POST, WHOOP_TOKEN, json={"error": "invalid_grant",
                                                     "error_description": "code expired"}, status=400)
    response = logged_in.get(f"/whoop/callback?code=old&state={state}")
    assert response.status_code == 400
    assert b"Connecting WHOOP failed" in response.data and b"code expired" in response.data
    assert _row(app, user) is None


@responses.activate
def test_reconnecting_with_a_different_account_is_refused(app, logged_in, user, whoop_client):
    state = parse_qs(urlsplit(_start(logged_in)).query)["state"][0]
    _mock_exchange(user_id=10129, access="acc-1", refresh="ref-1")
    logged_in.get(f"/whoop/callback?code=c1&state={state}")
    state = parse_qs(urlsplit(_start(logged_in)).query)["state"][0]
    _mock_exchange(user_id=55555, access="acc-other", refresh="ref-other")
    response = logged_in.get(f"/whoop/callback?code=c2&state={state}")
    assert response.status_code == 400
    assert b"different WHOOP account" in response.data
    with app.app_context():
        assert read_credentials(_row(app, user))["access_token"] == "acc-1"


@responses.activate
def test_reconnecting_the_same_account_replaces_the_tokens(app, logged_in, user, whoop_client):
    for n in (1, 2):
        state = parse_qs(urlsplit(_start(logged_in)).query)["state"][0]
        _mock_exchange(user_id=10129, access=f"acc-{n}", refresh=f"ref-{n}")
        assert logged_in.get(f"/whoop/callback?code=c{n}&state={state}").status_code == 302
    with app.app_context():
        assert read_credentials(_row(app, user))["refresh_token"] == "ref-2"


def test_oura_connect_uses_the_configured_authorize_url(app, logged_in):
    app.config.update(OURA_CLIENT_ID="o-cid", OURA_CLIENT_SECRET="o-sec",
                      OURA_AUTHORIZE_URL="http://127.0.0.1:9/oauth/authorize")
    try:
        location = _start(logged_in, "oura")
    finally:
        app.config.update(OURA_CLIENT_ID="", OURA_CLIENT_SECRET="", OURA_AUTHORIZE_URL="")
    assert location.startswith("http://127.0.0.1:9/oauth/authorize?")
    assert "daily" in parse_qs(urlsplit(location).query)["scope"][0].split()
