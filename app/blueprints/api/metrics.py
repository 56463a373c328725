"""Metric endpoints: catalog, series, per-period aggregates, trend."""
from __future__ import annotations

from datetime import timedelta

from flask import jsonify

from app.blueprints.api import bp
from app.blueprints.api.auth import api_user
from app.blueprints.api.catalog import DAILY, MetricRef, catalog, resolve_metric
from app.blueprints.api.errors import bad_parameter
from app.blueprints.api.params import choice_param, day_range, dimension_param, int_param
from app.blueprints.api.queries import (
    daily_histograms,
    daily_series,
    intraday_histograms,
    intraday_series,
    period_value,
)
from app.blueprints.api.stats import PERIODS, percent_change, summarize
from utils.date_utils import local_today

MAX_DAILY_DAYS = 3660  # ten years of daily values
MAX_INTRADAY_DAYS = 31  # a month of 1-minute samples is 44,640 points; longer spans: use /aggregate
MAX_TREND_DAYS = 366


def _describe(ref: MetricRef, dimension: str) -> dict:
    return {"metric": ref.key, "source": ref.source, "kind": ref.kind, "label": ref.label, "unit": ref.unit,
            "dimension": dimension}


def _dimension_for(ref: MetricRef) -> str:
    dimension = dimension_param()
    if dimension and ref.kind != DAILY:
        raise bad_parameter("dimension", "intraday metrics have no dimension")
    return dimension


@bp.get("/metrics")
def list_metrics():
    """The user's metric catalog with the first and last day stored."""
    return jsonify(metrics=catalog(api_user()))


@bp.get("/metrics/<key>/series")
def metric_series(key: str):
    """Daily values (or intraday samples) between start and end."""
    user = api_user()
    ref = resolve_metric(user, key)
    dimension = _dimension_for(ref)
    if ref.kind == DAILY:
        start, end = day_range(user.timezone, default_days=30, max_days=MAX_DAILY_DAYS)
        points = daily_series(user, ref, dimension, start, end)
    else:
        start, end = day_range(user.timezone, default_days=1, max_days=MAX_INTRADAY_DAYS)
        points = intraday_series(user, ref, start, end)
    return jsonify(**_describe(ref, dimension), start=start.isoformat(), end=end.isoformat(), points=points)


@bp.get("/metrics/<key>/aggregate")
def metric_aggregate(key: str):
    """min, max, mean, median and count per day, week or month."""
    user = api_user()
    ref = resolve_metric(user, key)
    dimension = _dimension_for(ref)
    period = choice_param("period", PERIODS, "week")
    start, end = day_range(user.timezone, default_days=365, max_days=MAX_DAILY_DAYS)
    if ref.kind == DAILY:
        histograms = daily_histograms(user, ref, dimension, period, start, end)
    else:
        histograms = intraday_histograms(user, ref, period, start, end)
    return jsonify(**_describe(ref, dimension), period=period, start=start.isoformat(), end=end.isoformat(),
                   periods=summarize(histograms, period))


@bp.get("/metrics/<key>/trend")
def metric_trend(key: str):
    """The last ``days`` days (up to today) against the ``days`` before, in percent."""
    user = api_user()
    ref = resolve_metric(user, key)
    dimension = _dimension_for(ref)
    days = int_param("days", 7, 1, MAX_TREND_DAYS)
    end = local_today(user.timezone)
    start = end - timedelta(days=days - 1)
    previous_end = start - timedelta(days=1)
    previous_start = previous_end - timedelta(days=days - 1)
    current, current_count = period_value(user, ref, dimension, start, end)
    previous, previous_count = period_value(user, ref, dimension, previous_start, previous_end)
    return jsonify(**_describe(ref, dimension), days=days, aggregation=ref.aggregation,
                   current={"start": start.isoformat(), "end": end.isoformat(), "value": current,
                            "count": current_count},
                   previous={"start": previous_start.isoformat(), "end": previous_end.isoformat(),
                             "value": previous, "count": previous_count},
                   change=None if current is None or previous is None else current - previous,
                   percent_change=percent_change(current, previous))
