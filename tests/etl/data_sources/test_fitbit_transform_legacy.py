"""Legacy Fitbit Web API payloads -> rows (pure transforms, real-shaped fixtures)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from etl.data_sources.fitbit import transform_legacy as legacy
from etl.data_sources.http import BadPayload
from tests.etl.data_sources.conftest_fitbit import DAY1, DAY2, TZ, load


def values(rows, metric):
    """{(day, dimension): value} of one metric."""
    return {(r["day"], r["dimension"]): r["value"] for r in rows.daily if r["metric"] == metric}


def test_series_give_steps_distance_in_km_calories_and_floors_per_day():
    rows = legacy.series_rows(load("legacy/steps.json"))
    rows.extend(legacy.series_rows(load("legacy/distance.json")))
    rows.extend(legacy.series_rows(load("legacy/calories.json")))
    rows.extend(legacy.series_rows(load("legacy/floors.json")))
    assert values(rows, "fitbit.steps") == {(DAY1, ""): 8931.0, (DAY2, ""): 0.0}
    assert values(rows, "fitbit.distance_km") == {(DAY1, ""): 6.412, (DAY2, ""): 0.0}
    assert values(rows, "fitbit.calories") == {(DAY1, ""): 2431.0, (DAY2, ""): 1712.0}
    assert values(rows, "fitbit.floors") == {(DAY1, ""): 12.0, (DAY2, ""): 0.0}


def test_active_minutes_are_fairly_plus_very_active():
    payloads = [load("legacy/minutes_fairly_active.json"), load("legacy/minutes_very_active.json")]
    rows = legacy.active_minutes_rows(payloads)
    assert values(rows, "fitbit.active_minutes") == {(DAY1, ""): 55.0, (DAY2, ""): 0.0}


def test_active_zone_minutes_only_on_days_fitbit_reports():
    rows = legacy.azm_rows(load("legacy/active_zone_minutes.json"))
    assert values(rows, "fitbit.active_zone_minutes") == {(DAY1, ""): 61.0}


def test_active_zone_minutes_total_is_summed_when_missing():
    payload = {"activities-active-zone-minutes": [{"dateTime": "2026-10-20", "value": {
        "fatBurnActiveZoneMinutes": 10, "cardioActiveZoneMinutes": 6}}]}
    assert values(legacy.azm_rows(payload), "fitbit.active_zone_minutes") == {(DAY1, ""): 16.0}


def test_heart_series_gives_resting_rate_and_normalised_zone_minutes():
    rows = legacy.heart_rows(load("legacy/heart.json"))
    assert values(rows, "fitbit.resting_heart_rate") == {(DAY1, ""): 57.0}  # absent on the second day
    assert values(rows, "fitbit.hr_zone_minutes") == {
        (DAY1, "out_of_range"): 1302.0, (DAY1, "fat_burn"): 45.0, (DAY1, "cardio"): 15.0, (DAY1, "peak"): 4.0,
        (DAY2, "out_of_range"): 0.0, (DAY2, "fat_burn"): 0.0, (DAY2, "cardio"): 0.0, (DAY2, "peak"): 0.0,
    }


def test_sleep_started_before_midnight_belongs_to_the_wake_day_with_utc_times():
    rows = legacy.sleep_log_rows(load("legacy/sleep.json"), TZ)
    main = next(e for e in rows.events if e["kind"] == "sleep")
    assert main["external_id"] == "sleep:2026-10-19T23:10"
    assert main["day"] == date(2026, 10, 20)
    assert main["start"] == datetime(2026, 10, 20, 3, 10, 30)  # 23:10:30 EDT
    assert main["end"] == datetime(2026, 10, 20, 10, 52, 30)
    assert main["data"]["stages"] == {"awake": 58, "deep": 83, "light": 241, "rem": 80}
    assert main["data"]["efficiency"] == 87  # 404 asleep of 462 in bed, the same formula as on Google


def test_nap_is_a_nap_event_whose_awake_minutes_are_the_awake_stage():
    rows = legacy.sleep_log_rows(load("legacy/sleep.json"), TZ)
    nap = next(e for e in rows.events if e["kind"] == "nap")
    assert nap["external_id"] == "sleep:2026-10-20T14:05"
    assert nap["data"]["minutes_awake"] == 3  # legacy says 7 (restless included); Google counts AWAKE only
    assert nap["data"]["stages"] == {"asleep": 38, "awake": 3, "restless": 4}


def test_daily_sleep_metrics_add_naps_and_take_efficiency_of_the_main_sleep():
    rows = legacy.sleep_log_rows(load("legacy/sleep.json"), TZ)
    assert values(rows, "fitbit.sleep_minutes") == {(DAY1, ""): 442.0}
    assert values(rows, "fitbit.sleep_efficiency") == {(DAY1, ""): 87.0}
    assert values(rows, "fitbit.sleep_deep_minutes") == {(DAY1, ""): 83.0}
    assert values(rows, "fitbit.sleep_light_minutes") == {(DAY1, ""): 241.0}
    assert values(rows, "fitbit.sleep_rem_minutes") == {(DAY1, ""): 80.0}
    assert values(rows, "fitbit.sleep_awake_minutes") == {(DAY1, ""): 61.0}


def test_weight_logs_give_weight_bmi_and_body_fat_when_measured():
    rows = legacy.weight_rows(load("legacy/weight.json"), TZ)
    assert values(rows, "fitbit.weight_kg") == {(DAY1, ""): 81.24, (DAY2, ""): 81.05}
    assert values(rows, "fitbit.bmi") == {(DAY1, ""): 25.07, (DAY2, ""): 25.02}
    assert values(rows, "fitbit.body_fat_pct") == {(DAY1, ""): 18.2}


def test_last_weight_log_of_the_day_wins():
    payload = {"weight": [
        {"bmi": 25.2, "date": "2026-10-20", "logId": 2, "time": "21:40:00", "weight": 81.7},
        {"bmi": 25.07, "date": "2026-10-20", "logId": 1, "time": "07:09:33", "weight": 81.24},
    ]}
    rows = legacy.weight_rows(payload, TZ)
    assert values(rows, "fitbit.weight_kg") == {(DAY1, ""): 81.7}


def test_intraday_local_minutes_become_utc_timestamps():
    rows = legacy.intraday_rows(load("legacy/heart_intraday.json"), DAY1, TZ)
    assert [(r["ts"], r["value"]) for r in rows.intraday] == [
        (datetime(2026, 10, 20, 4, 0), 61.0), (datetime(2026, 10, 20, 4, 1), 60.0),
        (datetime(2026, 10, 20, 4, 2), 60.0), (datetime(2026, 10, 20, 4, 5), 58.0),
        (datetime(2026, 10, 21, 3, 59), 66.0),  # 23:59 local is already the next UTC day
    ]
    assert {r["metric"] for r in rows.intraday} == {"fitbit.heart_rate"}


def test_intraday_follows_the_dst_change_of_the_local_day():
    dataset = [{"time": "00:30:00", "value": 55}, {"time": "03:00:00", "value": 52}]
    payload = {"activities-heart-intraday": {"dataset": dataset}}
    rows = legacy.intraday_rows(payload, date(2026, 11, 1), TZ)  # New York leaves DST at 02:00
    assert [r["ts"] for r in rows.intraday] == [datetime(2026, 11, 1, 4, 30), datetime(2026, 11, 1, 8, 0)]


def test_intraday_without_a_dataset_is_noted_not_failed():
    rows = legacy.intraday_rows({"activities-heart": [{"dateTime": "2026-10-20", "value": {}}]}, DAY1, TZ)
    assert rows.intraday == []
    assert rows.notes == ["Fitbit sent no intraday heart rate (the app may lack intraday access)"]


def test_unreadable_record_is_skipped_and_counted():
    rows = legacy.series_rows({"activities-steps": [{"dateTime": "2026-10-20", "value": "n/a"},
                                                    {"dateTime": "2026-10-21", "value": "120"}]})
    assert values(rows, "fitbit.steps") == {(DAY2, ""): 120.0}
    assert rows.skipped == 1


def test_payload_in_the_wrong_shape_raises_bad_payload_naming_the_field():
    with pytest.raises(BadPayload, match="activities-steps: expected a list"):
        legacy.series_rows({"activities-steps": {"dateTime": "2026-10-20"}})
