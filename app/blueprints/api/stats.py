"""Pure helpers for the metric endpoints: periods, local-day UTC ranges, histogram summaries.

Aggregates are computed from histograms ({value: count} per period) that the database
builds with GROUP BY, so a year of 1-minute samples comes back as a few thousand
(period, value, count) rows; min, max, mean and the exact median follow from those.
"""
from __future__ import annotations

import calendar
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

PERIODS = ("day", "week", "month")


def period_start(day: date, period: str) -> date:
    """First day of the period containing ``day`` (weeks start on Monday)."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def period_end(start: date, period: str) -> date:
    """Last day of the period starting on ``start``."""
    if period == "week":
        return start + timedelta(days=6)
    if period == "month":
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return start


def local_midnight_utc(day: date, tz: ZoneInfo) -> datetime:
    """Naive UTC instant of local midnight starting ``day``."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(timezone.utc).replace(tzinfo=None)


def utc_offset_seconds(instant: datetime, tz: ZoneInfo) -> int:
    """The zone's UTC offset at a naive-UTC instant."""
    return int(instant.replace(tzinfo=timezone.utc).astimezone(tz).utcoffset().total_seconds())


def _first_change(lo: datetime, hi: datetime, tz: ZoneInfo) -> datetime:
    """The first second in (lo, hi] whose UTC offset differs from lo's (hi's must differ)."""
    base, low, high = utc_offset_seconds(lo, tz), 0, int((hi - lo).total_seconds())
    while high - low > 1:
        mid = (low + high) // 2
        if utc_offset_seconds(lo + timedelta(seconds=mid), tz) == base:
            low = mid
        else:
            high = mid
    return lo + timedelta(seconds=high)


def utc_segments(start: date, end: date, tz: ZoneInfo) -> list[tuple[datetime, datetime, int]]:
    """The local days start..end as [from, to) naive-UTC pieces, each with one UTC offset (seconds)."""
    lo, hi = local_midnight_utc(start, tz), local_midnight_utc(end + timedelta(days=1), tz)
    pieces, cursor = [], lo
    while cursor < hi:
        offset, previous, probe = utc_offset_seconds(cursor, tz), cursor, cursor
        while probe < hi and utc_offset_seconds(probe, tz) == offset:  # a day at a time to the next change
            previous, probe = probe, min(probe + timedelta(days=1), hi)
        boundary = hi if utc_offset_seconds(probe, tz) == offset else _first_change(previous, probe, tz)
        pieces.append((cursor, boundary, offset))
        cursor = boundary
    return pieces


def median(items: list[tuple[float, int]], count: int) -> float:
    """Exact median of a sorted histogram [(value, count), ...] holding ``count`` values."""
    lower_rank, upper_rank = (count - 1) // 2, count // 2
    seen, lower = 0, None
    for value, n in items:
        if lower is None and seen + n > lower_rank:
            lower = value
        if seen + n > upper_rank:
            return (lower + value) / 2
        seen += n
    raise ValueError("empty histogram")


def summarize(histograms: dict[date, Counter], period: str) -> list[dict]:
    """One {start, end, count, min, max, mean, median} per period that has values, oldest first."""
    out = []
    for start in sorted(histograms):
        items = sorted((float(v), n) for v, n in histograms[start].items() if n)
        if not items:
            continue
        count = sum(n for _, n in items)
        out.append({"start": start.isoformat(), "end": period_end(start, period).isoformat(), "count": count,
                    "min": items[0][0], "max": items[-1][0], "mean": sum(v * n for v, n in items) / count,
                    "median": median(items, count)})
    return out


def percent_change(current: float | None, previous: float | None) -> float | None:
    """Change from previous to current in percent; None when it is undefined."""
    if current is None or previous is None or previous == 0:
        return None
    return round((current - previous) / abs(previous) * 100, 2)
