"""Oura API v2 as the stand-in serves it: the same documents for the same user and day, every time.

Day-keyed collections take ``start_date``/``end_date`` (inclusive) and heartrate takes
``start_datetime``/``end_datetime``; all of them page with ``next_token`` (daily_sleep at
10 documents a page, so a month of it takes several pages). Times are UTC (+00:00).
"""
from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta

from tests.standin.common import BadRequest, Reply, days, page, parse_day, parse_moment, rng, stable_int

PREFIX = "/v2/usercollection/"
PAGE_SIZE = {"daily_sleep": 10, "sleep": 20}
DEFAULT_PAGE_SIZE = 50
HEART_RATE_PAGE_SIZE = 1000
SLEEP_CONTRIBUTORS = ("deep_sleep", "efficiency", "latency", "rem_sleep", "restfulness", "timing", "total_sleep")
READINESS_CONTRIBUTORS = ("activity_balance", "body_temperature", "hrv_balance", "previous_day_activity",
                          "previous_night", "recovery_index", "resting_heart_rate", "sleep_balance",
                          "sleep_regularity")
ACTIVITY_CONTRIBUTORS = ("meet_daily_targets", "move_every_hour", "recovery_time", "stay_active",
                         "training_frequency", "training_volume")


def daily_sleep(user: str, day: date) -> dict:
    """The daily_sleep document of ``user`` for ``day``."""
    r = rng("oura", user, "daily_sleep", day)
    return {"id": f"ds-{user}-{day}", "day": day.isoformat(), "score": r.randint(55, 95),
            "timestamp": f"{day}T00:00:00+00:00", "contributors": _scores(r, SLEEP_CONTRIBUTORS)}


def daily_readiness(user: str, day: date) -> dict:
    """The daily_readiness document."""
    r = rng("oura", user, "daily_readiness", day)
    return {"id": f"dr-{user}-{day}", "day": day.isoformat(), "score": r.randint(50, 98),
            "temperature_deviation": round(r.uniform(-0.6, 0.6), 2),
            "temperature_trend_deviation": round(r.uniform(-0.3, 0.3), 2),
            "timestamp": f"{day}T00:00:00+00:00", "contributors": _scores(r, READINESS_CONTRIBUTORS)}


def daily_activity(user: str, day: date) -> dict:
    """The daily_activity document (durations in seconds)."""
    r = rng("oura", user, "daily_activity", day)
    high, medium, low = r.randint(0, 40) * 60, r.randint(10, 90) * 60, r.randint(120, 300) * 60
    return {"id": f"da-{user}-{day}", "day": day.isoformat(), "score": r.randint(40, 99),
            "steps": r.randint(2000, 16000), "active_calories": r.randint(150, 900),
            "total_calories": r.randint(1800, 3200), "target_calories": 450, "target_meters": 9000,
            "equivalent_walking_distance": r.randint(1500, 14000), "meters_to_target": r.randint(0, 5000),
            "high_activity_time": high, "medium_activity_time": medium, "low_activity_time": low,
            "sedentary_time": r.randint(360, 720) * 60, "resting_time": r.randint(360, 540) * 60,
            "non_wear_time": r.randint(0, 60) * 60, "inactivity_alerts": r.randint(0, 3),
            "average_met_minutes": round(r.uniform(1.1, 2.2), 3), "class_5_min": None, "met": None,
            "timestamp": f"{day}T04:00:00+00:00", "contributors": _scores(r, ACTIVITY_CONTRIBUTORS)}


def daily_spo2(user: str, day: date) -> dict:
    """The daily_spo2 document."""
    r = rng("oura", user, "daily_spo2", day)
    return {"id": f"sp-{user}-{day}", "day": day.isoformat(),
            "spo2_percentage": {"average": round(r.uniform(94.5, 99.0), 3)},
            "breathing_disturbance_index": r.randint(0, 20)}


def daily_stress(user: str, day: date) -> dict:
    """The daily_stress document (seconds)."""
    r = rng("oura", user, "daily_stress", day)
    return {"id": f"st-{user}-{day}", "day": day.isoformat(), "stress_high": r.randint(0, 16) * 900,
            "recovery_high": r.randint(0, 16) * 900, "day_summary": r.choice(["restored", "normal", "stressful"])}


def sleep_periods(user: str, day: date) -> list[dict]:
    """The night's ``long_sleep`` period, plus an afternoon nap on every fifth day."""
    periods = [_long_sleep(user, day)]
    if day.toordinal() % 5 == 0:
        periods.append(_nap(user, day))
    return periods


def _long_sleep(user: str, day: date) -> dict:
    r = rng("oura", user, "sleep", day)
    start = datetime.combine(day - timedelta(days=1), time(22), UTC) + timedelta(minutes=r.randint(0, 120))
    deep, rem, light = r.randint(45, 110) * 60, r.randint(60, 120) * 60, r.randint(180, 260) * 60
    awake, total = r.randint(15, 60) * 60, deep + rem + light
    in_bed = total + awake
    readiness = daily_readiness(user, day)
    return {"id": f"sl-{user}-{day}", "type": "long_sleep", "day": day.isoformat(), "period": 0,
            "bedtime_start": start.isoformat(), "bedtime_end": (start + timedelta(seconds=in_bed)).isoformat(),
            "time_in_bed": in_bed, "total_sleep_duration": total, "deep_sleep_duration": deep,
            "rem_sleep_duration": rem, "light_sleep_duration": light, "awake_time": awake,
            "latency": r.randint(3, 30) * 60, "efficiency": round(100 * total / in_bed),
            "average_heart_rate": round(r.uniform(46, 62), 3), "lowest_heart_rate": r.randint(38, 50),
            "average_hrv": r.randint(25, 90), "average_breath": round(r.uniform(12.5, 17.5), 3),
            "restless_periods": r.randint(50, 300), "low_battery_alert": False, "heart_rate": None, "hrv": None,
            "readiness": {key: readiness[key] for key in ("score", "contributors", "temperature_deviation",
                                                          "temperature_trend_deviation")},
            "readiness_score_delta": 0.0, "sleep_score_delta": 0.0, "sleep_algorithm_version": "v2",
            "sleep_phase_5_min": "".join(r.choice("1234") for _ in range(in_bed // 300)),
            "movement_30_sec": None, "ring_id": f"ring-{user}"}


def _nap(user: str, day: date) -> dict:
    r = rng("oura", user, "nap", day)
    start = datetime.combine(day, time(14), UTC) + timedelta(minutes=r.randint(0, 60))
    asleep = r.randint(15, 40) * 60
    return {"id": f"nap-{user}-{day}", "type": "sleep", "day": day.isoformat(), "period": 1,
            "bedtime_start": start.isoformat(), "bedtime_end": (start + timedelta(seconds=asleep + 300)).isoformat(),
            "time_in_bed": asleep + 300, "total_sleep_duration": asleep, "deep_sleep_duration": 0,
            "rem_sleep_duration": 0, "light_sleep_duration": asleep, "awake_time": 300, "latency": 120,
            "efficiency": round(100 * asleep / (asleep + 300)), "average_heart_rate": 58.0,
            "lowest_heart_rate": 52, "average_hrv": None, "readiness": None, "low_battery_alert": False,
            "ring_id": f"ring-{user}"}


DOCUMENTS = {
    "daily_sleep": lambda user, day: [daily_sleep(user, day)],
    "daily_readiness": lambda user, day: [daily_readiness(user, day)],
    "daily_activity": lambda user, day: [daily_activity(user, day)],
    "daily_spo2": lambda user, day: [daily_spo2(user, day)],
    "daily_stress": lambda user, day: [daily_stress(user, day)],
    "sleep": sleep_periods,
}


def heart_rate_bpm(user: str, moment: datetime) -> int:
    """The heart rate of ``user`` at a sample time (aware or naive UTC)."""
    return 48 + stable_int(user, moment.replace(tzinfo=None).isoformat()) % 45


def heart_rate_moments(start: datetime, end: datetime, every: int, now: datetime) -> list[datetime]:
    """Sample times every ``every`` minutes in ``[start, end)``, none after ``now``, on a grid from midnight UTC."""
    step = timedelta(minutes=every)
    grid = datetime.combine(start.astimezone(UTC).date(), time(), UTC)
    moment = grid + step * math.ceil((start - grid) / step)  # the first grid point at or after start
    moments = []
    while moment < end and moment <= now:
        moments.append(moment)
        moment += step
    return moments


def heart_rate_sample(user: str, moment: datetime) -> dict:
    """One heartrate document."""
    return {"bpm": heart_rate_bpm(user, moment), "source": "awake" if moment.hour > 7 else "sleep",
            "timestamp": moment.isoformat()}


def personal_info(user: str) -> dict:
    """The profile document."""
    n = stable_int("oura", user)
    return {"id": f"oura-{user}", "age": 25 + n % 30, "weight": 55 + n % 40, "height": round(1.55 + n % 40 / 100, 2),
            "biological_sex": "female" if n % 2 else "male", "email": f"{user}@oura.standin"}


def handle(path: str, query: dict[str, str], user: str, today: date, heart_rate_minutes: int) -> Reply:
    """Answer one authenticated GET under /v2/usercollection/."""
    name = path.removeprefix(PREFIX)
    if name == "personal_info":
        return Reply(200, personal_info(user))
    if name == "heartrate":
        now = datetime.now(UTC)
        start = parse_moment(query.get("start_datetime"), "start_datetime", now - timedelta(days=1))
        end = parse_moment(query.get("end_datetime"), "end_datetime", now)
        moments, token = page(heart_rate_moments(start, end, heart_rate_minutes, now), query.get("next_token"),
                              HEART_RATE_PAGE_SIZE)  # only the page's samples are built
        return Reply(200, {"data": [heart_rate_sample(user, m) for m in moments], "next_token": token})
    if name not in DOCUMENTS:
        return Reply(404, {"detail": "Not Found"})
    start = parse_day(query.get("start_date"), "start_date", today - timedelta(days=1))
    end = parse_day(query.get("end_date"), "end_date", today)
    if start > end:
        raise BadRequest("start_date must not be after end_date")
    records = [doc for day in days(start, min(end, today)) for doc in DOCUMENTS[name](user, day)]
    return _page(records, query, PAGE_SIZE.get(name, DEFAULT_PAGE_SIZE))


def _page(records: list[dict], query: dict[str, str], size: int) -> Reply:
    data, token = page(records, query.get("next_token"), size)
    return Reply(200, {"data": data, "next_token": token})


def _scores(r, names: tuple[str, ...]) -> dict[str, int]:
    return {name: r.randint(40, 100) for name in names}
