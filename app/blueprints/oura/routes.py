"""Oura pages."""
from flask_login import login_required

from app.blueprints.dashboard_common import render_source_dashboard
from app.blueprints.oauth_routes import register_oauth_routes
from app.blueprints.oura import bp
from etl.data_sources.oura import MANIFEST, SOURCE

register_oauth_routes(bp, SOURCE)


@bp.route("/")
@login_required
def dashboard():
    """The Oura dashboard."""
    return render_source_dashboard(MANIFEST)
