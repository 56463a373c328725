"""Fitbit pages."""
from flask_login import login_required

from app.blueprints.dashboard_common import render_source_dashboard
from app.blueprints.fitbit import bp, charts
from app.dashboards.pages import chart_response
from etl.data_sources.fitbit import MANIFEST


@bp.route("/")
@login_required
def dashboard():
    """The Fitbit dashboard."""
    return render_source_dashboard(MANIFEST, charts.CHARTS, "fitbit/dashboard.html")


@bp.route("/charts/<name>.json")
@login_required
def chart(name: str):
    """One Fitbit chart as JSON for the signed-in user."""
    return chart_response(charts.CHARTS, name)
