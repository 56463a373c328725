"""Overview page and /healthz."""
from flask import jsonify, render_template
from flask_login import current_user, login_required
from sqlalchemy import func

from app.blueprints.home import bp
from app.extensions import db
from database.check import database_ok
from database.models import DailyMetric, UserIntegration
from etl.data_sources.registry import all_sources


@bp.route("/healthz")
def healthz():
    """200 when the database answers, 503 otherwise."""
    if database_ok():
        return jsonify(status="ok", database="ok")
    return jsonify(status="error", database="unreachable"), 503


@bp.route("/")
@login_required
def index():
    """Per-source summary of what the store holds for the signed-in user."""
    rows = db.session.execute(
        db.select(DailyMetric.source, func.count(), func.min(DailyMetric.day), func.max(DailyMetric.day))
        .where(DailyMetric.user_id == current_user.id)
        .group_by(DailyMetric.source)
    ).all()
    coverage = {source: (count, first, last) for source, count, first, last in rows}
    statuses = dict(db.session.execute(
        db.select(UserIntegration.source, UserIntegration.status).where(UserIntegration.user_id == current_user.id)
    ).all())
    return render_template("home/index.html", sources=all_sources(), coverage=coverage, statuses=statuses)
