"""The cross-source overview and the health check."""
from flask import Blueprint

bp = Blueprint("home", __name__, template_folder="templates")

from app.blueprints.home import routes  # noqa: E402,F401
