"""Overview charts: trends of the headline metrics, and any two metrics against each other."""
from __future__ import annotations

from datetime import timedelta

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app.dashboards import correlation, store
from app.dashboards.figures import PALETTE, line, new_figure
from app.dashboards.grouping import group, unzip
from app.dashboards.highlights import CARD_KINDS, headlines_by_kind
from app.dashboards.pages import Chart
from app.dashboards.ranges import RangeError, View
from app.dashboards.series import show_whole_range
from database.integrations import find_integration
from etl.data_sources.registry import all_sources

LAGS = tuple(range(0, correlation.MAX_LAG + 1))


def trends(view: View) -> go.Figure | None:
    """One small panel per card kind (the first source with data in the range), sharing the time axis."""
    candidates = headlines_by_kind()
    metrics = [h.metric for kind, _ in CARD_KINDS for _, h in candidates.get(kind, [])]
    data = store.daily_many(view.user_id, metrics, view.start, view.end)
    panels = []
    for kind, _ in CARD_KINDS:
        found = next(((label, h) for label, h in candidates.get(kind, []) if data.get(h.metric)), None)
        if found:
            panels.append(found)
    if not panels:
        return None
    fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        subplot_titles=[f"{h.label} ({label})" for label, h in panels],
                        figure=new_figure(height=140 * len(panels) + 40, showlegend=False))
    for row, (_, headline) in enumerate(panels, start=1):
        days, values = unzip(group(data[headline.metric], view.grouping, "mean"))
        if headline.unit == "min":
            values, unit = [v / 60 for v in values], "h"
        else:
            unit = headline.unit
        fig.add_trace(line(days, [round(v, 1) for v in values], headline.label, color=PALETTE[row - 1],
                           hovertemplate=f"%{{y}} {unit}<extra>{headline.label}</extra>"), row=row, col=1)
    fig.update_annotations(font_size=12, x=0, xanchor="left")
    return show_whole_range(fig, view)


def metric_options(user_id: int) -> list[tuple[str, str]]:
    """``(metric key, "Source · label")`` for every total metric this user has values for."""
    stored = set(store.total_metrics(user_id))
    options = []
    for source in all_sources():
        integration = find_integration(user_id, source.manifest.key)
        catalog = {m.key: m.label for m in source.metrics((integration.settings if integration else None) or {})}
        keys = sorted(k for k in stored if store.source_of(k) == source.manifest.key)
        options += [(k, f"{source.manifest.label} · {catalog.get(k, k)}") for k in keys]
    return options


def default_pair(options: list[tuple[str, str]]) -> tuple[str, str]:
    """Sleep against focus time when the user has both, else the first two metrics."""
    keys = [key for key, _ in options]
    kinds = headlines_by_kind()
    sleep = next((h.metric for _, h in kinds.get("sleep", []) if h.metric in keys), None)
    focus = next((h.metric for _, h in kinds.get("focus", []) if h.metric in keys), None)
    if sleep and focus:
        return sleep, focus
    return (keys[0], keys[1]) if len(keys) > 1 else ("", "")


def chosen_pair(view: View) -> tuple[str, str, int, dict[str, str]]:
    """``(x, y, lag, labels)`` from the query string, checked against the user's own metrics."""
    labels = dict(metric_options(view.user_id))
    x, y = view.param("x"), view.param("y")
    if not x and not y:
        x, y = default_pair(list(labels.items()))
    if (x or y) and (x not in labels or y not in labels):
        raise RangeError("Choose two metrics from the lists.")
    text = view.param("lag", "0")
    if not text.lstrip("-").isdigit() or int(text) not in LAGS:
        raise RangeError(f"The lag must be a whole number of days from 0 to {correlation.MAX_LAG}.")
    return x, y, int(text), labels


def scatter(view: View) -> go.Figure | None:
    """Each day as a point (x on the day, y ``lag`` days later), a fitted line, Pearson, Spearman and n."""
    x_key, y_key, lag, labels = chosen_pair(view)
    if not x_key:
        return None
    xs = store.daily(view.user_id, x_key, view.start - timedelta(days=lag), view.end - timedelta(days=lag))
    ys = store.daily(view.user_id, y_key, view.start, view.end)
    pairs = correlation.pair(xs, ys, lag)
    if pairs.n < 3:
        return None
    r, rho = correlation.pearson(pairs.xs, pairs.ys), correlation.spearman(pairs.xs, pairs.ys)
    later = "the same day" if lag == 0 else f"{lag} day{'s' if lag > 1 else ''} later"
    fig = new_figure(height=380, hovermode="closest", showlegend=False, margin={"l": 60, "r": 16, "t": 60, "b": 50},
                     xaxis={"title": {"text": labels[x_key]}, "showgrid": True, "zeroline": False},
                     yaxis={"title": {"text": f"{labels[y_key]} ({later})"}, "zeroline": False})
    fig.add_trace(go.Scatter(x=pairs.xs, y=pairs.ys, mode="markers", marker={"color": PALETTE[0], "opacity": 0.7},
                             customdata=[d.isoformat() for d in pairs.days], name="days",
                             hovertemplate="%{customdata}: %{x:.1f} → %{y:.1f}<extra></extra>"))
    fit = correlation.fit_line(pairs.xs, pairs.ys)
    if fit:
        lo, hi = min(pairs.xs), max(pairs.xs)
        fig.add_trace(go.Scatter(x=[lo, hi], y=[fit[0] * lo + fit[1], fit[0] * hi + fit[1]], mode="lines",
                                 line={"color": PALETTE[1], "dash": "dash"}, name="fit", hoverinfo="skip"))
    fig.update_layout(title={"text": _summary(r, rho, pairs.n), "x": 0, "xanchor": "left", "font": {"size": 13}})
    return fig


def _summary(r: float | None, rho: float | None, n: int) -> str:
    """'Pearson r = 0.42 · Spearman ρ = 0.39 · 87 days: a moderate positive relationship'."""
    fmt = lambda v: "–" if v is None else f"{v:+.2f}"  # noqa: E731
    return (f"Pearson r = {fmt(r)} · Spearman ρ = {fmt(rho)} · {n} days<br>"
            f"<sub>{correlation.strength(rho if rho is not None else r)}</sub>")


CHARTS = (
    Chart("trends", "Trends", trends, wide=True, help="Your headline metrics over the chosen range."),
    Chart("correlation", "Correlation", scatter, empty="Too few days with both metrics in this range (3 needed).",
          help="Each point is a day."),
)
