"""Friendly error pages (HTML) or JSON errors for the API."""
from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError

from app.extensions import db

MESSAGES = {
    400: "That request could not be understood.",
    403: "You are not allowed to do that.",
    404: "There is nothing here.",
    405: "That method is not allowed here.",
    429: "Too many attempts. Please wait a minute and try again.",
    500: "Something went wrong on our side. Nothing you entered was lost; please try again.",
}


def _respond(status: int, message: str):
    if request.path.startswith("/api/"):
        return jsonify(error={"code": status, "message": message}), status
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    """Register handlers for the common HTTP errors."""
    for status in (400, 403, 404, 405, 429):
        app.register_error_handler(status, lambda exc, status=status: _respond(status, MESSAGES[status]))

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _respond(400, "Your form expired or was sent from elsewhere. Please reload the page and try again.")

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        return _respond(500, MESSAGES[500])
