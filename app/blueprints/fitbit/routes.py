"""Fitbit pages."""
from flask_login import login_required

from app.blueprints.dashboard_common import render_source_dashboard
from app.blueprints.fitbit import bp
from etl.data_sources.fitbit import MANIFEST


@bp.route("/")
@login_required
def dashboard():
    """The Fitbit dashboard."""
    return render_source_dashboard(MANIFEST)
