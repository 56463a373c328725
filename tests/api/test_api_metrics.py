"""Metric endpoints: catalog, series, aggregates (daily and 1-minute intraday), trend."""
from __future__ import annotations

import statistics
from datetime import date, datetime, timedelta

import pytest

from app.extensions import db
from database.models import User
from tests.api.conftest import bearer, connect, days_back, store_daily, store_intraday
from utils.date_utils import local_today


def _get(client, token, url):
    response = client.get(url, headers=bearer(token))
    return response.status_code, response.get_json()


def _set_timezone(app, user_id: int, tz: str) -> None:
    with app.app_context():
        db.session.get(User, user_id).timezone = tz
        db.session.commit()


# --- catalog ---------------------------------------------------------------------------------------

def test_catalog_lists_declared_stored_manual_and_intraday_metrics_with_their_days(app, client, user, token, bob):
    connect(app, user, "github", {"token": "ghp_" + "a" * 36})
    store_daily(app, user, "github.commits", {date(2026, 1, 3): 2.0, date(2026, 1, 9): 1.0})
    store_daily(app, user, "github.commits", {date(2026, 1, 2): 5.0}, dimension="octo/repo")
    store_daily(app, user, "manual.mood", {date(2026, 2, 1): 4.0})
    store_intraday(app, user, "fitbit.heart_rate", {datetime(2026, 1, 5, 23, 30): 60.0,
                                                    datetime(2026, 1, 7, 1, 0): 70.0})
    store_daily(app, bob, "manual.secret_of_bob", {date(2026, 1, 1): 1.0})
    status, body = _get(client, token, "/api/v1/metrics")
    assert status == 200
    metrics = {m["key"]: m for m in body["metrics"]}
    assert "manual.secret_of_bob" not in metrics
    assert metrics["github.commits"] == {
        "key": "github.commits", "label": "Commits", "unit": "commits", "aggregation": "sum", "source": "github",
        "kind": "daily", "dimensions": ["octo/repo"], "first_day": "2026-01-02", "last_day": "2026-01-09"}
    assert metrics["manual.mood"]["source"] == "manual" and metrics["manual.mood"]["label"] == "Mood"
    assert (metrics["fitbit.heart_rate"]["kind"], metrics["fitbit.heart_rate"]["first_day"],
            metrics["fitbit.heart_rate"]["last_day"]) == ("intraday", "2026-01-05", "2026-01-07")
    declared_only = [m for m in body["metrics"] if m["source"] == "github" and m["first_day"] is None]
    assert declared_only, "the github catalog entries without data are listed too"


def test_catalog_finds_every_intraday_metric_of_every_source(app, client, user, token, bob):
    for key, day in (("fitbit.heart_rate", 3), ("fitbit.hrv", 4), ("oura.heart_rate", 5), ("whoop.strain", 6)):
        store_intraday(app, user, key, {datetime(2026, 1, day, h): 1.0 for h in range(3)})
    store_intraday(app, bob, "github.bobs_intraday", {datetime(2026, 1, 1): 1.0})
    metrics = _get(client, token, "/api/v1/metrics")[1]["metrics"]
    intraday = [(m["key"], m["first_day"], m["last_day"]) for m in metrics if m["kind"] == "intraday"]
    assert intraday == [("fitbit.heart_rate", "2026-01-03", "2026-01-03"), ("fitbit.hrv", "2026-01-04", "2026-01-04"),
                        ("oura.heart_rate", "2026-01-05", "2026-01-05"), ("whoop.strain", "2026-01-06", "2026-01-06")]


def test_catalog_days_of_intraday_metrics_are_the_users_local_days(app, client, user, token):
    _set_timezone(app, user, "America/New_York")
    store_intraday(app, user, "oura.heart_rate", {datetime(2026, 1, 6, 3, 0): 60.0})  # 22:00 on the 5th in NY
    metrics = {m["key"]: m for m in _get(client, token, "/api/v1/metrics")[1]["metrics"]}
    assert metrics["oura.heart_rate"]["first_day"] == "2026-01-05"


# --- series ----------------------------------------------------------------------------------------

def test_daily_series_returns_the_values_between_start_and_end(app, client, user, token):
    store_daily(app, user, "fitbit.steps", {date(2026, 1, d): 1000.0 + d for d in range(1, 11)})
    status, body = _get(client, token, "/api/v1/metrics/fitbit.steps/series?start=2026-01-03&end=2026-01-05")
    assert status == 200
    assert body["points"] == [{"day": "2026-01-03", "value": 1003.0}, {"day": "2026-01-04", "value": 1004.0},
                              {"day": "2026-01-05", "value": 1005.0}]
    assert (body["metric"], body["source"], body["kind"], body["unit"]) == ("fitbit.steps", "fitbit", "daily", "steps")


def test_series_defaults_to_the_last_30_days(app, client, user, token):
    today = local_today("UTC")
    store_daily(app, user, "manual.mood", {d: 3.0 for d in days_back(40, today)})
    body = _get(client, token, "/api/v1/metrics/manual.mood/series")[1]
    assert len(body["points"]) == 30
    assert body["points"][-1]["day"] == today.isoformat() and body["end"] == today.isoformat()


def test_series_of_one_dimension(app, client, user, token):
    store_daily(app, user, "github.commits", {date(2026, 1, 2): 7.0})
    store_daily(app, user, "github.commits", {date(2026, 1, 2): 3.0}, dimension="octo/app")
    body = _get(client, token, "/api/v1/metrics/github.commits/series?start=2026-01-01&end=2026-01-03"
                               "&dimension=octo/app")[1]
    assert body["dimension"] == "octo/app" and body["points"] == [{"day": "2026-01-02", "value": 3.0}]


def test_intraday_series_covers_the_users_local_days_in_utc(app, client, user, token):
    _set_timezone(app, user, "Europe/Berlin")  # UTC+1 in January
    store_intraday(app, user, "fitbit.heart_rate", {datetime(2026, 1, 4, 22, 59): 50.0,
                                                    datetime(2026, 1, 4, 23, 0): 61.0,
                                                    datetime(2026, 1, 5, 22, 59): 62.0,
                                                    datetime(2026, 1, 5, 23, 0): 70.0})
    body = _get(client, token, "/api/v1/metrics/fitbit.heart_rate/series?start=2026-01-05&end=2026-01-05")[1]
    assert body["kind"] == "intraday"
    assert body["points"] == [{"ts": "2026-01-04T23:00:00Z", "value": 61.0},
                              {"ts": "2026-01-05T22:59:00Z", "value": 62.0}]


@pytest.mark.parametrize("query, parameter", [
    ("start=2026-13-01", "start"), ("start=yesterday", "start"), ("end=2026-1-5", "end"),
    ("start=2026-01-05&end=2026-01-01", "start"), ("start=1800-01-01", "start"),
    ("start=2000-01-01&end=2026-01-01", "start"), ("dimension=" + "x" * 192, "dimension"),
])
def test_bad_series_parameters_are_400_naming_the_parameter(app, client, user, token, query, parameter):
    store_daily(app, user, "fitbit.steps", {date(2026, 1, 1): 1.0})
    status, body = _get(client, token, f"/api/v1/metrics/fitbit.steps/series?{query}")
    assert status == 400
    assert body["error"]["parameter"] == parameter and body["error"]["message"].startswith(parameter + ":")


def test_intraday_series_longer_than_31_days_is_400(app, client, user, token):
    store_intraday(app, user, "fitbit.heart_rate", {datetime(2026, 1, 1): 60.0})
    status, body = _get(client, token, "/api/v1/metrics/fitbit.heart_rate/series?start=2026-01-01&end=2026-02-01")
    assert status == 400 and body["error"]["parameter"] == "start"
    status, body = _get(client, token, "/api/v1/metrics/fitbit.heart_rate/series?dimension=x")
    assert status == 400 and body["error"]["parameter"] == "dimension"


@pytest.mark.parametrize("endpoint", ["series", "aggregate", "trend"])
def test_unknown_metrics_and_other_users_metrics_are_404(app, client, user, token, bob, endpoint):
    store_daily(app, bob, "manual.bobs_weight", {date(2026, 1, 1): 80.0})
    store_intraday(app, bob, "oura.heart_rate", {datetime(2026, 1, 1): 55.0})
    for key in ("manual.bobs_weight", "oura.heart_rate", "nosuchsource.steps", "nodot"):
        status, body = _get(client, token, f"/api/v1/metrics/{key}/{endpoint}")
        assert status == 404, key
        assert body == {"error": {"code": 404, "message": f"metric {key!r} not found"}}


def test_a_declared_metric_without_data_has_an_empty_series(app, client, user, token):
    connect(app, user, "oura", {"personal_access_token": "pat-1234567890"})
    status, body = _get(client, token, "/api/v1/metrics/oura.sleep_score/series")
    assert status == 200 and body["points"] == []


# --- aggregate ---------------------------------------------------------------------------------------

def test_weekly_aggregate_of_daily_values(app, client, user, token):
    # Mon 2026-01-05 .. Sun 2026-01-18: two ISO weeks
    values = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0, 8.0, 9.0, 7.0]
    store_daily(app, user, "manual.mood", {date(2026, 1, 5) + timedelta(days=i): v for i, v in enumerate(values)})
    status, body = _get(client, token,
                        "/api/v1/metrics/manual.mood/aggregate?period=week&start=2026-01-01&end=2026-01-31")
    assert status == 200
    first, second = body["periods"]
    assert first == {"start": "2026-01-05", "end": "2026-01-11", "count": 7, "min": 1.0, "max": 9.0,
                     "mean": pytest.approx(sum(values[:7]) / 7), "median": 3.0}
    assert second == {"start": "2026-01-12", "end": "2026-01-18", "count": 7, "min": 3.0, "max": 9.0,
                      "mean": pytest.approx(sum(values[7:]) / 7), "median": 6.0}


def test_monthly_and_daily_aggregates_of_daily_values(app, client, user, token):
    store_daily(app, user, "manual.weight", {date(2026, 1, 30): 80.0, date(2026, 1, 31): 81.0,
                                             date(2026, 2, 1): 79.0, date(2026, 2, 2): 78.0})
    body = _get(client, token, "/api/v1/metrics/manual.weight/aggregate?period=month&start=2026-01-01"
                               "&end=2026-02-28")[1]
    assert [(p["start"], p["end"], p["count"], p["median"]) for p in body["periods"]] == [
        ("2026-01-01", "2026-01-31", 2, 80.5), ("2026-02-01", "2026-02-28", 2, 78.5)]
    body = _get(client, token, "/api/v1/metrics/manual.weight/aggregate?period=day&start=2026-01-31"
                               "&end=2026-02-01")[1]
    assert [(p["start"], p["mean"]) for p in body["periods"]] == [("2026-01-31", 81.0), ("2026-02-01", 79.0)]


def test_aggregate_of_one_minute_heart_rate_matches_a_plain_python_computation(app, client, user, token):
    start = datetime(2026, 3, 1)
    samples = {start + timedelta(minutes=m): float(50 + (m * 37) % 61 + (m // 1440)) for m in range(3 * 1440)}
    store_intraday(app, user, "fitbit.heart_rate", samples)
    status, body = _get(client, token,
                        "/api/v1/metrics/fitbit.heart_rate/aggregate?period=day&start=2026-03-01&end=2026-03-03")
    assert status == 200 and body["kind"] == "intraday"
    for day_index, period in enumerate(body["periods"]):
        values = [v for ts, v in samples.items() if ts.date() == date(2026, 3, 1 + day_index)]
        assert period == {"start": f"2026-03-0{day_index + 1}", "end": f"2026-03-0{day_index + 1}",
                          "count": 1440, "min": min(values), "max": max(values),
                          "mean": pytest.approx(statistics.fmean(values)), "median": statistics.median(values)}


def test_intraday_aggregate_uses_local_days_across_a_daylight_saving_change(app, client, user, token):
    _set_timezone(app, user, "Europe/Berlin")  # 2026-03-29: clocks go from UTC+1 to UTC+2 at 01:00 UTC
    samples = {
        datetime(2026, 3, 28, 22, 30): 10.0,  # 23:30 on the 28th, local
        datetime(2026, 3, 28, 23, 30): 20.0,  # 00:30 on the 29th
        datetime(2026, 3, 29, 21, 30): 30.0,  # 23:30 on the 29th (UTC+2)
        datetime(2026, 3, 29, 22, 30): 40.0,  # 00:30 on the 30th
    }
    store_intraday(app, user, "oura.heart_rate", samples)
    body = _get(client, token, "/api/v1/metrics/oura.heart_rate/aggregate?period=day&start=2026-03-28"
                               "&end=2026-03-30")[1]
    assert [(p["start"], p["count"], p["mean"]) for p in body["periods"]] == [
        ("2026-03-28", 1, 10.0), ("2026-03-29", 2, 25.0), ("2026-03-30", 1, 40.0)]
    week = _get(client, token, "/api/v1/metrics/oura.heart_rate/aggregate?period=week&start=2026-03-28"
                               "&end=2026-03-30")[1]
    assert [(p["start"], p["count"], p["median"]) for p in week["periods"]] == [
        ("2026-03-23", 3, 20.0), ("2026-03-30", 1, 40.0)]


def test_aggregate_rejects_an_unknown_period(app, client, user, token):
    store_daily(app, user, "manual.mood", {date(2026, 1, 1): 1.0})
    status, body = _get(client, token, "/api/v1/metrics/manual.mood/aggregate?period=year")
    assert status == 400
    assert body["error"] == {"code": 400, "parameter": "period", "message": "period: must be one of day, week, month"}


# --- trend -------------------------------------------------------------------------------------------

def test_trend_compares_the_last_days_with_the_days_before(app, client, user, token):
    today = local_today("UTC")
    days = days_back(14, today)
    store_daily(app, user, "manual.mood", {d: (2.0 if i < 7 else 3.0) for i, d in enumerate(days)})
    status, body = _get(client, token, "/api/v1/metrics/manual.mood/trend?days=7")
    assert status == 200
    assert body["current"] == {"start": days[7].isoformat(), "end": today.isoformat(), "value": 3.0, "count": 7}
    assert body["previous"] == {"start": days[0].isoformat(), "end": days[6].isoformat(), "value": 2.0, "count": 7}
    assert (body["change"], body["percent_change"], body["aggregation"]) == (1.0, 50.0, "mean")


def test_trend_of_a_summed_metric_compares_totals(app, client, user, token):
    today = local_today("UTC")
    store_daily(app, user, "fitbit.steps", {today: 3000.0, today - timedelta(days=1): 1000.0,
                                            today - timedelta(days=2): 8000.0})
    body = _get(client, token, "/api/v1/metrics/fitbit.steps/trend?days=2")[1]
    assert (body["current"]["value"], body["previous"]["value"], body["percent_change"]) == (4000.0, 8000.0, -50.0)


def test_trend_without_earlier_data_has_no_percent_change(app, client, user, token):
    store_intraday(app, user, "fitbit.heart_rate", {datetime.combine(local_today("UTC"), datetime.min.time()): 60.0})
    body = _get(client, token, "/api/v1/metrics/fitbit.heart_rate/trend?days=3")[1]
    assert body["current"]["value"] == 60.0 and body["previous"] == {**body["previous"], "value": None, "count": 0}
    assert body["percent_change"] is None and body["change"] is None


@pytest.mark.parametrize("days", ["0", "367", "-1", "7.5", "seven"])
def test_trend_rejects_bad_days(app, client, user, token, days):
    store_daily(app, user, "manual.mood", {date(2026, 1, 1): 1.0})
    status, body = _get(client, token, f"/api/v1/metrics/manual.mood/trend?days={days}")
    assert status == 400 and body["error"]["parameter"] == "days"
