"""Rize charts: focus, meeting and break time per day, time by category, a timeline of sessions."""
from __future__ import annotations

from datetime import timedelta, timezone

import plotly.graph_objects as go

from app.dashboards import store
from app.dashboards.figures import PALETTE, axis_title, bar_width, new_figure
from app.dashboards.grouping import unzip
from app.dashboards.highlights import Best, Goal, Headline, Highlights
from app.dashboards.pages import Chart
from app.dashboards.ranges import View
from app.dashboards.series import grouped_many, show_whole_range

TIME = (("rize.focus_minutes", "Focus", PALETTE[0]), ("rize.meeting_minutes", "Meetings", PALETTE[1]),
        ("rize.break_minutes", "Breaks", PALETTE[2]))
KINDS = (("focus_session", "Focus", PALETTE[0]), ("meeting", "Meeting", PALETTE[1]), ("break", "Break", PALETTE[2]))
TIMELINE_DAYS = 14
TOP_CATEGORIES = 10


def time_per_day(view: View) -> go.Figure | None:
    """Hours of focus, meetings and breaks, stacked."""
    data = grouped_many(view, [metric for metric, _, _ in TIME])
    if not data:
        return None
    fig = new_figure(barmode="stack", y_title=axis_title("hours", view.grouping, "mean"))
    for metric, label, color in TIME:
        days, minutes = unzip(data.get(metric, []))
        fig.add_trace(go.Bar(x=days, y=[round(m / 60, 2) for m in minutes], name=label, marker_color=color,
                             width=bar_width(view.grouping), hovertemplate="%{y:.1f} h"))
    return show_whole_range(fig, view)


def categories(view: View) -> go.Figure | None:
    """Total hours per category over the range, largest at the top."""
    totals: dict[str, float] = {}
    for category, points in store.by_dimension(view.user_id, "rize.category_minutes", view.start, view.end).items():
        totals[category] = sum(v for _, v in points)
    if not totals:
        return None
    names = sorted(totals, key=lambda n: -totals[n])
    shown = names[:TOP_CATEGORIES]
    rest = sum(totals[n] for n in names[TOP_CATEGORIES:])
    labels, hours = shown + (["Other"] if rest else []), [totals[n] / 60 for n in shown] + ([rest / 60] if rest else [])
    fig = new_figure(height=max(220, 60 + 30 * len(labels)), hovermode="closest",
                     xaxis={"title": {"text": "hours in the range"}, "showgrid": True})
    fig.add_trace(go.Bar(y=labels[::-1], x=[round(h, 1) for h in hours[::-1]], orientation="h", name="Hours",
                         marker_color=PALETTE[4], hovertemplate="%{y}: %{x:.1f} h<extra></extra>"))
    return fig


def sessions_timeline(view: View) -> go.Figure | None:
    """The sessions of the range's last 14 days as bars across the clock, one row per day."""
    first = max(view.start, view.end - timedelta(days=TIMELINE_DAYS - 1))
    found = store.events(view.user_id, "rize", [kind for kind, _, _ in KINDS], first, view.end)
    if not found:
        return None
    tz = store.zone(view.timezone)
    fig = new_figure(height=max(260, 60 + 26 * ((view.end - first).days + 1)), hovermode="closest",
                     barmode="overlay", y_title="", xaxis={"title": {"text": "time of day"}, "range": [6, 24],
                                                           "dtick": 2, "showgrid": True})
    for kind, label, color in KINDS:
        bars = [e for e in found if e.kind == kind and e.start and e.end]
        starts = [e.start.replace(tzinfo=timezone.utc).astimezone(tz) for e in bars]
        fig.add_trace(go.Bar(
            y=[e.day.strftime("%a %d %b") for e in bars], base=[s.hour + s.minute / 60 for s in starts],
            x=[(e.end - e.start).total_seconds() / 3600 for e in bars], orientation="h", name=label,
            marker_color=color, customdata=[[(e.data or {}).get("title") or label, f"{s:%H:%M}"]
                                            for e, s in zip(bars, starts, strict=True)],
            hovertemplate="%{customdata[0]}<br>%{y} %{customdata[1]}, %{x:.2f} h<extra></extra>",
        ))
    days = [(first + timedelta(days=n)).strftime("%a %d %b") for n in range((view.end - first).days + 1)]
    fig.update_yaxes(categoryorder="array", categoryarray=days[::-1], type="category", range=[-0.5, len(days) - 0.5])
    return fig


CHARTS = (
    Chart("time", "Focus, meetings and breaks", time_per_day, wide=True),
    Chart("categories", "Time by category", categories),
    Chart("sessions", "Sessions timeline", sessions_timeline, empty="No sessions in this range.",
          help=f"The last {TIMELINE_DAYS} days of the range, each session at its time of day."),
)

HIGHLIGHTS = Highlights(
    headlines=(Headline("focus", "rize.focus_minutes", "Focus time", "min"),),
    goals=(Goal("rize.focus_minutes", "Days with 4 h+ focus", 240, "min"),),
    bests=(Best("rize.focus_minutes", "Most focus in a day", "min"),),
)
