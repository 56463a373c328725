"""Every endpoint works with a token and with the session, and none ever shows another user's data."""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest

from app.extensions import db
from database.models import DailyMetric, Event, SyncJob, SyncRun
from tests.api.conftest import bearer, connect, store_daily, store_intraday
from tests.conftest import login

BOB_VALUE = 4242.125
BOB_MARKERS = ("bobs_only", "4242.125", "bobs-job", "bob@example.com", "bob-sleep", "bob-acct")


@pytest.fixture
def bobs_data(app, bob) -> dict:
    """Bob's rows in every table; alice has the same metric names so paths resolve for her too."""
    integration_id = connect(app, bob, "oura", {"personal_access_token": "pat-bob-1234567890"},
                             account_id="bob-acct")
    store_daily(app, bob, "manual.bobs_only", {date(2026, 1, 1): BOB_VALUE})
    store_daily(app, bob, "manual.mood", {date(2026, 1, 1): BOB_VALUE})
    store_intraday(app, bob, "oura.heart_rate", {datetime(2026, 1, 1, 0, m): BOB_VALUE for m in range(5)})
    with app.app_context():
        db.session.add(Event(user_id=bob, source="oura", kind="sleep", external_id="bob-sleep",
                             day=date(2026, 1, 1), data={"v": BOB_VALUE}))
        db.session.add(SyncRun(integration_id=integration_id, user_id=bob, source="oura", status="ok",
                               error="bobs_only note"))
        db.session.add(SyncJob(id="bobs-job", user_id=bob, integration_id=integration_id, source="oura",
                               trigger="api", status="ok", message="bobs_only"))
        db.session.commit()
        entry_id = db.session.execute(db.select(DailyMetric.id).filter_by(user_id=bob, metric="manual.mood")
                                      ).scalar_one()
    return {"entry_id": entry_id}


@pytest.fixture
def alices_data(app, user) -> None:
    store_daily(app, user, "manual.mood", {date(2026, 1, 1): 3.0})
    store_intraday(app, user, "oura.heart_rate", {datetime(2026, 1, 1, 0, 0): 61.0})
    integration_id = connect(app, user, "oura", {"personal_access_token": "pat-alice-123456789"})
    with app.app_context():
        db.session.add(SyncJob(id="alices-job", user_id=user, integration_id=integration_id, source="oura",
                               trigger="api", status="ok", rows=3))
        db.session.add(SyncRun(integration_id=integration_id, user_id=user, source="oura", status="ok"))
        db.session.commit()


READS = [
    ("/api/v1/metrics", "metrics"),
    ("/api/v1/metrics/manual.mood/series?start=2026-01-01&end=2026-01-01", "points"),
    ("/api/v1/metrics/manual.mood/aggregate?period=month&start=2026-01-01&end=2026-01-31", "periods"),
    ("/api/v1/metrics/oura.heart_rate/aggregate?period=day&start=2026-01-01&end=2026-01-01", "periods"),
    ("/api/v1/metrics/oura.heart_rate/series?start=2026-01-01&end=2026-01-01", "points"),
    ("/api/v1/metrics/manual.mood/trend?days=30", "current"),
    ("/api/v1/sync-runs", "sync_runs"),
    ("/api/v1/jobs/alices-job", "job"),
    ("/api/v1/export?format=json", "daily_metrics"),
]


@pytest.mark.parametrize("auth", ["token", "session"])
@pytest.mark.parametrize("url, key", READS)
def test_every_read_endpoint_answers_alice_with_her_data_only(app, client, user, token, alices_data, bobs_data,
                                                              url, key, auth):
    headers = bearer(token) if auth == "token" else {}
    if auth == "session":
        login(client)
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert key in response.get_json()
    text = response.get_data(as_text=True)
    assert not [marker for marker in BOB_MARKERS if marker in text]


def test_the_csv_export_holds_none_of_bobs_data(client, user, token, bobs_data):
    data = client.get("/api/v1/export?format=csv", headers=bearer(token)).data
    archive = zipfile.ZipFile(io.BytesIO(data))
    text = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert not [marker for marker in BOB_MARKERS if marker in text]


@pytest.mark.parametrize("method, url", [
    ("GET", "/api/v1/metrics/manual.bobs_only/series"),
    ("GET", "/api/v1/metrics/manual.bobs_only/aggregate"),
    ("GET", "/api/v1/metrics/manual.bobs_only/trend"),
    ("GET", "/api/v1/jobs/bobs-job"),
    ("DELETE", "/api/v1/entries/{entry_id}"),
    ("POST", "/api/v1/integrations/oura/sync"),
])
def test_bobs_ids_are_404_for_alice_and_nothing_of_bob_leaks(app, client, user, token, bobs_data, method, url):
    url = url.format(**bobs_data)
    response = client.open(url, method=method, headers=bearer(token))
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert not [marker for marker in BOB_MARKERS if marker in text and marker not in url]  # echoing the id is fine
    with app.app_context():
        assert db.session.get(DailyMetric, bobs_data["entry_id"]) is not None
        assert db.session.scalar(db.select(db.func.count()).select_from(SyncJob)) == 1
