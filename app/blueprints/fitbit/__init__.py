"""Fitbit dashboard (and, for OAuth sources, its connect routes)."""
from flask import Blueprint

bp = Blueprint("fitbit", __name__, url_prefix="/fitbit", template_folder="templates")

from app.blueprints.fitbit import connect, routes  # noqa: E402,F401
