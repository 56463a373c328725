"""What every source dashboard shares: the latest stored values of its catalog."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import func

from app.extensions import db
from database.integrations import find_integration
from database.models import DailyMetric
from etl.data_sources.base import Manifest, Metric


def latest_values(user_id: int, source: str, limit_days: int = 14) -> tuple[list, dict]:
    """(days newest first, {metric: {day: value}}) of the total (dimension '') series."""
    days = [d for (d,) in db.session.execute(
        db.select(DailyMetric.day).filter_by(user_id=user_id, source=source, dimension="")
        .group_by(DailyMetric.day).order_by(DailyMetric.day.desc()).limit(limit_days)
    ).all()]
    if not days:
        return [], {}
    values: dict[str, dict] = {}
    for metric, day, value in db.session.execute(
        db.select(DailyMetric.metric, DailyMetric.day, DailyMetric.value)
        .filter_by(user_id=user_id, source=source, dimension="").where(DailyMetric.day >= min(days))
    ).all():
        values.setdefault(metric, {})[day] = value
    return days, values


def render_source_dashboard(manifest: Manifest):
    """The source page: empty state, or a table of recent values per metric."""
    integration = find_integration(current_user.id, manifest.key)
    days, values = latest_values(current_user.id, manifest.key)
    metrics = [m for m in manifest.metrics if m.key in values]
    metrics += [Metric(key=k, label=k) for k in sorted(values) if manifest.metric(k) is None]
    total = db.session.scalar(db.select(func.count()).select_from(DailyMetric)
                              .filter_by(user_id=current_user.id, source=manifest.key))
    return render_template("source_dashboard.html", manifest=manifest, integration=integration,
                           days=days, values=values, metrics=metrics, total=total or 0)
