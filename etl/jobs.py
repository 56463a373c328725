"""Background syncs on the app's APScheduler: "Sync now", the API, and the optional daily schedule.

Each job is a sync_jobs row, so whichever web worker is asked about it can answer. A job
runs etl.sync.sync_integration, the same code as the nightly batch, whose claim keeps two
runners off one integration. The daily schedule may fire in every worker and on every host:
a per-day job id, inserted once, lets exactly one of them sync each integration.
"""
from __future__ import annotations

import logging
import re
import secrets
import threading
from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from flask import Flask
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from tzlocal import get_localzone

from app.extensions import db, scheduler
from database.models import SyncJob, UserIntegration
from etl.batch_job import format_line, select_integrations
from etl.sync import FAILED, LEASE, SyncOutcome, sync_integration
from utils.date_utils import utc_now

log = logging.getLogger(__name__)

QUEUED, RUNNING = "queued", "running"
ACTIVE = (QUEUED, RUNNING)
# A job still active after the claim lease plus a margin died with its worker (restart, crash).
STALE_AFTER = LEASE + timedelta(minutes=30)
SYNC_AT_RE = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_start_lock = threading.Lock()


def ensure_scheduler() -> None:
    """Start this process's scheduler thread once (lazily, so forked workers each get their own)."""
    with _start_lock:
        if not scheduler.running:
            scheduler.start()


def active_job(integration_id: int) -> SyncJob | None:
    """The integration's queued or running job, if a recent one exists."""
    return db.session.execute(
        db.select(SyncJob).where(SyncJob.integration_id == integration_id, SyncJob.status.in_(ACTIVE),
                                 SyncJob.created_at > utc_now() - STALE_AFTER)
        .order_by(SyncJob.created_at.desc()).limit(1)
    ).scalar_one_or_none()


def start_sync(app: Flask, integration: UserIntegration, trigger: str) -> tuple[SyncJob, bool]:
    """Queue a background sync of ``integration``; (job, created). An active job is reused."""
    job = active_job(integration.id)
    if job is not None:
        return job, False
    job = SyncJob(id=secrets.token_urlsafe(16), user_id=integration.user_id, integration_id=integration.id,
                  source=integration.source, trigger=trigger, status=QUEUED)
    db.session.add(job)
    db.session.commit()
    ensure_scheduler()
    scheduler.add_job(run_job, args=(app, job.id), id=f"sync-job-{job.id}", misfire_grace_time=None)
    return job, True


def _update(job_id: str, **values) -> None:
    with Session(db.engine) as session, session.begin():
        session.execute(update(SyncJob).where(SyncJob.id == job_id).values(**values)
                        .execution_options(synchronize_session=False))


def run_job(app: Flask, job_id: str) -> SyncOutcome | None:
    """Run one queued job to the end, recording its progress and result on its row."""
    with app.app_context():
        try:
            job = db.session.get(SyncJob, job_id)
            if job is None:  # the account was deleted meanwhile
                return None
            _update(job_id, status=RUNNING, started_at=utc_now())
            outcome = sync_integration(job.integration_id, trigger=job.trigger)
            _update(job_id, status=outcome.status, rows=outcome.rows, message=outcome.message[:2000] or None,
                    finished_at=utc_now())
            return outcome
        except Exception:  # noqa: BLE001 - recorded on the job; the scheduler thread must live on
            log.exception("background sync job failed")
            _update(job_id, status=FAILED, message="internal error; see the server log", finished_at=utc_now())
            return None
        finally:
            db.session.remove()


def job_view(job: SyncJob) -> SyncJob:
    """The job, marked failed first if its worker died before finishing it."""
    if job.status in ACTIVE and job.created_at < utc_now() - STALE_AFTER:
        job.status, job.finished_at = FAILED, utc_now()
        job.message = "interrupted: the server restarted before this sync finished; start it again"
        db.session.commit()
    return job


def parse_sync_at(value: str) -> tuple[int, int]:
    """'03:30' -> (3, 30); anything else stops start-up with one clear line."""
    match = SYNC_AT_RE.fullmatch(value.strip())
    if match is None:
        raise SystemExit(f"SYNC_AT={value!r} must be HH:MM (24-hour, server time), e.g. 03:30")
    return int(match.group(1)), int(match.group(2))


def start_schedule(app: Flask) -> None:
    """Run the daily sync of every user at SYNC_AT (server time) from this process."""
    hour, minute = parse_sync_at(app.config["SYNC_AT"])
    ensure_scheduler()
    scheduler.add_job(run_scheduled_sync, CronTrigger(hour=hour, minute=minute, timezone=get_localzone()),
                      args=(app,), id="daily-sync", replace_existing=True, coalesce=True,
                      misfire_grace_time=3600)
    log.info("daily sync scheduled at %02d:%02d server time", hour, minute)


def _take_slot(integration_id: int, slot: str) -> str | None:
    """Insert this slot's job for the integration; None when another runner already did."""
    job_id = f"daily-{slot}-{integration_id}"
    integration = db.session.get(UserIntegration, integration_id)
    if integration is None:  # deleted since the list was made
        return None
    try:
        with Session(db.engine) as session, session.begin():
            session.add(SyncJob(id=job_id, user_id=integration.user_id, integration_id=integration_id,
                                source=integration.source, trigger="schedule", status=QUEUED))
    except IntegrityError:
        return None
    return job_id


def run_scheduled_sync(app: Flask, slot: str | None = None) -> list[SyncOutcome]:
    """Sync every connected integration once for ``slot`` (default: today, server time)."""
    slot = slot or datetime.now(get_localzone()).strftime("%Y%m%d")
    with app.app_context():
        ids = select_integrations(None, None)
        db.session.remove()
    outcomes = []
    for integration_id in ids:
        with app.app_context():
            job_id = _take_slot(integration_id, slot)
            db.session.remove()
        outcome = run_job(app, job_id) if job_id else None
        if outcome is not None:
            log.info("scheduled sync: %s", format_line(outcome))
            outcomes.append(outcome)
    log.info("scheduled sync %s: %d integration(s) synced by this runner", slot, len(outcomes))
    return outcomes
