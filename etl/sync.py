"""Sync ONE integration: claim -> window -> fetch -> transform -> upsert -> cursor -> SyncRun.

Everything fetched is written in one transaction together with the new cursor and the
sync_runs row; a failure rolls it all back and leaves the cursor where it was. Rotated OAuth
tokens are the one exception: they are committed on their own, before they are used.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.secrets import cipher
from database.models import CONNECTED, ERROR, NEEDS_REAUTH, DailyMetric, SyncRun, User, UserIntegration
from etl import oauth
from etl.budget import RateBudget, parse_limits
from etl.data_sources.base import Rows, SyncContext, Window
from etl.data_sources.http import AuthError, GoneError, HttpClient, ProviderError, RateLimited
from etl.data_sources.registry import get_source
from etl.upsert import upsert_rows
from utils.date_utils import local_today, utc_now
from utils.logging_config import redact

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=30)
OK, DEFERRED, FAILED, SKIPPED, DRY_RUN = "ok", "deferred", "failed", "skipped", "dry-run"


@dataclass
class SyncOutcome:
    """What one sync did, for the batch job's summary line."""

    integration_id: int
    email: str
    source: str
    status: str
    window: Window | None = None
    rows: int = 0
    seconds: float = 0.0
    message: str = ""

    @property
    def failed(self) -> bool:
        """True when this integration needs attention (the batch exits non-zero)."""
        return self.status == FAILED


def runner_id() -> str:
    """Identifies this process and thread in claims."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{threading.get_ident() % 100000}"


def claim(integration_id: int, owner: str) -> bool:
    """Take the integration for this runner, or return False if another runner holds it.

    MySQL/MariaDB: the row is locked with SELECT ... FOR UPDATE SKIP LOCKED while the lease is
    written, so concurrent claimers skip it instead of waiting. SQLite (one writer at a time):
    a conditional UPDATE of the lease. Either way an expired lease (a crashed runner) is taken over.
    """
    now = utc_now()
    free = or_(UserIntegration.claimed_until.is_(None), UserIntegration.claimed_until < now)
    with Session(db.engine) as session, session.begin():
        if session.get_bind().dialect.name in ("mysql", "mariadb"):
            found = session.execute(select(UserIntegration.id).where(UserIntegration.id == integration_id, free)
                                    .with_for_update(skip_locked=True)).first()
            if found is None:
                return False
        result = session.execute(update(UserIntegration).where(UserIntegration.id == integration_id, free)
                                 .values(claimed_by=owner, claimed_until=now + LEASE)
                                 .execution_options(synchronize_session=False))
        return result.rowcount == 1


def release(integration_id: int, owner: str) -> None:
    """Give the claim back."""
    with Session(db.engine) as session, session.begin():
        session.execute(update(UserIntegration).where(UserIntegration.id == integration_id,
                                                      UserIntegration.claimed_by == owner)
                        .values(claimed_by=None, claimed_until=None).execution_options(synchronize_session=False))


def sync_window(integration: UserIntegration, tz: str, since: date | None, until: date | None) -> Window:
    """cursor - overlap .. today; --since/--until override.

    A first sync backfills the source's own default lookback (30 days for the wearables, a year
    for a sheet), or ETL_BACKFILL_DAYS for every source when the installation sets it.
    """
    config = current_app.config
    today = local_today(tz)
    end = until or today
    if since:
        start = since
    elif integration.cursor:
        start = integration.cursor - timedelta(days=config["ETL_OVERLAP_DAYS"])
    else:
        days = config.get("ETL_BACKFILL_DAYS") or get_source(integration.source).manifest.default_lookback_days
        start = today - timedelta(days=days - 1)
    return Window(min(start, end), end)


def sync_integration(integration_id: int, *, since: date | None = None, until: date | None = None,
                     dry_run: bool = False, trigger: str = "batch", budget: RateBudget | None = None,
                     http: HttpClient | None = None) -> SyncOutcome:
    """Sync one integration end to end; never raises for provider or data errors."""
    started = time.monotonic()
    owner = runner_id()
    integration = db.session.get(UserIntegration, integration_id)
    user = db.session.get(User, integration.user_id)
    outcome = SyncOutcome(integration_id, user.email, integration.source, SKIPPED)
    if (integration.settings or {}).get("demo"):
        outcome.message = "demo data: there is no account to fetch from"
        return outcome
    if not claim(integration_id, owner):
        outcome.message = "another runner is syncing it"
        return outcome
    try:
        _run(integration, user, outcome, since, until, dry_run, trigger, budget or RateBudget(), http)
    finally:
        db.session.rollback()
        release(integration_id, owner)
        outcome.seconds = time.monotonic() - started
    return outcome


def _run(integration, user, outcome, since, until, dry_run, trigger, budget, http) -> None:
    source = get_source(integration.source)
    db.session.refresh(integration)
    window = sync_window(integration, user.timezone, since, until)
    outcome.window = window
    run = None
    if not dry_run:
        run = SyncRun(integration_id=integration.id, user_id=user.id, source=integration.source,
                      window_start=window.start, window_end=window.end, status="running", trigger=trigger)
        db.session.add(run)
    db.session.commit()  # ends the read transaction: token refreshes below commit on their own
    try:
        ctx = build_context(integration, user, window, budget, http)
        rows = source.fetch(ctx)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded, the batch goes on
        _record_failure(integration, run, outcome, exc)
        return
    outcome.rows = rows.count()
    if dry_run:
        outcome.status, outcome.message = DRY_RUN, "; ".join(rows.notes)
        return
    try:
        _write(integration, user, run, window, rows, outcome)
    except Exception as exc:  # noqa: BLE001 - a database error mid-write loses nothing: rolled back
        db.session.rollback()
        _record_failure(integration, db.session.get(SyncRun, run.id), outcome, exc)


def build_context(integration: UserIntegration, user: User, window: Window, budget: RateBudget,
                  http: HttpClient | None) -> SyncContext:
    """Decrypt credentials, refresh an expiring token, and wire the callbacks."""
    source = get_source(integration.source)
    manifest = source.manifest
    settings = dict(integration.settings or {})
    limits = configured_limits(manifest.key, current_app.config) or source.rate_limits(settings)
    http = http or HttpClient(budget=budget.for_integration(manifest.key, manifest.label, limits, integration.id))
    config = dict(current_app.config)
    credentials = cipher().decrypt(integration.credentials)
    spec = source.oauth_spec(settings)
    ctx = SyncContext(credentials=credentials, settings=settings, window=window,
                      http=http, config=config, timezone=user.timezone,
                      save_credentials=lambda creds: save_credentials(integration.id, creds))
    if spec is not None and credentials.get("refresh_token"):
        def refresh() -> dict[str, Any]:
            with Session(db.engine, expire_on_commit=False) as session:
                fresh = oauth.refresh_access_token(session, integration.id, spec, config, http,
                                                   ctx.credentials.get("access_token"))
            ctx.credentials = fresh
            return fresh

        ctx.refresh = refresh
        if oauth.needs_refresh(credentials):
            refresh()
    return ctx


def configured_limits(source: str, config) -> tuple | None:
    """An installation's own budget for a source, e.g. WHOOP_RATE_LIMITS=200/60,20000/86400 after
    WHOOP raised the app's limit; app-wide (shared by all users)."""
    text = config.get(f"{source.upper()}_RATE_LIMITS")
    return parse_limits(text, "app") if text else None


def save_credentials(integration_id: int, credentials: dict[str, Any]) -> None:
    """Durably store rotated credentials in their own transaction (before they are used)."""
    with Session(db.engine) as session, session.begin():
        session.execute(update(UserIntegration).where(UserIntegration.id == integration_id)
                        .values(credentials=cipher().encrypt(credentials))
                        .execution_options(synchronize_session=False))


def _stamp(rows: list[dict], user_id: int, source: str) -> list[dict]:
    return [{**row, "user_id": user_id, "source": source} for row in rows]


def _write(integration, user, run, window: Window, rows: Rows, outcome: SyncOutcome) -> None:
    """Upsert everything, advance the cursor and close the run in ONE transaction."""
    key = integration.source
    if rows.replaces_window:
        db.session.execute(delete(DailyMetric).where(
            DailyMetric.user_id == user.id, DailyMetric.source == key,
            DailyMetric.day >= window.start, DailyMetric.day <= window.end))
    written = upsert_rows(db.session, "daily_metrics", _stamp(rows.daily, user.id, key))
    written += upsert_rows(db.session, "intraday_samples", _stamp(rows.intraday, user.id, key))
    written += upsert_rows(db.session, "events", _stamp(rows.events, user.id, key))
    through = rows.complete_through if rows.complete_through is not None else window.end
    deferred = through < window.end
    if integration.cursor is None or through > integration.cursor:
        integration.cursor = min(through, window.end)
    integration.status, integration.last_error = CONNECTED, None
    integration.last_sync_at = utc_now()
    notes = list(rows.notes)
    if rows.skipped:
        notes.insert(0, f"{rows.skipped} record(s) skipped")
    run.status = DEFERRED if deferred else OK
    run.rows_written, run.finished_at = written, utc_now()
    run.error = redact("; ".join(notes))[:4000] or None
    db.session.commit()
    outcome.status, outcome.rows = run.status, written
    outcome.message = run.error or (f"stopped at {through}, resumes next run" if deferred else "")


def failure_status(exc: BaseException) -> tuple[str, str, str]:
    """(integration status, run status, message) for an exception."""
    message = redact(str(exc) or type(exc).__name__)
    if isinstance(exc, RateLimited):
        return CONNECTED, DEFERRED, message
    if isinstance(exc, GoneError):
        return ERROR, FAILED, message
    if isinstance(exc, (AuthError, oauth.OAuthNotConfigured)):
        return NEEDS_REAUTH if isinstance(exc, AuthError) else ERROR, FAILED, message
    if isinstance(exc, ProviderError):
        return ERROR, FAILED, message
    log.exception("unexpected error while syncing")
    return ERROR, FAILED, f"internal error: {type(exc).__name__}: {message}"


def _record_failure(integration, run, outcome: SyncOutcome, exc: BaseException) -> None:
    db.session.rollback()
    status, run_status, message = failure_status(exc)
    outcome.status, outcome.message = run_status, message
    if run is None:  # dry run: report only, write nothing
        return
    db.session.execute(update(UserIntegration).where(UserIntegration.id == integration.id).values(
        status=status, last_error=None if run_status == DEFERRED else message[:2000],
        last_sync_at=utc_now() if run_status == DEFERRED else UserIntegration.last_sync_at,
    ).execution_options(synchronize_session=False))
    db.session.execute(update(SyncRun).where(SyncRun.id == run.id).values(
        status=run_status, finished_at=utc_now(), error=message[:4000], rows_written=0,
    ).execution_options(synchronize_session=False))
    db.session.commit()
