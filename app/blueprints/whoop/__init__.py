"""WHOOP dashboard (and, for OAuth sources, its connect routes)."""
from flask import Blueprint

bp = Blueprint("whoop", __name__, url_prefix="/whoop", template_folder="templates")

from app.blueprints.whoop import routes  # noqa: E402,F401
