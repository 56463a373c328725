"""Daily values grouped into weeks or months for long ranges."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from statistics import fmean

Points = list[tuple[date, float]]

GROUP_LABELS = {"day": "per day", "week": "per week", "month": "per month"}
AVERAGE_LABELS = {"day": "per day", "week": "daily average per week", "month": "daily average per month"}


def period_start(day: date, grouping: str) -> date:
    """The first day of the period ``day`` falls in (weeks start on Monday)."""
    if grouping == "week":
        return day - timedelta(days=day.weekday())
    if grouping == "month":
        return day.replace(day=1)
    return day


def combine(values: list[float], how: str) -> float:
    """Values of one period combined the catalog's way: sum, mean, last, max or min."""
    if how == "sum":
        return sum(values)
    if how == "last":
        return values[-1]
    if how == "max":
        return max(values)
    if how == "min":
        return min(values)
    return fmean(values)


def group(points: Iterable[tuple[date, float]], grouping: str, how: str = "mean") -> Points:
    """``(period start, combined value)`` in day order; the days without a value are left out."""
    periods: dict[date, list[float]] = {}
    for day, value in sorted(points):
        periods.setdefault(period_start(day, grouping), []).append(value)
    return [(start, combine(values, how)) for start, values in periods.items()]


def rolling_mean(points: Points, days: int = 7) -> Points:
    """Mean of the values within the last ``days`` calendar days of each point."""
    out, window = [], []
    for day, value in points:
        window.append((day, value))
        window = [(d, v) for d, v in window if (day - d).days < days]
        out.append((day, fmean(v for _, v in window)))
    return out


def unzip(points: Points) -> tuple[list[date], list[float]]:
    """Two lists, x and y, for a trace."""
    return [d for d, _ in points], [v for _, v in points]
