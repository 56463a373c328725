"""Manual values: POST /entries validates and upserts into daily_metrics (source 'manual'); DELETE removes."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.extensions import db
from database.models import DailyMetric
from tests.api.conftest import bearer, store_daily
from utils.date_utils import local_today


def _rows(app, **filters) -> list[tuple]:
    with app.app_context():
        query = db.select(DailyMetric.user_id, DailyMetric.source, DailyMetric.metric, DailyMetric.dimension,
                          DailyMetric.day, DailyMetric.value).filter_by(**filters).order_by(DailyMetric.id)
        return [tuple(row) for row in db.session.execute(query)]


def test_posting_an_entry_stores_a_manual_daily_value(app, client, user, token):
    response = client.post("/api/v1/entries", headers=bearer(token),
                           json={"metric": "blood_pressure_systolic", "day": "2026-01-02", "value": 121,
                                 "dimension": "morning"})
    assert response.status_code == 201
    entry = response.get_json()["entry"]
    assert entry == {"id": entry["id"], "metric": "manual.blood_pressure_systolic", "source": "manual",
                     "dimension": "morning", "day": "2026-01-02", "value": 121.0}
    assert response.headers["Location"] == f"/api/v1/entries/{entry['id']}"
    assert _rows(app) == [(user, "manual", "manual.blood_pressure_systolic", "morning", date(2026, 1, 2), 121.0)]


def test_posting_the_same_metric_and_day_again_overwrites_it(app, client, user, token):
    first = client.post("/api/v1/entries", headers=bearer(token),
                        json={"metric": "manual.mood", "day": "2026-01-02", "value": 3})
    second = client.post("/api/v1/entries", headers=bearer(token),
                         json={"metric": "mood", "day": "2026-01-02", "value": 4.5})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["entry"]["id"] == second.get_json()["entry"]["id"]
    assert _rows(app) == [(user, "manual", "manual.mood", "", date(2026, 1, 2), 4.5)]


def test_a_new_entry_shows_up_in_the_catalog_and_series(client, user, token):
    client.post("/api/v1/entries", headers=bearer(token), json={"metric": "mood", "day": "2026-01-02", "value": 4})
    keys = [m["key"] for m in client.get("/api/v1/metrics", headers=bearer(token)).get_json()["metrics"]]
    assert keys == ["manual.mood"]
    series = client.get("/api/v1/metrics/manual.mood/series?start=2026-01-01&end=2026-01-03",
                        headers=bearer(token)).get_json()
    assert series["points"] == [{"day": "2026-01-02", "value": 4.0}]


@pytest.mark.parametrize("body, field", [
    ({"day": "2026-01-02", "value": 1}, "metric"),
    ({"metric": "Mood", "day": "2026-01-02", "value": 1}, "metric"),
    ({"metric": "fitbit.steps", "day": "2026-01-02", "value": 1}, "metric"),
    ({"metric": "a" * 65, "day": "2026-01-02", "value": 1}, "metric"),
    ({"metric": 7, "day": "2026-01-02", "value": 1}, "metric"),
    ({"metric": "mood", "value": 1}, "day"),
    ({"metric": "mood", "day": "02/01/2026", "value": 1}, "day"),
    ({"metric": "mood", "day": "2026-02-30", "value": 1}, "day"),
    ({"metric": "mood", "day": "1899-12-31", "value": 1}, "day"),
    ({"metric": "mood", "day": "2026-01-02"}, "value"),
    ({"metric": "mood", "day": "2026-01-02", "value": "4"}, "value"),
    ({"metric": "mood", "day": "2026-01-02", "value": True}, "value"),
    ({"metric": "mood", "day": "2026-01-02", "value": 1e300}, "value"),
    ({"metric": "mood", "day": "2026-01-02", "value": 1, "dimension": "x" * 192}, "dimension"),
    ({"metric": "mood", "day": "2026-01-02", "value": 1, "dimension": "a\nb"}, "dimension"),
    ({"metric": "mood", "day": "2026-01-02", "value": 1, "dimension": 5}, "dimension"),
    ({"metric": "mood", "day": "2026-01-02", "value": 1, "unit": "points"}, "unit"),
])
def test_invalid_entries_are_422_naming_the_field(app, client, user, token, body, field):
    response = client.post("/api/v1/entries", headers=bearer(token), json=body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == 422 and error["parameter"] == field and error["message"].startswith(field + ":")
    assert _rows(app) == []


def test_a_day_in_the_future_is_422(app, client, user, token):
    tomorrow = (local_today("UTC") + timedelta(days=1)).isoformat()
    response = client.post("/api/v1/entries", headers=bearer(token),
                           json={"metric": "mood", "day": tomorrow, "value": 1})
    assert response.status_code == 422 and response.get_json()["error"]["parameter"] == "day"


def test_not_a_finite_number_is_422(client, user, token):
    response = client.post("/api/v1/entries", headers={**bearer(token), "Content-Type": "application/json"},
                           data='{"metric": "mood", "day": "2026-01-02", "value": NaN}')
    assert response.status_code == 422 and response.get_json()["error"]["parameter"] == "value"


@pytest.mark.parametrize("data, content_type", [("not json", "application/json"), ("[1, 2]", "application/json"),
                                                ('{"metric": "mood"}', "text/plain")])
def test_a_body_that_is_not_a_json_object_is_400(app, client, user, token, data, content_type):
    response = client.post("/api/v1/entries", headers={**bearer(token), "Content-Type": content_type}, data=data)
    assert response.status_code == 400
    assert response.get_json()["error"] == {"code": 400, "parameter": "body",
                                            "message": "the body must be a JSON object"}


def test_deleting_an_entry_removes_it(app, client, user, token):
    entry_id = client.post("/api/v1/entries", headers=bearer(token),
                           json={"metric": "mood", "day": "2026-01-02", "value": 4}).get_json()["entry"]["id"]
    response = client.delete(f"/api/v1/entries/{entry_id}", headers=bearer(token))
    assert response.status_code == 204 and response.data == b""
    assert _rows(app) == []
    again = client.delete(f"/api/v1/entries/{entry_id}", headers=bearer(token))
    assert again.status_code == 404
    assert again.get_json()["error"] == {"code": 404, "message": f"entry {entry_id} not found"}


def test_another_users_entry_cannot_be_deleted(app, client, user, token, bob, bob_token):
    bobs_id = client.post("/api/v1/entries", headers=bearer(bob_token),
                          json={"metric": "mood", "day": "2026-01-02", "value": 2}).get_json()["entry"]["id"]
    response = client.delete(f"/api/v1/entries/{bobs_id}", headers=bearer(token))
    assert response.status_code == 404
    assert _rows(app, user_id=bob) == [(bob, "manual", "manual.mood", "", date(2026, 1, 2), 2.0)]


def test_synced_values_cannot_be_deleted_as_entries(app, client, user, token):
    store_daily(app, user, "fitbit.steps", {date(2026, 1, 1): 5000.0})
    (row_id,) = [i for (i,) in _ids(app)]
    assert client.delete(f"/api/v1/entries/{row_id}", headers=bearer(token)).status_code == 404
    assert len(_rows(app)) == 1


def test_absurd_entry_ids_are_404_not_500(client, user, token):
    for entry_id in ("99999999999999999999999", "9223372036854775808", "0"):
        assert client.delete(f"/api/v1/entries/{entry_id}", headers=bearer(token)).status_code == 404


def _ids(app):
    with app.app_context():
        return list(db.session.execute(db.select(DailyMetric.id)))
