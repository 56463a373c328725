"""GitHub pages."""
from flask_login import login_required

from app.blueprints.dashboard_common import render_source_dashboard
from app.blueprints.github import bp
from etl.data_sources.github import MANIFEST


@bp.route("/")
@login_required
def dashboard():
    """The GitHub dashboard."""
    return render_source_dashboard(MANIFEST)
