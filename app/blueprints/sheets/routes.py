"""Google Sheets pages."""
from flask_login import login_required

from app.blueprints.dashboard_common import render_source_dashboard
from app.blueprints.sheets import bp
from etl.data_sources.sheets import MANIFEST


@bp.route("/")
@login_required
def dashboard():
    """The Google Sheets dashboard."""
    return render_source_dashboard(MANIFEST)
