"""Provider-shaped responses for sync and batch tests, registered with `responses` at the real URLs."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import responses

OURA = "https://api.ouraring.com/v2/usercollection/"
WHOOP = "https://api.prod.whoop.com/developer/v2/"
WHOOP_TOKEN = "https://api.prod.whoop.com/oauth/oauth2/token"
OURA_EMPTY = ("sleep", "daily_readiness", "daily_activity", "daily_spo2", "daily_stress", "heartrate")


def oura_daily_sleep(days: list[date], base: int = 70) -> dict:
    """A daily_sleep page: one scored record per day."""
    return {"data": [{"id": f"ds-{d.isoformat()}", "day": d.isoformat(), "score": base + i % 20,
                      "timestamp": f"{d.isoformat()}T00:00:00+00:00",
                      "contributors": {"deep_sleep": 80, "efficiency": 90, "latency": 70, "rem_sleep": 85,
                                       "restfulness": 75, "timing": 60, "total_sleep": 88}}
                     for i, d in enumerate(days)], "next_token": None}


def mock_oura(rsps: responses.RequestsMock, days: list[date], base: int = 70, status: int = 200) -> None:
    """Oura answering daily_sleep for ``days`` (or ``status`` for every call) and empty elsewhere."""
    if status != 200:
        rsps.add(responses.GET, re.compile(re.escape(OURA) + ".*"), json={"detail": "boom"}, status=status)
        return
    rsps.add(responses.GET, re.compile(re.escape(OURA + "daily_sleep") + r"(\?.*)?$"),
             json=oura_daily_sleep(days, base))
    for collection in OURA_EMPTY:
        rsps.add(responses.GET, re.compile(re.escape(OURA + collection) + r"(\?.*)?$"),
                 json={"data": [], "next_token": None})
    rsps.add(responses.GET, OURA + "personal_info", json={"id": "oura-user-1", "email": "a@example.com"})


def whoop_cycles(days: list[date]) -> dict:
    """Scored cycles starting at 23:00 local (-05:00) the evening before each day, newest first."""
    records = []
    for i, d in enumerate(sorted(days, reverse=True)):
        start = datetime.combine(d - timedelta(days=1), datetime.min.time()) + timedelta(hours=28)  # 23:00 -05:00
        records.append({"id": 9000 + d.toordinal() % 1000, "user_id": 10129, "created_at": start.isoformat() + "Z",
                         "updated_at": start.isoformat() + "Z", "start": start.isoformat() + ".000Z",
                         "end": (start + timedelta(hours=24)).isoformat() + ".000Z", "timezone_offset": "-05:00",
                         "score_state": "SCORED",
                         "score": {"strain": 10.5 + i % 5, "kilojoule": 8000.0, "average_heart_rate": 65,
                                   "max_heart_rate": 150}})
    return {"records": records}


def mock_whoop(rsps: responses.RequestsMock, days: list[date], status: int = 200) -> None:
    """WHOOP answering cycles for ``days`` and empty recovery/sleep/workout collections."""
    if status != 200:
        rsps.add(responses.GET, re.compile(re.escape(WHOOP) + ".*"), json={"message": "nope"}, status=status)
        return
    rsps.add(responses.GET, re.compile(re.escape(WHOOP + "cycle") + r"(\?.*)?$"), json=whoop_cycles(days))
    for path in ("recovery", "activity/sleep", "activity/workout"):
        rsps.add(responses.GET, re.compile(re.escape(WHOOP + path) + r"(\?.*)?$"), json={"records": []})
    rsps.add(responses.GET, WHOOP + "user/measurement/body",
             json={"height_meter": 1.8, "weight_kilogram": 80.2, "max_heart_rate": 190})
    rsps.add(responses.GET, WHOOP + "user/profile/basic",
             json={"user_id": 10129, "email": "a@example.com", "first_name": "A", "last_name": "B"})


def days_between(start: date, end: date) -> list[date]:
    """Every day from start to end inclusive."""
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]
