"""Who may call the API: personal tokens (Bearer), the session cookie (+ CSRF for writes), nobody else."""
from __future__ import annotations

from datetime import date

import pytest

from app.blueprints.api.openapi import DOCUMENT
from app.extensions import db
from database.models import ApiToken, DailyMetric, User
from tests.api.conftest import bearer, new_token, session_csrf, store_daily
from tests.conftest import login

ENTRY = {"metric": "mood", "day": "2026-01-02", "value": 4}


def test_a_request_without_credentials_is_refused_with_401_and_a_bearer_challenge(client, user):
    response = client.get("/api/v1/metrics")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.get_json()["error"]["code"] == 401
    assert "Authorization: Bearer" in response.get_json()["error"]["message"]


def test_a_personal_token_reads_the_users_own_data(app, client, user, token):
    store_daily(app, user, "fitbit.steps", {date(2026, 1, 1): 4321.0})
    response = client.get("/api/v1/metrics/fitbit.steps/series?start=2026-01-01&end=2026-01-01",
                          headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json()["points"] == [{"day": "2026-01-01", "value": 4321.0}]


def test_tokens_are_stored_only_as_a_sha256_hash(app, user, token):
    with app.app_context():
        row = db.session.execute(db.select(ApiToken)).scalar_one()
        assert token.startswith("phd_") and len(token) > 40
        assert row.token_hash != token and len(row.token_hash) == 64 and token not in row.hint
        assert row.hint == f"phd_…{token[-4:]}"


def test_malformed_authorization_header_is_401(client, user, token):
    for header in (f"Token {token}", "Bearer", "Bearer ", f"Basic {token}"):
        response = client.get("/api/v1/metrics", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.get_json()["error"]["message"] in ("Authorization must be 'Bearer <token>'",
                                                           "the API token is unknown or revoked")


def test_an_unknown_token_is_401(client, user):
    response = client.get("/api/v1/metrics", headers=bearer("phd_" + "x" * 43))
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == "the API token is unknown or revoked"


def test_a_revoked_token_is_refused(app, client, user, token):
    assert client.get("/api/v1/metrics", headers=bearer(token)).status_code == 200
    with app.app_context():
        db.session.execute(db.delete(ApiToken))
        db.session.commit()
    response = client.get("/api/v1/metrics", headers=bearer(token))
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == "the API token is unknown or revoked"


def test_a_deactivated_users_token_stops_working(app, client, user, token):
    with app.app_context():
        db.session.get(User, user).active = False
        db.session.commit()
    assert client.get("/api/v1/metrics", headers=bearer(token)).status_code == 401


def test_using_a_token_records_when_it_was_last_used(app, client, user, token):
    client.get("/api/v1/metrics", headers=bearer(token))
    with app.app_context():
        assert db.session.execute(db.select(ApiToken.last_used_at)).scalar_one() is not None


def test_the_session_cookie_works_for_reads(app, logged_in, user):
    store_daily(app, user, "fitbit.steps", {date(2026, 1, 1): 10.0})
    response = logged_in.get("/api/v1/metrics")
    assert response.status_code == 200
    assert [m["key"] for m in response.get_json()["metrics"]] == ["fitbit.steps"]


def test_session_writes_without_the_csrf_header_are_403(logged_in):
    response = logged_in.post("/api/v1/entries", json=ENTRY)
    assert response.status_code == 403
    assert "X-CSRFToken" in response.get_json()["error"]["message"]
    assert logged_in.post("/api/v1/entries", json=ENTRY, headers={"X-CSRFToken": "forged"}).status_code == 403


def test_session_writes_with_the_pages_csrf_token_succeed(logged_in):
    response = logged_in.post("/api/v1/entries", json=ENTRY, headers={"X-CSRFToken": session_csrf(logged_in)})
    assert response.status_code == 201
    assert response.get_json()["entry"]["metric"] == "manual.mood"


def test_token_writes_need_no_csrf_token(client, user, token):
    response = client.post("/api/v1/entries", json=ENTRY, headers=bearer(token))
    assert response.status_code == 201


def test_an_explicit_token_wins_over_the_session_cookie(app, client, user, bob):
    bob_token = new_token(app, bob)
    store_daily(app, bob, "manual.weight", {date(2026, 1, 1): 80.0})
    store_daily(app, user, "manual.mood", {date(2026, 1, 1): 3.0})
    login(client)  # signed in as alice, but the token is bob's
    keys = [m["key"] for m in client.get("/api/v1/metrics", headers=bearer(bob_token)).get_json()["metrics"]]
    assert keys == ["manual.weight"]
    assert client.get("/api/v1/metrics", headers=bearer("phd_revoked")).status_code == 401


def test_the_openapi_document_is_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.")


def _operations() -> list[tuple[str, str]]:
    """(method, concrete URL) for every documented operation that needs credentials."""
    sample = {"key": "manual.mood", "entry_id": "1", "source": "oura", "job_id": "some-job"}
    return [(method.upper(), "/api/v1" + path.format(**sample))
            for path, operations in DOCUMENT["paths"].items() for method, operation in operations.items()
            if operation.get("security") != []]


@pytest.mark.parametrize("method, url", _operations())
def test_every_endpoint_refuses_anonymous_and_revoked_token_calls(app, client, user, method, url):
    token = new_token(app, user)
    with app.app_context():
        db.session.execute(db.delete(ApiToken))
        db.session.commit()
    for headers in ({}, bearer(token)):
        response = client.open(url, method=method, headers=headers, json={} if method == "POST" else None)
        assert response.status_code == 401, (url, headers)
        assert response.get_json()["error"]["code"] == 401


def test_session_deletes_need_the_csrf_header_too(app, logged_in, user):
    store_daily(app, user, "manual.mood", {date(2026, 1, 1): 3.0})
    with app.app_context():
        entry_id = db.session.execute(db.select(DailyMetric.id)).scalar_one()
    assert logged_in.delete(f"/api/v1/entries/{entry_id}").status_code == 403
    response = logged_in.delete(f"/api/v1/entries/{entry_id}", headers={"X-CSRFToken": session_csrf(logged_in)})
    assert response.status_code == 204
