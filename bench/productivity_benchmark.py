"""Time the nightly batch job over many users with Rize, GitHub and Google Sheets against the stand-in.

Not a test. For each --workers value: starts a fresh stand-in (tests/standin) and a fresh database
(a new temporary SQLite file by default; a MySQL/MariaDB URL is emptied and migrated, and its
database name must contain "bench"), creates --users users who each connect Rize (API key),
GitHub (personal access token, every repository they own) and Google Sheets (service-account
key; even users import the "Daily" worksheet, odd users "Expenses" by category), back-fills
--days days with `python -m etl.batch_job --workers N` as a subprocess, and prints its wall time,
the rows it wrote, its peak memory (ru_maxrss) and the requests the stand-in answered per source.
Run from the repository root:

    .venv/bin/python bench/productivity_benchmark.py [--users 50] [--days 30] [--workers 1 4] \
        [--database-url mysql+pymysql://root@127.0.0.1:3306/bench_productivity] [--stats-pending]

--stats-pending makes each user's first GitHub code-frequency call answer 202 (GitHub still
computing), as a repository's first visit often does; the connector then waits 2 s and asks again.
"""
from __future__ import annotations

import argparse
import sys
from argparse import Namespace
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from batch_benchmark import fresh_app, run_batch, stored  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from app.extensions import db  # noqa: E402
from database.integrations import get_or_create_integration, store_credentials  # noqa: E402
from database.models import User  # noqa: E402
from tests.standin import StandIn  # noqa: E402
from tests.standin import sheets as sheets_data  # noqa: E402
from utils.encryption import generate_key  # noqa: E402

SOURCES = ("rize", "github", "sheets")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--days", type=int, default=30, help="back-fill days per integration")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--database-url", help="MySQL/MariaDB URL (emptied!); default: a temporary SQLite file")
    parser.add_argument("--stats-pending", action="store_true",
                        help="GitHub answers 202 to each user's first code-frequency call")
    args = parser.parse_args(argv)
    if args.database_url and "bench" not in args.database_url.rsplit("/", 1)[-1]:
        parser.error("--database-url: the database name must contain 'bench' (it is emptied)")
    return args


def create_users(app, standin: StandIn, users: int) -> int:
    """Users with the three sources connected; returns the integration count."""
    password_hash = generate_password_hash("benchmark password")  # one hash: hashing is not what we measure
    count = 0
    with app.app_context():
        for n in range(users):
            name = f"user{n:03d}"
            user = User(email=f"{name}@bench.example", password_hash=password_hash, timezone="UTC")
            db.session.add(user)
            db.session.flush()
            for source in SOURCES:
                integration = get_or_create_integration(user.id, source)
                store_credentials(integration, standin.credentials(source, name))
                if source == "sheets":
                    integration.settings = sheets_data.settings_for(
                        name, sheets_data.DAILY if n % 2 == 0 else sheets_data.EXPENSES)
                count += 1
        db.session.commit()
    return count


def main(argv: list[str]) -> int:
    """Benchmark each --workers value on a fresh stand-in and database; print one line each."""
    args = parse_args(argv)
    database = "SQLite (temporary file)" if not args.database_url else args.database_url.split("@")[-1]
    print(f"database: {database}; {args.users} users x Rize + GitHub + Sheets; {args.days} days each; "
          f"GitHub statistics {'pending at first' if args.stats_pending else 'ready'}")
    print("workers  exit  wall_s  batch_cpu_s  standin_cpu_s  integrations  rows_written  daily   events  "
          "peak_rss_mb  requests (rize/github/sheets)  outcome")
    for workers in args.workers:
        with StandIn(lifetime=3600, github_stats_pending=args.stats_pending) as standin:
            key = generate_key()
            app = fresh_app(args.database_url, key)
            integrations = create_users(app, standin, args.users)
            result = run_batch(app, standin, key, Namespace(days=args.days, raise_whoop_budget=False), workers)
            requests = Counter(call.source for call in standin.calls)
        rows = stored(app)
        with app.app_context():
            db.engine.dispose()
        served = "/".join(str(requests[source]) for source in SOURCES)
        print(f"{workers:<8} {result['exit']:<5} {result['seconds']:<7.1f} {result['batch_cpu']:<12.1f} "
              f"{result['standin_cpu']:<14.1f} {integrations:<13} {result['rows_reported']:<13} "
              f"{rows['daily_metrics']:<7} {rows['events']:<7} {result['rss_mb']:<12.0f} {served:<30} "
              f"{result['statuses']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
