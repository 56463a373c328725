"""Rize dashboard (and, for OAuth sources, its connect routes)."""
from flask import Blueprint

bp = Blueprint("rize", __name__, url_prefix="/rize", template_folder="templates")

from app.blueprints.rize import routes  # noqa: E402,F401
