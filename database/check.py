"""DATABASE_URL validation and the start-up connectivity check (one clear line, no traceback)."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from app.extensions import db

SETTING = "DATABASE_URL"


def configure_database_url(app: Flask) -> None:
    """Validate the URL and set MySQL options (utf8mb4, pre-ping, recycle)."""
    raw = app.config["SQLALCHEMY_DATABASE_URI"]
    setting = "TEST_DATABASE_URL" if app.config.get("TESTING") else SETTING
    try:
        url = make_url(raw)
    except ArgumentError:
        raise SystemExit(f"{setting} is not a valid database URL (expected e.g. "
                         "mysql+pymysql://user:pass@host:3306/db or sqlite:///path.db)") from None
    if url.get_backend_name() == "mysql":
        if "charset" not in url.query:
            url = url.update_query_dict({"charset": "utf8mb4"})
        app.config["SQLALCHEMY_DATABASE_URI"] = url.render_as_string(hide_password=False)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True, "pool_recycle": 280,
                                                   **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})}
    elif url.get_backend_name() == "sqlite":
        options = {"connect_args": {"timeout": 30}, **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    app.config["DATABASE_SETTING_NAME"] = setting


def check_database() -> None:
    """Connect once; on failure exit with one line naming the setting."""
    from flask import current_app

    setting = current_app.config.get("DATABASE_SETTING_NAME", SETTING)
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        url = db.engine.url.render_as_string(hide_password=True)
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        raise SystemExit(f"{setting}: cannot connect to {url}: {reason}") from None
    except ModuleNotFoundError as exc:
        raise SystemExit(f"{setting}: the database driver is not installed ({exc.name})") from None


def database_ok() -> bool:
    """True when the database answers a trivial query."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # health check: any failure means "not ok"
        return False
