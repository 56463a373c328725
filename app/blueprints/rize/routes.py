"""Rize pages."""
from flask_login import login_required

from app.blueprints.dashboard_common import render_source_dashboard
from app.blueprints.rize import bp, charts
from app.dashboards.pages import chart_response
from etl.data_sources.rize import MANIFEST


@bp.route("/")
@login_required
def dashboard():
    """The Rize dashboard."""
    return render_source_dashboard(MANIFEST, charts.CHARTS, "rize/dashboard.html")


@bp.route("/charts/<name>.json")
@login_required
def chart(name: str):
    """One Rize chart as JSON for the signed-in user."""
    return chart_response(charts.CHARTS, name)
