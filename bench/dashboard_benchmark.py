"""Server time and JSON size of the overview and the Fitbit page for one user with a year of 1-minute heart rate.

    BENCH_DATABASE_URL=mysql+pymysql://root@127.0.0.1:3306/bench_dashboards \
        .venv/bin/python bench/dashboard_benchmark.py

The database named by BENCH_DATABASE_URL (default: the one above, MariaDB) is emptied and
migrated, then filled with the demo account over 365 days with 1-minute heart rate on every
day (365 x 1,440 = 525,600 samples), through the real transforms and upsert. Each page and each
chart endpoint it loads is then requested through the app (no network) a few times; the table
shows the median server time, the JSON (or HTML) size and its gzip size.
"""
from __future__ import annotations

import gzip
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import MetaData, func  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from config import TestingConfig  # noqa: E402
from database.models import IntradaySample  # noqa: E402
from etl.demo.account import DEFAULT_PASSWORD, DEMO_EMAIL, load_demo  # noqa: E402

URL = os.environ.get("BENCH_DATABASE_URL", "mysql+pymysql://root@127.0.0.1:3306/bench_dashboards")
DAYS, RUNS = 365, 5
PAGES = ("/?range=1y", "/?range=30d", "/fitbit/?range=1y", "/fitbit/?range=30d")
CHART_SRC = re.compile(r'data-chart-src="([^"]+)"')


class BenchConfig(TestingConfig):
    """Testing config on the benchmark database, without rate limits."""

    SQLALCHEMY_DATABASE_URI = URL
    RATELIMIT_ENABLED = False


def fill(app) -> None:
    """Empty, migrate and load the demo year; print how long that took."""
    with app.app_context():
        existing = MetaData()
        existing.reflect(bind=db.engine)
        existing.drop_all(bind=db.engine)
        upgrade()
        started = time.monotonic()
        # UTC, so that no daylight-saving hour folds two local minutes onto one instant: 365 x 1,440 samples.
        result = load_demo(days=DAYS + 1, heart_rate_days=DAYS, timezone="UTC")
        samples = db.session.scalar(db.select(func.count()).select_from(IntradaySample))
        dialect = db.engine.dialect
        print(f"loaded {sum(result.rows.values()):,} rows ({samples:,} heart-rate samples) "
              f"in {time.monotonic() - started:.1f}s on {dialect.name} {dialect.server_version_info}")


def timed(client, url: str) -> tuple[float, int, int, int]:
    """(median ms over RUNS warm requests, bytes, gzip bytes, status) for one URL."""
    client.get(url)  # warm-up: first request compiles templates and fills caches
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    body = response.get_data()
    return statistics.median(times), len(body), len(gzip.compress(body)), response.status_code


def measure(app) -> None:
    """Print one table per page: the HTML, then each chart endpoint it loads, then the total."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"csrf_token": token, "email": DEMO_EMAIL, "password": DEFAULT_PASSWORD})
    for path in PAGES:
        print(f"\n{path}\n  {'request':<72}{'ms':>8}{'bytes':>10}{'gzip':>9}")
        html_ms, html_bytes, html_gzip, status = timed(client, path)
        assert status == 200, (path, status)
        rows = [(path, html_ms, html_bytes, html_gzip)]
        html = client.get(path).get_data(as_text=True)
        for url in (u.replace("&amp;", "&") for u in CHART_SRC.findall(html)):
            ms, size, zipped, status = timed(client, url)
            assert status == 200, (url, status)
            rows.append((url, ms, size, zipped))
        for url, ms, size, zipped in rows:
            print(f"  {url[:72]:<72}{ms:8.1f}{size:10,}{zipped:9,}")
        total = [sum(r[i] for r in rows) for i in (1, 2, 3)]
        charts = rows[1:]
        print(f"  {'total (page + ' + str(len(charts)) + ' charts, sequential)':<72}{total[0]:8.1f}"
              f"{total[1]:10,}{total[2]:9,}")
        print(f"  {'slowest chart':<72}{max(r[1] for r in charts):8.1f}")


def main() -> None:
    """Fill the database, then measure."""
    app = create_app(BenchConfig)
    fill(app)
    measure(app)


if __name__ == "__main__":
    main()
