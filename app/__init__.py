"""Application factory."""
from __future__ import annotations

import importlib
import logging

from flask import Flask
from limits.errors import ConfigurationError as LimitsConfigurationError

from app.extensions import csrf, db, limiter, login_manager, migrate
from app.secrets import configure_secrets
from config import BASE_DIR, INSTANCE_DIR, Config, config_for
from database.check import check_database, configure_database_url
from utils.logging_config import configure_logging

log = logging.getLogger(__name__)


def create_app(config: str | type[Config] | object | None = None) -> Flask:
    """Build the app: config, secrets, extensions, blueprints, CLI, error pages."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=False)
    app.config.from_object(config if config is not None and not isinstance(config, str) else config_for(config))
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    configure_logging(app.config["LOG_LEVEL"])
    configure_secrets(app)
    configure_database_url(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    from app import errors, security

    security.init_app(app)
    errors.init_app(app)
    if app.config["CHECK_DATABASE_ON_START"]:
        with app.app_context():
            check_database()
    if app.config["SCHEDULER_ENABLED"]:
        _schedule_on_first_request(app)
    return app


def _schedule_on_first_request(app: Flask) -> None:
    """Start the in-app daily sync in web processes only (not in the CLI or the batch job)."""
    from etl.jobs import parse_sync_at, start_schedule

    parse_sync_at(app.config["SYNC_AT"])  # a malformed SYNC_AT stops start-up now, not at the first request
    started: list[bool] = []

    @app.before_request
    def start_once() -> None:
        if not started:
            started.append(True)
            start_schedule(app)


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "database" / "migrations"))
    csrf.init_app(app)
    try:
        limiter.init_app(app)
    except LimitsConfigurationError as exc:
        uri = app.config["RATELIMIT_STORAGE_URI"]
        raise SystemExit(f"RATELIMIT_STORAGE_URI={uri!r} cannot be used: {exc}") from None
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from database import models

    @login_manager.user_loader
    def load_user(session_token: str):
        return db.session.execute(
            db.select(models.User).filter_by(session_token=session_token, active=True)
        ).scalar_one_or_none()


def _register_blueprints(app: Flask) -> None:
    from app.blueprints.api import bp as api_bp
    from app.blueprints.auth import bp as auth_bp
    from app.blueprints.home import bp as home_bp
    from app.blueprints.integrations import bp as integrations_bp
    from etl.data_sources.registry import all_sources

    for bp in (auth_bp, home_bp, integrations_bp, api_bp):
        app.register_blueprint(bp)
    for source in all_sources():
        module = importlib.import_module(f"app.blueprints.{source.manifest.blueprint}")
        app.register_blueprint(module.bp)

    @app.context_processor
    def navigation():
        return {"nav_sources": all_sources()}


def _register_cli(app: Flask) -> None:
    from app import cli

    cli.init_app(app)
