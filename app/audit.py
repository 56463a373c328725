"""Writing audit_log rows."""
from __future__ import annotations

from flask import has_request_context, request

from app.extensions import db
from database.models import AuditLog


def record(event: str, user_id: int | None, detail: str = "") -> AuditLog:
    """Add an audit row to the session (committed with the caller's transaction)."""
    ip = request.remote_addr if has_request_context() else None
    entry = AuditLog(event=event, user_id=user_id, detail=detail[:500], ip=ip)
    db.session.add(entry)
    return entry
