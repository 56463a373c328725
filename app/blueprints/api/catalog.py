"""The user's metric catalog: what their sources declare plus what is actually stored."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func

from app.blueprints.api.errors import not_found
from app.extensions import db
from database.models import DailyMetric, IntradaySample, User, UserIntegration
from etl.data_sources.base import Metric
from etl.data_sources.registry import SOURCES, get_source

MANUAL = "manual"  # values entered through POST /entries
DAILY, INTRADAY = "daily", "intraday"


@dataclass(frozen=True)
class MetricRef:
    """One metric of one user: where it lives and how it aggregates."""

    key: str
    source: str
    kind: str
    label: str
    unit: str
    aggregation: str


def declared_metrics(user_id: int) -> dict[str, Metric]:
    """key -> catalog entry, from every source the user has an integration row for."""
    declared: dict[str, Metric] = {}
    for integration in db.session.execute(db.select(UserIntegration).filter_by(user_id=user_id)).scalars():
        source = get_source(integration.source)
        if source is not None:
            declared.update((m.key, m) for m in source.metrics(dict(integration.settings or {})))
    return declared


def _known(declared: dict[str, Metric], key: str) -> Metric | None:
    """The user's catalog entry for ``key``, else the source's static one (data kept after disconnecting)."""
    source = get_source(key.partition(".")[0])
    return declared.get(key) or (source.manifest.metric(key) if source else None)


def _label(key: str) -> str:
    name = key.partition(".")[2] or key
    return name.replace("_", " ").capitalize()


def _local_day(ts: datetime, tz: ZoneInfo):
    return ts.replace(tzinfo=timezone.utc).astimezone(tz).date()


def _stored(user: User) -> dict[str, dict]:
    """key -> {source, kind, first_day, last_day, dimensions} for everything stored for the user."""
    stored: dict[str, dict] = {}
    daily = (db.select(DailyMetric.source, DailyMetric.metric, DailyMetric.dimension,
                       func.min(DailyMetric.day), func.max(DailyMetric.day))
             .where(DailyMetric.user_id == user.id)
             .group_by(DailyMetric.source, DailyMetric.metric, DailyMetric.dimension))
    for source, key, dimension, first, last in db.session.execute(daily):
        entry = stored.setdefault(key, {"source": source, "kind": DAILY, "first_day": first, "last_day": last,
                                        "dimensions": []})
        entry["first_day"], entry["last_day"] = min(entry["first_day"], first), max(entry["last_day"], last)
        if dimension:
            entry["dimensions"].append(dimension)
    tz = ZoneInfo(user.timezone)
    for source, key, first, last in _intraday_ranges(user.id):
        stored.setdefault(key, {"source": source, "kind": INTRADAY, "first_day": _local_day(first, tz),
                                "last_day": _local_day(last, tz), "dimensions": []})
    return stored


def _next_intraday_metric(user_id: int, after: tuple[str, str] | None) -> tuple[str, str, datetime] | None:
    """(source, metric, first ts) of the user's next intraday metric in index order, or None.

    Two plain range seeks: row-value comparisons like (source, metric) > (?, ?) make MariaDB scan
    every sample, and an OR of the two makes SQLite do so.
    """
    base = db.select(IntradaySample.source, IntradaySample.metric, IntradaySample.ts).where(
        IntradaySample.user_id == user_id)
    order = (IntradaySample.source, IntradaySample.metric, IntradaySample.ts)
    if after is None:
        return db.session.execute(base.order_by(*order).limit(1)).first()
    same_source = base.where(IntradaySample.source == after[0], IntradaySample.metric > after[1])
    row = db.session.execute(same_source.order_by(*order).limit(1)).first()
    if row is None:
        row = db.session.execute(base.where(IntradaySample.source > after[0]).order_by(*order).limit(1)).first()
    return row


def _intraday_ranges(user_id: int) -> list[tuple[str, str, datetime, datetime]]:
    """(source, metric, first ts, last ts) of each intraday metric, skipping along the unique index.

    A GROUP BY would read every sample (525,600 a year of 1-minute heart rate); this reads a
    few index entries per metric.
    """
    found: list[tuple[str, str, datetime, datetime]] = []
    while (row := _next_intraday_metric(user_id, found[-1][:2] if found else None)) is not None:
        source, metric, first = row
        last = db.session.scalar(db.select(IntradaySample.ts).where(
            IntradaySample.user_id == user_id, IntradaySample.source == source, IntradaySample.metric == metric,
        ).order_by(IntradaySample.ts.desc()).limit(1))
        found.append((source, metric, first, last))
    return found


def catalog(user: User) -> list[dict]:
    """Every metric the user has or could have, sorted by key."""
    declared = declared_metrics(user.id)
    stored = _stored(user)
    entries = []
    for key in sorted(set(declared) | set(stored)):
        meta, have = _known(declared, key), stored.get(key, {})
        entries.append({
            "key": key,
            "label": meta.label if meta else _label(key),
            "unit": meta.unit if meta else "",
            "aggregation": meta.aggregation if meta else "mean",
            "source": have.get("source") or key.partition(".")[0],
            "kind": have.get("kind", DAILY),
            "dimensions": sorted(have.get("dimensions", [])),
            "first_day": have["first_day"].isoformat() if have else None,
            "last_day": have["last_day"].isoformat() if have else None,
        })
    return entries


def _exists(model, user_id: int, source: str, key: str) -> bool:
    query = db.select(model.id).where(model.user_id == user_id, model.source == source, model.metric == key)
    return db.session.execute(query.limit(1)).first() is not None


def resolve_metric(user: User, key: str) -> MetricRef:
    """The user's metric ``key`` (stored or declared), else 404."""
    source = key.partition(".")[0]
    if source not in SOURCES and source != MANUAL:
        raise not_found(f"metric {key!r}")
    meta = _known(declared_metrics(user.id), key) if source != MANUAL else None
    if _exists(DailyMetric, user.id, source, key):
        kind = DAILY
    elif _exists(IntradaySample, user.id, source, key):
        kind = INTRADAY
    elif meta is not None:
        kind = DAILY  # declared but nothing stored yet: an empty daily series
    else:
        raise not_found(f"metric {key!r}")
    return MetricRef(key, source, kind, meta.label if meta else _label(key), meta.unit if meta else "",
                     meta.aggregation if meta else "mean")
