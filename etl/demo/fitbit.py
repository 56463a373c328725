"""Fitbit Web API (legacy adapter) payloads for the simulated days, through the real legacy transform.

The Fitbit integration of the demo uses the legacy adapter; the Google adapter writes the same keys.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from etl.data_sources.base import Rows
from etl.data_sources.fitbit import transform_legacy
from etl.data_sources.fitbit.common import finish
from etl.demo.heart import FITBIT_ZONES, fitbit_zone_minutes, minute_heart_rate
from etl.demo.person import Day, rng

ADAPTER = "legacy"


def series(days: list[Day]) -> dict[str, dict]:
    """The date-range activity series, keyed by python-fitbit resource."""
    def one(key: str, value) -> dict:
        return {f"activities-{key}": [{"dateTime": d.day.isoformat(), "value": str(value(d))} for d in days]}

    return {
        "steps": one("steps", lambda d: d.steps),
        "distance": one("distance", lambda d: round(d.distance_km, 2)),
        "calories": one("calories", lambda d: d.active_kcal + 1750),
        "floors": one("floors", lambda d: d.floors),
        "minutesFairlyActive": one("minutesFairlyActive", lambda d: d.fairly_active),
        "minutesVeryActive": one("minutesVeryActive", lambda d: d.very_active),
    }


def heart(days: list[Day]) -> dict:
    """``activities/heart``: resting heart rate and minutes per zone."""
    return {"activities-heart": [{"dateTime": d.day.isoformat(), "value": {
        "customHeartRateZones": [], "restingHeartRate": d.night.rhr + 2,
        "heartRateZones": [{"name": name, "min": low, "max": high, "minutes": minutes}
                           for (name, low, high), minutes in zip(FITBIT_ZONES, fitbit_zone_minutes(d.day).values(),
                                                                 strict=True)],
    }} for d in days]}


def active_zone_minutes(days: list[Day]) -> dict:
    """``activities/active-zone-minutes``: fat burn counts once, cardio and peak twice."""
    found = []
    for d in days:
        zones = fitbit_zone_minutes(d.day)
        fat, cardio, peak = zones["Fat Burn"], zones["Cardio"], zones["Peak"]
        if fat or cardio or peak:
            found.append({"dateTime": d.day.isoformat(), "value": {
                "activeZoneMinutes": fat + 2 * (cardio + peak), "fatBurnActiveZoneMinutes": fat,
                "cardioActiveZoneMinutes": 2 * cardio, "peakActiveZoneMinutes": 2 * peak}})
    return {"activities-active-zone-minutes": found}


def sleep(days: list[Day]) -> dict:
    """v1.2 sleep logs: one main sleep per night, with stage minutes."""
    logs = []
    for d in days:
        n, r = d.night, rng(d.day, "fitbit-sleep")
        asleep = n.asleep + int(r.gauss(0, 6))
        wake_minutes = n.in_bed - asleep
        logs.append({
            "dateOfSleep": d.day.isoformat(), "isMainSleep": True, "type": "stages", "logType": "auto_detected",
            "logId": 48_000_000_000 + d.day.toordinal(), "startTime": _local(n.bedtime), "endTime": _local(n.wake),
            "duration": n.in_bed * 60_000, "timeInBed": n.in_bed, "minutesAsleep": asleep,
            "minutesAwake": wake_minutes, "minutesToFallAsleep": n.latency, "minutesAfterWakeup": 2,
            "efficiency": round(100 * asleep / n.in_bed),
            "levels": {"summary": {"deep": {"minutes": n.deep}, "rem": {"minutes": n.rem},
                                   "light": {"minutes": asleep - n.deep - n.rem}, "wake": {"minutes": wake_minutes}}},
        })
    return {"sleep": logs}


def intraday(day: date) -> dict:
    """``activities/heart/date/<day>/1d/1min``: every minute of one local day."""
    return {"activities-heart": [{"dateTime": day.isoformat(), "value": {}}],
            "activities-heart-intraday": {
                "dataset": [{"time": f"{m // 60:02d}:{m % 60:02d}:00", "value": bpm}
                            for m, bpm in enumerate(minute_heart_rate(day))],
                "datasetInterval": 1, "datasetType": "minute"}}


def rows(days: list[Day], heart_rate_days: int, tz: str) -> Rows:
    """Daily rows for every day, 1-minute heart rate for the last ``heart_rate_days``, via the real transform."""
    found, activity = Rows(), series(days)
    for payload in activity.values():
        found.extend(transform_legacy.series_rows(payload))
    found.extend(transform_legacy.active_minutes_rows([activity["minutesFairlyActive"],
                                                       activity["minutesVeryActive"]]))
    found.extend(transform_legacy.azm_rows(active_zone_minutes(days)))
    found.extend(transform_legacy.heart_rows(heart(days)))
    found.extend(transform_legacy.sleep_log_rows(sleep(days), tz))
    for d in days[-heart_rate_days:] if heart_rate_days else []:
        found.extend(transform_legacy.intraday_rows(intraday(d.day), d.day, tz))
    return finish(found)


def _local(moment: datetime) -> str:
    """Fitbit's offset-less local time: '2026-10-19T23:10:30.000'."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000")


def heart_rate_rows(first: date, last: date, tz: str) -> Rows:
    """Only the 1-minute heart rate of ``[first, last]`` (the benchmark's year of samples)."""
    found = Rows()
    day = first
    while day <= last:
        found.extend(transform_legacy.intraday_rows(intraday(day), day, tz))
        day += timedelta(days=1)
    return found

