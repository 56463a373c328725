"""Configuration classes, one per environment, read from the environment (.env when present)."""
from __future__ import annotations

import os
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))

load_dotenv(BASE_DIR / ".env")


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings shared by every environment."""

    APP_ENV = "development"
    SECRET_KEY = _env("SECRET_KEY")
    ENCRYPTION_KEYS = _env("ENCRYPTION_KEYS")
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'dashboard.db'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    CHECK_DATABASE_ON_START = True
    LOG_LEVEL = _env("LOG_LEVEL", "INFO")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead; a long-open tab still submits

    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _flag("RATELIMIT_ENABLED", True)
    LOGIN_RATE_LIMIT_IP = _env("LOGIN_RATE_LIMIT_IP", "20 per minute")
    LOGIN_RATE_LIMIT_ACCOUNT = _env("LOGIN_RATE_LIMIT_ACCOUNT", "5 per minute")

    PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL")  # e.g. https://health.example.org, for OAuth callback URLs

    # Days a first sync reads; unset = each source's own default (30 for the wearables, 365 for Sheets).
    ETL_BACKFILL_DAYS = int(_env("ETL_BACKFILL_DAYS")) if _env("ETL_BACKFILL_DAYS") else None
    ETL_OVERLAP_DAYS = int(_env("ETL_OVERLAP_DAYS", "3") or 3)
    # Per-source request budgets shared by all users, overriding the manifest (REQUESTS/SECONDS,...),
    # e.g. after WHOOP raised this installation's limit.
    WHOOP_RATE_LIMITS = _env("WHOOP_RATE_LIMITS")
    # In-app daily sync of every user at SYNC_AT (server time), instead of (or besides) cron.
    SCHEDULER_ENABLED = _flag("SCHEDULER_ENABLED", False)
    SYNC_AT = _env("SYNC_AT", "03:30")

    # Each source's API and OAuth endpoints; empty means the real provider's URL.
    OURA_API_BASE_URL = _env("OURA_API_BASE_URL")
    OURA_AUTHORIZE_URL = _env("OURA_AUTHORIZE_URL")
    OURA_TOKEN_URL = _env("OURA_TOKEN_URL")
    OURA_CLIENT_ID = _env("OURA_CLIENT_ID")
    OURA_CLIENT_SECRET = _env("OURA_CLIENT_SECRET")
    WHOOP_API_BASE_URL = _env("WHOOP_API_BASE_URL")
    WHOOP_AUTHORIZE_URL = _env("WHOOP_AUTHORIZE_URL")
    WHOOP_TOKEN_URL = _env("WHOOP_TOKEN_URL")
    WHOOP_CLIENT_ID = _env("WHOOP_CLIENT_ID")
    WHOOP_CLIENT_SECRET = _env("WHOOP_CLIENT_SECRET")
    FITBIT_API_BASE_URL = _env("FITBIT_API_BASE_URL")
    FITBIT_AUTHORIZE_URL = _env("FITBIT_AUTHORIZE_URL")
    FITBIT_TOKEN_URL = _env("FITBIT_TOKEN_URL")
    FITBIT_CLIENT_ID = _env("FITBIT_CLIENT_ID")
    FITBIT_CLIENT_SECRET = _env("FITBIT_CLIENT_SECRET")
    GOOGLE_HEALTH_API_URL = _env("GOOGLE_HEALTH_API_URL")
    GOOGLE_AUTHORIZE_URL = _env("GOOGLE_AUTHORIZE_URL")
    GOOGLE_TOKEN_URL = _env("GOOGLE_TOKEN_URL")
    GOOGLE_CLIENT_ID = _env("GOOGLE_CLIENT_ID")
    GOOGLE_CLIENT_SECRET = _env("GOOGLE_CLIENT_SECRET")
    RIZE_API_URL = _env("RIZE_API_URL")
    GITHUB_API_URL = _env("GITHUB_API_URL")
    GOOGLE_SHEETS_API_URL = _env("GOOGLE_SHEETS_API_URL")


class DevelopmentConfig(Config):
    """Local development: SQLite in instance/, generated keys with a warning."""


class TestingConfig(Config):
    """pytest: a throwaway database (TEST_DATABASE_URL or a temp SQLite file), CSRF on."""

    APP_ENV = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL") or "sqlite://"
    CHECK_DATABASE_ON_START = False
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    LOGIN_RATE_LIMIT_IP = "1000 per minute"
    LOGIN_RATE_LIMIT_ACCOUNT = "1000 per minute"
    ETL_BACKFILL_DAYS = None
    ETL_OVERLAP_DAYS = 3
    SCHEDULER_ENABLED = False


class ProductionConfig(Config):
    """Production: secrets required, secure cookies."""

    APP_ENV = "production"
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None = None) -> type[Config]:
    """The config class for ``name`` (default: APP_ENV, else development)."""
    name = (name or _env("APP_ENV", "development")).lower()
    if name not in CONFIGS:
        raise SystemExit(f"APP_ENV={name!r} is not one of: {', '.join(CONFIGS)}")
    return CONFIGS[name]
