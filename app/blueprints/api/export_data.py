"""Everything stored for one user, as streams of plain rows (no credentials, no claims).

Rows are read with a server-side cursor (``yield_per``), so a year of 1-minute samples
never sits in memory: the export writes each batch out before reading the next.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from app.extensions import db
from database.models import DailyMetric, Event, IntradaySample, SyncRun, User, UserIntegration

BATCH = 2000


def _tables(user_id: int) -> dict[str, Any]:
    """name -> SELECT of that table's exported columns for the user, in natural-key order."""
    return {
        "integrations": db.select(
            UserIntegration.source, UserIntegration.status, UserIntegration.settings, UserIntegration.cursor,
            UserIntegration.account_id, UserIntegration.last_sync_at, UserIntegration.last_error,
            UserIntegration.created_at, UserIntegration.updated_at,
        ).where(UserIntegration.user_id == user_id).order_by(UserIntegration.source),
        "daily_metrics": db.select(
            DailyMetric.source, DailyMetric.metric, DailyMetric.dimension, DailyMetric.day, DailyMetric.value,
        ).where(DailyMetric.user_id == user_id).order_by(DailyMetric.source, DailyMetric.metric,
                                                          DailyMetric.dimension, DailyMetric.day),
        "intraday_samples": db.select(
            IntradaySample.source, IntradaySample.metric, IntradaySample.ts, IntradaySample.value,
        ).where(IntradaySample.user_id == user_id).order_by(IntradaySample.source, IntradaySample.metric,
                                                             IntradaySample.ts),
        "events": db.select(
            Event.source, Event.kind, Event.external_id, Event.start, Event.end, Event.day, Event.data,
        ).where(Event.user_id == user_id).order_by(Event.source, Event.external_id),
        "sync_runs": db.select(
            SyncRun.source, SyncRun.trigger, SyncRun.status, SyncRun.started_at, SyncRun.finished_at,
            SyncRun.window_start, SyncRun.window_end, SyncRun.rows_written, SyncRun.error,
        ).where(SyncRun.user_id == user_id).order_by(SyncRun.started_at, SyncRun.id),
    }


TABLE_NAMES = tuple(_tables(0))


def plain(value: Any) -> Any:
    """A JSON/CSV-friendly value: dates ISO 8601, timestamps ISO 8601 UTC with 'Z'."""
    if isinstance(value, datetime):
        return value.isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return value


def account(user: User) -> dict[str, Any]:
    """The profile fields of the account."""
    return {"email": user.email, "display_name": user.display_name, "timezone": user.timezone,
            "created_at": plain(user.created_at)}


def table_columns(user_id: int) -> dict[str, list[str]]:
    """name -> column names, in export order."""
    return {name: [c.name for c in stmt.selected_columns] for name, stmt in _tables(user_id).items()}


def table_rows(user_id: int, name: str) -> Iterator[tuple]:
    """The user's rows of one table, streamed from a server-side cursor."""
    result = db.session.execute(_tables(user_id)[name].execution_options(yield_per=BATCH))
    try:
        for row in result:
            yield tuple(plain(v) for v in row)
    finally:
        result.close()
