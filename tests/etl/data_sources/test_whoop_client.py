"""WHOOP v2 client and source: HTTP mocked at the real API URLs."""
import json
from datetime import date
from pathlib import Path

import pytest
import responses
from responses import matchers

from etl.data_sources.base import SyncContext, Window
from etl.data_sources.http import AuthError, BadPayload, HttpClient, RateLimited
from etl.data_sources.whoop import SOURCE
from etl.data_sources.whoop.client import WhoopClient

API = "https://api.prod.whoop.com/developer"
FIXTURES = Path(__file__).parent / "fixtures" / "whoop"
WEEK = Window(date(2026, 11, 1), date(2026, 11, 7))
PADDED = {"start": "2026-10-31T00:00:00.000Z", "end": "2026-11-09T00:00:00.000Z", "limit": "25"}


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


def make_ctx(window=WEEK, config=None, refresh=None, sleeps=None, max_retries=4):
    """A sync context whose HTTP client records its waits instead of sleeping."""
    http = HttpClient(sleep=(sleeps if sleeps is not None else []).append, max_retries=max_retries)
    return SyncContext(credentials={"access_token": "tok-1", "refresh_token": "ref-1"}, settings={},
                       window=window, http=http, config=config or {}, refresh=refresh)


def mock_week(rsps, params=PADDED):
    """Every WHOOP endpoint a fetch of WEEK reads, answering with the fixtures."""
    rsps.get(f"{API}/v2/user/measurement/body", json=fixture("body.json"))
    rsps.get(f"{API}/v2/cycle", json=fixture("cycle_page1.json"), match=[matchers.query_param_matcher(params)])
    rsps.get(f"{API}/v2/cycle", json=fixture("cycle_page2.json"),
             match=[matchers.query_param_matcher({**params, "nextToken": "MTIzOjEyMzEyMw"})])
    rsps.get(f"{API}/v2/recovery", json=fixture("recovery.json"), match=[matchers.query_param_matcher(params)])
    rsps.get(f"{API}/v2/activity/sleep", json=fixture("sleep.json"), match=[matchers.query_param_matcher(params)])
    rsps.get(f"{API}/v2/activity/workout", json=fixture("workout.json"), match=[matchers.query_param_matcher(params)])


def daily_value(rows, metric, day):
    return next(r["value"] for r in rows.daily if r["metric"] == metric and r["day"] == day)


@responses.activate
def test_collection_follows_next_token_sent_as_camel_case_nextToken():
    mock_week(responses)
    records = WhoopClient(make_ctx(), API).collection("/v2/cycle", date(2026, 10, 31), date(2026, 11, 9))
    assert [r["id"] for r in records] == [93845005, 93845004, 93845003, 93845002, 93845001, 93845000]
    second = responses.calls[1].request
    assert "nextToken=MTIzOjEyMzEyMw" in second.url
    assert "next_token" not in second.url


@responses.activate
def test_fetch_reads_the_window_padded_by_a_day_each_side_with_bearer_token():
    mock_week(responses)
    rows = SOURCE.fetch(make_ctx())
    assert len(responses.calls) == 6  # body + cycle pages 1-2 + recovery + sleep + workout
    assert {c.request.headers["Authorization"] for c in responses.calls} == {"Bearer tok-1"}
    assert daily_value(rows, "whoop.recovery_score", date(2026, 11, 3)) == 78.0
    assert daily_value(rows, "whoop.weight_kg", date(2026, 11, 7)) == 64.2
    assert daily_value(rows, "whoop.max_heart_rate", date(2026, 11, 7)) == 194.0
    assert len(rows.events) == 15
    assert (rows.complete_through, rows.skipped) == (None, 0)


@responses.activate
def test_429_with_retry_after_waits_that_long_then_succeeds():
    responses.get(f"{API}/v2/user/profile/basic", status=429, headers={"Retry-After": "7"}, json={"message": "slow"})
    responses.get(f"{API}/v2/user/profile/basic", json=fixture("profile.json"))
    sleeps = []
    assert SOURCE.account_id(make_ctx(sleeps=sleeps)) == "10129"
    assert sleeps == [7.0]


@responses.activate
def test_429_without_retry_after_backs_off_then_succeeds():
    responses.get(f"{API}/v2/user/profile/basic", status=429)
    responses.get(f"{API}/v2/user/profile/basic", json=fixture("profile.json"))
    sleeps = []
    assert SOURCE.test_connection(make_ctx(sleeps=sleeps)) == "Connected to WHOOP as Jane Doe."
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= 1.0
    assert len(responses.calls) == 2


@responses.activate
def test_500_is_retried_then_succeeds():
    responses.get(f"{API}/v2/user/measurement/body", status=500, json={"message": "internal"})
    responses.get(f"{API}/v2/user/measurement/body", json=fixture("body.json"))
    sleeps = []
    assert WhoopClient(make_ctx(sleeps=sleeps), API).body_measurement()["weight_kilogram"] == 64.2
    assert len(sleeps) == 1 and len(responses.calls) == 2


@responses.activate
def test_401_refreshes_the_token_once_and_retries_with_the_new_one():
    responses.get(f"{API}/v2/user/profile/basic", status=401, json={"error": "unauthorized"})
    responses.get(f"{API}/v2/user/profile/basic", json=fixture("profile.json"))
    refreshed = []

    def refresh():
        refreshed.append(True)
        return {"access_token": "tok-2", "refresh_token": "ref-2"}

    assert SOURCE.account_id(make_ctx(refresh=refresh)) == "10129"
    assert refreshed == [True]
    assert [c.request.headers["Authorization"] for c in responses.calls] == ["Bearer tok-1", "Bearer tok-2"]


@responses.activate
def test_refresh_rejected_with_invalid_grant_propagates_as_auth_error():
    responses.get(f"{API}/v2/user/profile/basic", status=401, json={"error": "unauthorized"})

    def refresh():
        raise AuthError("invalid_grant", 400)

    with pytest.raises(AuthError, match="invalid_grant"):
        SOURCE.test_connection(make_ctx(refresh=refresh))
    assert len(responses.calls) == 1


@responses.activate
def test_403_missing_scope_raises_auth_error_without_refreshing():
    responses.get(f"{API}/v2/user/measurement/body", status=403, json={"message": "missing scope"})
    refreshed = []
    with pytest.raises(AuthError) as caught:
        SOURCE.fetch(make_ctx(refresh=lambda: refreshed.append(True) or {}))
    assert (caught.value.status, refreshed) == (403, [])


@responses.activate
def test_rate_limit_in_a_later_batch_keeps_earlier_batches_and_marks_how_far_they_reach():
    month = Window(date(2026, 11, 1), date(2026, 11, 25))  # batches Nov 1-20 and Nov 21-25
    mock_week(responses, {"start": "2026-10-31T00:00:00.000Z", "end": "2026-11-22T00:00:00.000Z", "limit": "25"})
    responses.get(f"{API}/v2/cycle", status=429, json={"message": "Too Many Requests"}, match=[
        matchers.query_param_matcher({"start": "2026-11-20T00:00:00.000Z", "end": "2026-11-27T00:00:00.000Z",
                                      "limit": "25"})])
    rows = SOURCE.fetch(make_ctx(window=month, max_retries=0))
    assert rows.complete_through == date(2026, 11, 20)
    assert rows.notes[0].startswith("WHOOP rate limit reached; synced through 2026-11-20")
    assert daily_value(rows, "whoop.recovery_score", date(2026, 11, 3)) == 78.0
    assert daily_value(rows, "whoop.weight_kg", date(2026, 11, 25)) == 64.2


@responses.activate
def test_rate_limit_in_the_first_batch_raises_rate_limited():
    responses.get(f"{API}/v2/user/measurement/body", json=fixture("body.json"))
    responses.get(f"{API}/v2/cycle", status=429)
    with pytest.raises(RateLimited):
        SOURCE.fetch(make_ctx(max_retries=0))


@responses.activate
def test_api_base_url_comes_from_config_for_a_local_stand_in():
    responses.get("http://127.0.0.1:8765/developer/v2/user/profile/basic", json=fixture("profile.json"))
    ctx = make_ctx(config={"WHOOP_API_BASE_URL": "http://127.0.0.1:8765/developer/"})
    assert SOURCE.account_id(ctx) == "10129"


@responses.activate
def test_connection_message_falls_back_to_the_user_id_without_a_name():
    responses.get(f"{API}/v2/user/profile/basic", json={"user_id": 555, "email": "x@example.com"})
    assert SOURCE.test_connection(make_ctx()) == "Connected to WHOOP as member 555."


@responses.activate
def test_profile_without_user_id_is_a_bad_payload():
    responses.get(f"{API}/v2/user/profile/basic", json={"email": "x@example.com"})
    with pytest.raises(BadPayload, match="/v2/user/profile/basic: field 'user_id' is missing"):
        SOURCE.account_id(make_ctx())


@responses.activate
def test_page_without_a_records_list_is_a_bad_payload_naming_the_endpoint():
    responses.get(f"{API}/v2/activity/sleep", json={"data": []})
    with pytest.raises(BadPayload, match="WHOOP /v2/activity/sleep: expected an object with a 'records' list"):
        WhoopClient(make_ctx(), API).collection("/v2/activity/sleep", date(2026, 11, 1), date(2026, 11, 2))


@responses.activate
def test_a_next_token_that_repeats_stops_with_bad_payload_instead_of_looping():
    responses.get(f"{API}/v2/recovery", json={"records": [], "next_token": "same"})
    with pytest.raises(BadPayload, match="next_token repeated itself"):
        WhoopClient(make_ctx(), API).collection("/v2/recovery", date(2026, 11, 1), date(2026, 11, 2))
    assert len(responses.calls) == 2
