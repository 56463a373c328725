"""Bulk upsert: idempotent, overwrites changed values, batches, on SQLite and MariaDB alike."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from app.extensions import db
from database.models import DailyMetric, Event, IntradaySample
from etl.upsert import upsert_rows


def _daily(user_id, n=5, value=1.0, dimension=""):
    return [{"user_id": user_id, "source": "oura", "metric": "oura.sleep_score", "dimension": dimension,
             "day": date(2026, 11, 1) + timedelta(days=i), "value": value + i} for i in range(n)]


def _values(model, **filters):
    return sorted(db.session.execute(db.select(model.value).filter_by(**filters)).scalars())


def test_reupserting_the_same_rows_changes_nothing(ctx, user):
    assert upsert_rows(db.session, "daily_metrics", _daily(user)) == 5
    db.session.commit()
    ids_before = sorted(db.session.execute(db.select(DailyMetric.id)).scalars())
    assert upsert_rows(db.session, "daily_metrics", _daily(user)) == 5
    db.session.commit()
    assert sorted(db.session.execute(db.select(DailyMetric.id)).scalars()) == ids_before
    assert _values(DailyMetric) == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_changed_values_overwrite(ctx, user):
    upsert_rows(db.session, "daily_metrics", _daily(user))
    upsert_rows(db.session, "daily_metrics", _daily(user, n=2, value=70.0))
    db.session.commit()
    assert _values(DailyMetric) == [3.0, 4.0, 5.0, 70.0, 71.0]


def test_dimension_keeps_rows_apart_and_is_case_sensitive(ctx, user):
    upsert_rows(db.session, "daily_metrics", _daily(user, n=1, dimension="Repo/One"))
    upsert_rows(db.session, "daily_metrics", _daily(user, n=1, value=9.0, dimension="repo/one"))
    upsert_rows(db.session, "daily_metrics", _daily(user, n=1, value=5.0))
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(DailyMetric)) == 3


def test_large_input_is_written_in_batches(ctx, user):
    start = datetime(2026, 11, 1)
    rows = [{"user_id": user, "source": "fitbit", "metric": "fitbit.heart_rate", "ts": start + timedelta(minutes=m),
             "value": 60 + m % 40} for m in range(2500)]
    assert upsert_rows(db.session, "intraday_samples", rows, batch_size=1000) == 2500
    rows[10]["value"] = 199
    assert upsert_rows(db.session, "intraday_samples", rows, batch_size=700) == 2500
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(IntradaySample)) == 2500
    changed = db.select(IntradaySample.value).filter_by(ts=start + timedelta(minutes=10))
    assert db.session.execute(changed).scalar() == 199


def test_repeated_key_in_one_call_keeps_the_last_row(ctx, user):
    rows = _daily(user, n=1) + _daily(user, n=1, value=42.0)
    upsert_rows(db.session, "daily_metrics", rows)
    db.session.commit()
    assert _values(DailyMetric) == [42.0]


def test_events_update_their_json_and_times(ctx, user):
    event = {"user_id": user, "source": "whoop", "kind": "sleep", "external_id": "sleep:abc",
             "start": datetime(2026, 11, 2, 23, 0), "end": datetime(2026, 11, 3, 7, 0), "day": date(2026, 11, 3),
             "data": {"score_state": "PENDING_SCORE"}}
    upsert_rows(db.session, "events", [event])
    upsert_rows(db.session, "events", [{**event, "data": {"score_state": "SCORED", "performance": 91}}])
    db.session.commit()
    stored = db.session.execute(db.select(Event)).scalar_one()
    assert stored.data == {"score_state": "SCORED", "performance": 91}
    assert stored.end == datetime(2026, 11, 3, 7, 0)


def test_rows_of_different_users_never_collide(app, ctx, user):
    from tests.conftest import make_user

    bob = make_user(app, email="bob@example.com")
    upsert_rows(db.session, "daily_metrics", _daily(user, n=1) + _daily(bob, n=1, value=50.0))
    db.session.commit()
    assert _values(DailyMetric, user_id=user) == [1.0]
    assert _values(DailyMetric, user_id=bob) == [50.0]
