"""Reads for the dashboards. Every query takes the user's id and filters by it."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Integer, cast, func, literal, literal_column

from app.extensions import db
from database.models import DailyMetric, Event, IntradaySample

Points = list[tuple[date, float]]


def source_of(metric: str) -> str:
    """The source key a metric belongs to (``fitbit.steps`` -> ``fitbit``)."""
    return metric.split(".", 1)[0]


def daily(user_id: int, metric: str, start: date, end: date, dimension: str = "") -> Points:
    """``(day, value)`` of one metric and dimension, oldest first."""
    return daily_many(user_id, [metric], start, end, dimension).get(metric, [])


def daily_many(user_id: int, metrics: Iterable[str], start: date, end: date, dimension: str = "") -> dict[str, Points]:
    """``{metric: [(day, value), ...]}`` for several metrics of one dimension, oldest first."""
    metrics = list(metrics)
    found: dict[str, Points] = {}
    if not metrics:
        return found
    rows = db.session.execute(
        db.select(DailyMetric.metric, DailyMetric.day, DailyMetric.value)
        .where(DailyMetric.user_id == user_id, DailyMetric.source.in_({source_of(m) for m in metrics}),
               DailyMetric.metric.in_(metrics), DailyMetric.dimension == dimension,
               DailyMetric.day >= start, DailyMetric.day <= end)
        .order_by(DailyMetric.day)
    ).all()
    for metric, day, value in rows:
        found.setdefault(metric, []).append((day, value))
    return found


def by_dimension(user_id: int, metric: str, start: date, end: date) -> dict[str, Points]:
    """``{dimension: [(day, value), ...]}`` of the non-total rows of a metric."""
    rows = db.session.execute(
        db.select(DailyMetric.dimension, DailyMetric.day, DailyMetric.value)
        .where(DailyMetric.user_id == user_id, DailyMetric.source == source_of(metric),
               DailyMetric.metric == metric, DailyMetric.dimension != "",
               DailyMetric.day >= start, DailyMetric.day <= end)
        .order_by(DailyMetric.day)
    ).all()
    found: dict[str, Points] = {}
    for dimension, day, value in rows:
        found.setdefault(dimension, []).append((day, value))
    return found


def latest_day(user_id: int, metric: str, on_or_before: date, dimension: str | None = "") -> date | None:
    """The last day up to ``on_or_before`` with a value of ``metric`` (any dimension when None)."""
    query = db.select(func.max(DailyMetric.day)).where(
        DailyMetric.user_id == user_id, DailyMetric.source == source_of(metric), DailyMetric.metric == metric,
        DailyMetric.day <= on_or_before)
    if dimension is not None:
        query = query.where(DailyMetric.dimension == dimension)
    return db.session.scalar(query)


def dimensions_on(user_id: int, metric: str, day: date) -> dict[str, float]:
    """``{dimension: value}`` of a metric's non-total rows on one day."""
    return dict(db.session.execute(
        db.select(DailyMetric.dimension, DailyMetric.value)
        .where(DailyMetric.user_id == user_id, DailyMetric.source == source_of(metric),
               DailyMetric.metric == metric, DailyMetric.dimension != "", DailyMetric.day == day)
    ).all())


def events(user_id: int, source: str, kinds: Iterable[str], start: date, end: date) -> list[Event]:
    """Events of some kinds whose day is in the range, oldest first."""
    return list(db.session.execute(
        db.select(Event).where(Event.user_id == user_id, Event.source == source, Event.kind.in_(list(kinds)),
                               Event.day >= start, Event.day <= end)
        .order_by(Event.day, Event.start)
    ).scalars())


def has_data(user_id: int, source: str) -> bool:
    """Whether the store holds any daily value or event of this user for ``source``."""
    for model in (DailyMetric, Event):
        if db.session.execute(db.select(model.id).filter_by(user_id=user_id, source=source).limit(1)).first():
            return True
    return False


def total_metrics(user_id: int) -> list[str]:
    """Every metric key this user has total (dimension '') values for."""
    return sorted(db.session.execute(
        db.select(DailyMetric.metric).where(DailyMetric.user_id == user_id, DailyMetric.dimension == "").distinct()
    ).scalars())


def metric_keys(user_id: int, source: str) -> list[str]:
    """Every metric key this user has any value of for ``source``."""
    return sorted(db.session.execute(
        db.select(DailyMetric.metric).where(DailyMetric.user_id == user_id, DailyMetric.source == source).distinct()
    ).scalars())


def zone(tz_name: str) -> ZoneInfo:
    """The user's timezone (UTC when unknown)."""
    try:
        return ZoneInfo(tz_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def utc_bounds(start: date, end: date, tz_name: str) -> tuple[datetime, datetime]:
    """Naive-UTC ``[start 00:00, end + 1 day 00:00)`` of local days in ``tz_name``."""
    tz, utc = zone(tz_name), ZoneInfo("UTC")

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(), tz).astimezone(utc).replace(tzinfo=None)

    return midnight(start), midnight(end + timedelta(days=1))


def intraday(user_id: int, metric: str, start: datetime, end: datetime) -> list[tuple[datetime, float]]:
    """Raw samples of ``metric`` in naive-UTC ``[start, end)``, oldest first."""
    return [tuple(row) for row in db.session.execute(
        db.select(IntradaySample.ts, IntradaySample.value)
        .where(IntradaySample.user_id == user_id, IntradaySample.source == source_of(metric),
               IntradaySample.metric == metric, IntradaySample.ts >= start, IntradaySample.ts < end)
        .order_by(IntradaySample.ts)
    ).all()]


def intraday_last(user_id: int, metric: str, start: datetime, end: datetime) -> datetime | None:
    """The newest sample time of ``metric`` in naive-UTC ``[start, end)``."""
    return db.session.scalar(
        db.select(func.max(IntradaySample.ts))
        .where(IntradaySample.user_id == user_id, IntradaySample.source == source_of(metric),
               IntradaySample.metric == metric, IntradaySample.ts >= start, IntradaySample.ts < end))


def intraday_buckets(user_id: int, metric: str, start: datetime, end: datetime,
                     seconds: int) -> list[tuple[datetime, float, float, float]]:
    """``(bucket start, min, mean, max)`` per ``seconds``-long bucket, computed by the database."""
    bucket = _bucket_expression(start, seconds).label("bucket")
    rows = db.session.execute(
        db.select(bucket, func.min(IntradaySample.value), func.avg(IntradaySample.value),
                  func.max(IntradaySample.value))
        .where(IntradaySample.user_id == user_id, IntradaySample.source == source_of(metric),
               IntradaySample.metric == metric, IntradaySample.ts >= start, IntradaySample.ts < end)
        .group_by(bucket).order_by(bucket)
    ).all()
    return [(start + timedelta(seconds=int(b) * seconds), float(lo), float(mean), float(hi))
            for b, lo, mean, hi in rows]


def _bucket_expression(start: datetime, seconds: int):
    """Whole ``seconds`` elapsed since ``start``, per row, in the database's own dialect."""
    if db.session.get_bind().dialect.name in ("mysql", "mariadb"):
        elapsed = func.timestampdiff(literal_column("SECOND"), literal(start), IntradaySample.ts)
    else:
        first = int((start - datetime(1970, 1, 1)).total_seconds())
        elapsed = cast(func.strftime("%s", IntradaySample.ts), Integer) - first
    return elapsed // seconds  # DIV on MySQL, integer "/" on SQLite
