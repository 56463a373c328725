"""WHOOP charts: recovery in its bands, strain against recovery, sleep performance, workouts by sport."""
from __future__ import annotations

import plotly.graph_objects as go

from app.dashboards import store
from app.dashboards.figures import FAIR, GOOD, PALETTE, POOR, axis_title, bar_width, line, new_figure, right_axis
from app.dashboards.grouping import unzip
from app.dashboards.highlights import Best, Goal, Headline, Highlights
from app.dashboards.pages import Chart
from app.dashboards.ranges import View
from app.dashboards.series import grouped, grouped_many, show_whole_range

BANDS = ((67, 100, GOOD, "green"), (34, 67, FAIR, "yellow"), (0, 34, POOR, "red"))  # WHOOP's own bands


def band_color(recovery: float) -> str:
    """Green from 67 %, yellow from 34 %, red below."""
    return next(color for low, _, color, _ in BANDS if recovery >= low)


def recovery(view: View) -> go.Figure | None:
    """Recovery per day coloured by band, over faint green/yellow/red background bands."""
    days, values = unzip(grouped(view, "whoop.recovery_score"))
    if not days:
        return None
    fig = new_figure(y_title="recovery %", yaxis={"range": [0, 100], "zeroline": False})
    for low, high, color, _ in BANDS:
        fig.add_hrect(y0=low, y1=high, fillcolor=color, opacity=0.08, line_width=0, layer="below")
    fig.add_trace(go.Bar(x=days, y=[round(v) for v in values], marker_color=[band_color(v) for v in values],
                         name="Recovery", width=bar_width(view.grouping), hovertemplate="%{y} %"))
    return show_whole_range(fig, view)


def strain_recovery(view: View) -> go.Figure | None:
    """Day strain (0–21, bars) and recovery (line) on one time axis."""
    data = grouped_many(view, ["whoop.strain", "whoop.recovery_score"])
    if not data:
        return None
    fig = new_figure(y_title="day strain", yaxis={"range": [0, 21]},
                     yaxis2=right_axis("recovery %", range=[0, 100]))
    days, values = unzip(data.get("whoop.strain", []))
    fig.add_trace(go.Bar(x=days, y=[round(v, 1) for v in values], name="Strain", marker_color=PALETTE[0],
                         width=bar_width(view.grouping)))
    days, values = unzip(data.get("whoop.recovery_score", []))
    fig.add_trace(line(days, [round(v) for v in values], "Recovery", color=GOOD, yaxis="y2"))
    return show_whole_range(fig, view)


def sleep_performance(view: View) -> go.Figure | None:
    """Hours asleep against the hours WHOOP said you needed, and the resulting sleep performance."""
    data = grouped_many(view, ["whoop.sleep_minutes", "whoop.sleep_need_minutes", "whoop.sleep_performance"])
    if not data:
        return None
    fig = new_figure(y_title=axis_title("hours", view.grouping, "mean"),
                     yaxis2=right_axis("sleep performance %", range=[0, 100]))
    days, values = unzip(data.get("whoop.sleep_minutes", []))
    fig.add_trace(go.Bar(x=days, y=[round(v / 60, 2) for v in values], name="Asleep", marker_color=PALETTE[0],
                         width=bar_width(view.grouping), hovertemplate="%{y:.1f} h"))
    days, values = unzip(data.get("whoop.sleep_need_minutes", []))
    fig.add_trace(line(days, [round(v / 60, 2) for v in values], "Needed", color=PALETTE[7],
                       dash="dot", hovertemplate="%{y:.1f} h"))
    days, values = unzip(data.get("whoop.sleep_performance", []))
    fig.add_trace(line(days, [round(v) for v in values], "Performance", color=PALETTE[2], yaxis="y2"))
    return show_whole_range(fig, view)


def workouts_by_sport(view: View) -> go.Figure | None:
    """Workout minutes per sport in the range (horizontal bars), with the number of sessions."""
    totals: dict[str, list[float]] = {}
    for event in store.events(view.user_id, "whoop", ["workout"], view.start, view.end):
        sport = str((event.data or {}).get("sport_name") or "other").replace("-", " ")
        minutes = (event.end - event.start).total_seconds() / 60 if event.start and event.end else 0.0
        entry = totals.setdefault(sport, [0, 0.0])
        entry[0] += 1
        entry[1] += minutes
    if not totals:
        return None
    sports = sorted(totals, key=lambda s: totals[s][1])
    fig = new_figure(height=max(220, 60 + 34 * len(sports)), hovermode="closest", y_title="",
                     xaxis={"title": {"text": "minutes"}, "showgrid": True})
    fig.add_trace(go.Bar(
        y=[s.capitalize() for s in sports], x=[round(totals[s][1]) for s in sports], orientation="h",
        marker_color=PALETTE[3], text=[f"{totals[s][0]} sessions" for s in sports], textposition="auto",
        hovertemplate="%{y}: %{x} min, %{text}<extra></extra>", name="Workouts",
    ))
    return fig


CHARTS = (
    Chart("recovery", "Recovery", recovery, wide=True,
          help="WHOOP's recovery each morning: green 67–100 %, yellow 34–66 %, red 0–33 %."),
    Chart("strain", "Strain vs recovery", strain_recovery,
          help="How hard each day was (strain, 0–21) next to how recovered you started it."),
    Chart("sleep", "Sleep performance", sleep_performance,
          help="Hours asleep against the sleep WHOOP calculated you needed."),
    Chart("workouts", "Workouts by sport", workouts_by_sport, empty="No workouts in this range."),
)

HIGHLIGHTS = Highlights(
    headlines=(Headline("readiness", "whoop.recovery_score", "Recovery", "%"),
               Headline("sleep", "whoop.sleep_performance", "Sleep performance", "%")),
    goals=(Goal("whoop.recovery_score", "Green recovery days (67 %+)", 67, "%"),),
    bests=(Best("whoop.recovery_score", "Best recovery", "%"), Best("whoop.strain", "Hardest day (strain)"),
           Best("whoop.hrv_rmssd", "Highest HRV", "ms")),
)
