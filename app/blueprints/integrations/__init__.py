"""Per-user integration settings: connect, configure, disconnect."""
from flask import Blueprint

bp = Blueprint("integrations", __name__, url_prefix="/integrations", template_folder="templates")

from app.blueprints.integrations import actions, routes  # noqa: E402,F401
