"""Running the app's commands as subprocesses against a database of their own (end-to-end tests)."""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Engine

from database.models import SyncRun, User, UserIntegration
from utils.date_utils import days_between

ROOT = Path(__file__).resolve().parents[2]


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run a command in the project directory, as cron or an operator would."""
    return subprocess.run(args, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True,  # noqa: S603
                          timeout=180)


def flask(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """`flask --app app ...`."""
    return run(env, sys.executable, "-m", "flask", "--app", "app", *args, stdin=stdin)


def batch_job(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """`python -m etl.batch_job ...`."""
    return run(env, sys.executable, "-m", "etl.batch_job", *args)


@contextmanager
def own_database(folder: Path, suffix: str) -> Iterator[str]:
    """An empty database URL for subprocesses: a SQLite file in ``folder``, or, when TEST_DATABASE_URL
    names a MySQL/MariaDB server, a database ``<name>_<suffix>`` created now and dropped afterwards
    (the suite's own database is emptied by its fixtures, so the subprocesses must not share it)."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("mysql"):
        yield f"sqlite:///{folder / 'dashboard.db'}"
        return
    server = create_engine(base)  # any connection to the server can create and drop databases
    url = server.url.set(database=f"{server.url.database}_{suffix}")
    with server.begin() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS `{url.database}`"))
        conn.execute(text(f"CREATE DATABASE `{url.database}` CHARACTER SET utf8mb4"))
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with server.begin() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS `{url.database}`"))
        server.dispose()


def first_window(engine: Engine, email: str, source: str) -> list[date]:
    """The days of the user's first sync run of ``source``."""
    query = (select(SyncRun.window_start, SyncRun.window_end).join(User, User.id == SyncRun.user_id)
             .where(User.email == email, SyncRun.source == source).order_by(SyncRun.id).limit(1))
    with engine.connect() as conn:
        start, end = conn.execute(query).one()
    return days_between(start, end)


def integration(engine: Engine, email: str, source: str):
    """The user's integration row."""
    query = select(UserIntegration).join(User).where(User.email == email, UserIntegration.source == source)
    with engine.connect() as conn:
        return conn.execute(query).one()
