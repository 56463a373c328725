"""Oura v2 client and source fetch, with HTTP mocked at the real API URLs."""
import json
from datetime import date, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import responses

from etl.data_sources.base import SyncContext, Window
from etl.data_sources.http import AuthError, BadPayload, HttpClient, RateLimited
from etl.data_sources.oura import SOURCE
from etl.data_sources.oura.client import OuraClient

FIXTURES = Path(__file__).parent / "fixtures" / "oura"
API = "https://api.ouraring.com/v2/usercollection/"
WINDOW = Window(date(2026, 11, 1), date(2026, 11, 7))
PAGES = {
    "daily_sleep": ["daily_sleep_page1", "daily_sleep_page2"],
    "sleep": ["sleep"],
    "daily_readiness": ["daily_readiness"],
    "daily_activity": ["daily_activity"],
    "daily_spo2": ["daily_spo2"],
    "daily_stress": ["daily_stress"],
    "heartrate": ["heartrate_page1", "heartrate_page2"],
}


class Refresher:
    """A ctx.refresh stand-in: hands out a new access token and counts its calls."""

    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return {"access_token": f"fresh-{self.calls}", "refresh_token": f"refresh-{self.calls}"}


def make_ctx(window=WINDOW, refresh=None, sleeps=None, credentials=None, config=None) -> SyncContext:
    http = HttpClient(sleep=sleeps.append if sleeps is not None else (lambda s: None))
    return SyncContext(credentials=credentials or {"access_token": "tok-1"}, settings={}, window=window, http=http,
                       config=config or {}, timezone="America/Phoenix", refresh=refresh)


def body(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def query(call) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(call.request.url).query).items()}


def calls_to(collection: str) -> list:
    return [c for c in responses.calls if urlparse(c.request.url).path.endswith("/" + collection)]


def register(skip=()):
    for collection, pages in PAGES.items():
        if collection not in skip:
            for page in pages:
                responses.get(API + collection, json=body(page))


# --- pagination ------------------------------------------------------------------------------------

@responses.activate
def test_documents_follow_next_token_across_pages():
    register()
    docs = OuraClient(make_ctx(), "https://api.ouraring.com").documents("daily_sleep", date(2026, 10, 31),
                                                                        date(2026, 11, 8))
    assert [d["id"] for d in docs] == ["ds-1031", "ds-1101", "ds-1102", "ds-1102", "ds-1103", "ds-1105", "ds-1108"]
    first, second = (query(c) for c in calls_to("daily_sleep"))
    assert first == {"start_date": "2026-10-31", "end_date": "2026-11-08"}
    assert second == {**first, "next_token": "eyJwYWdlIjoyfQ=="}


@responses.activate
def test_heart_rate_follows_next_token_with_full_datetimes():
    register()
    samples = OuraClient(make_ctx(), "https://api.ouraring.com").heart_rate(datetime(2026, 11, 1, 7),
                                                                            datetime(2026, 11, 8, 7))
    assert len(samples) == 9
    first, second = (query(c) for c in calls_to("heartrate"))
    assert first == {"start_datetime": "2026-11-01T07:00:00+00:00", "end_datetime": "2026-11-08T07:00:00+00:00"}
    assert second["next_token"] == "aHItcGFnZS0y"
    assert "%2B00%3A00" in calls_to("heartrate")[0].request.url  # '+' escaped, not read as a space


@responses.activate
def test_heart_rate_range_over_30_days_is_asked_in_30_day_spans():
    responses.get(API + "heartrate", json={"data": [], "next_token": None})
    OuraClient(make_ctx(), "https://api.ouraring.com").heart_rate(datetime(2026, 9, 1, 7), datetime(2026, 10, 16, 7))
    assert [(q["start_datetime"], q["end_datetime"]) for q in map(query, calls_to("heartrate"))] == [
        ("2026-09-01T07:00:00+00:00", "2026-10-01T07:00:00+00:00"),
        ("2026-10-01T07:00:00+00:00", "2026-10-16T07:00:00+00:00"),
    ]


@responses.activate
def test_repeating_next_token_is_a_bad_payload():
    responses.get(API + "sleep", json={"data": [], "next_token": "same"})
    with pytest.raises(BadPayload, match="sleep: next_token repeats"):
        OuraClient(make_ctx(), "https://api.ouraring.com").documents("sleep", date(2026, 11, 1), date(2026, 11, 2))


@responses.activate
def test_envelope_without_data_list_is_a_bad_payload_naming_the_collection():
    responses.get(API + "daily_activity", json={"detail": "unexpected"})
    with pytest.raises(BadPayload, match="daily_activity: expected an object with a 'data' list"):
        OuraClient(make_ctx(), "https://api.ouraring.com").documents("daily_activity", date(2026, 11, 1),
                                                                     date(2026, 11, 2))


# --- retries and auth ------------------------------------------------------------------------------

@responses.activate
def test_429_waits_retry_after_then_succeeds():
    responses.get(API + "daily_readiness", status=429, headers={"Retry-After": "7"}, json={"detail": "slow down"})
    responses.get(API + "daily_readiness", json=body("daily_readiness"))
    sleeps: list[float] = []
    docs = OuraClient(make_ctx(sleeps=sleeps), "https://api.ouraring.com").documents(
        "daily_readiness", date(2026, 10, 31), date(2026, 11, 8))
    assert sleeps == [7.0]
    assert [d["id"] for d in docs] == ["dr-1031", "dr-1101", "dr-1102"]


@responses.activate
def test_500_is_retried_then_succeeds():
    responses.get(API + "daily_activity", status=500, body="oops")
    responses.get(API + "daily_activity", json=body("daily_activity"))
    sleeps: list[float] = []
    docs = OuraClient(make_ctx(sleeps=sleeps), "https://api.ouraring.com").documents(
        "daily_activity", date(2026, 10, 31), date(2026, 11, 8))
    assert len(sleeps) == 1 and len(responses.calls) == 2
    assert [d["id"] for d in docs] == ["da-1101", "da-1102", "da-1108"]


@responses.activate
def test_401_refreshes_once_and_retries_with_the_new_token():
    responses.get(API + "personal_info", status=401, json={"detail": "token expired"})
    responses.get(API + "personal_info", json=body("personal_info"))
    refresh = Refresher()
    info = OuraClient(make_ctx(refresh=refresh), "https://api.ouraring.com").personal_info()
    assert info["id"] == "8f9a5221-639e-4a85-81cb-4065ef23f979"
    assert refresh.calls == 1
    assert [c.request.headers["Authorization"] for c in responses.calls] == ["Bearer tok-1", "Bearer fresh-1"]


@responses.activate
def test_401_that_survives_the_refresh_raises_auth_error():
    responses.get(API + "daily_sleep", status=401, json={"detail": "revoked"})
    refresh = Refresher()
    with pytest.raises(AuthError):
        SOURCE.fetch(make_ctx(refresh=refresh))
    assert refresh.calls == 1


# --- the source ------------------------------------------------------------------------------------

@responses.activate
def test_fetch_asks_one_day_wider_than_window_and_filters_back():
    register()
    rows = SOURCE.fetch(make_ctx())
    for collection in ("daily_sleep", "sleep", "daily_readiness", "daily_activity", "daily_spo2", "daily_stress"):
        assert {(q["start_date"], q["end_date"]) for q in map(query, calls_to(collection))} == {
            ("2026-10-31", "2026-11-08")}
    assert min(r["day"] for r in rows.daily) == date(2026, 11, 1)
    assert max(r["day"] for r in rows.daily) == date(2026, 11, 7)
    assert query(calls_to("heartrate")[0])["start_datetime"] == "2026-11-01T07:00:00+00:00"
    assert (rows.notes, rows.complete_through) == ([], None)


@responses.activate
def test_fetch_skips_forbidden_spo2_with_a_note_and_keeps_the_rest():
    register(skip=("daily_spo2",))
    responses.get(API + "daily_spo2", status=403, json={"detail": "Missing scope spo2Daily"})
    rows = SOURCE.fetch(make_ctx())
    metrics = {r["metric"] for r in rows.daily}
    assert "oura.spo2_average" not in metrics
    assert {"oura.stress_high_minutes", "oura.sleep_score", "oura.steps"} <= metrics
    assert len(rows.events) == 9 and len(rows.intraday) == 5
    assert rows.notes == ["daily_spo2 skipped: Oura answered 403 (the account may lack that scope or an Oura "
                          "membership)."]


@responses.activate
def test_fetch_skips_missing_stress_404_and_unauthorised_spo2_after_one_refresh():
    register(skip=("daily_spo2", "daily_stress"))
    responses.get(API + "daily_spo2", status=401, json={"detail": "scope"})
    responses.get(API + "daily_stress", status=404, json={"detail": "Not Found"})
    refresh = Refresher()
    rows = SOURCE.fetch(make_ctx(refresh=refresh))
    assert refresh.calls == 1
    assert [n.split(" skipped")[0] for n in rows.notes] == ["daily_spo2", "daily_stress"]
    assert "oura.readiness_score" in {r["metric"] for r in rows.daily}


@responses.activate
def test_forbidden_required_collection_fails_the_sync():
    register(skip=("daily_readiness",))
    responses.get(API + "daily_readiness", status=403, json={"detail": "membership expired"})
    with pytest.raises(AuthError) as info:
        SOURCE.fetch(make_ctx())
    assert info.value.status == 403


def _one_doc_per_chunk(request):
    """daily_sleep: a score for the chunk's first day; the second chunk is rate limited."""
    params = {k: v[0] for k, v in parse_qs(urlparse(request.url).query).items()}
    if params["start_date"] == "2026-10-30":
        return 429, {}, json.dumps({"detail": "Too Many Requests"})
    doc = {"id": "ds-1001", "day": "2026-10-01", "score": 81, "timestamp": "2026-10-01T00:00:00-07:00",
           "contributors": {}}
    return 200, {}, json.dumps({"data": [doc], "next_token": None})


@responses.activate
def test_rate_limit_in_a_later_chunk_keeps_finished_chunks():
    responses.add_callback(responses.GET, API + "daily_sleep", callback=_one_doc_per_chunk)
    for collection in ("sleep", "daily_readiness", "daily_activity", "daily_spo2", "daily_stress", "heartrate"):
        responses.get(API + collection, json={"data": [], "next_token": None})
    rows = SOURCE.fetch(make_ctx(window=Window(date(2026, 10, 1), date(2026, 11, 7))))
    assert rows.complete_through == date(2026, 10, 30)
    assert [(r["metric"], r["day"], r["value"]) for r in rows.daily] == [("oura.sleep_score", date(2026, 10, 1), 81.0)]
    assert rows.notes == ["Oura rate limit reached: synced through 2026-10-30, the rest follows next run."]


@responses.activate
def test_rate_limit_in_the_first_chunk_raises():
    responses.add_callback(responses.GET, API + "daily_sleep", callback=_one_doc_per_chunk)
    with pytest.raises(RateLimited):
        SOURCE.fetch(make_ctx(window=Window(date(2026, 10, 31), date(2026, 11, 7))))


# --- connection and identity -----------------------------------------------------------------------

@responses.activate
def test_connection_names_the_email_and_account_id_is_the_profile_id():
    responses.get(API + "personal_info", json=body("personal_info"))
    ctx = make_ctx()
    assert SOURCE.test_connection(ctx) == "Connected to Oura as ada@example.org."
    assert SOURCE.account_id(ctx) == "8f9a5221-639e-4a85-81cb-4065ef23f979"


@responses.activate
def test_connection_without_email_scope_and_with_a_personal_access_token():
    responses.get(API + "personal_info", json={"id": "abc", "age": None, "email": None})
    ctx = make_ctx(credentials={"personal_access_token": "pat-9"})
    assert SOURCE.test_connection(ctx) == "Connected to Oura."
    assert responses.calls[0].request.headers["Authorization"] == "Bearer pat-9"


@responses.activate
def test_base_url_comes_from_config():
    responses.get("http://localhost:9100/v2/usercollection/personal_info", json={"id": "local-user"})
    assert SOURCE.account_id(make_ctx(config={"OURA_API_BASE_URL": "http://localhost:9100/"})) == "local-user"
