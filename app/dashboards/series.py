"""Stored daily values of a view, grouped the view's way: the usual first step of a chart."""
from __future__ import annotations

from collections.abc import Iterable

import plotly.graph_objects as go

from app.dashboards import store
from app.dashboards.figures import day_span
from app.dashboards.grouping import Points, group
from app.dashboards.ranges import View


def grouped(view: View, metric: str, how: str = "mean", dimension: str = "") -> Points:
    """One metric over the view's days, grouped by day, week or month."""
    return group(store.daily(view.user_id, metric, view.start, view.end, dimension), view.grouping, how)


def grouped_many(view: View, metrics: Iterable[str], how: str = "mean") -> dict[str, Points]:
    """Several total series over the view's days, each grouped the same way."""
    raw = store.daily_many(view.user_id, metrics, view.start, view.end)
    return {metric: group(points, view.grouping, how) for metric, points in raw.items()}


def grouped_by_dimension(view: View, metric: str, how: str = "sum") -> dict[str, Points]:
    """A metric's per-dimension series (repository, category, zone), grouped."""
    raw = store.by_dimension(view.user_id, metric, view.start, view.end)
    return {dimension: group(points, view.grouping, how) for dimension, points in raw.items()}


def show_whole_range(fig: go.Figure, view: View) -> go.Figure:
    """Let the x axis span the view's days even where data is missing."""
    if view.grouping == "day":
        fig.update_xaxes(range=day_span(view.start, view.end))
    return fig


def top_dimensions(series: dict[str, Points], limit: int) -> list[str]:
    """The dimensions with the largest totals, largest first."""
    totals = {name: sum(v for _, v in points) for name, points in series.items()}
    return sorted(totals, key=lambda name: (-totals[name], name))[:limit]


def merge_rest(series: dict[str, Points], keep: list[str], label: str = "Other") -> dict[str, Points]:
    """The ``keep`` series as they are, every other series summed into one named ``label``."""
    out = {name: series[name] for name in keep}
    rest: dict = {}
    for name, points in series.items():
        if name not in keep:
            for day, value in points:
                rest[day] = rest.get(day, 0.0) + value
    if rest:
        out[label] = sorted(rest.items())
    return out
