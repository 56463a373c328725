"""Rize pages."""
from flask_login import login_required

from app.blueprints.dashboard_common import render_source_dashboard
from app.blueprints.rize import bp
from etl.data_sources.rize import MANIFEST


@bp.route("/")
@login_required
def dashboard():
    """The Rize dashboard."""
    return render_source_dashboard(MANIFEST)
