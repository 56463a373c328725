"""WHOOP Developer API v2 as the stand-in serves it: the same records for the same user and day.

Each day ``d`` has a cycle that starts when the member falls asleep the evening before
(local time, in the member's own ``timezone_offset``), that night's sleep and its recovery;
every fourth day adds an afternoon nap and every second day a workout. Collections return
the records intersecting ``[start, end)``, newest first, ``limit`` (at most 25) per page, and
a ``next_token`` (read back from the ``nextToken`` query parameter) until the last page.
"""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from tests.standin.common import BadRequest, Reply, days, page, parse_moment, rng, stable_int

PREFIX = "/developer"
MAX_LIMIT = 25
OFFSETS = ("-05:00", "+01:00", "-08:00", "+09:00", "Z")
SPORTS = ("running", "cycling", "functional-fitness", "swimming", "yoga")
ZONES = ("zero", "one", "two", "three", "four", "five")
COLLECTIONS = {"/v2/cycle": "cycle", "/v2/recovery": "recovery", "/v2/activity/sleep": "sleep",
               "/v2/activity/workout": "workout"}


def member_id(user: str) -> int:
    """The WHOOP ``user_id`` of ``user``."""
    return 10000 + stable_int("whoop", user) % 900000


def timezone_offset(user: str) -> str:
    """The member's ``timezone_offset`` ('Z' or '±hh:mm'), fixed per user."""
    return OFFSETS[stable_int("whoop-offset", user) % len(OFFSETS)]


def records_of_day(user: str, day: date, today: date) -> dict[str, list[dict]]:
    """Every record of ``day``: its cycle, recovery, sleeps (night and nap) and workouts."""
    cycle = _cycle(user, day, today)
    night = _sleep(user, day, cycle)
    sleeps = [night] + ([_nap(user, day, cycle)] if day.toordinal() % 4 == 0 else [])
    workouts = [_workout(user, day)] if day.toordinal() % 2 == 0 else []
    return {"cycle": [cycle], "recovery": [_recovery(user, day, cycle, night)], "sleep": sleeps,
            "workout": workouts}


def profile(user: str) -> dict:
    """The basic profile."""
    return {"user_id": member_id(user), "email": f"{user}@whoop.standin", "first_name": user.title(),
            "last_name": "Standin"}


def body_measurement(user: str) -> dict:
    """Height, weight and max heart rate."""
    n = stable_int("whoop-body", user)
    return {"height_meter": round(1.55 + n % 40 / 100, 2), "weight_kilogram": round(52 + n % 45 + 0.4, 1),
            "max_heart_rate": 175 + n % 25}


def _offset(user: str) -> timedelta:
    value = timezone_offset(user)
    if value == "Z":
        return timedelta(0)
    sign = -1 if value[0] == "-" else 1
    return sign * timedelta(hours=int(value[1:3]), minutes=int(value[4:6]))


def _local(user: str, day: date, at: time, minutes: int) -> datetime:
    """A local wall-clock time on ``day`` as an aware UTC datetime."""
    return datetime.combine(day, at, UTC) + timedelta(minutes=minutes) - _offset(user)


def _cycle_start(user: str, day: date) -> datetime:
    return _local(user, day - timedelta(days=1), time(22), rng("whoop", user, "bedtime", day).randint(0, 100))


def _cycle(user: str, day: date, today: date) -> dict:
    r = rng("whoop", user, "cycle", day)
    start = _cycle_start(user, day)
    record = {"id": member_id(user) * 100000 + day.toordinal() % 100000, "user_id": member_id(user),
              "created_at": _fmt(start + timedelta(hours=8)), "updated_at": _fmt(start + timedelta(hours=9)),
              "start": _fmt(start), "timezone_offset": timezone_offset(user), "score_state": "SCORED",
              "score": {"strain": round(r.uniform(4, 19), 4), "kilojoule": round(r.uniform(5000, 14000), 3),
                        "average_heart_rate": r.randint(55, 80), "max_heart_rate": r.randint(120, 190)}}
    if day < today:  # the current cycle has no end yet
        record["end"] = _fmt(_cycle_start(user, day + timedelta(days=1)))
    return record


def _sleep(user: str, day: date, cycle: dict) -> dict:
    r = rng("whoop", user, "sleep", day)
    light, deep, rem = (r.randint(a, b) * 60000 for a, b in ((180, 260), (50, 110), (60, 120)))
    awake = r.randint(10, 50) * 60000
    start = _parse(cycle["start"])
    stages = {"total_in_bed_time_milli": light + deep + rem + awake, "total_awake_time_milli": awake,
              "total_no_data_time_milli": 0, "total_light_sleep_time_milli": light,
              "total_slow_wave_sleep_time_milli": deep, "total_rem_sleep_time_milli": rem,
              "sleep_cycle_count": r.randint(3, 6), "disturbance_count": r.randint(0, 15)}
    need = {"baseline_milli": 27000000, "need_from_sleep_debt_milli": r.randint(0, 60) * 60000,
            "need_from_recent_strain_milli": r.randint(0, 30) * 60000, "need_from_recent_nap_milli": 0}
    score = {"stage_summary": stages, "sleep_needed": need, "respiratory_rate": round(r.uniform(13, 17.5), 3),
             "sleep_performance_percentage": r.randint(55, 100), "sleep_consistency_percentage": r.randint(40, 95),
             "sleep_efficiency_percentage": round(100 * (light + deep + rem) / stages["total_in_bed_time_milli"], 2)}
    return _timed(user, f"sleep:{day}", cycle["id"], start, start + timedelta(milliseconds=stages[
        "total_in_bed_time_milli"]), {"nap": False, "score": score})


def _nap(user: str, day: date, cycle: dict) -> dict:
    r = rng("whoop", user, "nap", day)
    start = _local(user, day, time(14), r.randint(0, 60))
    asleep = r.randint(20, 45) * 60000
    stages = {"total_in_bed_time_milli": asleep + 120000, "total_awake_time_milli": 120000,
              "total_no_data_time_milli": 0, "total_light_sleep_time_milli": asleep,
              "total_slow_wave_sleep_time_milli": 0, "total_rem_sleep_time_milli": 0,
              "sleep_cycle_count": 1, "disturbance_count": 0}
    return _timed(user, f"nap:{day}", cycle["id"], start, start + timedelta(milliseconds=asleep + 120000),
                  {"nap": True, "score": {"stage_summary": stages, "respiratory_rate": 15.0}})


def _recovery(user: str, day: date, cycle: dict, night: dict) -> dict:
    r = rng("whoop", user, "recovery", day)
    return {"cycle_id": cycle["id"], "sleep_id": night["id"], "user_id": member_id(user),
            "created_at": night["end"], "updated_at": night["end"], "score_state": "SCORED",
            "score": {"user_calibrating": False, "recovery_score": r.randint(15, 99),
                      "resting_heart_rate": r.randint(42, 68), "hrv_rmssd_milli": round(r.uniform(20, 120), 3),
                      "spo2_percentage": round(r.uniform(94, 99), 2),
                      "skin_temp_celsius": round(r.uniform(32.5, 35), 2)}}


def _workout(user: str, day: date) -> dict:
    r = rng("whoop", user, "workout", day)
    start = _local(user, day, time(17, 30), r.randint(0, 90))
    minutes = r.randint(30, 75)
    shares = [r.randint(1, 10) for _ in ZONES]
    zones = {f"zone_{z}_milli": minutes * 60000 * s // sum(shares) for z, s in zip(ZONES, shares, strict=True)}
    score = {"strain": round(r.uniform(5, 18), 4), "average_heart_rate": r.randint(110, 160),
             "max_heart_rate": r.randint(160, 195), "kilojoule": round(r.uniform(600, 3500), 3),
             "percent_recorded": 100, "distance_meter": round(r.uniform(2000, 20000), 1),
             "altitude_gain_meter": round(r.uniform(0, 200), 1), "altitude_change_meter": round(r.uniform(-5, 5), 1),
             "zone_durations": zones}
    return _timed(user, f"workout:{day}", None, start, start + timedelta(minutes=minutes),
                  {"sport_name": r.choice(SPORTS), "score": score})


def _timed(user: str, name: str, cycle_id: int | None, start: datetime, end: datetime, extra: dict) -> dict:
    """A sleep or workout record: UUID, times, offset, SCORED."""
    record = {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"whoop:{user}:{name}")), "user_id": member_id(user),
              "created_at": _fmt(end), "updated_at": _fmt(end), "start": _fmt(start), "end": _fmt(end),
              "timezone_offset": timezone_offset(user), "score_state": "SCORED"}
    if cycle_id is not None:
        record["cycle_id"] = cycle_id
    score = extra.pop("score")
    return {**record, **extra, "score": score}


def handle(path: str, query: dict[str, str], user: str, today: date) -> Reply:
    """Answer one authenticated GET under /developer."""
    path = path.removeprefix(PREFIX)
    if path == "/v2/user/profile/basic":
        return Reply(200, profile(user))
    if path == "/v2/user/measurement/body":
        return Reply(200, body_measurement(user))
    if path not in COLLECTIONS:
        return Reply(404, {"message": f"no route {path}"})
    return _collection(COLLECTIONS[path], query, user, today)


def _collection(kind: str, query: dict[str, str], user: str, today: date) -> Reply:
    now = datetime.now(UTC)
    end = parse_moment(query.get("end"), "end", now)
    start = parse_moment(query.get("start"), "start", end - timedelta(days=30))
    limit = _limit(query.get("limit"))
    found: list[tuple[datetime, dict]] = []
    for day in days(start.date() - timedelta(days=2), min(end.date() + timedelta(days=1), today)):
        of_day = records_of_day(user, day, today)
        for record in of_day[kind]:
            span = of_day["cycle"][0] if kind == "recovery" else record  # a recovery lives in its cycle's span
            if _intersects(span, start, end):
                found.append((_parse(span["start"]), record))
    found.sort(key=lambda item: item[0], reverse=True)  # newest first, as WHOOP sorts
    chunk, token = page([record for _, record in found], query.get("nextToken"), limit)
    return Reply(200, {"records": chunk, **({"next_token": token} if token else {})})


def _intersects(record: dict, start: datetime, end: datetime) -> bool:
    stop = _parse(record["end"]) if record.get("end") else datetime.max.replace(tzinfo=UTC)
    return _parse(record["start"]) < end and stop > start


def _limit(value: str | None) -> int:
    try:
        limit = int(value) if value else 10
    except ValueError as exc:
        raise BadRequest(f"limit must be a number, got {value!r}") from exc
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    return limit


def _fmt(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
