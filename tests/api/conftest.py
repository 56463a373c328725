"""API fixtures: alice with a personal token, bob (the other user), and store helpers."""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import pytest

from app.blueprints.api.tokens import create_token
from app.extensions import db
from database.integrations import get_or_create_integration, store_credentials
from etl.upsert import upsert_rows
from tests.conftest import csrf_from, make_user


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for ``token``."""
    return {"Authorization": f"Bearer {token}"}


def new_token(app, user_id: int, name: str = "script") -> str:
    """Create a personal token for ``user_id``; return its plaintext."""
    with app.app_context():
        _, token = create_token(user_id, name)
        db.session.commit()
        return token


def store_daily(app, user_id: int, metric: str, values: dict[date, float], source: str | None = None,
                dimension: str = "") -> None:
    """Upsert daily values through the real upsert path."""
    source = source or metric.partition(".")[0]
    rows = [{"user_id": user_id, "source": source, "metric": metric, "dimension": dimension, "day": day,
             "value": value} for day, value in values.items()]
    with app.app_context():
        upsert_rows(db.session, "daily_metrics", rows)
        db.session.commit()


def store_intraday(app, user_id: int, metric: str, values: dict[datetime, float]) -> None:
    """Upsert intraday samples (naive UTC timestamps)."""
    rows = [{"user_id": user_id, "source": metric.partition(".")[0], "metric": metric, "ts": ts, "value": value}
            for ts, value in values.items()]
    with app.app_context():
        upsert_rows(db.session, "intraday_samples", rows)
        db.session.commit()


def connect(app, user_id: int, source: str, credentials: dict, **fields) -> int:
    """A connected integration with encrypted credentials; returns its id."""
    with app.app_context():
        integration = get_or_create_integration(user_id, source)
        store_credentials(integration, credentials)
        for name, value in fields.items():
            setattr(integration, name, value)
        db.session.commit()
        return integration.id


def wait_for_job(client, url: str, headers: dict, seconds: float = 15.0) -> dict:
    """Poll a job until it leaves queued/running; return its JSON."""
    deadline = time.monotonic() + seconds
    while True:
        job = client.get(url, headers=headers).get_json()["job"]
        if job["status"] not in ("queued", "running") or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def days_back(n: int, end: date) -> list[date]:
    """The ``n`` days up to ``end``, oldest first."""
    return [end - timedelta(days=i) for i in range(n - 1, -1, -1)]


def session_csrf(client) -> str:
    """The CSRF token of the signed-in client's session (from the account page)."""
    return csrf_from(client.get("/account").data)


@pytest.fixture
def token(app, user) -> str:
    """A personal API token of alice."""
    return new_token(app, user)


@pytest.fixture
def bob(app) -> int:
    """The other user."""
    return make_user(app, email="bob@example.com")


@pytest.fixture
def bob_token(app, bob) -> str:
    """A personal API token of bob."""
    return new_token(app, bob, "bob's script")
