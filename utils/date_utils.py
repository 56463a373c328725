"""Dates: parsing, user-local days, naive-UTC conversion."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


def parse_day(value: str, name: str = "date") -> date:
    """Parse YYYY-MM-DD or raise ValueError naming the parameter."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a date in YYYY-MM-DD form, got {value!r}") from None


def is_valid_timezone(name: str) -> bool:
    """True when ``name`` is an IANA timezone this machine knows."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def timezone_choices() -> list[str]:
    """Sorted IANA timezone names for a select box."""
    return sorted(available_timezones())


def local_today(tz: str) -> date:
    """Today's date in timezone ``tz``."""
    return datetime.now(ZoneInfo(tz)).date()


def to_naive_utc(value: datetime) -> datetime:
    """Convert an aware datetime to naive UTC (naive input is taken as UTC)."""
    if value.tzinfo is None:
        return value
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def parse_iso_datetime(value: object) -> datetime | None:
    """An aware datetime from ISO 8601 text ('Z' accepted, a missing offset read as UTC), or None."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def utc_now() -> datetime:
    """Naive UTC now, the form the store keeps."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def days_between(start: date, end: date) -> list[date]:
    """Every day from start to end inclusive."""
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]
