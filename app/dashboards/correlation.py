"""Two daily metrics side by side: pairs (with a lag), Pearson and Spearman coefficients."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from math import sqrt

MAX_LAG = 7


@dataclass(frozen=True)
class Pairs:
    """Days on which both metrics have a value: x on ``day``, y on ``day + lag``."""

    days: list[date]
    xs: list[float]
    ys: list[float]
    lag: int

    @property
    def n(self) -> int:
        """How many days the coefficients rest on."""
        return len(self.days)


def pair(x_points: list[tuple[date, float]], y_points: list[tuple[date, float]], lag: int) -> Pairs:
    """Pair x on each day with y ``lag`` days later (lag 1: last night's sleep -> the next day's focus)."""
    y_by_day = dict(y_points)
    days, xs, ys = [], [], []
    for day, x in x_points:
        y = y_by_day.get(day + timedelta(days=lag))
        if y is not None:
            days.append(day)
            xs.append(x)
            ys.append(y)
    return Pairs(days, xs, ys, lag)


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r, or None when there are fewer than 3 pairs or a series is constant."""
    n = len(xs)
    if n < 3:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / sqrt(sxx * syy)


def ranks(values: list[float]) -> list[float]:
    """1-based ranks, ties sharing their average rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return result


def spearman(xs: list[float], ys: list[float]) -> float | None:
    """Spearman's rho: Pearson's r of the ranks."""
    return pearson(ranks(xs), ranks(ys)) if len(xs) >= 3 else None


def fit_line(xs: list[float], ys: list[float]) -> tuple[float, float] | None:
    """Least-squares ``(slope, intercept)``, or None when x does not vary."""
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    return slope, mean_y - slope * mean_x


def strength(r: float | None) -> str:
    """Plain words for a coefficient's size."""
    if r is None:
        return "not enough variation"
    size = abs(r)
    words = "no clear" if size < 0.1 else "a weak" if size < 0.3 else "a moderate" if size < 0.5 else "a strong"
    direction = "" if size < 0.1 else (" positive" if r > 0 else " negative")
    return f"{words}{direction} relationship"
