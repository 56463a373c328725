"""Google Sheets dashboard (and, for OAuth sources, its connect routes)."""
from flask import Blueprint

bp = Blueprint("sheets", __name__, url_prefix="/sheets", template_folder="templates")

from app.blueprints.sheets import routes  # noqa: E402,F401
