"""Legacy Fitbit Web API payloads -> rows. Pure functions, no I/O.

Legacy times carry no offset: they are wall-clock times in the profile's timezone,
so ``tz`` (the user's IANA zone) turns them into naive UTC. Units are metric
(requests are sent with python-fitbit's metric ``Accept-Language``).
"""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from etl.data_sources.base import Rows
from etl.data_sources.fitbit.common import (
    BodyReading,
    SleepSession,
    add_daily,
    body_rows,
    heart_rate_rows,
    sleep_rows,
    to_utc,
    zone_name,
)
from etl.data_sources.http import BadPayload

SERIES = {  # time-series payload key -> (metric, decimals kept)
    "activities-steps": ("fitbit.steps", 0),
    "activities-distance": ("fitbit.distance_km", 3),
    "activities-calories": ("fitbit.calories", 0),
    "activities-floors": ("fitbit.floors", 0),
}
ACTIVE_SERIES = ("activities-minutesFairlyActive", "activities-minutesVeryActive")
STAGES = {"deep": "deep", "light": "light", "rem": "rem", "wake": "awake",
          "asleep": "asleep", "restless": "restless", "awake": "awake"}
RECORD_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


def series_rows(payload: dict) -> Rows:
    """Steps, distance (km), calories and floors from their ``activities-*`` date-range series."""
    rows = Rows()
    for key, (metric, decimals) in SERIES.items():
        for item in _records(payload, key):
            try:
                add_daily(rows, metric, _day(item["dateTime"]), round(float(item["value"]), decimals))
            except RECORD_ERRORS:
                rows.skipped += 1
    return rows


def active_minutes_rows(payloads: list[dict]) -> Rows:
    """``fitbit.active_minutes`` = fairly + very active minutes (Google: MODERATE + VIGOROUS)."""
    rows, totals = Rows(), {}
    for payload in payloads:
        for key in ACTIVE_SERIES:
            for item in _records(payload, key):
                try:
                    day = _day(item["dateTime"])
                    totals[day] = totals.get(day, 0.0) + float(item["value"])
                except RECORD_ERRORS:
                    rows.skipped += 1
    for day, minutes in sorted(totals.items()):
        add_daily(rows, "fitbit.active_minutes", day, minutes)
    return rows


def azm_rows(payload: dict) -> Rows:
    """``fitbit.active_zone_minutes`` from the Active Zone Minutes series (days without AZM are absent)."""
    rows = Rows()
    for item in _records(payload, "activities-active-zone-minutes"):
        try:
            value = item["value"]
            total = value.get("activeZoneMinutes")
            if total is None:
                total = sum(value.get(k, 0) for k in ("fatBurnActiveZoneMinutes", "cardioActiveZoneMinutes",
                                                        "peakActiveZoneMinutes"))
            add_daily(rows, "fitbit.active_zone_minutes", _day(item["dateTime"]), total)
        except RECORD_ERRORS:
            rows.skipped += 1
    return rows


def heart_rows(payload: dict) -> Rows:
    """Resting heart rate (absent on days without one) and minutes per heart-rate zone."""
    rows = Rows()
    for item in _records(payload, "activities-heart"):
        try:
            day, value = _day(item["dateTime"]), item.get("value") or {}
            add_daily(rows, "fitbit.resting_heart_rate", day, value.get("restingHeartRate"))
            for zone in value.get("heartRateZones") or []:
                add_daily(rows, "fitbit.hr_zone_minutes", day, zone.get("minutes", 0), zone_name(zone["name"]))
        except RECORD_ERRORS:
            rows.skipped += 1
    return rows


def intraday_rows(payload: dict, day: date, tz: str) -> Rows:
    """1-minute heart rate of one local day; a payload without a dataset (no intraday access) gives none."""
    if not isinstance(payload, dict):
        raise BadPayload("Fitbit heart intraday: expected a JSON object")
    intraday = payload.get("activities-heart-intraday")
    if intraday is None:
        return Rows(notes=["Fitbit sent no intraday heart rate (the app may lack intraday access)"])
    samples, skipped = [], 0
    for point in (intraday or {}).get("dataset") or []:
        try:
            moment = datetime.combine(day, time.fromisoformat(point["time"]))
            samples.append((to_utc(moment, tz), float(point["value"])))
        except RECORD_ERRORS:
            skipped += 1
    rows = heart_rate_rows(samples)
    rows.skipped = skipped
    return rows


def sleep_log_rows(payload: dict, tz: str) -> Rows:
    """Sleep events and daily sleep metrics from the v1.2 sleep date-range payload."""
    sessions, skipped = [], 0
    for log in _records(payload, "sleep"):
        try:
            sessions.append(sleep_session(log, tz))
        except RECORD_ERRORS:
            skipped += 1
    rows = sleep_rows(sessions)
    rows.skipped = skipped
    return rows


def sleep_session(log: dict, tz: str) -> SleepSession:
    """One v1.2 sleep log as a :class:`SleepSession` (its day is ``dateOfSleep``, the wake-up day)."""
    start_local = datetime.fromisoformat(log["startTime"])
    summary = (log.get("levels") or {}).get("summary") or {}
    return SleepSession(
        start_local=start_local.replace(second=0, microsecond=0),
        start=to_utc(start_local, tz),
        end=to_utc(datetime.fromisoformat(log["endTime"]), tz),
        day=_day(log["dateOfSleep"]),
        main=bool(log.get("isMainSleep")),
        kind=str(log.get("type") or "classic").lower(),
        minutes_asleep=int(log.get("minutesAsleep") or 0),
        minutes_awake=int(log.get("minutesAwake") or 0),
        minutes_in_bed=int(log.get("timeInBed") or 0),
        minutes_to_fall_asleep=int(log.get("minutesToFallAsleep") or 0),
        minutes_after_wakeup=int(log.get("minutesAfterWakeup") or 0),
        stages={STAGES[name]: int(level.get("minutes") or 0)
                for name, level in summary.items() if name in STAGES and isinstance(level, dict)},
    )


def weight_rows(payload: dict, tz: str) -> Rows:
    """Weight (kg), BMI and body fat (%) from weight logs; the day's last log wins."""
    readings, skipped = [], 0
    for log in _records(payload, "weight"):
        try:
            day = _day(log["date"])
            moment = datetime.combine(day, time.fromisoformat(log.get("time") or "00:00:00"))
            readings.append(BodyReading(
                day=day, at=to_utc(moment, tz), weight_kg=_rounded(log.get("weight"), 3),
                bmi=_rounded(log.get("bmi"), 2), fat_pct=_rounded(log.get("fat"), 2),
            ))
        except RECORD_ERRORS:
            skipped += 1
    rows = body_rows(readings)
    rows.skipped = skipped
    return rows


def _records(payload: Any, key: str) -> list:
    """``payload[key]`` as a list ([] when absent), or BadPayload naming the field."""
    if not isinstance(payload, dict):
        raise BadPayload(f"Fitbit {key}: expected a JSON object")
    records = payload.get(key) or []
    if not isinstance(records, list):
        raise BadPayload(f"Fitbit {key}: expected a list")
    return records


def _day(text: str) -> date:
    """A ``YYYY-MM-DD`` date."""
    return date.fromisoformat(text)


def _rounded(value: Any, decimals: int) -> float | None:
    """``value`` as a rounded float, or None."""
    return None if value is None else round(float(value), decimals)
