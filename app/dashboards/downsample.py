"""Keeping charts small: Largest-Triangle-Three-Buckets and a point budget per figure."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import plotly.graph_objects as go

MAX_POINTS = 5000  # no chart ships more points than this
LINE_TYPES = ("scatter", "scattergl")
PER_POINT_FIELDS = ("x", "y", "text", "customdata", "hovertext")


def lttb(xs: Sequence[float], ys: Sequence[float], threshold: int) -> list[int]:
    """Indices of the points Largest-Triangle-Three-Buckets keeps (first and last always)."""
    n = len(xs)
    if threshold >= n or threshold < 3:
        return list(range(n)) if threshold >= n else list(range(min(n, threshold)))
    kept, a = [0], 0
    size = (n - 2) / (threshold - 2)
    for i in range(threshold - 2):
        lo, hi = int(i * size) + 1, int((i + 1) * size) + 1
        nxt_lo, nxt_hi = hi, min(int((i + 2) * size) + 1, n)
        avg_x = sum(xs[nxt_lo:nxt_hi]) / max(nxt_hi - nxt_lo, 1) if nxt_lo < n else xs[-1]
        avg_y = sum(ys[nxt_lo:nxt_hi]) / max(nxt_hi - nxt_lo, 1) if nxt_lo < n else ys[-1]
        best, best_area = lo, -1.0
        for j in range(lo, min(hi, n - 1)):
            area = abs((xs[a] - avg_x) * (ys[j] - ys[a]) - (xs[a] - xs[j]) * (avg_y - ys[a]))
            if area > best_area:
                best, best_area = j, area
        kept.append(best)
        a = best
    kept.append(n - 1)
    return kept


def numeric(value: object) -> float:
    """An x value as a number LTTB can measure (dates and datetimes as seconds)."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, date):
        return float(value.toordinal() * 86400)
    if isinstance(value, str):
        return datetime.fromisoformat(value).timestamp()
    return float(value)  # type: ignore[arg-type]


def point_count(fig: go.Figure) -> int:
    """Points a figure ships: x/y values of every trace, cells of heatmaps."""
    total = 0
    for trace in fig.data:
        z = getattr(trace, "z", None)
        if trace.type == "heatmap" and z is not None:
            total += sum(len(row) for row in z)
            continue
        values = trace.y if getattr(trace, "y", None) is not None else getattr(trace, "x", None)
        total += len(values) if values is not None else 0
    return total


def cap_points(fig: go.Figure, limit: int = MAX_POINTS) -> go.Figure:
    """Thin the line traces with LTTB so the whole figure stays within ``limit`` points."""
    total = point_count(fig)
    if total <= limit:
        return fig
    for trace in fig.data:
        if trace.type not in LINE_TYPES or trace.x is None or trace.y is None or None in trace.y:
            continue
        size = len(trace.y)
        budget = max(3, int(limit * size / total))
        if size > budget:
            keep = lttb([numeric(x) for x in trace.x], [float(y) for y in trace.y], budget)
            for name in PER_POINT_FIELDS:
                values = getattr(trace, name, None)
                if isinstance(values, (list, tuple)) and len(values) == size:
                    trace[name] = [values[i] for i in keep]
    return fig
