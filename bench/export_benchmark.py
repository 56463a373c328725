"""Peak memory and time of GET /api/v1/export for a user with a year of 1-minute heart rate.

Not a test. Loads (through etl.upsert.upsert_rows, see api_benchmark.py) 365 daily values and
525,600 intraday samples for one user, then reads the streamed export chunk by chunk, keeping
only a byte count, and reports the Python heap peak (tracemalloc) while it runs. For scale it
also measures the same rows read in one go into a list (what streaming avoids). Run from the
repository root (default: a temporary SQLite file; a MySQL/MariaDB URL is emptied first):

    .venv/bin/python bench/export_benchmark.py [--database-url mysql+pymysql://root@127.0.0.1:3306/bench]
"""
from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api_benchmark import DAYS, MINUTES, build_app, load  # noqa: E402

from app.extensions import db  # noqa: E402
from database.models import IntradaySample  # noqa: E402

MB = 1024 * 1024


def rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(label: str, run) -> None:
    """Run ``run()`` (returns a byte/row count) once timed, once under tracemalloc for the heap peak."""
    gc.collect()
    started = time.perf_counter()
    size = run()
    seconds = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()  # slows Python down several times, so the time above is taken without it
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<44} {size:>14,} {seconds:7.1f} s   heap peak {peak / MB:8.1f} MB   process max RSS "
          f"{rss_mb():7.0f} MB")


def streamed(client, token: str, fmt: str):
    """Read the export as a client would, chunk by chunk, keeping only the length."""
    def run() -> int:
        response = client.get(f"/api/v1/export?format={fmt}", headers={"Authorization": f"Bearer {token}"},
                              buffered=False)
        assert response.status_code == 200
        size = sum(len(chunk) for chunk in response.response)
        response.close()
        return size
    return run


def all_at_once(app, user_id: int):
    """The naive way: every intraday row of the user in one list."""
    def run() -> int:
        with app.app_context():
            rows = db.session.execute(db.select(IntradaySample.source, IntradaySample.metric, IntradaySample.ts,
                                                IntradaySample.value)
                                      .where(IntradaySample.user_id == user_id)).all()
            return len(rows)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    args = parser.parse_args()
    app = build_app(args.database_url)
    dialect = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    user_id, token, seconds = load(app, "UTC")
    print(f"database: {dialect}; loaded {DAYS} daily + {MINUTES:,} intraday rows in {seconds:.1f}s; "
          f"process max RSS so far {rss_mb():.0f} MB")
    print(f"{'':<44} {'bytes/rows':>14}")
    client = app.test_client()
    measure("export format=json (streamed, bytes)", streamed(client, token, "json"))
    measure("export format=csv  (streamed ZIP, bytes)", streamed(client, token, "csv"))
    measure("for scale: intraday rows read into one list", all_at_once(app, user_id))


if __name__ == "__main__":
    main()
