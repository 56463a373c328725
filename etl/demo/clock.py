"""Local wall-clock times of the simulated person in the shapes the providers send."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo


def aware(local: datetime, tz: str) -> datetime:
    """A naive local time in ``tz`` made aware."""
    return local.replace(tzinfo=ZoneInfo(tz))


def utc_z(local: datetime, tz: str) -> str:
    """'2026-11-05T04:00:00.000Z' (WHOOP, GitHub)."""
    return aware(local, tz).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def offset(local: datetime, tz: str) -> str:
    """The UTC offset at that moment as '+01:00'."""
    minutes = int(aware(local, tz).utcoffset().total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def utc_naive(local: datetime, tz: str) -> datetime:
    """The naive-UTC instant of a local time (the store's form)."""
    return aware(local, tz).astimezone(timezone.utc).replace(tzinfo=None)
