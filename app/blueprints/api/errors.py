"""API errors: ``{"error": {"code": <HTTP status>, "message": ..., "parameter"?: ...}}``.

The shape matches what app/errors.py answers for /api/ paths (unknown URL, wrong method).
"""
from __future__ import annotations

from flask import jsonify

from app.blueprints.api import bp


class ApiError(Exception):
    """An error the API answers with ``status``; ``parameter`` names the offending input."""

    def __init__(self, status: int, message: str, parameter: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.parameter, self.headers = status, message, parameter, headers or {}


def bad_parameter(name: str, message: str) -> ApiError:
    """400 naming the query parameter ``name``."""
    return ApiError(400, f"{name}: {message}", parameter=name)


def invalid_field(name: str, message: str) -> ApiError:
    """422 naming the body field ``name``."""
    return ApiError(422, f"{name}: {message}", parameter=name)


def not_found(what: str) -> ApiError:
    """404; the same answer whether the thing does not exist or belongs to someone else."""
    return ApiError(404, f"{what} not found")


@bp.errorhandler(ApiError)
def api_error(exc: ApiError):
    """Render an ApiError as JSON."""
    body = {"code": exc.status, "message": exc.message}
    if exc.parameter:
        body["parameter"] = exc.parameter
    return jsonify(error=body), exc.status, exc.headers
