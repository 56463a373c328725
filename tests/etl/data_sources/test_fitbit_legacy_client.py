"""The legacy adapter through python-fitbit, mocked with `responses` at https://api.fitbit.com."""
from __future__ import annotations

import base64
import re
import time
from datetime import date, timedelta

import fitbit
import pytest
import responses

from etl.data_sources.fitbit import SOURCE
from etl.data_sources.fitbit.legacy_client import RETIRED_MESSAGE
from etl.data_sources.http import AuthError, GoneError, ProviderError, RateLimited, TransientError
from tests.etl.data_sources.conftest_fitbit import (
    CONFIG,
    DAY1,
    DAY2,
    LEGACY_API,
    LEGACY_TOKEN_URL,
    legacy_fixture_payloads,
    legacy_intraday_url,
    load,
    make_ctx,
    register_legacy,
    register_legacy_summaries,
)

PROFILE_URL = f"{LEGACY_API}/1/user/-/profile.json"
STEPS_URL = f"{LEGACY_API}/1/user/-/activities/steps/date/{DAY1}/{DAY2}.json"
NEW_ACCESS = "eyJhbGciOiJIUzI1NiJ9.new-access"
RATE_HEADERS = {"Fitbit-Rate-Limit-Limit": "150", "Fitbit-Rate-Limit-Remaining": "0", "Fitbit-Rate-Limit-Reset": "1260"}


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@responses.activate
def test_expired_token_is_refreshed_stored_through_the_callback_then_the_request_retried():
    saved, calls_at_save = [], []
    responses.get(PROFILE_URL, status=401, json=load("legacy/expired_token.json"))
    responses.get(PROFILE_URL, json=load("legacy/profile.json"))
    responses.post(LEGACY_TOKEN_URL, json=load("legacy/token_refresh.json"))
    ctx = make_ctx("legacy")
    ctx.save_credentials = lambda creds: (saved.append(creds), calls_at_save.append(len(responses.calls)))

    assert SOURCE.test_connection(ctx) == "Connected to Fitbit's legacy API as Alex R."

    assert [(c["access_token"], c["refresh_token"], c["user_id"]) for c in saved] == [
        (NEW_ACCESS, "c0ffee-new-refresh", "7QX9RB")]
    assert calls_at_save == [2]  # stored right after the token call, before the retried request
    token_request = responses.calls[1].request
    assert "grant_type=refresh_token" in token_request.body and "refresh_token=c0ffee-old-refresh" in token_request.body
    assert token_request.headers["Authorization"] == basic("23ABCD", "fitbit-app-secret")
    assert responses.calls[2].request.headers["Authorization"] == f"Bearer {NEW_ACCESS}"
    assert ctx.credentials["refresh_token"] == "c0ffee-new-refresh"


@responses.activate
def test_token_past_its_expiry_is_refreshed_before_the_first_call():
    saved = []
    responses.post(LEGACY_TOKEN_URL, json=load("legacy/token_refresh.json"))
    responses.get(PROFILE_URL, json=load("legacy/profile.json"))
    expired = {**make_ctx("legacy").credentials, "expires_at": time.time() - 60}
    ctx = make_ctx("legacy", saved=saved, credentials=expired)

    SOURCE.test_connection(ctx)

    assert [call.request.method for call in responses.calls] == ["POST", "GET"]
    assert responses.calls[1].request.headers["Authorization"] == f"Bearer {NEW_ACCESS}"
    assert saved[0]["refresh_token"] == "c0ffee-new-refresh"


@responses.activate
def test_rotated_token_that_cannot_be_stored_stops_the_run_without_using_it():
    responses.get(PROFILE_URL, status=401, json=load("legacy/expired_token.json"))
    responses.get(PROFILE_URL, json=load("legacy/profile.json"))
    responses.post(LEGACY_TOKEN_URL, json=load("legacy/token_refresh.json"))
    ctx = make_ctx("legacy")

    def fail(creds):
        raise RuntimeError("database is locked")

    ctx.save_credentials = fail
    with pytest.raises(RuntimeError, match="database is locked"):
        SOURCE.test_connection(ctx)
    assert len(responses.calls) == 2  # no retry with the unsaved token


@responses.activate
def test_retired_api_answering_410_raises_gone_error_asking_to_reconnect_with_google():
    responses.get(STEPS_URL, status=410, json=load("legacy/gone.json"))
    with pytest.raises(GoneError) as caught:
        SOURCE.fetch(make_ctx("legacy"))
    assert str(caught.value) == RETIRED_MESSAGE
    assert (caught.value.kind, caught.value.status) == ("gone", 410)


@responses.activate
def test_deprecation_error_body_raises_gone_error():
    responses.get(STEPS_URL, status=400, json={"errors": [
        {"errorType": "request", "message": "This API is deprecated and no longer available."}], "success": False})
    with pytest.raises(GoneError, match="reconnect with Google"):
        SOURCE.fetch(make_ctx("legacy"))


@responses.activate
def test_retired_token_endpoint_raises_gone_error():
    responses.get(PROFILE_URL, status=401, json=load("legacy/expired_token.json"))
    responses.post(LEGACY_TOKEN_URL, status=410, body="Gone")
    with pytest.raises(GoneError, match="reconnect with Google"):
        SOURCE.test_connection(make_ctx("legacy"))


@responses.activate
def test_rate_limited_token_endpoint_is_a_rate_limit_not_an_auth_failure():
    responses.get(PROFILE_URL, status=401, json=load("legacy/expired_token.json"))
    responses.post(LEGACY_TOKEN_URL, status=429, json=load("legacy/rate_limited.json"), headers=RATE_HEADERS)
    with pytest.raises(RateLimited) as caught:
        SOURCE.test_connection(make_ctx("legacy"))
    assert caught.value.retry_after == 1260.0


@responses.activate
def test_rejected_refresh_token_needs_reauthorisation():
    responses.get(PROFILE_URL, status=401, json=load("legacy/expired_token.json"))
    responses.post(LEGACY_TOKEN_URL, status=400, json={"errors": [
        {"errorType": "invalid_grant", "message": "Refresh token invalid: c0ffee-old-refresh."}], "success": False})
    with pytest.raises(AuthError, match="invalid_grant") as caught:
        SOURCE.test_connection(make_ctx("legacy"))
    assert caught.value.kind == "auth"
    assert "c0ffee" not in str(caught.value)


@responses.activate
def test_invalid_access_token_is_an_auth_error_without_a_refresh():
    invalid = {"errors": [{"errorType": "invalid_token", "message": "Access token invalid"}]}
    responses.get(PROFILE_URL, status=401, json=invalid)
    with pytest.raises(AuthError) as caught:
        SOURCE.test_connection(make_ctx("legacy"))
    assert caught.value.status == 401
    assert len(responses.calls) == 1


@responses.activate
def test_server_error_is_retried():
    responses.get(PROFILE_URL, status=503, body="Service Unavailable")
    responses.get(PROFILE_URL, json=load("legacy/profile.json"))
    assert SOURCE.test_connection(make_ctx("legacy")).endswith("Alex R.")
    assert len(responses.calls) == 2


@responses.activate
def test_server_errors_outlasting_the_retries_raise_transient_error():
    responses.get(PROFILE_URL, status=502, body="Bad Gateway")
    with pytest.raises(TransientError):
        SOURCE.test_connection(make_ctx("legacy"))
    assert len(responses.calls) == 5  # HttpClient's max_retries (4) + 1


def test_rate_limit_mid_backfill_keeps_rows_and_the_next_run_resumes_where_it_stopped():
    payloads, day3 = legacy_fixture_payloads(), DAY2 + timedelta(days=1)
    with responses.RequestsMock() as rsps:
        register_legacy_summaries(rsps, payloads, DAY1, day3)
        rsps.get(legacy_intraday_url(DAY1), json=payloads["intraday"][DAY1])
        rsps.get(legacy_intraday_url(DAY2), status=429, json=load("legacy/rate_limited.json"), headers=RATE_HEADERS)
        first = SOURCE.fetch(make_ctx("legacy", DAY1, day3))
        assert len(rsps.calls) == 12  # 10 summary calls, 2 intraday calls, no retry of the 429
    assert first.complete_through == DAY1
    assert len(first.daily) == 31 and len(first.events) == 2  # every daily summary was fetched before intraday
    assert {r["ts"].date() for r in first.intraday} == {DAY1, DAY2}  # day 1 in local time runs to 03:59 UTC
    assert "resets in 1260 s" in first.notes[0] and f"after {DAY1} resumes next run" in first.notes[0]

    with responses.RequestsMock() as rsps:
        register_legacy(rsps, {**payloads, "intraday": {}}, DAY2, day3)
        second = SOURCE.fetch(make_ctx("legacy", DAY2, day3))
    assert second.complete_through is None
    assert second.notes == []


@responses.activate
def test_intraday_refused_with_403_is_noted_once_and_the_summaries_are_kept():
    payloads = legacy_fixture_payloads()
    register_legacy_summaries(responses, payloads, DAY1, DAY2)
    responses.get(legacy_intraday_url(DAY1), status=403, json={"errors": [
        {"errorType": "insufficient_permissions", "message": "Intraday data requires a Personal app"}]})
    rows = SOURCE.fetch(make_ctx("legacy"))
    assert rows.complete_through is None
    assert rows.intraday == [] and len(rows.daily) == 31
    assert rows.notes == ["Fitbit refused intraday heart rate (403): this app has no intraday access"]
    assert len(responses.calls) == 11  # 10 summary calls, then one intraday call


@responses.activate
def test_long_window_is_fetched_in_chunks_within_the_range_limits():
    start, end = date(2026, 9, 6), date(2026, 10, 20)  # 45 days
    empty = {}
    for resource in ("steps", "distance", "calories", "floors", "minutesFairlyActive", "minutesVeryActive",
                     "active-zone-minutes", "heart"):
        responses.get(f"{LEGACY_API}/1/user/-/activities/{resource}/date/{start}/{end}.json", json=empty)
    responses.get(f"{LEGACY_API}/1.2/user/-/sleep/date/{start}/{end}.json", json={"sleep": []})
    responses.get(f"{LEGACY_API}/1/user/-/body/log/weight/date/{start}/2026-10-06.json", json={"weight": []})
    responses.get(f"{LEGACY_API}/1/user/-/body/log/weight/date/2026-10-07/{end}.json", json={"weight": []})
    responses.get(re.compile(rf"{LEGACY_API}/1/user/-/activities/heart/date/[-0-9]+/1d/1min\.json"), json={})
    rows = SOURCE.fetch(make_ctx("legacy", start, end))
    assert rows.complete_through is None
    assert len(responses.calls) == 8 + 1 + 2 + 45


@responses.activate
def test_configured_hosts_are_used_for_this_client_only():
    api, token_url = "https://fitbit.stand-in.test", "https://auth.stand-in.test/oauth2/token"
    responses.get(f"{api}/1/user/-/profile.json", status=401, json=load("legacy/expired_token.json"))
    responses.get(f"{api}/1/user/-/profile.json", json=load("legacy/profile.json"))
    responses.post(token_url, json=load("legacy/token_refresh.json"))
    ctx = make_ctx("legacy", config={**CONFIG, "FITBIT_API_BASE_URL": api, "FITBIT_TOKEN_URL": token_url})
    assert SOURCE.test_connection(ctx).endswith("Alex R.")
    assert fitbit.Fitbit.API_ENDPOINT == "https://api.fitbit.com"
    assert fitbit.api.FitbitOauth2Client.refresh_token_url == LEGACY_TOKEN_URL


@responses.activate
def test_account_id_is_the_token_user_id_or_the_profile_encoded_id():
    assert SOURCE.account_id(make_ctx("legacy")) == "7QX9RB"
    responses.get(PROFILE_URL, json=load("legacy/profile.json"))
    ctx = make_ctx("legacy", credentials={"access_token": "a", "refresh_token": "r"})
    assert SOURCE.account_id(ctx) == "7QX9RB"
    assert len(responses.calls) == 1


def test_missing_fitbit_app_credentials_are_reported():
    with pytest.raises(ProviderError, match="FITBIT_CLIENT_ID and FITBIT_CLIENT_SECRET must be set"):
        SOURCE.fetch(make_ctx("legacy", config={}))
