"""Manual values (blood pressure, mood, ...): stored in daily_metrics with source 'manual'."""
from __future__ import annotations

import math
import re
from datetime import date

from flask import jsonify, request, url_for

from app.blueprints.api import bp
from app.blueprints.api.auth import api_user
from app.blueprints.api.catalog import MANUAL
from app.blueprints.api.errors import ApiError, invalid_field, not_found
from app.blueprints.api.params import DAY_RE, FIRST_DAY, MAX_DIMENSION
from app.extensions import db
from database.models import DailyMetric
from etl.upsert import upsert_rows
from utils.date_utils import local_today

METRIC_RE = re.compile(rf"(?:{MANUAL}\.)?([a-z][a-z0-9_]{{0,63}})")
FIELDS = ("metric", "day", "value", "dimension")
MAX_ABS_VALUE = 1e15
MAX_ID = 2**63 - 1


def _metric(body: dict) -> str:
    raw = body.get("metric")
    match = METRIC_RE.fullmatch(raw) if isinstance(raw, str) else None
    if match is None:
        raise invalid_field("metric", "required: a name like 'mood' or 'manual.blood_pressure_systolic' "
                                      "(lowercase letters, digits, underscores)")
    return f"{MANUAL}.{match.group(1)}"


def _day(body: dict, timezone: str) -> date:
    raw = body.get("day")
    try:
        if not isinstance(raw, str) or not DAY_RE.fullmatch(raw):
            raise ValueError
        day = date.fromisoformat(raw)
    except ValueError:
        raise invalid_field("day", "required: a date in YYYY-MM-DD form") from None
    if not FIRST_DAY <= day <= local_today(timezone):
        raise invalid_field("day", f"must be between {FIRST_DAY} and today")
    return day


def _value(body: dict) -> float:
    raw = body.get("value")
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw) \
            or abs(raw) > MAX_ABS_VALUE:
        raise invalid_field("value", "required: a finite number")
    return float(raw)


def _dimension(body: dict) -> str:
    raw = body.get("dimension", "")
    if not isinstance(raw, str) or len(raw) > MAX_DIMENSION or any(ord(c) < 32 for c in raw):
        raise invalid_field("dimension", f"must be text of at most {MAX_DIMENSION} characters")
    return raw


def parse_entry(body, timezone: str) -> dict:
    """Validate a JSON entry; 400 when it is not an object, 422 naming the first bad field."""
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object", parameter="body")
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise invalid_field(unknown[0], f"unknown field; expected {', '.join(FIELDS)}")
    return {"metric": _metric(body), "dimension": _dimension(body), "day": _day(body, timezone),
            "value": _value(body)}


def _find(user_id: int, entry: dict) -> DailyMetric | None:
    return db.session.execute(db.select(DailyMetric).filter_by(
        user_id=user_id, source=MANUAL, metric=entry["metric"], dimension=entry["dimension"], day=entry["day"],
    )).scalar_one_or_none()


def _as_json(row: DailyMetric) -> dict:
    return {"id": row.id, "metric": row.metric, "source": row.source, "dimension": row.dimension,
            "day": row.day.isoformat(), "value": row.value}


@bp.post("/entries")
def create_entry():
    """Record (or overwrite) the user's value of a manual metric on a day."""
    user = api_user()
    entry = parse_entry(request.get_json(silent=True), user.timezone)
    existed = _find(user.id, entry) is not None
    upsert_rows(db.session, "daily_metrics", [{**entry, "user_id": user.id, "source": MANUAL}])
    db.session.commit()
    row = _find(user.id, entry)
    location = url_for("api.delete_entry", entry_id=row.id)
    return jsonify(entry=_as_json(row)), 200 if existed else 201, {"Location": location}


@bp.delete("/entries/<int:entry_id>")
def delete_entry(entry_id: int):
    """Delete one of the user's manual values."""
    user = api_user()
    row = None
    if entry_id <= MAX_ID:
        row = db.session.execute(db.select(DailyMetric).filter_by(id=entry_id, user_id=user.id, source=MANUAL)
                                 ).scalar_one_or_none()
    if row is None:
        raise not_found(f"entry {entry_id}")
    db.session.delete(row)
    db.session.commit()
    return "", 204
