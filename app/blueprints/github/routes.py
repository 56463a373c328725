"""GitHub pages."""
from flask_login import login_required

from app.blueprints.dashboard_common import render_source_dashboard
from app.blueprints.github import bp, charts
from app.dashboards.pages import chart_response
from etl.data_sources.github import MANIFEST


@bp.route("/")
@login_required
def dashboard():
    """The GitHub dashboard."""
    return render_source_dashboard(MANIFEST, charts.CHARTS, "github/dashboard.html")


@bp.route("/charts/<name>.json")
@login_required
def chart(name: str):
    """One GitHub chart as JSON for the signed-in user."""
    return chart_response(charts.CHARTS, name)
