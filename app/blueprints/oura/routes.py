"""Oura pages."""
from flask_login import login_required

from app.blueprints.dashboard_common import render_source_dashboard
from app.blueprints.oauth_routes import register_oauth_routes
from app.blueprints.oura import bp, charts
from app.dashboards.pages import chart_response
from etl.data_sources.oura import MANIFEST, SOURCE

register_oauth_routes(bp, SOURCE)


@bp.route("/")
@login_required
def dashboard():
    """The Oura dashboard."""
    return render_source_dashboard(MANIFEST, charts.CHARTS, "oura/dashboard.html")


@bp.route("/charts/<name>.json")
@login_required
def chart(name: str):
    """One Oura chart as JSON for the signed-in user."""
    return chart_response(charts.CHARTS, name)
