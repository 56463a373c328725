"""Google Sheets charts: one per imported column, a line per metric or stacked bars per category."""
from __future__ import annotations

from functools import partial

import plotly.graph_objects as go

from app.dashboards import store
from app.dashboards.figures import PALETTE, axis_title, bar_width, line, new_figure
from app.dashboards.grouping import unzip
from app.dashboards.pages import Chart
from app.dashboards.ranges import View
from app.dashboards.series import grouped, grouped_by_dimension, merge_rest, show_whole_range, top_dimensions
from database.integrations import find_integration
from etl.data_sources.base import Metric
from etl.data_sources.sheets import SOURCE

TOP_CATEGORIES = 8
NO_CATEGORY = "(no category)"


def user_metrics(user_id: int) -> list[Metric]:
    """The user's columns (from the integration settings), plus any stored sheet metric no longer configured."""
    integration = find_integration(user_id, "sheets")
    metrics = SOURCE.metrics(integration.settings or {}) if integration else []
    known = {m.key for m in metrics}
    stored = [key for key in store.metric_keys(user_id, "sheets") if key not in known]
    return metrics + [Metric(key, key.removeprefix("sheets.").replace("_", " ").capitalize()) for key in stored]


def metric_chart(metric: Metric, view: View) -> go.Figure | None:
    """Stacked bars per category when the column has categories, else the values as a line."""
    by_category = grouped_by_dimension(view, metric.key, "sum")
    if by_category:
        return _stacked(metric, view, by_category)
    points = grouped(view, metric.key, "mean")
    if not points:
        return None
    fig = new_figure(y_title=axis_title(metric.unit, view.grouping, "mean") if view.grouping != "day" else metric.unit)
    days, values = unzip(points)
    fig.add_trace(line(days, [round(v, 2) for v in values], metric.label, color=PALETTE[0]))
    fig.update_yaxes(rangemode="normal")
    return show_whole_range(fig, view)


def _stacked(metric: Metric, view: View, by_category: dict) -> go.Figure:
    """One bar segment per category (the largest few, the rest as 'Other'); rows without one shown apart."""
    uncategorised = grouped(view, metric.key, "sum")
    series = merge_rest(by_category, top_dimensions(by_category, TOP_CATEGORIES))
    if uncategorised:
        series[NO_CATEGORY] = uncategorised
    fig = new_figure(barmode="stack", y_title=axis_title(metric.unit, view.grouping, "sum"))
    for name, points in series.items():
        days, values = unzip(points)
        fig.add_trace(go.Bar(x=days, y=[round(v, 2) for v in values], name=name, width=bar_width(view.grouping)))
    return show_whole_range(fig, view)


def charts_for(user_id: int) -> list[Chart]:
    """One chart per sheet metric of this user."""
    return [Chart(metric.key.removeprefix("sheets."), f"{metric.label}" + (f" ({metric.unit})" if metric.unit else ""),
                  partial(metric_chart, metric), wide=True) for metric in user_metrics(user_id)]
