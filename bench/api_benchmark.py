"""Time GET /api/v1/metrics/<key>/aggregate over one year of data for one user.

Not a test. Loads, through etl.upsert.upsert_rows, one year of a daily metric (365 rows) and
one year of 1-minute heart rate (525,600 intraday rows), then times the aggregate endpoint
(period=week, also day and month) through the Flask test client with a personal API token.
Run from the repository root (default: a temporary SQLite file; a MySQL/MariaDB URL is
emptied and migrated first):

    .venv/bin/python bench/api_benchmark.py [--database-url mysql+pymysql://root@127.0.0.1:3306/bench] \
        [--timezone Europe/Berlin] [--repeat 5]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import MetaData  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from app import create_app  # noqa: E402
from app.blueprints.api.tokens import create_token  # noqa: E402
from app.extensions import db  # noqa: E402
from config import TestingConfig  # noqa: E402
from database.models import IntradaySample, User  # noqa: E402
from etl.upsert import upsert_rows  # noqa: E402

START = date(2025, 1, 1)
DAYS = 365
MINUTES = DAYS * 24 * 60  # 525,600


def build_app(url: str | None):
    """An app on ``url`` (or a temp SQLite file) with a freshly migrated, empty schema."""
    url = url or f"sqlite:///{tempfile.mkdtemp(prefix='api-bench-')}/bench.db"

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        RATELIMIT_ENABLED = False

    app = create_app(Config)
    with app.app_context():
        existing = MetaData()
        existing.reflect(bind=db.engine)
        existing.drop_all(bind=db.engine)
        upgrade()
    return app


def heart_rate(minute: int) -> float:
    """A plausible, repeatable 1-minute heart rate: a daily rhythm plus noise-like wobble."""
    of_day = minute % 1440
    return float(52 + (of_day // 60) % 24 + (minute * 7919) % 37)


def load(app, timezone: str) -> tuple[int, str, float]:
    """(user id, token, seconds) after loading the year of daily and intraday rows."""
    with app.app_context():
        user = User(email="bench@example.com", password_hash=generate_password_hash("bench password"),
                    timezone=timezone)
        db.session.add(user)
        db.session.commit()
        _, token = create_token(user.id, "bench")
        started = time.perf_counter()
        daily = ({"user_id": user.id, "source": "fitbit", "metric": "fitbit.steps", "day": START + timedelta(days=i),
                  "value": float(6000 + (i * 1237) % 7000)} for i in range(DAYS))
        upsert_rows(db.session, "daily_metrics", daily)
        first = datetime.combine(START, datetime.min.time())
        intraday = ({"user_id": user.id, "source": "fitbit", "metric": "fitbit.heart_rate",
                     "ts": first + timedelta(minutes=m), "value": heart_rate(m)} for m in range(MINUTES))
        upsert_rows(db.session, "intraday_samples", intraday)
        db.session.commit()
        return user.id, token, time.perf_counter() - started


def timed(client, url: str, token: str, repeat: int) -> tuple[float, float, dict]:
    """(median ms, best ms, last JSON) of ``repeat`` GETs."""
    timings, body = [], {}
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, headers={"Authorization": f"Bearer {token}"})
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
    return statistics.median(timings), min(timings), body


def naive_weekly_medians(user_id: int) -> dict[date, float]:
    """What the endpoint avoids: fetch all 525,600 samples and group them in Python."""
    weeks: dict[date, list[float]] = {}
    query = db.select(IntradaySample.ts, IntradaySample.value).where(
        IntradaySample.user_id == user_id, IntradaySample.metric == "fitbit.heart_rate")
    for ts, value in db.session.execute(query):
        day = ts.date()
        weeks.setdefault(day - timedelta(days=day.weekday()), []).append(value)
    return {week: statistics.median(values) for week, values in weeks.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--timezone", default="UTC")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    app = build_app(args.database_url)
    dialect = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    user_id, token, seconds = load(app, args.timezone)
    print(f"database: {dialect}; timezone {args.timezone}; loaded {DAYS} daily + {MINUTES:,} intraday rows "
          f"in {seconds:.1f}s")
    client = app.test_client()
    end = (START + timedelta(days=DAYS - 1)).isoformat()
    for key in ("fitbit.steps", "fitbit.heart_rate"):
        for period in ("week", "day", "month"):
            url = f"/api/v1/metrics/{key}/aggregate?period={period}&start={START}&end={end}"
            median, best, body = timed(client, url, token, args.repeat)
            counted = sum(p["count"] for p in body["periods"])
            print(f"aggregate {key:<18} period={period:<5} {len(body['periods']):>3} periods, {counted:>7,} values: "
                  f"median {median:8.1f} ms, best {best:8.1f} ms")
    with app.app_context():
        started = time.perf_counter()
        naive = naive_weekly_medians(user_id)
        print(f"baseline  fitbit.heart_rate  period=week  {len(naive):>3} periods: every row to Python + "
              f"statistics.median: {(time.perf_counter() - started) * 1000:8.1f} ms (once)")
    median, best, _ = timed(client, "/api/v1/metrics/fitbit.heart_rate/trend?days=30", token, args.repeat)
    print(f"trend     fitbit.heart_rate  days=30: median {median:.1f} ms, best {best:.1f} ms")
    median, best, _ = timed(client, "/api/v1/metrics", token, args.repeat)
    print(f"catalog   /metrics: median {median:.1f} ms, best {best:.1f} ms")


if __name__ == "__main__":
    main()
