"""SQL behind the metric endpoints; every query is scoped to one user."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal_column, text

from app.blueprints.api.catalog import DAILY, MetricRef
from app.blueprints.api.stats import local_midnight_utc, period_start, utc_segments
from app.extensions import db
from database.models import DailyMetric, IntradaySample, User

SQL_AGGREGATES = {"sum": func.sum, "mean": func.avg, "max": func.max, "min": func.min}


def _daily_filter(user: User, ref: MetricRef, dimension: str, start: date, end: date) -> tuple:
    return (DailyMetric.user_id == user.id, DailyMetric.source == ref.source, DailyMetric.metric == ref.key,
            DailyMetric.dimension == dimension, DailyMetric.day >= start, DailyMetric.day <= end)


def _intraday_filter(user: User, ref: MetricRef, start: datetime, end: datetime) -> tuple:
    return (IntradaySample.user_id == user.id, IntradaySample.source == ref.source,
            IntradaySample.metric == ref.key, IntradaySample.ts >= start, IntradaySample.ts < end)


def _utc_range(user: User, start: date, end: date) -> tuple[datetime, datetime]:
    tz = ZoneInfo(user.timezone)
    return local_midnight_utc(start, tz), local_midnight_utc(date.fromordinal(end.toordinal() + 1), tz)


def daily_series(user: User, ref: MetricRef, dimension: str, start: date, end: date) -> list[dict]:
    """[{day, value}] oldest first."""
    query = (db.select(DailyMetric.day, DailyMetric.value).where(*_daily_filter(user, ref, dimension, start, end))
             .order_by(DailyMetric.day))
    return [{"day": day.isoformat(), "value": value} for day, value in db.session.execute(query)]


def intraday_series(user: User, ref: MetricRef, start: date, end: date) -> list[dict]:
    """[{ts (UTC, ISO 8601 with Z), value}] for the user's local days start..end, oldest first."""
    query = (db.select(IntradaySample.ts, IntradaySample.value)
             .where(*_intraday_filter(user, ref, *_utc_range(user, start, end))).order_by(IntradaySample.ts))
    return [{"ts": ts.isoformat() + "Z", "value": value} for ts, value in db.session.execute(query)]


def _bucket(dialect: str, period: str, offset_seconds: int):
    """SQL for the local period start of intraday_samples.ts shifted by a fixed UTC offset."""
    offset = int(offset_seconds)  # an int, so inlining it is safe
    if dialect == "sqlite":
        modifiers = {"day": "", "week": ", '-6 days', 'weekday 1'", "month": ", 'start of month'"}[period]
        return literal_column(f"date(intraday_samples.ts, '{offset:+d} seconds'{modifiers})")
    local = f"(intraday_samples.ts + INTERVAL {offset} SECOND)"
    return literal_column({"day": f"DATE({local})",
                           "week": f"(DATE({local}) - INTERVAL WEEKDAY({local}) DAY)",
                           "month": f"(DATE({local}) - INTERVAL (DAYOFMONTH({local}) - 1) DAY)"}[period])


def intraday_histograms(user: User, ref: MetricRef, period: str, start: date, end: date) -> dict[date, Counter]:
    """{period start: Counter(value -> count)}, grouped by the database per constant-offset stretch."""
    dialect = db.session.get_bind().dialect.name
    histograms: dict[date, Counter] = {}
    for lo, hi, offset in utc_segments(start, end, ZoneInfo(user.timezone)):
        query = (db.select(_bucket(dialect, period, offset).label("bucket"), IntradaySample.value, func.count())
                 .where(*_intraday_filter(user, ref, lo, hi)).group_by(text("bucket"), IntradaySample.value))
        for bucket, value, count in db.session.execute(query):
            key = bucket if isinstance(bucket, date) else date.fromisoformat(bucket)
            histograms.setdefault(key, Counter())[value] += count
    return histograms


def daily_histograms(user: User, ref: MetricRef, dimension: str, period: str, start: date,
                     end: date) -> dict[date, Counter]:
    """{period start: Counter(value -> count)} from the (at most one per day) daily values."""
    histograms: dict[date, Counter] = {}
    query = db.select(DailyMetric.day, DailyMetric.value).where(*_daily_filter(user, ref, dimension, start, end))
    for day, value in db.session.execute(query):
        histograms.setdefault(period_start(day, period), Counter())[value] += 1
    return histograms


def period_value(user: User, ref: MetricRef, dimension: str, start: date, end: date) -> tuple[float | None, int]:
    """(the metric's own aggregation over start..end, number of values)."""
    if ref.kind == DAILY:
        model, where = DailyMetric, _daily_filter(user, ref, dimension, start, end)
        order = DailyMetric.day
    else:
        model, where = IntradaySample, _intraday_filter(user, ref, *_utc_range(user, start, end))
        order = IntradaySample.ts
    count = db.session.scalar(db.select(func.count()).select_from(model).where(*where)) or 0
    if not count:
        return None, 0
    if ref.aggregation == "last":
        return db.session.scalar(db.select(model.value).where(*where).order_by(order.desc()).limit(1)), count
    aggregate = SQL_AGGREGATES.get(ref.aggregation, func.avg)
    return float(db.session.scalar(db.select(aggregate(model.value)).where(*where))), count
