"""GitHub charts: commits and churn per day, commits per repository, languages, an active-day calendar."""
from __future__ import annotations

import plotly.graph_objects as go

from app.dashboards import store
from app.dashboards.figures import PALETTE, axis_title, bar_width, calendar, line, new_figure, right_axis
from app.dashboards.grouping import unzip
from app.dashboards.highlights import Best, Goal, Headline, Highlights
from app.dashboards.pages import Chart
from app.dashboards.ranges import View
from app.dashboards.series import grouped_by_dimension, grouped_many, merge_rest, show_whole_range, top_dimensions

TOP_REPOSITORIES = 6
GREENS = [[0, "rgba(127,127,127,0.22)"], [0.001, "#9be9a8"], [0.35, "#40c463"], [0.7, "#30a14e"], [1, "#216e39"]]


def commits_and_churn(view: View) -> go.Figure | None:
    """Commits (bars) and lines changed (line) over all repositories."""
    data = grouped_many(view, ["github.commits", "github.churn"], "sum")
    if not data:
        return None
    fig = new_figure(y_title=axis_title("commits", view.grouping, "sum"),
                     yaxis2=right_axis("lines changed", rangemode="tozero"))
    days, values = unzip(data.get("github.commits", []))
    fig.add_trace(go.Bar(x=days, y=[round(v) for v in values], name="Commits", marker_color=PALETTE[2],
                         width=bar_width(view.grouping)))
    days, values = unzip(data.get("github.churn", []))
    fig.add_trace(line(days, [round(v) for v in values], "Lines changed", color=PALETTE[6], yaxis="y2"))
    return show_whole_range(fig, view)


def per_repository(view: View) -> go.Figure | None:
    """Commits per repository, stacked (the busiest six, the rest as 'Other')."""
    by_repo = grouped_by_dimension(view, "github.commits", "sum")
    if not by_repo:
        return None
    series = merge_rest(by_repo, top_dimensions(by_repo, TOP_REPOSITORIES))
    fig = new_figure(barmode="stack", y_title=axis_title("commits", view.grouping, "sum"))
    for name, points in series.items():
        days, values = unzip(points)
        fig.add_trace(go.Bar(x=days, y=[round(v) for v in values], name=name, width=bar_width(view.grouping)))
    return show_whole_range(fig, view)


def languages(view: View) -> go.Figure | None:
    """Share of code per language over all repositories, from the latest snapshot in the range."""
    day = store.latest_day(view.user_id, "github.language_bytes", view.end, dimension=None)
    if day is None or day < view.start:
        return None
    sizes = {name: value for name, value in store.dimensions_on(view.user_id, "github.language_bytes", day).items()
             if ":" not in name}  # "owner/repo:Language" rows are per repository; plain names are totals
    total = sum(sizes.values())
    if not total:
        return None
    names = sorted(sizes, key=lambda n: sizes[n])
    fig = new_figure(height=max(220, 60 + 28 * len(names)), hovermode="closest",
                     xaxis={"title": {"text": f"% of code on {day:%d %b %Y}"}, "showgrid": True})
    fig.add_trace(go.Bar(y=names, x=[round(100 * sizes[n] / total, 1) for n in names], orientation="h",
                         marker_color=PALETTE[0], name="Share", customdata=[round(sizes[n] / 1024) for n in names],
                         hovertemplate="%{y}: %{x} % (%{customdata:,} KB)<extra></extra>"))
    return fig


def activity_calendar(view: View) -> go.Figure | None:
    """One cell per day, darker with more commits; hover for the count."""
    points = store.daily(view.user_id, "github.commits", view.start, view.end)
    if not points:
        return None
    values = dict(points)
    texts = {d: f"{d:%a %d %b %Y}: {int(v)} commit{'s' if v != 1 else ''}" for d, v in points}
    top = max(max(values.values()), 1)
    return calendar(values, texts, view.start, view.end, colorscale=GREENS, zmin=0, zmax=top, showscale=True)


CHARTS = (
    Chart("commits", "Commits and churn", commits_and_churn, wide=True,
          help="Commits on default branches and the lines they added plus deleted."),
    Chart("repositories", "Commits per repository", per_repository),
    Chart("languages", "Languages", languages),
    Chart("calendar", "Active days", activity_calendar, wide=True),
)

HIGHLIGHTS = Highlights(
    headlines=(Headline("commits", "github.commits", "Commits", "commits"),),
    goals=(Goal("github.commits", "Days with a commit", 1, "commits"),),
    bests=(Best("github.commits", "Most commits in a day", "commits"),),
)
