"""Dialect-aware bulk upsert into daily_metrics, intraday_samples and events."""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.orm import Session

from database.models import DailyMetric, Event, IntradaySample

BATCH_SIZE = 1000

# table -> (natural key columns, columns updated on conflict)
KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "daily_metrics": (("user_id", "source", "metric", "dimension", "day"), ("value",)),
    "intraday_samples": (("user_id", "source", "metric", "ts"), ("value",)),
    "events": (("user_id", "source", "external_id"), ("kind", "start", "end", "day", "data")),
}
TABLES: dict[str, Table] = {m.__table__.name: m.__table__ for m in (DailyMetric, IntradaySample, Event)}


def upsert_rows(session: Session, table: str, rows: Iterable[dict[str, Any]], batch_size: int = BATCH_SIZE) -> int:
    """Insert or update ``rows`` (dicts with every key column) in batches; return the count written.

    Uses the dialect's native upsert: MySQL/MariaDB ``INSERT ... ON DUPLICATE KEY UPDATE``,
    SQLite and PostgreSQL ``INSERT ... ON CONFLICT DO UPDATE``. Does not commit.
    """
    if table not in KEYS:
        raise ValueError(f"cannot upsert into {table!r}; expected one of {', '.join(KEYS)}")
    key_columns, update_columns = KEYS[table]
    dialect = session.get_bind().dialect.name
    written = 0
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(_with_defaults(table, row))
        if len(batch) >= batch_size:
            written += _write(session, table, _dedupe(batch, key_columns), key_columns, update_columns, dialect)
            batch = []
    if batch:
        written += _write(session, table, _dedupe(batch, key_columns), key_columns, update_columns, dialect)
    return written


OPTIONAL = {"daily_metrics": {"dimension": ""}, "events": {"start": None, "end": None, "data": {}}}


def _with_defaults(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """Every row of a batch carries the same columns (one statement serves the whole batch)."""
    missing = {k: v for k, v in OPTIONAL.get(table, {}).items() if k not in row}
    return {**row, **missing} if missing else row


def _dedupe(rows: list[dict[str, Any]], key_columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """Last row wins for a repeated key (one statement must not touch a key twice)."""
    return list({tuple(row[c] for c in key_columns): row for row in rows}.values())


@lru_cache(maxsize=32)
def _statement(table: str, dialect: str, columns: tuple[str, ...]):
    """One upsert statement per (table, dialect, columns), reused so SQLAlchemy caches its SQL.

    Executed with a list of parameter sets, the driver (or SQLAlchemy's insertmanyvalues) sends
    multi-row INSERTs; building ``.values(rows)`` per batch instead would recompile every time.
    """
    key_columns, update_columns = KEYS[table]
    target = TABLES[table]
    if dialect in ("mysql", "mariadb"):
        stmt = mysql.insert(target)
        return stmt.on_duplicate_key_update({c: stmt.inserted[c] for c in update_columns if c in columns})
    if dialect in ("sqlite", "postgresql"):
        stmt = (sqlite.insert if dialect == "sqlite" else postgresql.insert)(target)
        return stmt.on_conflict_do_update(index_elements=list(key_columns),
                                          set_={c: stmt.excluded[c] for c in update_columns if c in columns})
    raise NotImplementedError(f"no native upsert for the {dialect} dialect")


def _write(session: Session, table: str, rows: list[dict[str, Any]], key_columns: tuple[str, ...],
           update_columns: tuple[str, ...], dialect: str) -> int:
    columns = tuple(sorted(rows[0]))
    session.execute(_statement(table, dialect, columns), rows)
    return len(rows)
