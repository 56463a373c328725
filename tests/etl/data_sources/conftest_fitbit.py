"""Helpers for the Fitbit tests: fixture payloads, sync contexts, `responses` mocks at the real URLs."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from responses import matchers

from etl.data_sources.base import SyncContext, Window
from etl.data_sources.http import HttpClient

FIXTURES = Path(__file__).parent / "fixtures" / "fitbit"
TZ = "America/New_York"
DAY1, DAY2 = date(2026, 10, 20), date(2026, 10, 21)
LEGACY_API = "https://api.fitbit.com"
LEGACY_TOKEN_URL = "https://api.fitbit.com/oauth2/token"
GOOGLE_USER = "https://health.googleapis.com/v4/users/me"
CONFIG = {"FITBIT_CLIENT_ID": "23ABCD", "FITBIT_CLIENT_SECRET": "fitbit-app-secret"}
LEGACY_CREDENTIALS = {"access_token": "eyJhbGciOiJIUzI1NiJ9.old", "refresh_token": "c0ffee-old-refresh",
                      "user_id": "7QX9RB"}
GOOGLE_CREDENTIALS = {"access_token": "ya29.old-access", "refresh_token": "1//0g-google-refresh"}

LEGACY_SERIES = {
    "activities/steps": "steps.json", "activities/distance": "distance.json", "activities/calories": "calories.json",
    "activities/floors": "floors.json", "activities/minutesFairlyActive": "minutes_fairly_active.json",
    "activities/minutesVeryActive": "minutes_very_active.json",
    "activities/active-zone-minutes": "active_zone_minutes.json", "activities/heart": "heart.json",
}
GOOGLE_ROLLUPS = {
    "steps": "rollup_steps.json", "distance": "rollup_distance.json", "total-calories": "rollup_total_calories.json",
    "floors": "rollup_floors.json", "active-minutes": "rollup_active_minutes.json",
    "active-zone-minutes": "rollup_active_zone_minutes.json",
    "time-in-heart-rate-zone": "rollup_time_in_heart_rate_zone.json",
}
GOOGLE_LISTS = {"daily-resting-heart-rate": "daily_resting_heart_rate.json", "weight": "weight.json",
                "body-fat": "body_fat.json", "height": "height.json"}


def load(name: str) -> Any:
    """A JSON fixture under fixtures/fitbit/."""
    return json.loads((FIXTURES / name).read_text())


def make_ctx(adapter: str, start: date = DAY1, end: date = DAY2, *, credentials: dict | None = None,
             config: dict | None = None, saved: list | None = None, refresh: Any = None) -> SyncContext:
    """A context for one Fitbit user in New York; ``saved`` collects what save_credentials stored."""
    default = LEGACY_CREDENTIALS if adapter == "legacy" else GOOGLE_CREDENTIALS
    return SyncContext(
        credentials=dict(credentials or default), settings={"adapter": adapter}, window=Window(start, end),
        http=HttpClient(sleep=lambda s: None), config=dict(CONFIG if config is None else config), timezone=TZ,
        save_credentials=(saved.append if saved is not None else (lambda creds: None)), refresh=refresh,
    )


def legacy_fixture_payloads() -> dict[str, Any]:
    """The legacy fixtures keyed by resource (plus ``sleep``, ``weight``, ``intraday`` per day)."""
    payloads = {resource: load(f"legacy/{name}") for resource, name in LEGACY_SERIES.items()}
    payloads.update(sleep=load("legacy/sleep.json"), weight=load("legacy/weight.json"),
                    intraday={DAY1: load("legacy/heart_intraday.json")})
    return payloads


def google_fixture_payloads() -> dict[str, Any]:
    """The Google fixtures keyed by data type (``sleep`` is a list of pages, ``heart-rate`` per day)."""
    payloads = {data_type: load(f"google/{name}") for data_type, name in {**GOOGLE_ROLLUPS, **GOOGLE_LISTS}.items()}
    payloads.update(sleep=[load("google/sleep_page1.json"), load("google/sleep_page2.json")],
                    **{"heart-rate": {DAY1: load("google/heart_rate_minutes.json")}})
    return payloads


def legacy_intraday_url(day: date) -> str:
    """The 1-minute heart-rate URL of one day."""
    return f"{LEGACY_API}/1/user/-/activities/heart/date/{day}/1d/1min.json"


def register_legacy_summaries(rsps: Any, payloads: dict, start: date, end: date) -> None:
    """Mock the legacy date-range calls of a window of at most 31 days."""
    for resource in LEGACY_SERIES:
        rsps.get(f"{LEGACY_API}/1/user/-/{resource}/date/{start}/{end}.json", json=payloads[resource])
    rsps.get(f"{LEGACY_API}/1.2/user/-/sleep/date/{start}/{end}.json", json=payloads["sleep"])
    rsps.get(f"{LEGACY_API}/1/user/-/body/log/weight/date/{start}/{end}.json", json=payloads["weight"])


def register_legacy(rsps: Any, payloads: dict, start: date, end: date) -> None:
    """Mock every legacy call of a window; days without an intraday payload get an empty dataset."""
    register_legacy_summaries(rsps, payloads, start, end)
    empty = {"activities-heart-intraday": {"dataset": [], "datasetInterval": 1, "datasetType": "minute"}}
    for day in Window(start, end).days():
        rsps.get(legacy_intraday_url(day), json=payloads["intraday"].get(day, empty))


def google_list_url(data_type: str) -> str:
    """A ``dataPoints`` list URL."""
    return f"{GOOGLE_USER}/dataTypes/{data_type}/dataPoints"


def google_heart_rate_url() -> str:
    """The heart-rate rollUp URL."""
    return f"{GOOGLE_USER}/dataTypes/heart-rate/dataPoints:rollUp"


def heart_rate_request(day: date) -> dict:
    """The rollUp body the client sends for one New York day."""
    start = datetime(day.year, day.month, day.day) + _utc_offset(day)
    end = datetime(day.year, day.month, day.day) + timedelta(days=1) + _utc_offset(day + timedelta(days=1))
    return {"range": {"startTime": f"{start:%Y-%m-%dT%H:%M:%SZ}", "endTime": f"{end:%Y-%m-%dT%H:%M:%SZ}"},
            "windowSize": "60s", "pageSize": 1500}


def _utc_offset(day: date) -> timedelta:
    """How far UTC is ahead of New York at local midnight of ``day``."""
    from zoneinfo import ZoneInfo
    return -datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(TZ)).utcoffset()


def sleep_filter(start: date, end: date) -> str:
    """The sleep list filter for a window."""
    return f'sleep.interval.civil_end_time >= "{start}" AND sleep.interval.civil_end_time < "{end + timedelta(days=1)}"'


def register_google_summaries(rsps: Any, payloads: dict, start: date, end: date) -> None:
    """Mock the Google summary calls of a window of at most 14 days (sleep in two pages)."""
    for data_type in GOOGLE_ROLLUPS:
        rsps.post(f"{GOOGLE_USER}/dataTypes/{data_type}/dataPoints:dailyRollUp", json=payloads[data_type])
    for data_type in GOOGLE_LISTS:
        rsps.get(google_list_url(data_type), json=payloads[data_type])
    first, *rest = payloads["sleep"]
    query = {"filter": sleep_filter(start, end), "pageSize": "25"}
    rsps.get(google_list_url("sleep"), json=first, match=[matchers.query_param_matcher(query)])
    for page in rest:
        rsps.get(google_list_url("sleep"), json=page, match=[matchers.query_param_matcher(
            {**query, "pageToken": first["nextPageToken"]})])


def register_google(rsps: Any, payloads: dict, start: date, end: date) -> None:
    """Mock every Google call of a window; days without minute payloads get no points."""
    register_google_summaries(rsps, payloads, start, end)
    for day in Window(start, end).days():
        rsps.post(google_heart_rate_url(), json=payloads["heart-rate"].get(day, {"rollupDataPoints": []}),
                  match=[matchers.json_params_matcher(heart_rate_request(day))])
