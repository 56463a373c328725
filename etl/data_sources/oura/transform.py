"""Pure functions from Oura v2 payloads to rows: no I/O, tested on payloads alone.

Durations arrive in seconds and are stored in minutes. Sleep-period metrics for a
day come from its main periods (``long_sleep``); ``sleep`` and ``late_nap`` are naps,
``rest`` and ``deleted`` are left out entirely.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from etl.data_sources.base import Rows, Window

NAP_TYPES = frozenset({"sleep", "late_nap"})
EXCLUDED_TYPES = frozenset({"rest", "deleted"})
SECONDS = 1 / 60  # scale that turns seconds into minutes

# collection -> {metric name: (dotted field path, scale)}
DAILY_FIELDS: dict[str, dict[str, tuple[str, float]]] = {
    "daily_sleep": {"sleep_score": ("score", 1)},
    "daily_readiness": {
        "readiness_score": ("score", 1),
        "temperature_deviation": ("temperature_deviation", 1),
        "temperature_trend_deviation": ("temperature_trend_deviation", 1),
    },
    "daily_activity": {
        "activity_score": ("score", 1),
        "steps": ("steps", 1),
        "active_calories": ("active_calories", 1),
        "total_calories": ("total_calories", 1),
        "high_activity_minutes": ("high_activity_time", SECONDS),
        "medium_activity_minutes": ("medium_activity_time", SECONDS),
        "low_activity_minutes": ("low_activity_time", SECONDS),
        "sedentary_minutes": ("sedentary_time", SECONDS),
        "resting_minutes": ("resting_time", SECONDS),
    },
    "daily_spo2": {
        "spo2_average": ("spo2_percentage.average", 1),
        "breathing_disturbance_index": ("breathing_disturbance_index", 1),
    },
    "daily_stress": {
        "stress_high_minutes": ("stress_high", SECONDS),
        "recovery_high_minutes": ("recovery_high", SECONDS),
    },
}
CONTRIBUTOR_METRICS = {
    "daily_sleep": "sleep_contributor",
    "daily_readiness": "readiness_contributor",
    "daily_activity": "activity_contributor",
}
# Summed over a day's main periods: metric name -> sleep field (seconds).
NIGHT_SUMS = {
    "total_sleep_minutes": "total_sleep_duration",
    "deep_sleep_minutes": "deep_sleep_duration",
    "rem_sleep_minutes": "rem_sleep_duration",
    "light_sleep_minutes": "light_sleep_duration",
    "awake_minutes": "awake_time",
    "time_in_bed_minutes": "time_in_bed",
}
# Taken from a day's longest main period: metric name -> (sleep field, scale).
NIGHT_LONGEST = {
    "sleep_efficiency": ("efficiency", 1),
    "sleep_latency_minutes": ("latency", SECONDS),
    "sleep_average_heart_rate": ("average_heart_rate", 1),
    "sleep_lowest_heart_rate": ("lowest_heart_rate", 1),
    "sleep_average_hrv": ("average_hrv", 1),
}


def to_rows(documents: dict[str, list[dict]], heart_rate: list[dict], window: Window, tz_name: str) -> Rows:
    """All rows for ``window`` from the collections' documents and the heart-rate samples."""
    rows = Rows()
    for collection in DAILY_FIELDS:
        rows.extend(daily_rows(collection, documents.get(collection) or [], window))
    rows.extend(sleep_rows(documents.get("sleep") or [], window))
    rows.extend(heart_rate_rows(heart_rate, *local_day_bounds(window, tz_name)))
    rows.daily = _last_wins(rows.daily, ("metric", "dimension", "day"))
    rows.events = _last_wins(rows.events, ("external_id",))
    return rows


def daily_rows(collection: str, records: list[dict], window: Window) -> Rows:
    """Daily metrics (and score contributors) of one daily collection, inside ``window``."""
    rows = Rows()
    for record in unique_by_id(records, rows):
        day = _day(record.get("day"))
        if day is None:
            rows.skipped += 1
            continue
        if not window.start <= day <= window.end:
            continue
        for name, (path, scale) in DAILY_FIELDS[collection].items():
            _add(rows, name, day, _dig(record, path), scale)
        contributor = CONTRIBUTOR_METRICS.get(collection)
        contributors = record.get("contributors") if contributor else None
        for key, value in (contributors if isinstance(contributors, dict) else {}).items():
            _add(rows, contributor, day, value, dimension=key)
    return rows


def sleep_rows(records: list[dict], window: Window) -> Rows:
    """Sleep and nap events plus per-day sleep metrics from the ``sleep`` collection."""
    rows = Rows()
    nights: dict[date, list[tuple[dict, datetime, datetime]]] = defaultdict(list)
    naps: dict[date, list[dict]] = defaultdict(list)
    for record in unique_by_id(records, rows):
        if record.get("type") in EXCLUDED_TYPES:
            continue
        parsed = _parse_period(record)
        if parsed is None:
            rows.skipped += 1
            continue
        start, end, day = parsed
        if not window.start <= day <= window.end:
            continue
        nap = record.get("type") in NAP_TYPES
        rows.events.append(_sleep_event(record, "nap" if nap else "sleep", day, start, end))
        if nap:
            naps[day].append(record)
        else:
            nights[day].append((record, start, end))
    for day, periods in nights.items():
        _night_rows(rows, day, periods)
    for day, records_of_day in naps.items():
        _add(rows, "nap_minutes", day, _sum(r.get("total_sleep_duration") for r in records_of_day), SECONDS)
    return rows


def period_day(record: dict, start: datetime) -> date:
    """The day a sleep period counts toward; a ``late_nap`` counts toward the next day."""
    day = date.fromisoformat(record["day"])
    if record.get("type") == "late_nap":
        # Payloads have been seen with `day` already moved to the next day: never shift twice.
        return max(day, start.date() + timedelta(days=1))
    return day


def heart_rate_rows(samples: list[dict], start: datetime, end: datetime) -> Rows:
    """``oura.heart_rate`` intraday rows (naive UTC) for samples in ``[start, end)``."""
    rows = Rows()
    by_ts: dict[datetime, float] = {}
    for sample in samples:
        try:
            ts = utc_naive(_aware(sample["timestamp"]))
        except (KeyError, TypeError, ValueError):
            ts = None
        bpm = _number(sample.get("bpm")) if isinstance(sample, dict) else None
        if ts is None or bpm is None:
            rows.skipped += 1
        elif start <= ts < end:
            by_ts[ts] = bpm
    rows.intraday = [{"metric": "oura.heart_rate", "ts": ts, "value": v} for ts, v in sorted(by_ts.items())]
    return rows


def local_day_bounds(window: Window, tz_name: str) -> tuple[datetime, datetime]:
    """Naive-UTC ``[start, end)`` covering the window's local days in ``tz_name`` (UTC if unknown)."""
    try:
        zone: Any = ZoneInfo(tz_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    start = datetime.combine(window.start, time(), zone)
    end = datetime.combine(window.end + timedelta(days=1), time(), zone)
    return utc_naive(start), utc_naive(end)


def unique_by_id(records: Iterable[Any], rows: Rows) -> list[dict]:
    """Documents deduplicated by ``id`` (last wins); non-objects are counted as skipped."""
    by_id: dict[Any, dict] = {}
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            rows.skipped += 1
            continue
        by_id[record.get("id") or f"#{index}"] = record
    return list(by_id.values())


def utc_naive(moment: datetime) -> datetime:
    """An aware datetime as naive UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def _parse_period(record: dict) -> tuple[datetime, datetime, date] | None:
    """Bedtimes and counted day of a sleep period, or None when it lacks them."""
    try:
        start, end = _aware(record["bedtime_start"]), _aware(record["bedtime_end"])
        return (start, end, period_day(record, start)) if record.get("id") else None
    except (KeyError, TypeError, ValueError):
        return None


def _night_rows(rows: Rows, day: date, periods: list[tuple[dict, datetime, datetime]]) -> None:
    """Per-day sleep metrics from the day's main periods."""
    for name, field in NIGHT_SUMS.items():
        _add(rows, name, day, _sum(record.get(field) for record, _, _ in periods), SECONDS)
    longest = max(periods, key=lambda p: (_number(p[0].get("time_in_bed")) or 0,
                                          _number(p[0].get("total_sleep_duration")) or 0))
    for name, (field, scale) in NIGHT_LONGEST.items():
        _add(rows, name, day, longest[0].get(field), scale)
    # A split night runs from its first bedtime to its last wake-up, in local wall-clock time.
    first_start = min(start for _, start, _ in periods)
    last_end = max(end for _, _, end in periods)
    _add(rows, "bedtime_start", day, _minutes_from_midnight(first_start, day))
    _add(rows, "bedtime_end", day, _minutes_from_midnight(last_end, day))


def _sleep_event(record: dict, kind: str, day: date, start: datetime, end: datetime) -> dict:
    """One ``sleep``/``nap`` event; ``data`` holds minutes and raw local bedtimes."""
    readiness = record.get("readiness") if isinstance(record.get("readiness"), dict) else {}
    data = {"type": record.get("type"), "bedtime_start": record["bedtime_start"], "bedtime_end": record["bedtime_end"]}
    data.update({name: _scaled(record.get(field), SECONDS) for name, field in NIGHT_SUMS.items()})
    data.update({name: _scaled(record.get(field), scale) for name, (field, scale) in NIGHT_LONGEST.items()})
    data["average_breath"] = _number(record.get("average_breath"))
    data["readiness_score"] = _number(readiness.get("score"))
    data["sleep_phase_5_min"] = record.get("sleep_phase_5_min")
    return {"kind": kind, "external_id": str(record["id"]), "start": utc_naive(start), "end": utc_naive(end),
            "day": day, "data": data}


def _minutes_from_midnight(moment: datetime, day: date) -> float:
    """Local wall-clock minutes from midnight starting ``day`` (negative the evening before)."""
    return (moment.replace(tzinfo=None) - datetime.combine(day, time())).total_seconds() / 60


def _add(rows: Rows, name: str, day: date, value: Any, scale: float = 1, dimension: str = "") -> None:
    """Append a daily row unless the value is missing or not a number."""
    scaled = _scaled(value, scale)
    if scaled is not None:
        rows.daily.append({"metric": f"oura.{name}", "dimension": dimension, "day": day, "value": scaled})


def _scaled(value: Any, scale: float) -> float | None:
    """``value * scale`` as a float, or None when the value is not a number."""
    number = _number(value)
    return None if number is None else number * scale


def _number(value: Any) -> float | None:
    """A JSON number as float; None for null, booleans, strings and the rest."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _sum(values: Iterable[Any]) -> float | None:
    """Sum of the numbers among ``values``; None when there is none."""
    numbers = [n for n in map(_number, values) if n is not None]
    return sum(numbers) if numbers else None


def _dig(record: dict, path: str) -> Any:
    """The value at a dotted path, or None when any step is missing or null."""
    value: Any = record
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _day(value: Any) -> date | None:
    """An ISO ``YYYY-MM-DD`` day, or None."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _aware(value: str) -> datetime:
    """An ISO datetime with its offset; one without an offset is taken as UTC."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _last_wins(rows: list[dict], key: tuple[str, ...]) -> list[dict]:
    """Rows deduplicated on ``key``, the last one winning."""
    return list({tuple(row[k] for k in key): row for row in rows}.values())
