"""GET /export: what it returns equals what the store holds for that user, and nothing else."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime, timedelta

import pytest

from app.extensions import db
from database.models import AuditLog, DailyMetric, Event, IntradaySample, SyncRun, UserIntegration
from tests.api.conftest import bearer, connect, store_daily, store_intraday
from utils.date_utils import utc_now

SECRET = "ghp_SUPERSECRETTOKEN1234567890abcdef"


def _iso(value):
    if isinstance(value, datetime):
        return value.isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return value


def _store(app, user_id: int, marker: float) -> None:
    """Rows of every exported table for one user."""
    integration_id = connect(app, user_id, "github", {"token": SECRET}, settings={"repos": "octo/*"},
                             cursor=date(2026, 1, 3), account_id=f"acct-{user_id}")
    store_daily(app, user_id, "github.commits", {date(2026, 1, 1) + timedelta(days=i): marker + i for i in range(3)})
    store_daily(app, user_id, "github.commits", {date(2026, 1, 1): marker}, dimension="octo/app")
    store_intraday(app, user_id, "fitbit.heart_rate",
                   {datetime(2026, 1, 1) + timedelta(minutes=m): marker + m % 7 for m in range(2500)})
    with app.app_context():
        db.session.add(Event(user_id=user_id, source="oura", kind="sleep", external_id=f"s-{user_id}",
                             start=datetime(2026, 1, 1, 23), end=datetime(2026, 1, 2, 7), day=date(2026, 1, 2),
                             data={"score": marker, "stages": [1, 2]}))
        db.session.add(SyncRun(integration_id=integration_id, user_id=user_id, source="github", status="ok",
                               started_at=datetime(2026, 1, 3, 4), finished_at=datetime(2026, 1, 3, 4, 1),
                               window_start=date(2026, 1, 1), window_end=date(2026, 1, 3), rows_written=4,
                               trigger="batch"))
        db.session.commit()


def _expected(app, user_id: int) -> dict[str, list[dict]]:
    """The store's rows for the user, in the export's shape and order."""
    tables = {
        "integrations": (UserIntegration, ("source", "status", "settings", "cursor", "account_id", "last_sync_at",
                                           "last_error", "created_at", "updated_at"), ("source",)),
        "daily_metrics": (DailyMetric, ("source", "metric", "dimension", "day", "value"),
                          ("source", "metric", "dimension", "day")),
        "intraday_samples": (IntradaySample, ("source", "metric", "ts", "value"), ("source", "metric", "ts")),
        "events": (Event, ("source", "kind", "external_id", "start", "end", "day", "data"), ("source", "external_id")),
        "sync_runs": (SyncRun, ("source", "trigger", "status", "started_at", "finished_at", "window_start",
                                "window_end", "rows_written", "error"), ("started_at", "id")),
    }
    with app.app_context():
        out = {}
        for name, (model, columns, order) in tables.items():
            query = db.select(*(getattr(model, c) for c in columns)).where(model.user_id == user_id)
            rows = db.session.execute(query.order_by(*(getattr(model, c) for c in order)))
            out[name] = [{c: _iso(v) for c, v in zip(columns, row, strict=True)} for row in rows]
        return out


@pytest.fixture
def stored(app, user, bob):
    _store(app, user, 10.0)
    _store(app, bob, 99.0)


def test_json_export_equals_the_store_for_that_user(app, client, user, token, stored):
    response = client.get("/api/v1/export?format=json", headers=bearer(token))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="health-export-')
    document = json.loads(response.get_data(as_text=True))
    assert document["account"] == {**document["account"], "email": "alice@example.com", "timezone": "UTC"}
    expected = _expected(app, user)
    for table, rows in expected.items():
        assert document[table] == rows, table
    assert len(document["intraday_samples"]) == 2500 and len(document["daily_metrics"]) == 4


def test_export_never_contains_credentials_or_another_users_data(client, user, bob, token, stored):
    text = client.get("/api/v1/export?format=json", headers=bearer(token)).get_data(as_text=True)
    assert SECRET not in text and "credentials" not in text and "claimed_by" not in text
    assert "bob@example.com" not in text and f'"acct-{bob}"' not in text and f'"s-{bob}"' not in text
    assert f'"acct-{user}"' in text and f'"s-{user}"' in text
    document = json.loads(text)
    assert {row["value"] for row in document["daily_metrics"]} == {10.0, 11.0, 12.0}


def test_csv_export_is_a_zip_with_one_csv_per_table_equal_to_the_store(app, client, user, token, stored):
    response = client.get("/api/v1/export?format=csv", headers=bearer(token))
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == ["account.csv", "daily_metrics.csv", "events.csv", "integrations.csv",
                                          "intraday_samples.csv", "sync_runs.csv"]
    expected = _expected(app, user)
    for table, rows in expected.items():
        parsed = list(csv.DictReader(io.StringIO(archive.read(f"{table}.csv").decode())))
        assert parsed == [{c: _csv(v) for c, v in row.items()} for row in rows], table
    account = list(csv.DictReader(io.StringIO(archive.read("account.csv").decode())))
    assert [(a["email"], a["timezone"]) for a in account] == [("alice@example.com", "UTC")]
    assert SECRET.encode() not in b"".join(archive.read(n) for n in archive.namelist())


def _csv(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value)


def test_an_empty_account_exports_empty_tables(client, user, token):
    document = client.get("/api/v1/export", headers=bearer(token)).get_json()
    assert [document[t] for t in ("integrations", "daily_metrics", "intraday_samples", "events", "sync_runs")] \
        == [[], [], [], [], []]


def test_export_is_streamed_in_chunks(client, user, token, stored):
    response = client.get("/api/v1/export?format=json", headers=bearer(token), buffered=False)
    chunks = list(response.response)
    response.close()
    assert len(chunks) > 5  # head, one per table opening, row batches, closing


def test_exports_are_audited(app, client, user, token):
    client.get("/api/v1/export?format=csv", headers=bearer(token))
    with app.app_context():
        row = db.session.execute(db.select(AuditLog)).scalar_one()
        assert (row.event, row.user_id, row.detail) == ("export", user, "format=csv")
        assert row.created_at <= utc_now()


def test_an_unknown_format_is_400(client, user, token):
    response = client.get("/api/v1/export?format=xml", headers=bearer(token))
    assert response.status_code == 400
    assert response.get_json()["error"]["parameter"] == "format"


def test_the_account_page_has_the_export_buttons(logged_in):
    page = logged_in.get("/account").get_data(as_text=True)
    assert 'href="/api/v1/export?format=json"' in page and 'href="/api/v1/export?format=csv"' in page
    assert logged_in.get("/api/v1/export?format=json").status_code == 200
