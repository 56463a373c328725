"""Google Health API (v4) payloads -> rows (pure transforms, real-shaped fixtures)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from etl.data_sources.fitbit import transform_google as google
from etl.data_sources.http import BadPayload
from tests.etl.data_sources.conftest_fitbit import DAY1, DAY2, load


def values(rows, metric):
    """{(day, dimension): value} of one metric."""
    return {(r["day"], r["dimension"]): r["value"] for r in rows.daily if r["metric"] == metric}


def rollup(data_type, name):
    return google.daily_rollup_rows(data_type, load(f"google/{name}")["rollupDataPoints"])


def sleep_points():
    return load("google/sleep_page1.json")["dataPoints"] + load("google/sleep_page2.json")["dataPoints"]


def test_daily_rollups_give_steps_and_an_empty_value_means_zero():
    rows = rollup("steps", "rollup_steps.json")
    assert values(rows, "fitbit.steps") == {(DAY1, ""): 8931.0, (DAY2, ""): 0.0}


def test_distance_millimetres_become_kilometres():
    rows = rollup("distance", "rollup_distance.json")
    assert values(rows, "fitbit.distance_km") == {(DAY1, ""): 6.412, (DAY2, ""): 0.0}


def test_total_calories_are_whole_kilocalories():
    rows = rollup("total-calories", "rollup_total_calories.json")
    assert values(rows, "fitbit.calories") == {(DAY1, ""): 2431.0, (DAY2, ""): 1712.0}


def test_floors_rollup():
    assert values(rollup("floors", "rollup_floors.json"), "fitbit.floors") == {(DAY1, ""): 12.0, (DAY2, ""): 0.0}


def test_active_minutes_are_moderate_plus_vigorous():
    rows = rollup("active-minutes", "rollup_active_minutes.json")
    assert values(rows, "fitbit.active_minutes") == {(DAY1, ""): 55.0, (DAY2, ""): 0.0}


def test_active_zone_minutes_add_the_three_zones():
    rows = rollup("active-zone-minutes", "rollup_active_zone_minutes.json")
    assert values(rows, "fitbit.active_zone_minutes") == {(DAY1, ""): 61.0}


def test_time_in_zone_durations_become_minutes_under_the_shared_zone_names():
    rows = rollup("time-in-heart-rate-zone", "rollup_time_in_heart_rate_zone.json")
    assert values(rows, "fitbit.hr_zone_minutes") == {
        (DAY1, "out_of_range"): 1302.0, (DAY1, "fat_burn"): 45.0, (DAY1, "cardio"): 15.0, (DAY1, "peak"): 4.0,
        (DAY2, "out_of_range"): 0.0, (DAY2, "fat_burn"): 0.0, (DAY2, "cardio"): 0.0, (DAY2, "peak"): 0.0,
    }


def test_resting_heart_rate_int64_string_becomes_a_number():
    rows = google.resting_heart_rate_rows(load("google/daily_resting_heart_rate.json")["dataPoints"])
    assert values(rows, "fitbit.resting_heart_rate") == {(DAY1, ""): 57.0}


def test_sleep_ids_come_from_the_civil_start_minute_and_times_are_utc():
    rows = google.sleep_point_rows(sleep_points())
    events = {e["external_id"]: e for e in rows.events}
    assert set(events) == {"sleep:2026-10-19T23:10", "sleep:2026-10-20T14:05"}
    main = events["sleep:2026-10-19T23:10"]
    assert (main["kind"], main["day"]) == ("sleep", date(2026, 10, 20))
    assert (main["start"], main["end"]) == (datetime(2026, 10, 20, 3, 10, 30), datetime(2026, 10, 20, 10, 52, 30))
    assert main["data"]["minutes_to_fall_asleep"] == 0  # omitted by proto3 JSON
    assert events["sleep:2026-10-20T14:05"]["kind"] == "nap"  # mainSleep omitted = false


def test_sleep_not_yet_summarised_is_skipped_for_a_later_run():
    rows = google.sleep_point_rows(sleep_points())
    assert rows.skipped == 1
    assert all(e["day"] != date(2026, 10, 22) for e in rows.events)


def test_sleep_without_civil_times_uses_the_utc_offsets():
    point = load("google/sleep_page1.json")["dataPoints"][0]
    interval = point["sleep"]["interval"]
    del interval["civilStartTime"], interval["civilEndTime"]
    rows = google.sleep_point_rows([point])
    assert [(e["external_id"], e["day"]) for e in rows.events] == [("sleep:2026-10-19T23:10", date(2026, 10, 20))]


def test_daily_sleep_metrics_match_the_stage_summaries():
    rows = google.sleep_point_rows(sleep_points())
    assert values(rows, "fitbit.sleep_minutes") == {(DAY1, ""): 442.0}
    assert values(rows, "fitbit.sleep_efficiency") == {(DAY1, ""): 87.0}
    assert values(rows, "fitbit.sleep_deep_minutes") == {(DAY1, ""): 83.0}
    assert values(rows, "fitbit.sleep_awake_minutes") == {(DAY1, ""): 61.0}


def test_weight_in_grams_becomes_kg_with_bmi_from_the_recorded_height():
    rows = google.body_point_rows(load("google/weight.json")["dataPoints"], load("google/body_fat.json")["dataPoints"],
                                  load("google/height.json")["dataPoints"])
    assert values(rows, "fitbit.weight_kg") == {(DAY1, ""): 81.24, (DAY2, ""): 81.05}
    assert values(rows, "fitbit.bmi") == {(DAY1, ""): 25.07, (DAY2, ""): 25.02}
    assert values(rows, "fitbit.body_fat_pct") == {(DAY1, ""): 18.2}


def test_without_a_height_no_bmi_is_written():
    rows = google.body_point_rows(load("google/weight.json")["dataPoints"], [], [])
    assert values(rows, "fitbit.bmi") == {}
    assert len(values(rows, "fitbit.weight_kg")) == 2


def test_bmi_uses_the_height_measured_before_the_weighing():
    heights = [
        {"height": {"sampleTime": {"physicalTime": "2020-01-01T12:00:00Z"}, "heightMillimeters": "1700"}},
        {"height": {"sampleTime": {"physicalTime": "2026-10-21T00:00:00Z"}, "heightMillimeters": "1800"}},
    ]
    rows = google.body_point_rows(load("google/weight.json")["dataPoints"], [], heights)
    assert values(rows, "fitbit.bmi") == {(DAY1, ""): 28.11, (DAY2, ""): 25.02}


def test_minute_rollups_become_whole_bpm_at_utc_minutes_and_empty_windows_are_dropped():
    rows = google.heart_rate_minute_rows(load("google/heart_rate_minutes.json")["rollupDataPoints"])
    assert [(r["ts"], r["value"]) for r in rows.intraday] == [
        (datetime(2026, 10, 20, 4, 0), 61.0), (datetime(2026, 10, 20, 4, 1), 60.0),
        (datetime(2026, 10, 20, 4, 2), 60.0), (datetime(2026, 10, 20, 4, 5), 58.0),
        (datetime(2026, 10, 21, 3, 59), 66.0),
    ]


def test_unreadable_point_is_skipped_and_counted():
    points = [{"civilStartTime": {"date": {"year": 2026, "month": 10}}, "steps": {"countSum": "10"}},
              {"civilStartTime": {"date": {"year": 2026, "month": 10, "day": 21}}, "steps": {"countSum": "12"}}]
    rows = google.daily_rollup_rows("steps", points)
    assert values(rows, "fitbit.steps") == {(DAY2, ""): 12.0}
    assert rows.skipped == 1


def test_points_that_are_not_a_list_raise_bad_payload_naming_the_type():
    with pytest.raises(BadPayload, match="Google Health sleep: expected a list"):
        google.sleep_point_rows({"dataPoints": []})
