"""GitHub dashboard (and, for OAuth sources, its connect routes)."""
from flask import Blueprint

bp = Blueprint("github", __name__, url_prefix="/github", template_folder="templates")

from app.blueprints.github import routes  # noqa: E402,F401
