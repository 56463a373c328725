"""Rize source against a mocked GraphQL endpoint at the real URL."""
import json
from datetime import date
from pathlib import Path

import pytest
import responses

from etl.data_sources.base import SyncContext, Window
from etl.data_sources.http import AuthError, BadPayload, HttpClient
from etl.data_sources.rize import SOURCE

URL = "https://api.rize.io/api/v1/graphql"
FIXTURES = Path(__file__).parent / "fixtures" / "rize"


def load(name):
    return json.loads((FIXTURES / name).read_text())


def make_ctx(config=None, tz="America/New_York"):
    return SyncContext(credentials={"api_key": "rize-key-123"}, settings={},
                       window=Window(date(2026, 11, 1), date(2026, 11, 3)),
                       http=HttpClient(sleep=lambda s: None), config=config or {}, timezone=tz)


class FakeRize:
    """Answers each GraphQL operation with a fixture; records what was asked."""

    def __init__(self, answers):
        self.answers = answers  # operation name -> body, or callable(variables) -> (status, body)
        self.calls = []

    def __call__(self, request):
        body = json.loads(request.body)
        operation = body["query"].split("query ", 1)[1].split("(", 1)[0].split(" ", 1)[0].strip()
        self.calls.append((operation, body["variables"], request.headers.get("Authorization")))
        answer = self.answers[operation]
        status, payload = answer(body["variables"]) if callable(answer) else (200, answer)
        return status, {"Content-Type": "application/json"}, json.dumps(payload)


def categories_by_day(variables):
    day = variables["day"]
    if day in ("2026-11-01", "2026-11-02"):
        return 200, load(f"summaries_categories_{day}.json")
    return 200, load("summaries_categories_empty.json")


def full_answers():
    return {"DailySummaries": load("summaries_day_buckets.json"), "Sessions": load("sessions.json"),
            "DayCategories": categories_by_day, "CurrentUser": load("current_user.json")}


@responses.activate
def test_fetch_posts_each_query_with_the_key_and_costs_days_plus_two_calls():
    fake = FakeRize(full_answers())
    responses.add_callback(responses.POST, URL, callback=fake)
    SOURCE.fetch(make_ctx())
    operations = [c[0] for c in fake.calls]
    assert operations == ["DailySummaries", "Sessions", "DayCategories", "DayCategories", "DayCategories"]
    assert {c[2] for c in fake.calls} == {"Bearer rize-key-123"}
    assert fake.calls[0][1] == {"startDate": "2026-11-01", "endDate": "2026-11-03"}
    assert fake.calls[1][1] == {"startTime": "2026-11-01T04:00:00Z", "endTime": "2026-11-04T05:00:00Z"}
    assert [c[1] for c in fake.calls[2:]] == [{"day": "2026-11-01"}, {"day": "2026-11-02"}, {"day": "2026-11-03"}]


@responses.activate
def test_fetch_returns_daily_totals_categories_and_sessions():
    responses.add_callback(responses.POST, URL, callback=FakeRize(full_answers()))
    rows = SOURCE.fetch(make_ctx())
    values = {(r["metric"], r["dimension"], r["day"]): r["value"] for r in rows.daily}
    assert values[("rize.focus_minutes", "", date(2026, 11, 1))] == 120.0
    assert values[("rize.category_minutes", "Code", date(2026, 11, 1))] == 100.0
    assert values[("rize.category_minutes", "Code", date(2026, 11, 2))] == 75.0
    assert not any(r["day"] == date(2026, 11, 3) and r["metric"] == "rize.category_minutes" for r in rows.daily)
    assert len(rows.daily) == 14 + 4
    assert sorted(e["kind"] for e in rows.events) == ["break", "focus_session", "focus_session", "meeting"]
    assert rows.complete_through is None


@responses.activate
def test_api_url_can_be_pointed_at_a_stand_in_server():
    stand_in = "http://localhost:9999/graphql"
    responses.add_callback(responses.POST, stand_in, callback=FakeRize(full_answers()))
    rows = SOURCE.fetch(make_ctx(config={"RIZE_API_URL": stand_in}))
    assert len(rows.events) == 4


@responses.activate
@pytest.mark.parametrize("fixture", ["error_unauthorized.json", "error_unauthenticated_code.json"])
def test_graphql_unauthorized_error_with_http_200_is_an_auth_failure(fixture):
    answers = full_answers()
    answers["DailySummaries"] = load(fixture)
    responses.add_callback(responses.POST, URL, callback=FakeRize(answers))
    with pytest.raises(AuthError):
        SOURCE.fetch(make_ctx())


@responses.activate
def test_other_graphql_error_is_a_bad_payload_carrying_the_message():
    answers = full_answers()
    answers["DayCategories"] = load("error_bad_argument.json")
    responses.add_callback(responses.POST, URL, callback=FakeRize(answers))
    with pytest.raises(BadPayload) as caught:
        SOURCE.fetch(make_ctx())
    assert "Argument 'startDate' on Field 'summaries' has an invalid value" in str(caught.value)
    assert "rize-key-123" not in str(caught.value)


@responses.activate
def test_answer_without_data_is_a_bad_payload_not_an_empty_day():
    answers = full_answers()
    answers["DailySummaries"] = {"data": None}
    responses.add_callback(responses.POST, URL, callback=FakeRize(answers))
    with pytest.raises(BadPayload, match="no 'data' object"):
        SOURCE.fetch(make_ctx())


@responses.activate
def test_http_401_is_an_auth_failure():
    responses.add(responses.POST, URL, status=401, json={"error": "invalid api key"})
    with pytest.raises(AuthError):
        SOURCE.fetch(make_ctx())


@responses.activate
def test_rate_limit_while_reading_categories_keeps_earlier_days_and_stops_the_cursor():
    def limited_on_third_day(variables):
        if variables["day"] == "2026-11-03":
            return 429, {"errors": [{"message": "Too many requests"}]}
        return categories_by_day(variables)

    answers = full_answers()
    answers["DayCategories"] = limited_on_third_day
    responses.add_callback(responses.POST, URL, callback=FakeRize(answers))
    rows = SOURCE.fetch(make_ctx())
    assert rows.complete_through == date(2026, 11, 2)
    assert rows.notes == ["rate limit reached at the categories of 2026-11-03, resuming next run"]
    assert {r["day"] for r in rows.daily if r["metric"] == "rize.category_minutes"} == {date(2026, 11, 1),
                                                                                         date(2026, 11, 2)}


@responses.activate
def test_test_connection_names_the_account_and_account_id_is_the_email():
    fake = FakeRize(full_answers())
    responses.add_callback(responses.POST, URL, callback=fake)
    assert SOURCE.test_connection(make_ctx()) == "Connected to Rize as ada@example.com"
    assert SOURCE.account_id(make_ctx()) == "ada@example.com"
    assert fake.calls[0][0] == "CurrentUser"


@responses.activate
def test_test_connection_with_a_revoked_key_raises_auth_error():
    answers = full_answers()
    answers["CurrentUser"] = load("error_unauthorized.json")
    responses.add_callback(responses.POST, URL, callback=FakeRize(answers))
    with pytest.raises(AuthError):
        SOURCE.test_connection(make_ctx())
