"""Oura charts: sleep score and stages per night, readiness against HRV, bedtime consistency."""
from __future__ import annotations

from statistics import pstdev

import plotly.graph_objects as go

from app.dashboards.figures import PALETTE, axis_title, bar_width, line, new_figure, right_axis
from app.dashboards.grouping import unzip
from app.dashboards.highlights import Best, Goal, Headline, Highlights
from app.dashboards.pages import Chart
from app.dashboards.ranges import View
from app.dashboards.series import grouped, grouped_many, show_whole_range

STAGES = (("oura.deep_sleep_minutes", "Deep", "#2b4c8c"), ("oura.rem_sleep_minutes", "REM", "#5b8def"),
          ("oura.light_sleep_minutes", "Light", "#9fc0f5"), ("oura.awake_minutes", "Awake", "#f0a35e"))


def sleep_stages(view: View) -> go.Figure | None:
    """Hours in each stage, stacked per night, with the sleep score on a second axis."""
    stages = grouped_many(view, [metric for metric, _, _ in STAGES])
    score = grouped(view, "oura.sleep_score")
    if not stages and not score:
        return None
    fig = new_figure(barmode="stack", y_title=axis_title("hours", view.grouping, "mean"),
                     yaxis2=right_axis("sleep score", range=[0, 100]))
    for metric, label, color in STAGES:
        days, minutes = unzip(stages.get(metric, []))
        fig.add_trace(go.Bar(x=days, y=[round(m / 60, 2) for m in minutes], name=label, marker_color=color,
                             width=bar_width(view.grouping), hovertemplate="%{y:.1f} h"))
    days, values = unzip(score)
    fig.add_trace(line(days, [round(v, 1) for v in values], "Sleep score", color=PALETTE[1], yaxis="y2"))
    return show_whole_range(fig, view)


def readiness_hrv(view: View) -> go.Figure | None:
    """Readiness score with the average HRV of the night before."""
    data = grouped_many(view, ["oura.readiness_score", "oura.sleep_average_hrv"])
    if not data:
        return None
    fig = new_figure(y_title="readiness score",
                     yaxis2=right_axis("HRV (ms)"))
    days, values = unzip(data.get("oura.readiness_score", []))
    fig.add_trace(line(days, [round(v, 1) for v in values], "Readiness", color=PALETTE[2]))
    days, values = unzip(data.get("oura.sleep_average_hrv", []))
    fig.add_trace(line(days, [round(v, 1) for v in values], "HRV", color=PALETTE[6], yaxis="y2"))
    return show_whole_range(fig, view)


def bedtime(view: View) -> go.Figure | None:
    """Each night from bedtime to wake-up, on a clock axis; the spread of bedtimes in the legend."""
    data = grouped_many(view, ["oura.bedtime_start", "oura.bedtime_end"])
    starts, ends = dict(data.get("oura.bedtime_start", [])), dict(data.get("oura.bedtime_end", []))
    nights = sorted(set(starts) & set(ends))
    if not nights:
        return None
    spread = pstdev([starts[n] for n in nights]) if len(nights) > 1 else 0.0
    fig = new_figure(y_title="time of night", hovermode="closest")
    fig.add_trace(go.Bar(
        x=nights, base=[starts[n] / 60 for n in nights], y=[(ends[n] - starts[n]) / 60 for n in nights],
        width=bar_width(view.grouping), marker_color=PALETTE[0], name=f"In bed (bedtime varies ±{spread:.0f} min)",
        customdata=[[_clock(starts[n]), _clock(ends[n])] for n in nights],
        hovertemplate="%{x|%a %d %b}: %{customdata[0]} – %{customdata[1]}<extra></extra>", showlegend=True,
    ))
    ticks = list(range(-4, 13, 2))
    fig.update_yaxes(tickvals=ticks, ticktext=[_clock(t * 60) for t in ticks], autorange="reversed")
    return show_whole_range(fig, view)


def activity(view: View) -> go.Figure | None:
    """Steps (bars) and activity score (line) as the ring counts them."""
    steps, score = grouped(view, "oura.steps"), grouped(view, "oura.activity_score")
    if not steps and not score:
        return None
    fig = new_figure(y_title=axis_title("steps", view.grouping, "mean"),
                     yaxis2=right_axis("activity score", range=[0, 100]))
    days, values = unzip(steps)
    fig.add_trace(go.Bar(x=days, y=[round(v) for v in values], name="Steps", marker_color=PALETTE[4],
                         width=bar_width(view.grouping)))
    days, values = unzip(score)
    fig.add_trace(line(days, [round(v, 1) for v in values], "Activity score", color=PALETTE[1], yaxis="y2"))
    return show_whole_range(fig, view)


def _clock(minutes: float) -> str:
    """Minutes from midnight (negative: the evening before) as a 24-hour clock time."""
    total = round(minutes) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"


CHARTS = (
    Chart("sleep", "Sleep score and stages", sleep_stages, wide=True,
          help="Hours of deep, REM and light sleep and time awake per night; the line is Oura's sleep score."),
    Chart("readiness", "Readiness vs HRV", readiness_hrv,
          help="Readiness usually follows the night's heart-rate variability."),
    Chart("bedtime", "Bedtime consistency", bedtime,
          help="From bedtime to wake-up each night; a steady bar height means a steady rhythm."),
    Chart("activity", "Steps and activity score", activity, wide=True),
)

HIGHLIGHTS = Highlights(
    headlines=(Headline("sleep", "oura.sleep_score", "Sleep score", "score"),
               Headline("readiness", "oura.readiness_score", "Readiness", "score")),
    goals=(Goal("oura.sleep_score", "Nights with a sleep score of 85+", 85),),
    bests=(Best("oura.sleep_score", "Best sleep score", "score"),
           Best("oura.sleep_average_hrv", "Highest night HRV", "ms")),
)
