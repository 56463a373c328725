"""Rize payloads -> rows, on recorded-shape fixtures."""
import json
from datetime import date, datetime
from pathlib import Path

from etl.data_sources.rize import transform

FIXTURES = Path(__file__).parent / "fixtures" / "rize"
WINDOW_DAYS = {date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)}


def load(name):
    return json.loads((FIXTURES / name).read_text())


def daily_map(rows):
    return {(r["metric"], r["dimension"], r["day"]): r["value"] for r in rows.daily}


def test_bucket_date_with_time_and_offset_is_read_as_its_first_ten_characters():
    buckets = load("summaries_day_buckets.json")["data"]["summaries"]["buckets"]
    rows = transform.bucket_rows(buckets)
    days = {r["day"] for r in rows.daily}
    assert days == {date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)}


def test_bucket_seconds_are_stored_as_minutes():
    rows = transform.bucket_rows(load("summaries_day_buckets.json")["data"]["summaries"]["buckets"])
    values = daily_map(rows)
    assert values[("rize.focus_minutes", "", date(2026, 11, 1))] == 120.0
    assert values[("rize.work_minutes", "", date(2026, 11, 1))] == 240.0
    assert values[("rize.tracked_minutes", "", date(2026, 11, 1))] == 210.0
    assert values[("rize.meeting_minutes", "", date(2026, 11, 1))] == 30.0
    assert values[("rize.break_minutes", "", date(2026, 11, 1))] == 15.0
    assert values[("rize.focus_minutes", "", date(2026, 11, 2))] == 90.5


def test_null_bucket_field_writes_no_row_but_zero_does():
    rows = transform.bucket_rows(load("summaries_day_buckets.json")["data"]["summaries"]["buckets"])
    values = daily_map(rows)
    assert ("rize.break_minutes", "", date(2026, 11, 2)) not in values
    assert values[("rize.meeting_minutes", "", date(2026, 11, 2))] == 0.0
    assert all(r["value"] is not None for r in rows.daily)
    assert len(rows.daily) == 14


def test_bucket_without_a_readable_date_is_counted_as_skipped():
    rows = transform.bucket_rows([{"date": None, "focusTime": 60}, {"date": "soon", "focusTime": 60}])
    assert rows.daily == []
    assert rows.skipped == 2


def test_categories_become_minutes_per_category_name_and_same_names_add_up():
    categories = load("summaries_categories_2026-11-01.json")["data"]["summaries"]["categories"]
    rows = transform.category_rows(date(2026, 11, 1), categories)
    values = daily_map(rows)
    assert values == {
        ("rize.category_minutes", "Code", date(2026, 11, 1)): 100.0,
        ("rize.category_minutes", "Messaging", date(2026, 11, 1)): 20.5,
        ("rize.category_minutes", "Meetings", date(2026, 11, 1)): 30.0,
    }
    assert rows.skipped == 1  # the idle entry has no time


def test_category_without_name_falls_back_to_key_and_null_time_is_skipped():
    rows = transform.category_rows(date(2026, 11, 1), [
        {"category": {"key": "idle", "name": None}, "timeSpent": 120},
        {"category": {"key": "code", "name": "Code"}, "timeSpent": None},
    ])
    assert daily_map(rows) == {("rize.category_minutes", "idle", date(2026, 11, 1)): 2.0}
    assert rows.skipped == 1


def test_sessions_become_events_of_their_kind_on_the_users_local_day():
    sessions = load("sessions.json")["data"]["sessions"]
    rows = transform.session_events(sessions, "America/New_York", WINDOW_DAYS)
    events = {e["external_id"]: e for e in rows.events}
    assert set(events) == {"session:9001", "session:9002", "session:9003", "session:9004"}
    focus = events["session:9001"]
    assert focus["kind"] == "focus_session"
    assert focus["start"] == datetime(2026, 11, 1, 14, 0)
    assert focus["end"] == datetime(2026, 11, 1, 15, 30)
    assert focus["day"] == date(2026, 11, 1)
    assert focus["data"] == {"title": "Deep work: ETL", "description": None, "type": "focus",
                             "source": "timer", "duration_minutes": 90.0}
    meeting = events["session:9002"]
    assert (meeting["kind"], meeting["start"], meeting["day"]) == ("meeting", datetime(2026, 11, 2, 14, 30),
                                                                   date(2026, 11, 2))


def test_session_after_utc_midnight_belongs_to_the_previous_local_day():
    sessions = load("sessions.json")["data"]["sessions"]
    rows = transform.session_events(sessions, "America/New_York", WINDOW_DAYS)
    brk = next(e for e in rows.events if e["external_id"] == "session:9003")
    assert brk["kind"] == "break"
    assert brk["start"] == datetime(2026, 11, 3, 2, 30)
    assert brk["day"] == date(2026, 11, 2)


def test_running_session_has_no_end_and_no_duration():
    sessions = load("sessions.json")["data"]["sessions"]
    rows = transform.session_events(sessions, "America/New_York", WINDOW_DAYS)
    running = next(e for e in rows.events if e["external_id"] == "session:9004")
    assert running["end"] is None
    assert running["data"]["duration_minutes"] is None
    assert running["day"] == date(2026, 11, 3)


def test_session_of_unknown_type_is_skipped_and_one_outside_the_window_is_dropped():
    sessions = load("sessions.json")["data"]["sessions"]
    rows = transform.session_events(sessions, "America/New_York", WINDOW_DAYS)
    assert rows.skipped == 1
    assert "session:9005" not in {e["external_id"] for e in rows.events}
    assert "session:9006" not in {e["external_id"] for e in rows.events}


def test_session_events_are_json_serialisable():
    sessions = load("sessions.json")["data"]["sessions"]
    rows = transform.session_events(sessions, "UTC", WINDOW_DAYS | {date(2026, 11, 4)})
    assert len(rows.events) == 5
    json.dumps([e["data"] for e in rows.events])
