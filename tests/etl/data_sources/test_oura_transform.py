"""Oura v2 payloads -> rows, on recorded-shape fixtures (window 2026-11-01..07, America/Phoenix)."""
import json
from datetime import date, datetime
from pathlib import Path

import pytest

from etl.data_sources.base import Window
from etl.data_sources.oura import MANIFEST, transform

FIXTURES = Path(__file__).parent / "fixtures" / "oura"
WINDOW = Window(date(2026, 11, 1), date(2026, 11, 7))
TZ = "America/Phoenix"


def load(*names: str) -> list[dict]:
    """The concatenated ``data`` of the named fixture pages."""
    return [doc for name in names for doc in json.loads((FIXTURES / f"{name}.json").read_text())["data"]]


def daily(rows) -> dict:
    """{(metric, dimension, day): value} of the daily rows."""
    return {(r["metric"], r["dimension"], r["day"]): r["value"] for r in rows.daily}


def metric(rows, name: str) -> dict:
    """{day: value} of one metric without dimension."""
    return {r["day"]: r["value"] for r in rows.daily if r["metric"] == f"oura.{name}" and r["dimension"] == ""}


@pytest.fixture
def sleep_rows():
    return transform.sleep_rows(load("sleep"), WINDOW)


def d(day: int) -> date:
    return date(2026, 11, day)


# --- daily collections ---------------------------------------------------------------------------

def test_daily_sleep_score_kept_inside_window_and_rescored_copy_wins():
    rows = transform.daily_rows("daily_sleep", load("daily_sleep_page1", "daily_sleep_page2"), WINDOW)
    assert metric(rows, "sleep_score") == {d(1): 84.0, d(2): 79.0, d(5): 73.0}


def test_daily_sleep_contributors_use_dimension_and_skip_nulls():
    values = daily(transform.daily_rows("daily_sleep", load("daily_sleep_page1", "daily_sleep_page2"), WINDOW))
    assert values[("oura.sleep_contributor", "deep_sleep", d(2))] == 62.0
    assert values[("oura.sleep_contributor", "timing", d(1))] == 85.0
    day3 = {k[1]: v for k, v in values.items() if k[0] == "oura.sleep_contributor" and k[2] == d(3)}
    assert day3 == {"efficiency": 90.0}


def test_readiness_nulls_and_missing_contributors_emit_no_rows():
    values = daily(transform.daily_rows("daily_readiness", load("daily_readiness"), WINDOW))
    assert values[("oura.readiness_score", "", d(1))] == 82.0
    assert values[("oura.temperature_deviation", "", d(1))] == -0.12
    assert values[("oura.temperature_trend_deviation", "", d(1))] == 0.05
    assert values[("oura.readiness_contributor", "sleep_regularity", d(1))] == 77.0
    day2 = {k[:2]: v for k, v in values.items() if k[2] == d(2)}
    assert day2 == {("oura.readiness_contributor", "body_temperature"): 100.0,
                    ("oura.readiness_contributor", "previous_day_activity"): 70.0}


def test_activity_seconds_stored_as_minutes():
    rows = transform.daily_rows("daily_activity", load("daily_activity"), WINDOW)
    day1 = {k[0]: v for k, v in daily(rows).items() if k[2] == d(1) and k[1] == ""}
    assert day1 == {
        "oura.activity_score": 78.0, "oura.steps": 9120.0, "oura.active_calories": 412.0,
        "oura.total_calories": 2390.0, "oura.high_activity_minutes": 20.0, "oura.medium_activity_minutes": 50.0,
        "oura.low_activity_minutes": 210.0, "oura.sedentary_minutes": 510.0, "oura.resting_minutes": 450.0,
    }
    assert "oura.activity_score" not in {k[0] for k in daily(rows) if k[2] == d(2)}
    assert metric(rows, "steps") == {d(1): 9120.0, d(2): 820.0}


def test_activity_record_missing_optional_fields_keeps_what_it_has():
    record = {"id": "da-x", "day": "2026-11-04", "steps": 4000, "timestamp": "2026-11-04T04:00:00-07:00"}
    assert daily(transform.daily_rows("daily_activity", [record], WINDOW)) == {("oura.steps", "", d(4)): 4000.0}


def test_spo2_average_and_breathing_index_skip_null_objects():
    rows = transform.daily_rows("daily_spo2", load("daily_spo2"), WINDOW)
    assert daily(rows) == {("oura.spo2_average", "", d(1)): 97.25, ("oura.breathing_disturbance_index", "", d(1)): 8.0}


def test_stress_seconds_stored_as_minutes_inside_window():
    rows = transform.daily_rows("daily_stress", load("daily_stress"), WINDOW)
    assert daily(rows) == {("oura.stress_high_minutes", "", d(1)): 90.0, ("oura.recovery_high_minutes", "", d(1)): 60.0}


def test_record_without_day_or_not_an_object_is_counted_as_skipped():
    rows = transform.daily_rows("daily_sleep", [{"id": "x", "score": 80}, "junk", {"id": "y", "day": "11/02"}], WINDOW)
    assert rows.daily == []
    assert rows.skipped == 3


# --- sleep periods ---------------------------------------------------------------------------------

def test_single_long_sleep_gives_minutes_and_night_vitals(sleep_rows):
    values = {k[0]: v for k, v in daily(sleep_rows).items() if k[2] == d(1)}
    assert values == {
        "oura.total_sleep_minutes": 435.0, "oura.deep_sleep_minutes": 90.0, "oura.rem_sleep_minutes": 105.0,
        "oura.light_sleep_minutes": 240.0, "oura.awake_minutes": 50.0, "oura.time_in_bed_minutes": 485.0,
        "oura.sleep_efficiency": 90.0, "oura.sleep_latency_minutes": 10.0, "oura.sleep_average_heart_rate": 52.5,
        "oura.sleep_lowest_heart_rate": 46.0, "oura.sleep_average_hrv": 48.0,
        "oura.bedtime_start": -75.0, "oura.bedtime_end": 410.0,
    }


def test_split_night_sums_durations_and_takes_vitals_from_longest_period(sleep_rows):
    values = {k[0]: v for k, v in daily(sleep_rows).items() if k[2] == d(2)}
    assert values["oura.total_sleep_minutes"] == 425.0
    assert values["oura.deep_sleep_minutes"] == 90.0
    assert values["oura.time_in_bed_minutes"] == 470.0
    assert values["oura.sleep_efficiency"] == 91.0
    assert values["oura.sleep_latency_minutes"] == 7.0
    assert values["oura.sleep_lowest_heart_rate"] == 45.0
    assert values["oura.bedtime_start"] == -90.0  # first bedtime of the night, 22:30 the evening before
    assert values["oura.bedtime_end"] == 420.0


def test_nap_is_an_event_and_nap_minutes_not_part_of_night_totals(sleep_rows):
    naps = {e["external_id"]: e for e in sleep_rows.events if e["kind"] == "nap"}
    assert naps["s-1102nap"]["day"] == d(2)
    assert naps["s-1102nap"]["data"]["total_sleep_minutes"] == 30.0
    assert metric(sleep_rows, "nap_minutes")[d(2)] == 30.0
    assert metric(sleep_rows, "total_sleep_minutes")[d(2)] == 425.0


def test_rest_and_deleted_periods_are_excluded_everywhere(sleep_rows):
    ids = {e["external_id"] for e in sleep_rows.events}
    assert "s-1102rest" not in ids and "s-1103del" not in ids
    assert metric(sleep_rows, "total_sleep_minutes")[d(3)] == 430.0
    assert metric(sleep_rows, "bedtime_start")[d(3)] == -50.0


def test_late_nap_counts_toward_next_day(sleep_rows):
    late = next(e for e in sleep_rows.events if e["external_id"] == "s-1103late")
    assert (late["kind"], late["day"]) == ("nap", d(4))
    assert metric(sleep_rows, "nap_minutes")[d(4)] == 35.0
    assert d(3) not in metric(sleep_rows, "nap_minutes")


def test_late_nap_already_dated_next_day_is_not_shifted_twice(sleep_rows):
    late = next(e for e in sleep_rows.events if e["external_id"] == "s-1107late")
    assert late["day"] == d(7)
    assert metric(sleep_rows, "nap_minutes")[d(7)] == 40.0


def test_late_nap_on_last_evening_moves_out_of_window(sleep_rows):
    assert "s-1107late2" not in {e["external_id"] for e in sleep_rows.events}


def test_plus_nine_offset_night_uses_local_clock_and_utc_event_times(sleep_rows):
    assert metric(sleep_rows, "bedtime_start")[d(5)] == 20.0
    assert metric(sleep_rows, "bedtime_end")[d(5)] == 460.0
    night = next(e for e in sleep_rows.events if e["external_id"] == "s-1105")
    assert night["start"] == datetime(2026, 11, 4, 15, 20)
    assert night["end"] == datetime(2026, 11, 4, 22, 40)


def test_minus_seven_offset_event_times_are_naive_utc(sleep_rows):
    night = next(e for e in sleep_rows.events if e["external_id"] == "s-1101")
    assert (night["kind"], night["day"]) == ("sleep", d(1))
    assert night["start"] == datetime(2026, 11, 1, 5, 45) and night["start"].tzinfo is None
    assert night["end"] == datetime(2026, 11, 1, 13, 50)
    assert night["data"]["bedtime_start"] == "2026-10-31T22:45:00-07:00"
    assert night["data"]["readiness_score"] == 82.0


def test_night_with_null_measurements_keeps_only_time_in_bed_and_bedtimes(sleep_rows):
    values = {k[0]: v for k, v in daily(sleep_rows).items() if k[2] == d(6)}
    assert values == {"oura.time_in_bed_minutes": 330.0, "oura.bedtime_start": -30.0, "oura.bedtime_end": 300.0}
    event = next(e for e in sleep_rows.events if e["external_id"] == "s-1106")
    assert event["data"]["total_sleep_minutes"] is None
    assert event["data"]["average_breath"] is None


def test_periods_outside_window_are_dropped(sleep_rows):
    assert {e["day"] for e in sleep_rows.events} == {d(1), d(2), d(3), d(4), d(5), d(6), d(7)}
    assert {e["external_id"] for e in sleep_rows.events} == {
        "s-1101", "s-1102a", "s-1102b", "s-1102nap", "s-1103", "s-1103late", "s-1105", "s-1106", "s-1107late"}


def test_event_data_is_json_serialisable(sleep_rows):
    text = json.dumps([e["data"] for e in sleep_rows.events])
    assert '"sleep_phase_5_min": "44221122332214"' in text


def test_period_without_bedtimes_or_id_is_skipped():
    records = [{"id": "a", "day": "2026-11-02", "type": "long_sleep", "time_in_bed": 100},
               {"day": "2026-11-02", "type": "long_sleep", "bedtime_start": "2026-11-01T22:00:00-07:00",
                "bedtime_end": "2026-11-02T06:00:00-07:00", "time_in_bed": 28800}]
    rows = transform.sleep_rows(records, WINDOW)
    assert (rows.daily, rows.events, rows.skipped) == ([], [], 2)


# --- heart rate ------------------------------------------------------------------------------------

def test_heart_rate_samples_become_naive_utc_rows_inside_local_window():
    start, end = transform.local_day_bounds(WINDOW, TZ)
    rows = transform.heart_rate_rows(load("heartrate_page1", "heartrate_page2"), start, end)
    assert [(r["ts"], r["value"]) for r in rows.intraday] == [
        (datetime(2026, 11, 1, 7, 0), 58.0),
        (datetime(2026, 11, 1, 7, 5), 57.0),
        (datetime(2026, 11, 3, 12, 0), 90.0),  # "Z" and "+00:00" copies of one instant: the last wins
        (datetime(2026, 11, 3, 20, 30), 64.0),  # +09:00 converted to UTC
        (datetime(2026, 11, 8, 6, 55), 70.0),
    ]
    assert {r["metric"] for r in rows.intraday} == {"oura.heart_rate"}
    assert all(r["ts"].tzinfo is None for r in rows.intraday)
    assert rows.skipped == 1  # the sample without bpm


def test_local_day_bounds_follow_the_users_timezone_across_dst_end():
    assert transform.local_day_bounds(WINDOW, TZ) == (datetime(2026, 11, 1, 7), datetime(2026, 11, 8, 7))
    one_day = Window(d(1), d(1))  # US DST ends on 2026-11-01: a 25-hour day in Los Angeles
    bounds = transform.local_day_bounds(one_day, "America/Los_Angeles")
    assert bounds == (datetime(2026, 11, 1, 7), datetime(2026, 11, 2, 8))


def test_unknown_timezone_falls_back_to_utc():
    assert transform.local_day_bounds(WINDOW, "Mars/Olympus") == (datetime(2026, 11, 1), datetime(2026, 11, 8))


# --- everything together ---------------------------------------------------------------------------

def test_to_rows_has_unique_keys_and_no_missing_values():
    documents = {
        "daily_sleep": load("daily_sleep_page1", "daily_sleep_page2"), "sleep": load("sleep"),
        "daily_readiness": load("daily_readiness"), "daily_activity": load("daily_activity"),
        "daily_spo2": load("daily_spo2"), "daily_stress": [],
    }
    rows = transform.to_rows(documents, load("heartrate_page1", "heartrate_page2"), WINDOW, TZ)
    keys = [(r["metric"], r["dimension"], r["day"]) for r in rows.daily]
    assert len(keys) == len(set(keys))
    assert all(isinstance(r["value"], float) for r in rows.daily + rows.intraday)
    assert len(rows.events) == 9 and len(rows.intraday) == 5
    assert {r["metric"] for r in rows.daily} >= {"oura.sleep_score", "oura.total_sleep_minutes", "oura.steps",
                                                  "oura.readiness_score", "oura.spo2_average"}


def test_every_emitted_metric_is_in_the_catalog_with_its_dimension():
    documents = {"daily_sleep": load("daily_sleep_page1"), "sleep": load("sleep"), "daily_stress": load("daily_stress"),
                 "daily_readiness": load("daily_readiness"), "daily_activity": load("daily_activity"),
                 "daily_spo2": load("daily_spo2")}
    rows = transform.to_rows(documents, [], WINDOW, TZ)
    emitted = {(r["metric"], bool(r["dimension"])) for r in rows.daily}
    catalog = {(m.key, bool(m.dimension)) for m in MANIFEST.metrics}
    assert emitted <= catalog
    assert len(emitted) == len(catalog)  # every catalog entry is exercised by the fixtures
