"""Create or refresh the demo account: the user, six connected integrations, their rows and sync history.

Rows go through each source's real transform (see the sibling modules) and the real
``etl.upsert.upsert_rows``, so re-running refreshes the same keys instead of adding rows.
The integrations hold no real credentials (``{"demo": true}``) and carry ``settings["demo"]``.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete
from werkzeug.security import generate_password_hash

from app.extensions import db
from database.integrations import get_or_create_integration, store_credentials
from database.models import DailyMetric, SyncRun, User
from etl.data_sources.base import Rows, Window
from etl.data_sources.fitbit import LegacyAdapter
from etl.data_sources.http import RateLimited
from etl.demo import fitbit, github, oura, rize, sheets, whoop
from etl.demo.clock import utc_naive
from etl.demo.life import days_between
from etl.demo.person import TIMEZONE
from etl.upsert import upsert_rows
from utils.date_utils import local_today, utc_now

DEMO_EMAIL = "demo@example.com"
DEFAULT_PASSWORD = "demo-dashboard"
DEMO_DAYS = 180
HEART_RATE_DAYS = 14
NIGHTLY_RUNS = 14  # the sync history shows two weeks of nightly runs after a first backfill
OVERLAP_DAYS = 3
RATE_LIMITED = "fitbit"  # its latest run stopped at the hourly limit, so its last day shows as "sync failed"
SETTINGS = {"oura": {}, "whoop": {}, "fitbit": {"adapter": fitbit.ADAPTER}, "rize": {},
            "github": {"repos": "", "author_email": github.AUTHOR["email"]}, "sheets": sheets.SETTINGS}


@dataclass
class DemoResult:
    """What the demo command reports."""

    email: str
    password: str
    created: bool
    first_day: date
    last_day: date
    rows: dict[str, int] = field(default_factory=dict)


def source_rows(today: date, days: int, heart_rate_days: int, tz: str) -> dict[str, Rows]:
    """Every source's rows for the ``days`` up to ``today``, as their transforms make them.

    Night-based data (Oura, WHOOP) and the sheet's weigh-in reach today; daytime data stops
    yesterday, as it would after a sync early this morning. WHOOP has not scored last night yet.
    """
    life = days_between(today - timedelta(days=days - 1), today)
    yesterday = today - timedelta(days=1)
    return {
        "oura": oura.rows(life, yesterday, tz),
        "whoop": whoop.rows(life, today, tz),
        "fitbit": fitbit.rows(life[:-1], heart_rate_days, tz),
        "rize": rize.rows(life[:-1], tz),
        "github": github.rows(life[:-1], tz),
        "sheets": sheets.rows(life),
    }


def load_demo(password: str = DEFAULT_PASSWORD, days: int = DEMO_DAYS, heart_rate_days: int = HEART_RATE_DAYS,
              today: date | None = None, timezone: str = TIMEZONE) -> DemoResult:
    """Create (or refresh) the demo user and fill every source; commits once at the end."""
    user, created = ensure_user(password, timezone)
    today = today or local_today(user.timezone)
    first = today - timedelta(days=days - 1)
    result = DemoResult(DEMO_EMAIL, password, created, first, today)
    for key, rows in source_rows(today, days, heart_rate_days, user.timezone).items():
        integration = connect(user, key)
        result.rows[key] = write(user.id, key, rows, Window(first, today))
        record_history(user, integration, rows, first, today)
    db.session.commit()
    return result


def ensure_user(password: str, timezone: str = TIMEZONE) -> tuple[User, bool]:
    """The demo user (created when missing) with ``password`` and ``timezone``."""
    user = db.session.execute(db.select(User).filter_by(email=DEMO_EMAIL)).scalar_one_or_none()
    created = user is None
    if created:
        user = User(email=DEMO_EMAIL, display_name="Demo")
        db.session.add(user)
    user.password_hash = generate_password_hash(password)
    user.timezone, user.active = timezone, True
    db.session.flush()
    return user, created


def connect(user: User, key: str):
    """The demo's integration for ``key``: connected, placeholder credentials, ``settings["demo"]``."""
    integration = get_or_create_integration(user.id, key)
    store_credentials(integration, {"demo": True})
    integration.settings = {"demo": True, **SETTINGS[key]}
    integration.account_id = "demo"
    db.session.flush()
    return integration


def write(user_id: int, key: str, rows: Rows, window: Window) -> int:
    """Upsert the rows the way a sync does (a sheet first clears its window); return the count."""
    if rows.replaces_window:
        db.session.execute(delete(DailyMetric).where(
            DailyMetric.user_id == user_id, DailyMetric.source == key,
            DailyMetric.day >= window.start, DailyMetric.day <= window.end))
    written = 0
    for table, found in (("daily_metrics", rows.daily), ("intraday_samples", rows.intraday), ("events", rows.events)):
        written += upsert_rows(db.session, table, [{**row, "user_id": user_id, "source": key} for row in found])
    return written


def record_history(user: User, integration, rows: Rows, first: date, today: date) -> None:
    """A backfill run, then nightly runs; the last Fitbit run stopped at its hourly rate limit."""
    db.session.execute(delete(SyncRun).where(SyncRun.integration_id == integration.id, SyncRun.trigger == "demo"))
    per_day = Counter(row["day"] for row in rows.daily + rows.events)
    per_day.update(row["ts"].date() for row in rows.intraday)
    nightly = [today - timedelta(days=n) for n in range(NIGHTLY_RUNS - 1, -1, -1) if today - timedelta(days=n) >= first]
    windows = [Window(first, nightly[0] - timedelta(days=1))] if first < nightly[0] else []
    windows += [Window(max(first, d - timedelta(days=OVERLAP_DAYS)), d) for d in nightly]
    for window in windows:
        ran = _run_time(window.end, user.timezone)
        count = sum(n for d, n in per_day.items() if window.start <= d <= window.end)
        run = SyncRun(integration_id=integration.id, user_id=user.id, source=integration.source, trigger="demo",
                      started_at=ran, finished_at=ran + timedelta(seconds=4 + count // 400), status="ok",
                      window_start=window.start, window_end=window.end, rows_written=count)
        db.session.add(run)
    integration.cursor, integration.last_sync_at, integration.last_error = today, run.finished_at, None
    if integration.source == RATE_LIMITED:
        done = today - timedelta(days=1)
        run.status, integration.cursor = "deferred", done
        run.error = LegacyAdapter.limit_note(RateLimited("429 Too Many Requests", 429, 1800.0), done)


def _run_time(day: date, tz: str) -> datetime:
    """03:30 local on ``day`` in naive UTC, never in the future."""
    return min(utc_naive(datetime.combine(day, time(3, 30)), tz), utc_now() - timedelta(minutes=5))
