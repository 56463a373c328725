"""Google Health API (v4) payloads -> rows. Pure functions, no I/O.

int64 values arrive as strings, durations as ``"NNNs"``, instants as RFC 3339 UTC;
proto3 JSON leaves zero fields out, so a present record with a missing count
means 0. Days are the civil (local) dates the API reports.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

from etl.data_sources.base import Rows
from etl.data_sources.fitbit.common import (
    BodyReading,
    SleepSession,
    add_daily,
    body_rows,
    heart_rate_rows,
    sleep_rows,
    zone_name,
)
from etl.data_sources.http import BadPayload

ACTIVE_LEVELS = ("MODERATE", "VIGOROUS")  # legacy "fairly" and "very" active
AZM_FIELDS = ("sumInFatBurnHeartZone", "sumInCardioHeartZone", "sumInPeakHeartZone")
ZONES = ("LIGHT", "MODERATE", "VIGOROUS", "PEAK")
STAGES = ("deep", "light", "rem", "awake", "asleep", "restless")
RECORD_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError)


def _steps(value: dict, day: date, rows: Rows) -> None:
    add_daily(rows, "fitbit.steps", day, float(value.get("countSum", 0)))


def _distance(value: dict, day: date, rows: Rows) -> None:
    add_daily(rows, "fitbit.distance_km", day, round(float(value.get("millimetersSum", 0)) / 1e6, 3))


def _calories(value: dict, day: date, rows: Rows) -> None:
    add_daily(rows, "fitbit.calories", day, round(float(value.get("kcalSum", 0))))


def _floors(value: dict, day: date, rows: Rows) -> None:
    add_daily(rows, "fitbit.floors", day, float(value.get("countSum", 0)))


def _active_minutes(value: dict, day: date, rows: Rows) -> None:
    levels = [item for item in value.get("activeMinutesRollupByActivityLevel") or []
              if item.get("activityLevel") in ACTIVE_LEVELS]
    minutes = sum(float(item.get("activeMinutesSum", 0)) for item in levels)
    add_daily(rows, "fitbit.active_minutes", day, minutes)


def _active_zone_minutes(value: dict, day: date, rows: Rows) -> None:
    add_daily(rows, "fitbit.active_zone_minutes", day, sum(float(value.get(name, 0)) for name in AZM_FIELDS))


def _zone_minutes(value: dict, day: date, rows: Rows) -> None:
    seconds = {zone: 0.0 for zone in ZONES}
    for entry in value.get("timeInHeartRateZones") or []:
        if entry.get("heartRateZone") in seconds:
            seconds[entry["heartRateZone"]] = duration_seconds(entry.get("duration", "0s"))
    for zone, total in seconds.items():
        add_daily(rows, "fitbit.hr_zone_minutes", day, round(total / 60, 2), zone_name(zone))


# dailyRollUp data type -> (key of its value in a rollup point, value -> rows)
ROLLUPS: dict[str, tuple[str, Callable[[dict, date, Rows], None]]] = {
    "steps": ("steps", _steps),
    "distance": ("distance", _distance),
    "total-calories": ("totalCalories", _calories),
    "floors": ("floors", _floors),
    "active-minutes": ("activeMinutes", _active_minutes),
    "active-zone-minutes": ("activeZoneMinutes", _active_zone_minutes),
    "time-in-heart-rate-zone": ("timeInHeartRateZone", _zone_minutes),
}


def daily_rollup_rows(data_type: str, points: list[dict]) -> Rows:
    """Daily rows from ``dataPoints:dailyRollUp`` points of one data type; days without a value give none."""
    key, convert = ROLLUPS[data_type]
    rows = Rows()
    for point in _points(points, data_type):
        try:
            if key in point:
                convert(point[key] or {}, civil_date(point["civilStartTime"]), rows)
        except RECORD_ERRORS:
            rows.skipped += 1
    return rows


def resting_heart_rate_rows(points: list[dict]) -> Rows:
    """``fitbit.resting_heart_rate`` from ``daily-resting-heart-rate`` points."""
    rows = Rows()
    for point in _points(points, "daily-resting-heart-rate"):
        try:
            value = point["dailyRestingHeartRate"]
            bpm = _number(value.get("beatsPerMinute"))
            add_daily(rows, "fitbit.resting_heart_rate", civil_date(value["date"]), bpm)
        except RECORD_ERRORS:
            rows.skipped += 1
    return rows


def sleep_point_rows(points: list[dict]) -> Rows:
    """Sleep events and daily sleep metrics; a sleep not yet summarised is skipped (a later run gets it)."""
    sessions, skipped = [], 0
    for point in _points(points, "sleep"):
        try:
            sessions.append(sleep_session(point["sleep"]))
        except RECORD_ERRORS:
            skipped += 1
    rows = sleep_rows(sessions)
    rows.skipped = skipped
    return rows


def sleep_session(sleep: dict) -> SleepSession:
    """One ``sleep`` record as a :class:`SleepSession` (its day is the civil date it ended on)."""
    interval, summary = sleep["interval"], sleep["summary"]
    start, end = utc(interval["startTime"]), utc(interval["endTime"])
    start_local = civil_datetime(interval.get("civilStartTime")) or start + offset(interval.get("startUtcOffset"))
    end_local = civil_datetime(interval.get("civilEndTime")) or end + offset(interval.get("endUtcOffset"))
    stages = {}
    for stage in summary.get("stagesSummary") or []:
        name = str(stage.get("type", "")).lower()
        if name in STAGES:
            stages[name] = int(stage.get("minutes", 0))
    return SleepSession(
        start_local=start_local.replace(second=0, microsecond=0),
        start=start, end=end, day=end_local.date(),
        main=bool((sleep.get("metadata") or {}).get("mainSleep")),
        kind=str(sleep.get("type") or "CLASSIC").lower(),
        minutes_asleep=int(summary.get("minutesAsleep", 0)),
        minutes_awake=int(summary.get("minutesAwake", 0)),
        minutes_in_bed=int(summary.get("minutesInSleepPeriod", 0)),
        minutes_to_fall_asleep=int(summary.get("minutesToFallAsleep", 0)),
        minutes_after_wakeup=int(summary.get("minutesAfterWakeUp", 0)),
        stages=stages,
    )


def body_point_rows(weights: list[dict], fats: list[dict], heights: list[dict]) -> Rows:
    """Weight (kg), BMI (from the latest height measured by then) and body fat (%)."""
    readings, skipped = [], 0
    height_at = _height_lookup(heights)
    for point in _points(weights, "weight"):
        try:
            at, day = sample_time(point["weight"]["sampleTime"])
            kg = round(float(point["weight"]["weightGrams"]) / 1000, 3)
            readings.append(BodyReading(day=day, at=at, weight_kg=kg, bmi=bmi(kg, height_at(at))))
        except RECORD_ERRORS:
            skipped += 1
    for point in _points(fats, "body-fat"):
        try:
            at, day = sample_time(point["bodyFat"]["sampleTime"])
            readings.append(BodyReading(day=day, at=at, fat_pct=round(float(point["bodyFat"]["percentage"]), 2)))
        except RECORD_ERRORS:
            skipped += 1
    rows = body_rows(readings)
    rows.skipped = skipped
    return rows


def heart_rate_minute_rows(points: list[dict]) -> Rows:
    """1-minute ``fitbit.heart_rate`` from ``heart-rate`` rollUp points (windowSize 60s)."""
    samples, skipped = [], 0
    for point in _points(points, "heart-rate"):
        try:
            average = (point.get("heartRate") or {}).get("beatsPerMinuteAvg")
            if average is not None:
                samples.append((utc(point["startTime"]), float(average)))
        except RECORD_ERRORS:
            skipped += 1
    rows = heart_rate_rows(samples)
    rows.skipped = skipped
    return rows


def bmi(weight_kg: float, height_mm: float | None) -> float | None:
    """Body-mass index to two decimals, or None without a height."""
    if not height_mm:
        return None
    return round(weight_kg / (height_mm / 1000) ** 2, 2)


def _height_lookup(heights: list[dict]) -> Callable[[datetime], float | None]:
    """A function giving the height (mm) measured last before an instant (or the first one ever)."""
    measured = []
    for point in _points(heights, "height"):
        try:
            height = point["height"]
            measured.append((sample_time(height["sampleTime"])[0], float(height["heightMillimeters"])))
        except RECORD_ERRORS:
            continue
    measured.sort()
    times = [at for at, _ in measured]

    def height_at(moment: datetime) -> float | None:
        if not measured:
            return None
        return measured[max(bisect_right(times, moment) - 1, 0)][1]

    return height_at


def sample_time(sample: dict) -> tuple[datetime, date]:
    """A ``sampleTime`` as (naive UTC instant, local civil date)."""
    at = utc(sample["physicalTime"])
    local = civil_datetime(sample.get("civilTime")) or at + offset(sample.get("utcOffset"))
    return at, local.date()


def utc(text: str) -> datetime:
    """An RFC 3339 timestamp as naive UTC."""
    return datetime.fromisoformat(text).astimezone(timezone.utc).replace(tzinfo=None)


def offset(text: str | None) -> timedelta:
    """A ``"-18000s"`` UTC offset."""
    return timedelta(seconds=duration_seconds(text or "0s"))


def duration_seconds(text: str) -> float:
    """A protobuf duration (``"2700s"``, ``"3.5s"``) in seconds."""
    return float(str(text).rstrip("s") or 0)


def civil_date(civil: dict) -> date:
    """A civil ``{year, month, day}`` (or ``{date: {...}}``) as a date."""
    value = civil.get("date", civil)
    return date(int(value["year"]), int(value["month"]), int(value["day"]))


def civil_datetime(civil: dict | None) -> datetime | None:
    """A civil ``{date, time}`` as a naive local datetime (omitted time fields are 0), or None."""
    if not civil or "date" not in civil:
        return None
    clock = civil.get("time") or {}
    return datetime.combine(civil_date(civil), datetime.min.time()).replace(
        hour=int(clock.get("hours", 0)), minute=int(clock.get("minutes", 0)), second=int(clock.get("seconds", 0)))


def _number(value: Any) -> float | None:
    """An int64 string or number as float, or None."""
    return None if value is None else float(value)


def _points(points: Any, data_type: str) -> list[dict]:
    """The list of points, or BadPayload naming the data type."""
    if not isinstance(points, list):
        raise BadPayload(f"Google Health {data_type}: expected a list of data points")
    return points
