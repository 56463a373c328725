"""Register, sign in, sign out, password change, account page (API tokens, export, deletion)."""
from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")

from app.blueprints.auth import account, routes  # noqa: E402,F401
