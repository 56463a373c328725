"""The doctor: per user x source, OK / FAIL / NEEDS-REAUTH / NEVER-SYNCED / DEFERRED / NOT-CONNECTED,
with last sync, rows and the reason — read from the store, without calling any provider."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime

from app.extensions import db
from database.models import CONNECTED, NEEDS_REAUTH, SyncRun, User, UserIntegration
from etl.data_sources.registry import all_sources


@dataclass
class Diagnosis:
    """One user x source line."""

    email: str
    source: str
    verdict: str
    last_sync: datetime | None
    rows: int | None
    reason: str


def diagnose(integration: UserIntegration | None, last_run: SyncRun | None) -> tuple[str, str]:
    """(verdict, reason) for one integration and its latest run."""
    if integration is None or integration.credentials is None:
        return "NOT-CONNECTED", ""
    if integration.status == NEEDS_REAUTH:
        return "NEEDS-REAUTH", integration.last_error or "the provider refused the stored credentials"
    if integration.status != CONNECTED:
        return "FAIL", integration.last_error or (last_run.error if last_run else "") or integration.status
    if last_run is None:
        return "NEVER-SYNCED", "connected, waiting for the first sync"
    if last_run.status == "failed":
        return "FAIL", last_run.error or ""
    if last_run.status == "deferred":
        return "DEFERRED", last_run.error or "rate limit reached; resumes next run"
    return "OK", last_run.error or ""


def report(email: str | None = None, source: str | None = None) -> list[Diagnosis]:
    """Diagnoses for every active user x registered source (optionally filtered)."""
    users = db.select(User).where(User.active.is_(True)).order_by(User.email)
    if email:
        users = users.where(User.email == email.strip().lower())
    sources = [s.manifest.key for s in all_sources() if not source or s.manifest.key == source]
    out: list[Diagnosis] = []
    for user in db.session.execute(users).scalars():
        mine = db.select(UserIntegration).filter_by(user_id=user.id)
        rows = {i.source: i for i in db.session.execute(mine).scalars()}
        for key in sources:
            integration = rows.get(key)
            last_run = None
            if integration is not None:
                last_run = db.session.execute(
                    db.select(SyncRun).filter_by(integration_id=integration.id)
                    .order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(1)).scalar_one_or_none()
            verdict, reason = diagnose(integration, last_run)
            out.append(Diagnosis(user.email, key, verdict, integration.last_sync_at if integration else None,
                                 last_run.rows_written if last_run else None, reason))
    return out


def print_report(email: str | None = None, source: str | None = None, out=None) -> int:
    """Print the doctor table; exit code 1 when anything is FAIL or NEEDS-REAUTH."""
    out = out or sys.stdout  # resolved per call: a default bound at import misses redirected stdout
    diagnoses = report(email, source)
    for d in diagnoses:
        last = d.last_sync.strftime("%Y-%m-%d %H:%M") if d.last_sync else "never"
        rows = "-" if d.rows is None else str(d.rows)
        print(f"{d.verdict:<13} {d.email}\t{d.source}\tlast_sync={last}\trows={rows}\t{d.reason}", file=out)
    return 1 if any(d.verdict in ("FAIL", "NEEDS-REAUTH") for d in diagnoses) else 0
