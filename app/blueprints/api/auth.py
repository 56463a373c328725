"""Who is calling: a personal API token (Authorization: Bearer) or the dashboards' session cookie.

A bearer call needs no CSRF token (browsers never attach the header on their own); a
session call that changes something must send the page's CSRF token as X-CSRFToken.
"""
from __future__ import annotations

from flask import g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app.blueprints.api import bp
from app.blueprints.api.errors import ApiError
from app.blueprints.api.tokens import user_for_token
from app.extensions import csrf
from database.models import User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_ENDPOINTS = frozenset({"api.openapi_document"})
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="api"'}


def api_user() -> User:
    """The authenticated caller of this API request."""
    return g.api_user


def via_token() -> bool:
    """True when the caller authenticated with an API token (not the session cookie)."""
    return g.get("api_auth") == "token"


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, message, headers=CHALLENGE)


def _bearer_user(header: str) -> User:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Authorization must be 'Bearer <token>'")
    user = user_for_token(token.strip())
    if user is None:
        raise _unauthorized("the API token is unknown or revoked")
    return user


@bp.before_request
def authenticate() -> None:
    """Set ``g.api_user`` from the bearer token, else from the session (with CSRF for writes)."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    header = request.headers.get("Authorization")
    if header is not None:  # an explicit token wins over any cookie the client also sends
        g.api_user, g.api_auth = _bearer_user(header), "token"
        return
    if not current_user.is_authenticated:
        raise _unauthorized("sign in, or send a personal API token as 'Authorization: Bearer <token>'")
    if request.method not in SAFE_METHODS:
        try:
            csrf.protect()
        except CSRFError as exc:
            raise ApiError(403, "CSRF token missing or invalid: send the page's token as X-CSRFToken") from exc
    g.api_user, g.api_auth = current_user._get_current_object(), "session"
