"""Oura dashboard (and, for OAuth sources, its connect routes)."""
from flask import Blueprint

bp = Blueprint("oura", __name__, url_prefix="/oura", template_folder="templates")

from app.blueprints.oura import routes  # noqa: E402,F401
