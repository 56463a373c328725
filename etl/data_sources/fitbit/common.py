"""Shared by both Fitbit adapters: normalised records -> rows, time helpers, the backfill loop.

Each adapter's transform turns its own payloads into the small records below
(:class:`SleepSession`, :class:`BodyReading`, heart-rate samples) and lets this
module build the rows, so the legacy and the Google path write identical rows for
the same underlying data.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from statistics import fmean
from typing import Any
from zoneinfo import ZoneInfo

from etl.data_sources.base import Rows, Window
from etl.data_sources.http import RateLimited

# Heart-rate zones under one set of names on both paths (legacy zone name / Google HeartRateZoneType).
ZONE_NAMES = {
    "out of range": "out_of_range", "light": "out_of_range",
    "fat burn": "fat_burn", "moderate": "fat_burn",
    "cardio": "cardio", "vigorous": "cardio",
    "peak": "peak",
}
SLEEP_STAGE_METRICS = {
    "deep": "fitbit.sleep_deep_minutes",
    "light": "fitbit.sleep_light_minutes",
    "rem": "fitbit.sleep_rem_minutes",
    "awake": "fitbit.sleep_awake_minutes",
}


@dataclass(frozen=True)
class SleepSession:
    """One sleep log, whichever API it came from."""

    start_local: datetime  # naive, the user's wall clock: gives the stable external id
    start: datetime  # naive UTC
    end: datetime  # naive UTC
    day: date  # the local day the sleep ended on
    main: bool
    kind: str  # "stages" | "classic"
    minutes_asleep: int
    minutes_awake: int
    minutes_in_bed: int
    minutes_to_fall_asleep: int
    minutes_after_wakeup: int
    stages: dict[str, int] = field(default_factory=dict)  # deep/light/rem/awake or asleep/restless/awake


@dataclass(frozen=True)
class BodyReading:
    """One body measurement; any of the three values may be missing."""

    day: date
    at: datetime  # naive UTC, orders readings within a day
    weight_kg: float | None = None
    bmi: float | None = None
    fat_pct: float | None = None


def zone_name(raw: str) -> str:
    """The shared dimension name of a heart-rate zone ('Fat Burn', 'MODERATE' -> 'fat_burn')."""
    key = raw.strip().lower().replace("_", " ")
    return ZONE_NAMES.get(key, key.replace(" ", "_"))


def daily(metric: str, day: date, value: Any, dimension: str = "") -> dict | None:
    """A daily row, or None when the value is missing."""
    if value is None:
        return None
    return {"metric": metric, "dimension": dimension, "day": day, "value": float(value)}


def add_daily(rows: Rows, metric: str, day: date, value: Any, dimension: str = "") -> None:
    """Append a daily row unless its value is missing."""
    row = daily(metric, day, value, dimension)
    if row is not None:
        rows.daily.append(row)


def to_utc(local: datetime, tz: str) -> datetime:
    """A naive local wall-clock time in ``tz`` as naive UTC (ambiguous DST times take the first)."""
    return local.replace(tzinfo=ZoneInfo(tz)).astimezone(timezone.utc).replace(tzinfo=None)


def local_midnight_utc(day: date, tz: str) -> datetime:
    """The naive-UTC instant at which ``day`` starts in ``tz``."""
    return to_utc(datetime.combine(day, time()), tz)


def spans(window: Window, days: int) -> list[tuple[date, date]]:
    """The window cut into inclusive ``(start, end)`` chunks of at most ``days`` days."""
    chunks, start = [], window.start
    while start <= window.end:
        end = min(window.end, start + timedelta(days=days - 1))
        chunks.append((start, end))
        start = end + timedelta(days=1)
    return chunks


def sleep_rows(sessions: Iterable[SleepSession]) -> Rows:
    """Sleep events (``sleep`` for the main sleep, ``nap`` otherwise) and the daily sleep metrics."""
    rows = Rows()
    by_day: dict[date, list[SleepSession]] = {}
    for session in sessions:
        rows.events.append(_sleep_event(session))
        by_day.setdefault(session.day, []).append(session)
    for day, group in sorted(by_day.items()):
        _sleep_day(rows, day, group)
    return rows


def _sleep_event(session: SleepSession) -> dict:
    """The event row of one sleep; its id is the local start minute, the same on both APIs."""
    return {
        "kind": "sleep" if session.main else "nap",
        "external_id": f"sleep:{session.start_local:%Y-%m-%dT%H:%M}",
        "start": session.start,
        "end": session.end,
        "day": session.day,
        "data": {
            "main_sleep": session.main,
            "type": session.kind,
            "start_local": session.start_local.isoformat(timespec="minutes"),
            "minutes_asleep": session.minutes_asleep,
            # classic logs: legacy counts restless time as awake, Google does not; the AWAKE stage is shared
            "minutes_awake": session.stages.get("awake", session.minutes_awake),
            "minutes_in_bed": session.minutes_in_bed,
            "minutes_to_fall_asleep": session.minutes_to_fall_asleep,
            "minutes_after_wakeup": session.minutes_after_wakeup,
            "efficiency": efficiency(session),
            "stages": dict(sorted(session.stages.items())),
        },
    }


def _sleep_day(rows: Rows, day: date, group: list[SleepSession]) -> None:
    """Daily totals over every sleep that ended on ``day``; efficiency of the main sleep."""
    add_daily(rows, "fitbit.sleep_minutes", day, sum(s.minutes_asleep for s in group))
    main = next((s for s in group if s.main), max(group, key=lambda s: s.minutes_in_bed))
    add_daily(rows, "fitbit.sleep_efficiency", day, efficiency(main))
    for stage, metric in SLEEP_STAGE_METRICS.items():
        minutes = [s.stages[stage] for s in group if stage in s.stages]
        if minutes:
            add_daily(rows, metric, day, sum(minutes))


def efficiency(session: SleepSession) -> int | None:
    """Minutes asleep as a whole percentage of the sleep period (Google reports no efficiency)."""
    if session.minutes_in_bed <= 0:
        return None
    return round(100 * session.minutes_asleep / session.minutes_in_bed)


def body_rows(readings: Iterable[BodyReading]) -> Rows:
    """Weight, BMI and body fat: the day's last reading of each."""
    rows, readings = Rows(), sorted(readings, key=lambda r: r.at)
    for name, metric in (("weight_kg", "fitbit.weight_kg"), ("bmi", "fitbit.bmi"), ("fat_pct", "fitbit.body_fat_pct")):
        last: dict[date, BodyReading] = {}
        for reading in readings:
            if getattr(reading, name) is not None:
                last[reading.day] = reading
        for day, reading in sorted(last.items()):
            add_daily(rows, metric, day, getattr(reading, name))
    return rows


def heart_rate_rows(samples: Iterable[tuple[datetime, float]]) -> Rows:
    """1-minute ``fitbit.heart_rate`` rows: the mean of each minute's samples, in whole bpm."""
    minutes: dict[datetime, list[float]] = {}
    for moment, bpm in samples:
        minutes.setdefault(moment.replace(second=0, microsecond=0), []).append(float(bpm))
    return Rows(intraday=[
        {"metric": "fitbit.heart_rate", "ts": ts, "value": float(round(fmean(values)))}
        for ts, values in sorted(minutes.items())
    ])


def backfill(window: Window, summaries: list[Callable[[], Rows]], intraday: Callable[[date], Rows],
             limit_note: Callable[[RateLimited, date], str]) -> Rows:
    """Run the daily-summary calls for the whole window, then the intraday calls one day at a time.

    Summaries come first so that a rate limit hits the intraday series, not the daily
    numbers. On :class:`RateLimited` the rows fetched so far are kept and
    ``complete_through`` is the last day whose intraday series was fetched (the day
    before the window when the summaries themselves were cut short), so the next run
    resumes there.
    """
    rows = Rows()
    done = window.start - timedelta(days=1)
    try:
        for step in summaries:
            rows.extend(step())
        for day in window.days():
            rows.extend(intraday(day))
            done = day
    except RateLimited as exc:
        rows.complete_through = done
        rows.notes.append(limit_note(exc, done))
    return finish(rows)


def finish(rows: Rows) -> Rows:
    """Drop duplicate keys (last wins) and repeated notes."""
    rows.daily = list({(r["metric"], r["dimension"], r["day"]): r for r in rows.daily}.values())
    rows.intraday = list({(r["metric"], r["ts"]): r for r in rows.intraday}.values())
    rows.events = list({r["external_id"]: r for r in rows.events}.values())
    rows.notes = list(dict.fromkeys(rows.notes))
    return rows
