"""The Google Health adapter, mocked with `responses` at https://health.googleapis.com."""
from __future__ import annotations

from datetime import timedelta

import pytest
import responses
from responses import matchers

from etl.data_sources.fitbit import SOURCE
from etl.data_sources.fitbit import google_client as gc
from etl.data_sources.http import AuthError, ProviderError
from tests.etl.data_sources.conftest_fitbit import (
    DAY1,
    DAY2,
    GOOGLE_USER,
    google_fixture_payloads,
    google_heart_rate_url,
    google_list_url,
    heart_rate_request,
    load,
    make_ctx,
    register_google,
    register_google_summaries,
    sleep_filter,
)

IDENTITY_URL = f"{GOOGLE_USER}/identity"
STEPS_ROLLUP_URL = f"{GOOGLE_USER}/dataTypes/steps/dataPoints:dailyRollUp"


@responses.activate
def test_sleep_list_follows_the_next_page_token_across_two_pages():
    query = {"filter": sleep_filter(DAY1, DAY2), "pageSize": "25"}
    responses.get(google_list_url("sleep"), json=load("google/sleep_page1.json"),
                  match=[matchers.query_param_matcher(query)])
    responses.get(google_list_url("sleep"), json=load("google/sleep_page2.json"),
                  match=[matchers.query_param_matcher({**query, "pageToken": "CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA"})])
    client = gc.GoogleHealthClient(make_ctx("google"))
    points = client.data_points("sleep", sleep_filter(DAY1, DAY2), 25)
    assert [p["name"].rsplit("/", 1)[1] for p in points] == ["7c0e55a1", "7c0e55a2", "7c0e55a3"]
    assert len(responses.calls) == 2
    assert responses.calls[0].request.headers["Authorization"] == "Bearer ya29.old-access"


@responses.activate
def test_repeating_page_token_is_a_bad_payload_not_an_endless_loop():
    responses.get(google_list_url("weight"), json={"dataPoints": [], "nextPageToken": "same"})
    with pytest.raises(gc.BadPayload, match="nextPageToken repeats"):
        gc.GoogleHealthClient(make_ctx("google")).data_points("weight", "x")


@responses.activate
def test_daily_rollup_asks_for_closed_open_civil_days():
    body = {"range": {"start": {"date": {"year": 2026, "month": 10, "day": 20}},
                      "end": {"date": {"year": 2026, "month": 10, "day": 22}}}, "windowSizeDays": 1}
    responses.post(STEPS_ROLLUP_URL, json=load("google/rollup_steps.json"), match=[matchers.json_params_matcher(body)])
    points = gc.GoogleHealthClient(make_ctx("google")).daily_rollup("steps", DAY1, DAY2)
    assert [p["steps"].get("countSum") for p in points] == ["8931", None]


@responses.activate
def test_full_fetch_writes_every_metric_event_and_minute():
    register_google(responses, google_fixture_payloads(), DAY1, DAY2)
    rows = SOURCE.fetch(make_ctx("google"))
    assert rows.complete_through is None
    assert len(rows.daily) == 31 and len(rows.intraday) == 5
    assert sorted(e["external_id"] for e in rows.events) == ["sleep:2026-10-19T23:10", "sleep:2026-10-20T14:05"]
    assert rows.skipped == 1  # the sleep still being processed
    # rollups, resting heart rate, two sleep pages, weight/body fat/height, two days of minutes
    assert len(responses.calls) == 7 + 1 + 2 + 3 + 2


def test_quota_exhausted_mid_backfill_stops_cleanly_and_the_next_run_resumes():
    payloads = google_fixture_payloads()
    with responses.RequestsMock() as rsps:
        register_google_summaries(rsps, payloads, DAY1, DAY2)
        rsps.post(google_heart_rate_url(), json=payloads["heart-rate"][DAY1],
                  match=[matchers.json_params_matcher(heart_rate_request(DAY1))])
        rsps.post(google_heart_rate_url(), status=429, json=load("google/quota_exceeded.json"),
                  match=[matchers.json_params_matcher(heart_rate_request(DAY2))])
        first = SOURCE.fetch(make_ctx("google"))
    assert first.complete_through == DAY1
    assert len(first.daily) == 31 and len(first.intraday) == 5
    assert first.notes == [f"Google Health quota reached (429 RESOURCE_EXHAUSTED): kept all fetched data; "
                           f"after {DAY1} resumes next run"]

    with responses.RequestsMock() as rsps:
        register_google(rsps, {**payloads, "heart-rate": {}}, DAY2, DAY2)
        second = SOURCE.fetch(make_ctx("google", DAY2, DAY2))
    assert second.complete_through is None and second.notes == []


@responses.activate
def test_quota_exhausted_during_the_summaries_keeps_them_but_completes_no_day():
    responses.post(STEPS_ROLLUP_URL, json=load("google/rollup_steps.json"))
    responses.post(f"{GOOGLE_USER}/dataTypes/distance/dataPoints:dailyRollUp", status=429,
                   json=load("google/quota_exceeded.json"))
    rows = SOURCE.fetch(make_ctx("google"))
    assert rows.complete_through == DAY1 - timedelta(days=1)
    assert {r["metric"] for r in rows.daily} == {"fitbit.steps"}


@responses.activate
def test_expired_access_token_is_refreshed_once_through_the_context_for_get_and_post():
    refreshed = []

    def refresh():
        refreshed.append(True)
        return {"access_token": "ya29.new-access", "refresh_token": "1//0g-google-refresh"}

    expired = {"error": {"code": 401, "message": "INVALID_AUTHENTICATOR: Token expired", "status": "UNAUTHENTICATED"}}
    responses.get(IDENTITY_URL, status=401, json=expired)
    responses.get(IDENTITY_URL, json=load("google/identity.json"))
    responses.post(STEPS_ROLLUP_URL, status=401, json={"error": {"code": 401, "status": "UNAUTHENTICATED"}})
    responses.post(STEPS_ROLLUP_URL, json=load("google/rollup_steps.json"))
    ctx = make_ctx("google", refresh=refresh)
    assert SOURCE.test_connection(ctx) == "Connected to Google Health as user Ahp4xQ2b-9f"
    ctx.credentials = {"access_token": "ya29.stale", "refresh_token": "1//0g-google-refresh"}
    assert len(gc.GoogleHealthClient(ctx).daily_rollup("steps", DAY1, DAY2)) == 2
    assert len(refreshed) == 2
    assert [c.request.headers["Authorization"] for c in responses.calls] == [
        "Bearer ya29.old-access", "Bearer ya29.new-access", "Bearer ya29.stale", "Bearer ya29.new-access"]


@responses.activate
def test_missing_scope_is_an_auth_error_without_a_refresh():
    denied = {"error": {"code": 403, "status": "PERMISSION_DENIED",
                        "message": "Request had insufficient authentication scopes."}}
    responses.get(IDENTITY_URL, status=403, json=denied)
    with pytest.raises(AuthError) as caught:
        SOURCE.test_connection(make_ctx("google", refresh=lambda: pytest.fail("no refresh on 403")))
    assert caught.value.status == 403


@responses.activate
def test_height_that_may_not_be_read_leaves_weights_without_bmi():
    register_google(responses, google_fixture_payloads(), DAY1, DAY2)
    responses.replace(responses.GET, google_list_url("height"), status=403,
                      json={"error": {"code": 403, "status": "PERMISSION_DENIED"}})
    rows = SOURCE.fetch(make_ctx("google"))
    metrics = {r["metric"] for r in rows.daily}
    assert "fitbit.weight_kg" in metrics and "fitbit.bmi" not in metrics


@responses.activate
def test_account_id_prefers_the_old_fitbit_id_so_a_legacy_user_reconnects_as_the_same_account():
    responses.get(IDENTITY_URL, json=load("google/identity.json"))
    assert SOURCE.account_id(make_ctx("google")) == "7QX9RB"
    without_legacy_id = {"name": "users/Ahp4xQ2b/identity", "healthUserId": "Ahp4xQ2b-9f"}
    responses.replace(responses.GET, IDENTITY_URL, json=without_legacy_id)
    assert SOURCE.account_id(make_ctx("google")) == "Ahp4xQ2b-9f"


@responses.activate
def test_google_is_the_default_adapter_and_an_unknown_one_is_refused():
    responses.get(IDENTITY_URL, json=load("google/identity.json"))
    ctx = make_ctx("google")
    ctx.settings = {}
    assert SOURCE.test_connection(ctx).startswith("Connected to Google Health")
    ctx.settings = {"adapter": "fitbit-v2"}
    with pytest.raises(ProviderError, match="unknown Fitbit adapter 'fitbit-v2'"):
        SOURCE.fetch(ctx)


@responses.activate
def test_configured_api_url_is_used():
    responses.get("https://health.stand-in.test/v4/users/me/identity", json=load("google/identity.json"))
    ctx = make_ctx("google", config={"GOOGLE_HEALTH_API_URL": "https://health.stand-in.test/"})
    assert SOURCE.account_id(ctx) == "7QX9RB"


def test_oauth_constants_for_the_connect_flow():
    assert gc.GOOGLE_AUTHORIZE_URL == "https://accounts.google.com/o/oauth2/v2/auth"
    assert gc.GOOGLE_TOKEN_URL == "https://oauth2.googleapis.com/token"
    assert gc.GOOGLE_HEALTH_SCOPES == (
        "https://www.googleapis.com/auth/googlehealth.activity_and_fitness.readonly",
        "https://www.googleapis.com/auth/googlehealth.health_metrics_and_measurements.readonly",
        "https://www.googleapis.com/auth/googlehealth.sleep.readonly",
    )
    assert gc.GOOGLE_AUTHORIZE_PARAMS["access_type"] == "offline"
