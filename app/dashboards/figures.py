"""Plotly figures built the same way everywhere: one layout, one palette, compact JSON.

Colours that depend on the light or dark theme (text, grid lines) are left to the browser:
``static/js/charts.js`` applies them from the page's CSS, following ``prefers-color-scheme``.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

import plotly.graph_objects as go
import plotly.io as pio

from app.dashboards.downsample import cap_points, point_count
from app.dashboards.grouping import AVERAGE_LABELS, GROUP_LABELS

PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2", "#ff9da6",
           "#9d755d", "#8f8f8f")
GOOD, FAIR, POOR = "#2e9d57", "#e0b000", "#d64545"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


def new_figure(*, height: int = 320, y_title: str = "", **layout) -> go.Figure:
    """An empty figure with the shared layout (transparent, responsive, legend on top)."""
    base = {
        "template": "none",
        "height": height,
        "autosize": True,
        "margin": {"l": 56, "r": 16, "t": 16, "b": 40},
        "colorway": list(PALETTE),
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": FONT, "size": 12},
        "hovermode": "x unified",
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "xaxis": {"automargin": True, "showgrid": False},
        "yaxis": {"automargin": True, "title": {"text": y_title}, "zeroline": False},
        "barmode": "group",
    }
    base.update(layout)
    return go.Figure(layout=base)


def right_axis(title: str, **extra) -> dict:
    """A second y axis on the right, over the first (for a line over bars)."""
    return {"title": {"text": title}, "overlaying": "y", "side": "right", "showgrid": False, "automargin": True,
            "zeroline": False, "tickmode": "auto", **extra}


def axis_title(unit: str, grouping: str, how: str) -> str:
    """'steps, daily average per week' or 'min per week' for the y axis."""
    label = AVERAGE_LABELS[grouping] if how == "mean" else GROUP_LABELS[grouping]
    return f"{unit}, {label}" if unit else label


def bar_width(grouping: str) -> int:
    """Bar width in milliseconds, so weekly and monthly bars fill their period."""
    days = {"day": 0.8, "week": 6, "month": 26}[grouping]
    return int(days * 86400 * 1000)


def line(x: Sequence, y: Sequence, name: str, *, color: str | None = None, dense: bool = False, dash: str = "",
         width: float = 2, **extra) -> go.Scatter | go.Scattergl:
    """A line with markers when it is short; WebGL (Scattergl) when it is dense."""
    kind = go.Scattergl if dense else go.Scatter
    mode = "lines" if dense or len(x) > 120 else "lines+markers"
    style: dict = {"width": width}
    if color:
        style["color"] = color
    if dash:
        style["dash"] = dash
    return kind(x=list(x), y=list(y), name=name, mode=mode, line=style, marker={"size": 5}, **extra)


def to_json(fig: go.Figure) -> str:
    """The figure as JSON for plotly.js, thinned to the point budget first."""
    return pio.to_json(cap_points(fig), validate=False)


def shipped_points(fig: go.Figure) -> int:
    """Points the figure will ship after thinning."""
    return point_count(cap_points(fig))


def day_span(start: date, end: date) -> list[str]:
    """An x-axis range that shows every day of ``[start, end]`` with half a day of margin."""
    half = timedelta(hours=12)
    return [(datetime.combine(start, time()) - half).isoformat(sep=" "),
            (datetime.combine(end, time()) + half).isoformat(sep=" ")]


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def calendar(values: dict[date, float | None], texts: dict[date, str], start: date, end: date, *,
             colorscale: list, zmin: float, zmax: float, showscale: bool = False) -> go.Figure:
    """A GitHub-style calendar: one column per week (Monday first), one cell per day, text on hover."""
    first = start - timedelta(days=start.weekday())
    weeks = [first + timedelta(weeks=n) for n in range((end - first).days // 7 + 1)]
    z = [[None] * len(weeks) for _ in WEEKDAYS]
    text = [[""] * len(weeks) for _ in WEEKDAYS]
    for day in (start + timedelta(days=n) for n in range((end - start).days + 1)):
        column, row = (day - first).days // 7, day.weekday()
        z[row][column] = values.get(day)
        text[row][column] = texts.get(day, day.isoformat())
    fig = new_figure(height=230, hovermode="closest", margin={"l": 40, "r": 10, "t": 10, "b": 30})
    fig.add_trace(go.Heatmap(
        x=[w.isoformat() for w in weeks], y=list(WEEKDAYS), z=z, text=text, hovertemplate="%{text}<extra></extra>",
        colorscale=colorscale, zmin=zmin, zmax=zmax, showscale=showscale, xgap=2, ygap=2, hoverongaps=False,
    ))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    step = max(1, round(len(weeks) / 7))  # about seven labels, each on a Monday
    fig.update_xaxes(showgrid=False, type="date", tickformat="%d %b", tick0=first.isoformat(),
                     dtick=step * 7 * 86400 * 1000)
    return fig


def steps_colorscale(colors: list[str]) -> list:
    """A colorscale that paints integer codes 0..n-1 each in one flat colour."""
    n, scale = len(colors), []
    for i, color in enumerate(colors):
        scale += [[i / n, color], [(i + 1) / n, color]]
    return scale
