"""JSON API v1: the signed-in user's metrics, manual entries, syncs and export.

Callers authenticate with a personal API token (``Authorization: Bearer phd_...``) or the
session cookie of the dashboards; see ``auth.py``. The OpenAPI document is at /api/v1/openapi.json.
"""
from flask import Blueprint

from app.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Flask-WTF's blanket check would refuse bearer-token calls; auth.py checks CSRF for session calls itself.
csrf.exempt(bp)

from app.blueprints.api import auth, entries, errors, export, metrics, openapi, sync  # noqa: E402,F401
