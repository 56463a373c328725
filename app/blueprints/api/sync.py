"""Sync endpoints: the user's sync history, starting a background sync, and its job status."""
from __future__ import annotations

from flask import current_app, jsonify, request, url_for

from app.blueprints.api import bp
from app.blueprints.api.auth import api_user, via_token
from app.blueprints.api.errors import ApiError, bad_parameter, not_found
from app.blueprints.api.params import int_param
from app.extensions import db
from database.integrations import find_integration
from database.models import SyncJob, SyncRun
from etl.batch_job import SYNCABLE
from etl.data_sources.registry import SOURCES, get_source
from etl.jobs import job_view, start_sync

MAX_JOB_ID = 64


def _iso(value) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def _run_json(run: SyncRun) -> dict:
    return {"id": run.id, "source": run.source, "trigger": run.trigger, "status": run.status,
            "started_at": _iso(run.started_at), "finished_at": _iso(run.finished_at),
            "window_start": run.window_start.isoformat() if run.window_start else None,
            "window_end": run.window_end.isoformat() if run.window_end else None,
            "rows_written": run.rows_written, "error": run.error}


def job_json(job: SyncJob) -> dict:
    """A job as the API shows it."""
    return {"id": job.id, "source": job.source, "trigger": job.trigger, "status": job.status, "rows": job.rows,
            "message": job.message, "created_at": _iso(job.created_at), "started_at": _iso(job.started_at),
            "finished_at": _iso(job.finished_at), "url": url_for("api.get_job", job_id=job.id)}


@bp.get("/sync-runs")
def list_sync_runs():
    """The user's most recent syncs, newest first (optionally of one source)."""
    user = api_user()
    limit = int_param("limit", 50, 1, 500)
    query = db.select(SyncRun).filter_by(user_id=user.id)
    source = request.args.get("source")
    if source is not None:
        if source not in SOURCES:
            raise bad_parameter("source", f"must be one of {', '.join(SOURCES)}")
        query = query.filter_by(source=source)
    runs = db.session.execute(query.order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(limit)).scalars()
    return jsonify(sync_runs=[_run_json(run) for run in runs])


@bp.post("/integrations/<source>/sync")
def start_integration_sync(source: str):
    """Start a background sync of one of the user's integrations; 202 with the job to poll."""
    user = api_user()
    integration = find_integration(user.id, source) if get_source(source) else None
    if integration is None or integration.credentials is None:
        raise not_found(f"connected integration {source[:40]!r}")
    if integration.status not in SYNCABLE:
        raise ApiError(409, f"{source} needs to be reconnected on the integrations page before it can sync")
    job, created = start_sync(current_app._get_current_object(), integration, "api" if via_token() else "manual")
    return jsonify(job=job_json(job)), 202 if created else 200, {"Location": url_for("api.get_job", job_id=job.id)}


@bp.get("/jobs/<job_id>")
def get_job(job_id: str):
    """A background sync job of the user: queued, running, ok, failed, deferred or skipped."""
    user = api_user()
    job = None
    if len(job_id) <= MAX_JOB_ID:
        job = db.session.execute(db.select(SyncJob).filter_by(id=job_id, user_id=user.id)).scalar_one_or_none()
    if job is None:
        raise not_found(f"job {job_id[:MAX_JOB_ID]!r}")
    return jsonify(job=job_json(job_view(job)))
