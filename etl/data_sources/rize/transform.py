"""Pure functions from Rize payloads to rows. Rize durations are seconds; we store minutes."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from etl.data_sources.base import Rows
from utils.date_utils import parse_iso_datetime

# bucket field -> metric key
BUCKET_METRICS = {
    "workHours": "rize.work_minutes",
    "trackedTime": "rize.tracked_minutes",
    "focusTime": "rize.focus_minutes",
    "meetingTime": "rize.meeting_minutes",
    "breakTime": "rize.break_minutes",
}
CATEGORY_METRIC = "rize.category_minutes"
SESSION_KINDS = {"focus": "focus_session", "meeting": "meeting", "break": "break"}


def bucket_rows(buckets: list[dict[str, Any]]) -> Rows:
    """Daily totals from the day buckets of ``summaries``."""
    rows = Rows()
    by_key: dict[tuple[str, date], float] = {}
    for bucket in buckets:
        day = bucket_day(bucket.get("date"))
        if day is None:
            rows.skipped += 1
            continue
        for field, metric in BUCKET_METRICS.items():
            minutes = _minutes(bucket.get(field))
            if minutes is not None:
                by_key[(metric, day)] = minutes
    rows.daily = [{"metric": m, "dimension": "", "day": d, "value": v} for (m, d), v in by_key.items()]
    return rows


def bucket_day(value: Any) -> date | None:
    """The local day of a bucket; Rize may send "2025-01-29 00:00:00 -0500", so read the first 10 chars."""
    try:
        return date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def category_rows(day: date, categories: list[dict[str, Any]]) -> Rows:
    """Minutes per category (dimension = category name) on one day."""
    rows = Rows()
    totals: dict[str, float] = {}
    for entry in categories:
        category = entry.get("category") or {}
        name = category.get("name") or category.get("key")
        minutes = _minutes(entry.get("timeSpent"))
        if not name or minutes is None:
            rows.skipped += 1
            continue
        totals[name] = totals.get(name, 0.0) + minutes  # two categories may share a display name
    rows.daily = [{"metric": CATEGORY_METRIC, "dimension": n, "day": day, "value": v} for n, v in totals.items()]
    return rows


def session_events(sessions: list[dict[str, Any]], tz_name: str, days: set[date]) -> Rows:
    """Focus, meeting and break sessions as events on the user's local day of their start."""
    rows = Rows()
    by_id: dict[str, dict[str, Any]] = {}
    for session in sessions:
        event = session_event(session, tz_name)
        if event is None:
            rows.skipped += 1
        elif event["day"] in days:
            by_id[event["external_id"]] = event
    rows.events = list(by_id.values())
    return rows


def session_event(session: dict[str, Any], tz_name: str) -> dict[str, Any] | None:
    """One session as an event, or None when it lacks an id, a known type or a start."""
    kind = SESSION_KINDS.get(str(session.get("type") or "").lower())
    start = parse_time(session.get("startTime"))
    if kind is None or start is None or session.get("id") in (None, ""):
        return None
    end = parse_time(session.get("endTime"))
    minutes = round((end - start).total_seconds() / 60, 2) if end else None
    return {
        "kind": kind,
        "external_id": f"session:{session['id']}",
        "start": _naive_utc(start),
        "end": _naive_utc(end) if end else None,
        "day": start.astimezone(ZoneInfo(tz_name or "UTC")).date(),
        "data": {
            "title": session.get("title"),
            "description": session.get("description"),
            "type": session.get("type"),
            "source": session.get("source"),
            "duration_minutes": minutes,
        },
    }


parse_time = parse_iso_datetime


def _naive_utc(moment: datetime) -> datetime:
    """Naive UTC, the way the store keeps datetimes."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _minutes(seconds: Any) -> float | None:
    """Seconds to minutes; None for a missing or non-numeric value."""
    if seconds is None or isinstance(seconds, bool):
        return None
    try:
        return round(float(seconds) / 60.0, 2)
    except (TypeError, ValueError):
        return None
