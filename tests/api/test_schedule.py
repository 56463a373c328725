"""The optional in-app daily sync: SCHEDULER_ENABLED=1 schedules it at SYNC_AT (server time)."""
from __future__ import annotations

import pytest

from app import create_app
from app.extensions import scheduler
from config import TestingConfig
from etl.jobs import parse_sync_at, run_scheduled_sync


def _config(**settings):
    return type("Config", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": "sqlite://", **settings})


def test_enabling_the_scheduler_schedules_the_daily_sync_at_sync_at():
    app = create_app(_config(SCHEDULER_ENABLED=True, SYNC_AT="04:15"))
    assert scheduler.get_job("daily-sync") is None  # the CLI and the batch job never schedule
    app.test_client().get("/healthz")  # a web process schedules on its first request
    try:
        job = scheduler.get_job("daily-sync")
        assert job.func is run_scheduled_sync
        fields = {f.name: str(f) for f in job.trigger.fields}
        assert (fields["hour"], fields["minute"]) == ("4", "15")
        assert scheduler.running
    finally:
        scheduler.remove_job("daily-sync")


def test_the_scheduler_is_off_unless_enabled():
    create_app(_config(SCHEDULER_ENABLED=False, SYNC_AT="04:15"))
    assert scheduler.get_job("daily-sync") is None


@pytest.mark.parametrize("value, expected", [("03:30", (3, 30)), ("3:05", (3, 5)), (" 23:59 ", (23, 59)),
                                             ("00:00", (0, 0))])
def test_sync_at_accepts_24_hour_times(value, expected):
    assert parse_sync_at(value) == expected


@pytest.mark.parametrize("value", ["24:00", "3.30", "03:60", "", "noon", "3:5"])
def test_a_malformed_sync_at_stops_start_up_with_one_clear_line(value):
    with pytest.raises(SystemExit) as stop:
        create_app(_config(SCHEDULER_ENABLED=True, SYNC_AT=value))
    assert str(stop.value) == f"SYNC_AT={value!r} must be HH:MM (24-hour, server time), e.g. 03:30"
    assert scheduler.get_job("daily-sync") is None
