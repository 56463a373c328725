"""Rize GraphQL answers (day buckets, categories, sessions) for the simulated days, through the real transform."""
from __future__ import annotations

from datetime import datetime, time

from etl.data_sources.base import Rows
from etl.data_sources.rize import transform
from etl.demo.clock import aware
from etl.demo.person import Day, rng


def categories(day: Day) -> list[dict]:
    """Seconds per category: most focus is code, meetings are meetings, the rest is chat and browsing."""
    focus = sum(s.minutes for s in day.sessions if s.kind == "focus")
    meetings = sum(s.minutes for s in day.sessions if s.kind == "meeting")
    if not focus and not meetings:
        return []
    r = rng(day.day, "rize-categories")
    minutes = {"Code": focus * 0.72, "Docs": focus * 0.18, "Design": focus * 0.10, "Meetings": meetings,
               "Messaging": (r.uniform(30, 60) if day.work_day else r.uniform(0, 10)),
               "Browsing": r.uniform(15, 45)}
    return [{"category": {"key": name.lower(), "name": name}, "timeSpent": int(m * 60)}
            for name, m in minutes.items() if m >= 1]


def bucket(day: Day, tz: str) -> dict:
    """One day bucket of ``summaries``; Rize labels it with the local midnight and its offset."""
    seconds = {kind: sum(s.minutes for s in day.sessions if s.kind == kind) * 60
               for kind in ("focus", "meeting", "break")}
    tracked = sum(entry["timeSpent"] for entry in categories(day))
    span = 0.0
    if day.sessions:
        span = (max(s.end for s in day.sessions) - min(s.start for s in day.sessions)).total_seconds()
    label = aware(datetime.combine(day.day, time()), tz).strftime("%Y-%m-%d %H:%M:%S %z")
    return {"date": label, "focusTime": seconds["focus"], "meetingTime": seconds["meeting"],
            "breakTime": seconds["break"], "trackedTime": tracked + seconds["break"], "workHours": int(span)}


def sessions(days: list[Day], tz: str) -> list[dict]:
    """Every session with its local offset, as ``sessions`` returns them."""
    return [{"id": f"{d.day.toordinal()}{i:02d}", "title": s.title, "description": None, "type": s.kind,
             "source": "calendar" if s.kind == "meeting" else "timer",
             "startTime": aware(s.start, tz).isoformat(), "endTime": aware(s.end, tz).isoformat()}
            for d in days for i, s in enumerate(d.sessions)]


def rows(days: list[Day], tz: str) -> Rows:
    """Rows from the real transform: daily totals, minutes per category, session events."""
    found = transform.bucket_rows([bucket(d, tz) for d in days])
    found.extend(transform.session_events(sessions(days, tz), tz, {d.day for d in days}))
    for d in days:
        found.extend(transform.category_rows(d.day, categories(d)))
    return found
