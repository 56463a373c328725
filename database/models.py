"""SQLAlchemy models for the tables named in DESIGN.md."""
from __future__ import annotations

import secrets
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from utils.date_utils import utc_now

# Integration statuses shown on the integrations page.
CONNECTED, ERROR, NEEDS_REAUTH, DISCONNECTED = "connected", "error", "needs_reauth", "disconnected"



# Natural-key columns compare byte-for-byte on MySQL too ("Repo" and "repo" are different keys,
# as they are on SQLite); MySQL's default collation would fold case and accents.
def _key(length: int) -> String:
    return String(length).with_variant(mysql.VARCHAR(length, collation="utf8mb4_bin"), "mysql", "mariadb")


# 64-bit ids where a year of 1-minute samples per user adds up; SQLite needs INTEGER to autoincrement.
BigId = BigInteger().with_variant(Integer, "sqlite")


def _session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    """A person who signs in."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    display_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default="UTC")
    is_admin: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Changes on password change, so every other session and remember-me cookie is signed out.
    session_token: Mapped[str] = mapped_column(String(64), nullable=False, default=_session_token)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utc_now)

    integrations: Mapped[list[UserIntegration]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated users cannot sign in
        return bool(self.active)

    def get_id(self) -> str:
        """Flask-Login id: the session token, not the row id."""
        return self.session_token

    def rotate_session_token(self) -> None:
        """Invalidate every existing session of this user."""
        self.session_token = _session_token()


class UserIntegration(db.Model):
    """One user's connection to one source."""

    __tablename__ = "user_integrations"
    __table_args__ = (UniqueConstraint("user_id", "source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    source: Mapped[str] = mapped_column(String(32), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=DISCONNECTED)
    credentials: Mapped[str | None] = mapped_column(Text)  # Fernet token of JSON, never plaintext
    settings: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    cursor: Mapped[date | None] = mapped_column(Date)  # last fully synced day
    account_id: Mapped[str | None] = mapped_column(String(191))  # provider's user id
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Claim so that no two runners sync one integration together (lease with expiry).
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utc_now, onupdate=utc_now)

    user: Mapped[User] = relationship(back_populates="integrations")
    sync_runs: Mapped[list[SyncRun]] = relationship(back_populates="integration", cascade="all, delete-orphan",
                                                    passive_deletes=True)


class DailyMetric(db.Model):
    """One value per (user, source, metric, dimension, local day)."""

    __tablename__ = "daily_metrics"
    __table_args__ = (
        UniqueConstraint("user_id", "source", "metric", "dimension", "day"),
        Index("ix_daily_metrics_user_id_day", "user_id", "day"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    source: Mapped[str] = mapped_column(_key(32), nullable=False)
    metric: Mapped[str] = mapped_column(_key(96), nullable=False)
    dimension: Mapped[str] = mapped_column(_key(191), nullable=False, default="")
    day: Mapped[date] = mapped_column(Date, nullable=False)
    value: Mapped[float] = mapped_column(Float(precision=53), nullable=False)


class IntradaySample(db.Model):
    """A timestamped sample (UTC), e.g. 1-minute heart rate."""

    __tablename__ = "intraday_samples"
    __table_args__ = (UniqueConstraint("user_id", "source", "metric", "ts"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    source: Mapped[str] = mapped_column(_key(32), nullable=False)
    metric: Mapped[str] = mapped_column(_key(96), nullable=False)
    ts: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    value: Mapped[float] = mapped_column(Float(precision=53), nullable=False)


class Event(db.Model):
    """An interval with an identity at the source: sleep, nap, workout, session, commit."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("user_id", "source", "external_id"),
        Index("ix_events_user_id_source_kind_day", "user_id", "source", "kind", "day"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    source: Mapped[str] = mapped_column(_key(32), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    external_id: Mapped[str] = mapped_column(_key(191), nullable=False)
    start: Mapped[datetime | None] = mapped_column(DateTime)
    end: Mapped[datetime | None] = mapped_column(DateTime)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    data: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)


class SyncRun(db.Model):
    """One sync of one integration: window, outcome, rows written, redacted error."""

    __tablename__ = "sync_runs"
    __table_args__ = (Index("ix_sync_runs_integration_id_started_at", "integration_id", "started_at"),
                      Index("ix_sync_runs_user_id_started_at", "user_id", "started_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("user_integrations.id", ondelete="CASCADE"),
                                                nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    source: Mapped[str] = mapped_column(String(32), nullable=False)
    started_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    window_start: Mapped[date | None] = mapped_column(Date)
    window_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="running")
    rows_written: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    trigger: Mapped[str] = mapped_column(String(20), nullable=False, default="batch")

    integration: Mapped[UserIntegration] = relationship(back_populates="sync_runs")


class AuditLog(db.Model):
    """Security-relevant actions: logins, failures, connects, exports, deletions."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Kept (as NULL) when the user is deleted, so the deletion itself stays on record.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    event: Mapped[str] = mapped_column(String(40), nullable=False)
    detail: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    ip: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utc_now)


class ApiToken(db.Model):
    """A personal API token: only its SHA-256 is stored; the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    hint: Mapped[str] = mapped_column(String(16), nullable=False)  # "phd_…ab12", to tell tokens apart
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utc_now)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)


class SyncJob(db.Model):
    """A background sync ("Sync now", API, schedule); in the database so any worker can report it."""

    __tablename__ = "sync_jobs"
    __table_args__ = (Index("ix_sync_jobs_user_id_created_at", "user_id", "created_at"),
                      Index("ix_sync_jobs_integration_id_created_at", "integration_id", "created_at"))

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    integration_id: Mapped[int] = mapped_column(ForeignKey("user_integrations.id", ondelete="CASCADE"),
                                                nullable=False)
    source: Mapped[str] = mapped_column(String(32), nullable=False)
    trigger: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="queued")
    rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utc_now)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
