"""Google Sheets pages."""
from flask_login import current_user, login_required

from app.blueprints.dashboard_common import render_source_dashboard
from app.blueprints.sheets import bp, charts
from app.dashboards.pages import chart_response
from etl.data_sources.sheets import MANIFEST


@bp.route("/")
@login_required
def dashboard():
    """The Google Sheets dashboard: one chart per imported column."""
    return render_source_dashboard(MANIFEST, charts.charts_for(current_user.id), "sheets/dashboard.html")


@bp.route("/charts/<name>.json")
@login_required
def chart(name: str):
    """One sheet column's chart as JSON for the signed-in user."""
    return chart_response(charts.charts_for(current_user.id), name)
