"""Time the nightly batch job over many users against the Oura/WHOOP stand-in server.

Not a test. Starts the stand-in (tests/standin) and, for each --workers value, on a fresh database
(a new temporary SQLite file by default; a MySQL/MariaDB URL is emptied and migrated, and its
database name must contain "bench"): creates --users users with Oura connected, back-fills
--days days, runs `python -m etl.batch_job --workers N` as a subprocess, and prints its wall
time, the rows it wrote and its peak memory (ru_maxrss of the batch process). Run from the
repository root:

    .venv/bin/python bench/batch_benchmark.py [--users 100] [--days 30] [--workers 1 4] \
        [--database-url mysql+pymysql://root@127.0.0.1:3306/bench_batch] [--whoop-users 8 | --raise-whoop-budget]

WHOOP allows 100 requests a minute for the whole installation and a 30-day back-fill takes about
ten per user, so 100 WHOOP users spend about ten minutes waiting for the budget. By default only
--whoop-users users (8) also connect WHOOP. --raise-whoop-budget connects WHOOP for every user
and runs the batch with WHOOP_RATE_LIMITS=100000/60 (the setting for an installation whose
WHOOP limit was raised).
"""
from __future__ import annotations

import argparse
import logging
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import MetaData, func, select  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from config import DevelopmentConfig  # noqa: E402
from database.integrations import get_or_create_integration, store_credentials  # noqa: E402
from database.models import DailyMetric, Event, IntradaySample, User  # noqa: E402
from tests.standin import StandIn  # noqa: E402
from utils.encryption import generate_key  # noqa: E402

SUMMARY = re.compile(r"^summary: (\d+) integration\(s\): (.*); (\d+) rows; ")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--days", type=int, default=30, help="back-fill days per integration")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--database-url", help="MySQL/MariaDB URL (emptied!); default: a temporary SQLite file")
    parser.add_argument("--whoop-users", type=int, default=8, help="users who also connect WHOOP (real budget)")
    parser.add_argument("--raise-whoop-budget", action="store_true",
                        help="every user connects WHOOP; the batch process gets a 100,000/minute WHOOP budget")
    parser.add_argument("--heart-rate-minutes", type=int, default=5, help="Oura heart-rate interval at the stand-in")
    args = parser.parse_args(argv)
    if args.database_url and "bench" not in args.database_url.rsplit("/", 1)[-1]:
        parser.error("--database-url: the database name must contain 'bench' (it is emptied)")
    return args


def fresh_app(url: str | None, key: str):
    """An app on ``url`` (or a new temporary SQLite file) with an empty, migrated schema."""
    url = url or f"sqlite:///{tempfile.mkdtemp(prefix='batch-bench-')}/bench.db"

    class Config(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = "batch-benchmark-" + "x" * 32
        ENCRYPTION_KEYS = key

    app = create_app(Config)
    logging.disable(logging.INFO)  # alembic's per-migration lines would drown the results
    with app.app_context():
        existing = MetaData()
        existing.reflect(bind=db.engine)
        existing.drop_all(bind=db.engine)
        upgrade()
    logging.disable(logging.NOTSET)
    return app


def create_users(app, standin: StandIn, users: int, whoop_users: int) -> int:
    """Users with Oura (and, for the first ``whoop_users``, WHOOP) connected; returns the integration count."""
    password_hash = generate_password_hash("benchmark password")  # one hash: hashing is not what we measure
    count = 0
    with app.app_context():
        for n in range(users):
            user = User(email=f"user{n:03d}@bench.example", password_hash=password_hash, timezone="UTC")
            db.session.add(user)
            db.session.flush()
            for source in ("oura", "whoop") if n < whoop_users else ("oura",):
                store_credentials(get_or_create_integration(user.id, source), standin.grant(source, user.email))
                count += 1
        db.session.commit()
    return count


def run_batch(app, standin: StandIn, key: str, args: argparse.Namespace, workers: int) -> dict:
    """Run the batch job as a subprocess; wall time, exit code, summary and its peak RSS."""
    env = {name: value for name, value in os.environ.items() if name != "TEST_DATABASE_URL"}
    env.update(APP_ENV="development", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               SECRET_KEY=app.config["SECRET_KEY"], ENCRYPTION_KEYS=key, ETL_BACKFILL_DAYS=str(args.days),
               INSTANCE_PATH=tempfile.mkdtemp(prefix="batch-bench-instance-"), LOG_LEVEL="WARNING",
               **standin.environment())
    if args.raise_whoop_budget:
        env["WHOOP_RATE_LIMITS"] = "100000/60"
    command = [sys.executable, "-m", "etl.batch_job"]
    started, own = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    process = subprocess.Popen([*command, "--workers", str(workers)], cwd=ROOT, env=env,  # noqa: S603
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)  # this child's own rusage, not every child's
    seconds = time.perf_counter() - started
    standin_cpu = _cpu(resource.getrusage(resource.RUSAGE_SELF)) - _cpu(own)  # the stand-in runs in this process
    process.returncode = os.waitstatus_to_exitcode(status)
    summary = next((SUMMARY.match(line) for line in output.splitlines() if line.startswith("summary:")), None)
    return {"exit": process.returncode, "seconds": seconds, "rss_mb": usage.ru_maxrss / 1024,
            "batch_cpu": _cpu(usage), "standin_cpu": standin_cpu,
            "statuses": summary.group(2) if summary else "no summary line",
            "rows_reported": int(summary.group(3)) if summary else 0}


def _cpu(usage: resource.struct_rusage) -> float:
    """User + system CPU seconds."""
    return usage.ru_utime + usage.ru_stime


def stored(app) -> dict[str, int]:
    """Rows now in the three data tables."""
    with app.app_context():
        return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                for model in (DailyMetric, IntradaySample, Event)}


def main(argv: list[str]) -> int:
    """Benchmark each --workers value on a fresh database and print one line each."""
    args = parse_args(argv)
    whoop_users = args.users if args.raise_whoop_budget else min(args.whoop_users, args.users)
    database = "SQLite (temporary file)" if not args.database_url else args.database_url.split("@")[-1]
    print(f"database: {database}; {args.users} users x Oura, {whoop_users} x WHOOP"
          f"{' (budget raised)' if args.raise_whoop_budget else ''}; {args.days} days each; "
          f"Oura heart rate every {args.heart_rate_minutes} min")
    print("workers  exit  wall_s  batch_cpu_s  standin_cpu_s  integrations  rows_written  daily  intraday  "
          "events  peak_rss_mb  outcome")
    with StandIn(lifetime=4 * 3600, heart_rate_minutes=args.heart_rate_minutes) as standin:
        for workers in args.workers:
            key = generate_key()
            app = fresh_app(args.database_url, key)
            integrations = create_users(app, standin, args.users, whoop_users)
            result = run_batch(app, standin, key, args, workers)
            rows = stored(app)
            with app.app_context():
                db.engine.dispose()
            print(f"{workers:<8} {result['exit']:<5} {result['seconds']:<7.1f} {result['batch_cpu']:<12.1f} "
                  f"{result['standin_cpu']:<14.1f} {integrations:<13} "
                  f"{result['rows_reported']:<13} {rows['daily_metrics']:<6} {rows['intraday_samples']:<9} "
                  f"{rows['events']:<7} {result['rss_mb']:<12.0f} {result['statuses']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
