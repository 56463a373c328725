"""WHOOP v2 transform: payloads -> rows, on recorded-shape fixtures."""
import copy
import json
from datetime import date, datetime
from pathlib import Path

import pytest

from etl.data_sources.base import Window
from etl.data_sources.whoop import MANIFEST
from etl.data_sources.whoop.transform import body_rows, build_rows

FIXTURES = Path(__file__).parent / "fixtures" / "whoop"
WEEK = Window(date(2026, 11, 1), date(2026, 11, 7))
SLEEP_ID = "5c0e2c1a-7f3b-4c61-9a8e-55e4a9d0a"
RUN_ID = "ecfc6a15-4661-442f-a9a4-f160dd7af002"


def records(name):
    """The records of one fixture page."""
    return json.loads((FIXTURES / name).read_text())["records"]


def fixture_payloads():
    """The four collections as the client returns them (cycles over two pages)."""
    return {
        "cycles": records("cycle_page1.json") + records("cycle_page2.json"),
        "recoveries": records("recovery.json"),
        "sleeps": records("sleep.json"),
        "workouts": records("workout.json"),
    }


def daily(rows, day=None):
    """``{(metric, dimension): value}`` (or per day when ``day`` is None: ``{(metric, dim, day): value}``)."""
    if day is None:
        return {(r["metric"], r["dimension"], r["day"]): r["value"] for r in rows.daily}
    return {(r["metric"], r["dimension"]) if r["dimension"] else r["metric"]: r["value"]
            for r in rows.daily if r["day"] == day}


def events(rows):
    """``{external_id: event}``."""
    return {e["external_id"]: e for e in rows.events}


def cycle(cycle_id, start, offset, end=None, state="SCORED", strain=10.0):
    """A cycle record in WHOOP's shape."""
    record = {"id": cycle_id, "user_id": 10129, "created_at": start, "updated_at": start, "start": start,
              "timezone_offset": offset, "score_state": state}
    if end:
        record["end"] = end
    if state == "SCORED":
        record["score"] = {"strain": strain, "kilojoule": 8000.0, "average_heart_rate": 65, "max_heart_rate": 150}
    return record


def recovery(cycle_id, score, sleep_id="aaaaaaaa-0000-4000-8000-000000000001"):
    """A scored recovery record."""
    return {"cycle_id": cycle_id, "sleep_id": sleep_id, "user_id": 10129, "created_at": "2026-11-03T12:00:00.000Z",
            "updated_at": "2026-11-03T12:00:00.000Z", "score_state": "SCORED",
            "score": {"user_calibrating": False, "recovery_score": score, "resting_heart_rate": 55,
                      "hrv_rmssd_milli": 50.0}}


@pytest.fixture(scope="module")
def week():
    return build_rows(fixture_payloads(), WEEK)


def test_recovery_for_night_of_nov_2_to_3_lands_on_nov_3(week):
    # Cycle 93845003 starts 2026-11-02 23:12 at -05:00 (04:12Z on Nov 3); the member wakes on Nov 3.
    nov3 = daily(week, date(2026, 11, 3))
    assert nov3["whoop.recovery_score"] == 78.0
    assert nov3["whoop.resting_hr"] == 52.0
    assert nov3["whoop.hrv_rmssd"] == 65.312
    assert nov3["whoop.strain"] == 15.2951527
    assert daily(week, date(2026, 11, 2))["whoop.recovery_score"] == 44.0
    assert events(week)["cycle:93845003"]["day"] == date(2026, 11, 3)


@pytest.mark.parametrize(
    ("start", "offset", "expected"),
    [
        ("2026-11-03T04:12:00.000Z", "-05:00", date(2026, 11, 3)),  # asleep 23:12 on Nov 2
        ("2026-11-03T05:40:00.000Z", "-05:00", date(2026, 11, 3)),  # asleep 00:40 on Nov 3
        ("2026-11-02T12:45:00.000Z", "+10:00", date(2026, 11, 3)),  # asleep 22:45 on Nov 2 (UTC date Nov 2)
        ("2026-11-02T15:10:00.000Z", "+10:00", date(2026, 11, 3)),  # asleep 01:10 on Nov 3 (UTC date Nov 2)
        ("2026-11-02T23:30:00.000Z", "Z", date(2026, 11, 3)),
        ("2026-11-03T02:00:00.000Z", "-0530", date(2026, 11, 3)),  # offset without colon: 20:30 on Nov 2
    ],
)
def test_cycle_and_recovery_day_is_the_morning_after_falling_asleep(start, offset, expected):
    rows = build_rows({"cycles": [cycle(1, start, offset)], "recoveries": [recovery(1, 67)]}, WEEK)
    assert daily(rows, expected) == {"whoop.recovery_score": 67.0, "whoop.resting_hr": 55.0, "whoop.hrv_rmssd": 50.0,
                                     "whoop.strain": 10.0, "whoop.day_kilojoules": 8000.0, "whoop.day_kcal": 1912.0,
                                     "whoop.day_avg_hr": 65.0, "whoop.day_max_hr": 150.0}
    assert [e["day"] for e in rows.events] == [expected]


def test_sleep_metrics_belong_to_local_date_of_sleep_end_not_utc_date():
    sleep = copy.deepcopy(records("sleep.json")[4])  # the scored main sleep of Nov 3
    sleep.update(start="2026-11-02T12:30:00.000Z", end="2026-11-02T20:45:00.000Z", timezone_offset="+10:00")
    rows = build_rows({"sleeps": [sleep]}, WEEK)
    assert {r["day"] for r in rows.daily} == {date(2026, 11, 3)}
    assert daily(rows, date(2026, 11, 3))["whoop.sleep_minutes"] == 430.0
    event = events(rows)[f"sleep:{SLEEP_ID}003"]
    assert (event["start"], event["end"], event["day"]) == (
        datetime(2026, 11, 2, 12, 30), datetime(2026, 11, 2, 20, 45), date(2026, 11, 3))


def test_scored_sleep_durations_are_stored_in_minutes(week):
    nov3 = daily(week, date(2026, 11, 3))
    assert {k: nov3[k] for k in (
        "whoop.in_bed_minutes", "whoop.awake_minutes", "whoop.light_sleep_minutes", "whoop.deep_sleep_minutes",
        "whoop.rem_sleep_minutes", "whoop.sleep_minutes", "whoop.sleep_need_minutes", "whoop.sleep_cycles",
        "whoop.disturbances", "whoop.sleep_performance", "whoop.sleep_efficiency", "whoop.sleep_consistency",
        "whoop.respiratory_rate")} == {
        "whoop.in_bed_minutes": 458.0, "whoop.awake_minutes": 28.0, "whoop.light_sleep_minutes": 210.0,
        "whoop.deep_sleep_minutes": 90.0, "whoop.rem_sleep_minutes": 130.0, "whoop.sleep_minutes": 430.0,
        "whoop.sleep_need_minutes": 465.0, "whoop.sleep_cycles": 4.0, "whoop.disturbances": 11.0,
        "whoop.sleep_performance": 92.0, "whoop.sleep_efficiency": 93.8864628, "whoop.sleep_consistency": 81.0,
        "whoop.respiratory_rate": 15.8203125}


def test_sleep_without_consistency_score_writes_the_other_scores(week):
    nov1 = daily(week, date(2026, 11, 1))
    assert "whoop.sleep_consistency" not in nov1
    assert nov1["whoop.sleep_performance"] == 96.0


def test_pending_and_unscorable_records_keep_events_but_write_no_score_rows(week):
    nov4, nov5 = daily(week, date(2026, 11, 4)), daily(week, date(2026, 11, 5))
    score_metrics = {"whoop.strain", "whoop.recovery_score", "whoop.hrv_rmssd", "whoop.sleep_minutes",
                     "whoop.sleep_performance", "whoop.nap_minutes", "whoop.workout_kcal", "whoop.workout_strain"}
    assert score_metrics & set(nov4) == set()
    assert {"whoop.recovery_score", "whoop.sleep_minutes"} & set(nov5) == set()
    found = events(week)
    assert found["cycle:93845004"]["data"] == {
        "cycle_id": 93845004, "score_state": "UNSCORABLE", "timezone_offset": "-05:00",
        "recovery": {"sleep_id": f"{SLEEP_ID}004", "score_state": "UNSCORABLE"}}
    assert found["cycle:93845005"]["data"]["recovery"] == {"sleep_id": f"{SLEEP_ID}005", "score_state": "PENDING_SCORE"}
    assert found[f"sleep:{SLEEP_ID}004"]["data"] == {
        "cycle_id": 93845004, "nap": False, "score_state": "UNSCORABLE", "timezone_offset": "-05:00"}
    assert found[f"sleep:{SLEEP_ID}005"]["kind"] == "sleep"
    assert found[f"sleep:{SLEEP_ID}005"]["data"]["score_state"] == "PENDING_SCORE"


def test_current_cycle_without_end_is_an_open_event_with_its_strain_so_far(week):
    event = events(week)["cycle:93845005"]
    assert (event["start"], event["end"], event["day"]) == (datetime(2026, 11, 5, 4, 0), None, date(2026, 11, 5))
    assert daily(week, date(2026, 11, 5))["whoop.strain"] == 6.0427246


def test_missing_or_null_spo2_and_skin_temperature_write_no_rows(week):
    assert {"whoop.spo2", "whoop.skin_temp_c"} & set(daily(week, date(2026, 11, 2))) == set()  # fields absent
    assert {"whoop.spo2", "whoop.skin_temp_c"} & set(daily(week, date(2026, 11, 1))) == set()  # fields null
    assert daily(week, date(2026, 11, 2))["whoop.resting_hr"] == 60.0
    nov3 = daily(week, date(2026, 11, 3))
    assert (nov3["whoop.spo2"], nov3["whoop.skin_temp_c"]) == (97.0, 33.9)
    assert events(week)["cycle:93845001"]["data"]["recovery"]["user_calibrating"] is True


def test_naps_are_nap_events_with_daily_totals_apart_from_the_main_sleep(week):
    nap = events(week)[f"sleep:{SLEEP_ID}n01"]
    assert (nap["kind"], nap["day"]) == ("nap", date(2026, 11, 3))
    assert nap["data"]["nap"] is True
    assert nap["data"]["sleep_minutes"] == 30.0
    nov3 = daily(week, date(2026, 11, 3))
    assert (nov3["whoop.nap_count"], nov3["whoop.nap_minutes"]) == (1.0, 30.0)
    assert nov3["whoop.sleep_minutes"] == 430.0  # the main sleep, not the nap
    nov4 = daily(week, date(2026, 11, 4))
    assert nov4["whoop.nap_count"] == 1.0  # a pending nap still counts, but has no minutes yet
    assert "whoop.nap_minutes" not in nov4


def test_workouts_sum_per_local_day_with_heart_rate_zone_minutes(week):
    nov3 = daily(week, date(2026, 11, 3))
    assert nov3["whoop.workout_count"] == 2.0
    assert nov3["whoop.workout_minutes"] == 92.5
    assert nov3["whoop.workout_kilojoules"] == 3347.2
    assert nov3["whoop.workout_kcal"] == 800.0
    assert nov3["whoop.workout_distance_km"] == 7.53
    assert nov3["whoop.workout_strain"] == 11.6
    zones = {key[1]: value for key, value in nov3.items() if isinstance(key, tuple) and key[0] == "whoop.zone_minutes"}
    assert zones == {"zone_0": 16.0, "zone_1": 18.0, "zone_2": 20.0, "zone_3": 25.0, "zone_4": 10.5, "zone_5": 3.0}


def test_workout_event_keeps_sport_scores_and_zone_minutes(week):
    run = events(week)[f"workout:{RUN_ID}"]
    assert (run["kind"], run["day"], run["start"], run["end"]) == (
        "workout", date(2026, 11, 3), datetime(2026, 11, 3, 22, 5), datetime(2026, 11, 3, 22, 52, 30))
    assert run["data"] == {
        "sport_name": "running", "score_state": "SCORED", "timezone_offset": "-05:00", "strain": 11.6,
        "average_heart_rate": 151, "max_heart_rate": 178, "kilojoules": 2092.0, "kcal": 500.0,
        "percent_recorded": 100, "distance_meter": 7530.2, "altitude_gain_meter": 42.1,
        "altitude_change_meter": -3.5,
        "zone_minutes": {"zone_0": 1.0, "zone_1": 3.0, "zone_2": 10.0, "zone_3": 20.0, "zone_4": 10.5, "zone_5": 3.0}}


def test_pending_workout_counts_on_its_local_start_day_without_scores(week):
    # Starts 20:30 on Nov 4 at -05:00 (01:30Z on Nov 5).
    nov4 = daily(week, date(2026, 11, 4))
    assert (nov4["whoop.workout_count"], nov4["whoop.workout_minutes"]) == (1.0, 40.0)
    assert not any(isinstance(k, tuple) for k in nov4)  # no zone minutes
    event = events(week)["workout:ecfc6a15-4661-442f-a9a4-f160dd7af003"]
    assert event["day"] == date(2026, 11, 4)
    assert event["data"] == {"sport_name": "cycling", "score_state": "PENDING_SCORE", "timezone_offset": "-05:00"}


def test_day_kilojoules_are_also_stored_as_kcal(week):
    nov3 = daily(week, date(2026, 11, 3))
    assert (nov3["whoop.day_kilojoules"], nov3["whoop.day_kcal"]) == (11296.297, 2699.9)


def test_records_outside_the_window_are_dropped(week):
    assert min(r["day"] for r in week.daily) == date(2026, 11, 1)
    assert "cycle:93845000" not in events(week)
    assert f"sleep:{SLEEP_ID}000" not in events(week)
    kinds = sorted(e["kind"] for e in week.events)
    assert kinds == ["cycle"] * 5 + ["nap"] * 2 + ["sleep"] * 5 + ["workout"] * 3


def test_every_row_key_is_unique_and_every_value_a_float(week):
    keys = [(r["metric"], r["dimension"], r["day"]) for r in week.daily]
    assert len(keys) == len(set(keys)) == 86  # 20 cycle + 11 recovery + 38 sleep + 3 nap + 14 workout
    assert all(type(r["value"]) is float for r in week.daily)
    assert len({e["external_id"] for e in week.events}) == len(week.events) == 15
    assert {r["metric"] for r in week.daily} <= {m.key for m in MANIFEST.metrics}
    json.dumps([e["data"] for e in week.events])  # event data must be JSON-serialisable


def test_records_read_twice_across_pages_are_deduplicated_last_read_wins():
    payloads = fixture_payloads()
    rescored = copy.deepcopy(payloads["cycles"][2])
    rescored["score"]["strain"] = 16.1
    payloads["cycles"].append(rescored)  # cycle 93845003 again, with a later score
    payloads["sleeps"].append(copy.deepcopy(payloads["sleeps"][3]))  # the Nov 3 nap again
    payloads["workouts"].append(copy.deepcopy(payloads["workouts"][1]))  # the run again
    rows = build_rows(payloads, WEEK)
    nov3 = daily(rows, date(2026, 11, 3))
    assert nov3["whoop.strain"] == 16.1
    assert (nov3["whoop.nap_count"], nov3["whoop.workout_count"], nov3["whoop.workout_kcal"]) == (1.0, 2.0, 800.0)
    assert events(rows)["cycle:93845003"]["data"]["strain"] == 16.1
    assert len(rows.events) == 15


def test_two_cycles_on_one_day_keep_the_later_cycle():
    first = cycle(1, "2026-11-03T13:00:00.000Z", "Z", end="2026-11-03T20:00:00.000Z", strain=4.0)  # 13:00 -> Nov 4
    second = cycle(2, "2026-11-03T20:00:00.000Z", "Z", strain=9.0)  # 20:00 -> Nov 4
    rows = build_rows({"cycles": [second, first]}, WEEK)  # newest first, as WHOOP sorts
    assert daily(rows, date(2026, 11, 4))["whoop.strain"] == 9.0
    assert sorted(events(rows)) == ["cycle:1", "cycle:2"]


def test_recovery_whose_cycle_was_not_read_uses_its_sleep_end_day():
    sleep = records("sleep.json")[4]  # ends 06:50 on Nov 3 at -05:00
    rows = build_rows({"sleeps": [sleep], "recoveries": [recovery(424242, 70, sleep_id=sleep["id"])]}, WEEK)
    assert daily(rows, date(2026, 11, 3))["whoop.recovery_score"] == 70.0


def test_recovery_with_neither_cycle_nor_sleep_is_skipped_and_counted():
    rows = build_rows({"recoveries": [recovery(424242, 70)]}, WEEK)
    assert (rows.daily, rows.skipped) == ([], 1)
    assert rows.notes == ["WHOOP /v2/recovery record for cycle 424242: its cycle and sleep were not read"]


def test_record_with_unreadable_timezone_offset_is_skipped_and_the_rest_kept():
    payloads = fixture_payloads()
    payloads["cycles"][0]["timezone_offset"] = "EST"
    rows = build_rows(payloads, WEEK)
    assert rows.skipped == 1
    assert rows.notes == ["WHOOP /v2/cycle record 93845005: timezone_offset 'EST' is not '+hh:mm', '-hh:mm' or 'Z'"]
    assert "cycle:93845005" not in events(rows)
    assert daily(rows, date(2026, 11, 3))["whoop.recovery_score"] == 78.0


def test_sleep_without_end_is_skipped_and_counted():
    sleep = copy.deepcopy(records("sleep.json")[4])
    del sleep["end"]
    rows = build_rows({"sleeps": [sleep]}, WEEK)
    assert (rows.events, rows.skipped) == ([], 1)
    assert rows.notes == [f"WHOOP /v2/activity/sleep record {SLEEP_ID}003: field 'end' is missing"]


def test_body_measurement_becomes_daily_rows_on_the_given_day():
    body = json.loads((FIXTURES / "body.json").read_text())
    rows = body_rows(body, date(2026, 11, 7))
    assert daily(rows, date(2026, 11, 7)) == {"whoop.weight_kg": 64.2, "whoop.height_m": 1.6764,
                                              "whoop.max_heart_rate": 194.0}
    assert [r["metric"] for r in body_rows({"height_meter": 1.8}, date(2026, 11, 7)).daily] == ["whoop.height_m"]


def test_workout_without_id_is_skipped_and_counted():
    workout = copy.deepcopy(records("workout.json")[1])
    del workout["id"]
    rows = build_rows({"workouts": [workout, records("workout.json")[2]]}, WEEK)
    assert rows.skipped == 1
    assert rows.notes == ["WHOOP /v2/activity/workout: a record without an 'id'"]
    assert [e["data"]["sport_name"] for e in rows.events] == ["functional-fitness"]


def test_score_sent_with_a_pending_record_is_not_stored():
    pending = cycle(7, "2026-11-03T04:12:00.000Z", "-05:00")
    pending["score_state"] = "PENDING_SCORE"  # a score WHOOP has not finished computing
    rows = build_rows({"cycles": [pending]}, WEEK)
    assert rows.daily == []
    assert rows.events[0]["data"] == {"cycle_id": 7, "score_state": "PENDING_SCORE", "timezone_offset": "-05:00"}
