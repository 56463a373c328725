"""`flask --app app demo`: a demo account with every source filled through the real pipeline, re-runnable."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta
from statistics import fmean

import pytest
from sqlalchemy import func

from app.dashboards.correlation import pearson
from app.extensions import db
from app.secrets import cipher
from database.models import DailyMetric, Event, IntradaySample, SyncRun, User, UserIntegration
from etl.data_sources.registry import SOURCES
from etl.demo.account import DEMO_EMAIL, load_demo
from tests.conftest import login
from utils.date_utils import local_today

DAYS = 40


def counts(app) -> dict[str, int]:
    """Rows per table and source, to compare two runs."""
    with app.app_context():
        found = Counter()
        for model in (DailyMetric, IntradaySample, Event):
            for source, n in db.session.execute(db.select(model.source, func.count()).group_by(model.source)).all():
                found[f"{model.__tablename__}:{source}"] = n
        found["users"] = db.session.scalar(db.select(func.count()).select_from(User))
        found["sync_runs"] = db.session.scalar(db.select(func.count()).select_from(SyncRun))
        return dict(found)


@pytest.fixture
def demo(app, runner):
    """The demo loaded once for the test (40 days, 2 days of 1-minute heart rate)."""
    result = runner.invoke(args=["demo", "--days", str(DAYS), "--heart-rate-days", "2"])
    assert result.exit_code == 0, result.output
    return result


def series(metric: str) -> dict:
    return dict(db.session.execute(db.select(DailyMetric.day, DailyMetric.value).filter_by(metric=metric, dimension=""))
                .all())


def test_demo_prints_how_to_sign_in_and_the_account_works(app, client, demo):
    assert f"Sign in as  e-mail: {DEMO_EMAIL}  password: demo-dashboard" in demo.output
    assert "Demo account created" in demo.output
    assert login(client, DEMO_EMAIL, "demo-dashboard").status_code == 302
    assert "Sleep score" in client.get("/").get_data(as_text=True)


def test_demo_fills_every_source(app, demo):
    found = counts(app)
    for key in SOURCES:
        assert found.get(f"daily_metrics:{key}", 0) > DAYS, key
    assert found["intraday_samples:fitbit"] == 2 * 1440
    for key in ("oura", "whoop", "rize", "github"):
        assert found[f"events:{key}"] > 0, key


def test_demo_integrations_are_connected_without_real_credentials_and_have_a_sync_history(app, demo):
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(email=DEMO_EMAIL)).scalar_one()
        integrations = db.session.execute(db.select(UserIntegration).filter_by(user_id=user.id)).scalars().all()
        assert sorted(i.source for i in integrations) == sorted(SOURCES)
        for integration in integrations:
            assert integration.status == "connected" and integration.settings["demo"] is True
            assert cipher().decrypt(integration.credentials) == {"demo": True}
            assert integration.last_sync_at is not None
        runs = db.session.execute(db.select(SyncRun.source, SyncRun.status).filter_by(user_id=user.id)).all()
        assert Counter(source for source, _ in runs) == {key: 15 for key in SOURCES}
        assert ("fitbit", "deferred") in runs  # the latest Fitbit run stopped at the hourly rate limit


def test_running_the_demo_again_refreshes_without_duplicating(app, runner, demo):
    before = counts(app)
    again = runner.invoke(args=["demo", "--days", str(DAYS), "--heart-rate-days", "2"])
    assert again.exit_code == 0, again.output
    assert "Demo account refreshed" in again.output
    assert counts(app) == before


def test_demo_data_is_internally_consistent(app, demo):
    with app.app_context():
        recovery, hrv = series("whoop.recovery_score"), series("whoop.hrv_rmssd")
        days = sorted(set(recovery) & set(hrv))
        assert pearson([hrv[d] for d in days], [recovery[d] for d in days]) > 0.8  # recovery follows HRV
        bedtime, score = series("oura.bedtime_start"), series("oura.sleep_score")
        late = [score[d] for d in bedtime if bedtime[d] > 45 and d in score]
        early = [score[d] for d in bedtime if bedtime[d] < 15 and d in score]
        assert late and early and fmean(late) < fmean(early) - 3  # sleep dips after late nights
        focus, commits = series("rize.focus_minutes"), series("github.commits")
        weekend = [focus.get(d, 0) for d in focus if d.weekday() == 5]
        assert weekend and max(weekend) == 0 and fmean(v for d, v in focus.items() if d.weekday() < 5) > 90
        assert sum(commits[d] for d in commits if d.weekday() == 5) == 0


def test_demo_leaves_last_nights_whoop_score_pending(app, demo):
    with app.app_context():
        today = local_today("Europe/Berlin")
        assert today not in series("whoop.recovery_score")
        pending = db.session.execute(db.select(Event).filter_by(source="whoop", kind="sleep", day=today)).scalar_one()
        assert pending.data["score_state"] == "PENDING_SCORE"
        assert today - timedelta(days=1) in series("whoop.recovery_score")


def test_demo_refuses_to_run_in_production_without_force(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "APP_ENV", "production")
    result = runner.invoke(args=["demo", "--days", "7"])
    assert result.exit_code != 0 and "refusing to create a demo account" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(func.count()).select_from(User)) == 0


def test_a_one_week_demo_has_only_nightly_runs(app, runner):
    result = runner.invoke(args=["demo", "--days", "7", "--heart-rate-days", "1"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        windows = db.session.execute(db.select(SyncRun.window_start).filter_by(source="oura")).scalars().all()
        assert len(windows) == 7 and min(windows) == local_today("Europe/Berlin") - timedelta(days=6)


def test_demo_rejects_a_short_password(runner):
    result = runner.invoke(args=["demo", "--password", "short"])
    assert result.exit_code != 0 and "at least 10 characters" in result.output


def test_default_demo_covers_180_days_with_two_weeks_of_minute_heart_rate(app):
    with app.app_context():
        result = load_demo()
        assert (result.last_day - result.first_day).days == 179
        samples = db.session.scalar(db.select(func.count()).select_from(IntradaySample))
        assert 14 * 1440 - 60 <= samples <= 14 * 1440  # a daylight-saving night folds one local hour
        last = db.session.scalar(db.select(func.max(IntradaySample.ts)))
        assert (result.last_day - last.date()).days in (0, 1)  # up to yesterday's last local minute
        first = db.session.scalar(db.select(func.min(DailyMetric.day)).filter_by(source="oura"))
        assert first == result.first_day
