"""The legacy and the Google path give identical rows for the same underlying data."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import responses

from etl.data_sources.base import Rows
from etl.data_sources.fitbit import SOURCE
from etl.data_sources.fitbit import transform_google as google
from etl.data_sources.fitbit import transform_legacy as legacy
from etl.data_sources.fitbit.common import finish
from tests.etl.data_sources.conftest_fitbit import (
    TZ,
    google_fixture_payloads,
    legacy_fixture_payloads,
    make_ctx,
    register_google,
    register_legacy,
)


def row_sets(rows: Rows):
    """Rows in a comparable form: daily and intraday as sets, events as a list sorted by id."""
    daily = {(r["metric"], r["dimension"], r["day"], r["value"]) for r in rows.daily}
    intraday = {(r["metric"], r["ts"], r["value"]) for r in rows.intraday}
    return daily, intraday, sorted(rows.events, key=lambda e: e["external_id"])


def legacy_rows(payloads) -> Rows:
    rows = Rows()
    for resource in ("activities/steps", "activities/distance", "activities/calories", "activities/floors"):
        rows.extend(legacy.series_rows(payloads[resource]))
    rows.extend(legacy.active_minutes_rows([payloads["activities/minutesFairlyActive"],
                                            payloads["activities/minutesVeryActive"]]))
    rows.extend(legacy.azm_rows(payloads["activities/active-zone-minutes"]))
    rows.extend(legacy.heart_rows(payloads["activities/heart"]))
    rows.extend(legacy.sleep_log_rows(payloads["sleep"], TZ))
    rows.extend(legacy.weight_rows(payloads["weight"], TZ))
    for day, payload in payloads["intraday"].items():
        rows.extend(legacy.intraday_rows(payload, day, TZ))
    return finish(rows)


def google_rows(payloads) -> Rows:
    rows = Rows()
    for data_type in google.ROLLUPS:
        rows.extend(google.daily_rollup_rows(data_type, payloads[data_type]["rollupDataPoints"]))
    rows.extend(google.resting_heart_rate_rows(payloads["daily-resting-heart-rate"]["dataPoints"]))
    rows.extend(google.sleep_point_rows([p for page in payloads["sleep"] for p in page["dataPoints"]]))
    rows.extend(google.body_point_rows(payloads["weight"]["dataPoints"], payloads["body-fat"]["dataPoints"],
                                       payloads["height"]["dataPoints"]))
    for points in payloads["heart-rate"].values():
        rows.extend(google.heart_rate_minute_rows(points["rollupDataPoints"]))
    return finish(rows)


def test_fixtures_of_the_same_two_days_give_identical_rows_on_both_paths():
    old, new = legacy_rows(legacy_fixture_payloads()), google_rows(google_fixture_payloads())
    assert row_sets(old) == row_sets(new)
    assert len(old.daily) == 31 and len(old.intraday) == 5 and len(old.events) == 2


# --- one full day, described once and rendered in both APIs' shapes --------------------------------

DAY = date(2026, 10, 20)
TRUTH = {
    "steps": 10234, "distance_mm": 7321000, "calories": 2650, "floors": 9, "fairly": 15, "very": 40,
    "azm": {"fat_burn": 20, "cardio": 24, "peak": 6},
    "zones": {"LIGHT": 1300, "MODERATE": 90, "VIGOROUS": 40, "PEAK": 10},
    "resting": 55, "weight_g": 72500, "height_mm": 1750, "fat": 21.4,
    "sleep": {"start": datetime(2026, 10, 19, 22, 45), "minutes": 465, "asleep": 420,
              "stages": {"deep": 90, "light": 230, "rem": 100, "awake": 45}},
}
LEGACY_ZONES = {"LIGHT": "Out of Range", "MODERATE": "Fat Burn", "VIGOROUS": "Cardio", "PEAK": "Peak"}


def heart_rate(minute: int) -> int:
    return 55 + (minute * 7) % 30


def utc(local: datetime) -> datetime:
    return local.replace(tzinfo=ZoneInfo(TZ)).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def civil(moment: datetime) -> dict:
    return {"date": {"year": moment.year, "month": moment.month, "day": moment.day},
            "time": {"hours": moment.hour, "minutes": moment.minute}}


def series(key: str, value) -> dict:
    return {key: [{"dateTime": DAY.isoformat(), "value": str(value)}]}


def legacy_payloads() -> dict:
    """The day as the legacy Web API reports it (local times without offsets)."""
    t, sleep = TRUTH, TRUTH["sleep"]
    end = sleep["start"] + timedelta(minutes=sleep["minutes"])
    stages = {("wake" if k == "awake" else k): {"count": 3, "minutes": v, "thirtyDayAvgMinutes": v}
              for k, v in sleep["stages"].items()}
    zones = [{"name": LEGACY_ZONES[z], "minutes": m, "min": 30, "max": 220} for z, m in t["zones"].items()]
    bmi = round(t["weight_g"] / 1000 / (t["height_mm"] / 1000) ** 2, 2)
    return {
        "activities/steps": series("activities-steps", t["steps"]),
        "activities/distance": series("activities-distance", t["distance_mm"] / 1e6),
        "activities/calories": series("activities-calories", t["calories"]),
        "activities/floors": series("activities-floors", t["floors"]),
        "activities/minutesFairlyActive": series("activities-minutesFairlyActive", t["fairly"]),
        "activities/minutesVeryActive": series("activities-minutesVeryActive", t["very"]),
        "activities/active-zone-minutes": {"activities-active-zone-minutes": [{"dateTime": DAY.isoformat(), "value": {
            "activeZoneMinutes": sum(t["azm"].values()), "fatBurnActiveZoneMinutes": t["azm"]["fat_burn"],
            "cardioActiveZoneMinutes": t["azm"]["cardio"], "peakActiveZoneMinutes": t["azm"]["peak"]}}]},
        "activities/heart": {"activities-heart": [{"dateTime": DAY.isoformat(), "value": {
            "customHeartRateZones": [], "restingHeartRate": t["resting"],
            "heartRateZones": zones}}]},
        "sleep": {"sleep": [{
            "dateOfSleep": DAY.isoformat(),
            "startTime": sleep["start"].isoformat() + ".000", "endTime": end.isoformat() + ".000",
            "isMainSleep": True, "type": "stages", "logId": 49000000001, "minutesAsleep": sleep["asleep"],
            "minutesAwake": sleep["stages"]["awake"], "timeInBed": sleep["minutes"], "minutesToFallAsleep": 0,
            "minutesAfterWakeup": 0, "efficiency": 95, "levels": {"summary": stages, "data": []}}]},
        "weight": {"weight": [{"date": DAY.isoformat(), "time": "06:58:00", "weight": t["weight_g"] / 1000,
                               "fat": t["fat"], "bmi": bmi, "logId": 7, "source": "Aria"}]},
        "intraday": {DAY: {"activities-heart-intraday": {"datasetInterval": 1, "datasetType": "minute", "dataset": [
            {"time": f"{m // 60:02d}:{m % 60:02d}:00", "value": heart_rate(m)} for m in range(1440)]}}},
    }


def day_point(key: str, value: dict) -> dict:
    return {"rollupDataPoints": [{"civilStartTime": civil(datetime(2026, 10, 20)),
                                  "civilEndTime": civil(datetime(2026, 10, 21)), key: value}]}


def sample(local: datetime) -> dict:
    return {"physicalTime": f"{utc(local):%Y-%m-%dT%H:%M:%SZ}", "utcOffset": "-14400s", "civilTime": civil(local)}


def google_payloads() -> dict:
    """The same day as the Google Health API reports it (UTC instants, civil times, int64 strings)."""
    t, sleep = TRUTH, TRUTH["sleep"]
    end = sleep["start"] + timedelta(minutes=sleep["minutes"])
    weighed = datetime(2026, 10, 20, 6, 58)
    stage_summary = [{"type": k.upper(), "minutes": str(v)} for k, v in sleep["stages"].items()]
    return {
        "steps": day_point("steps", {"countSum": str(t["steps"])}),
        "distance": day_point("distance", {"millimetersSum": str(t["distance_mm"])}),
        "total-calories": day_point("totalCalories", {"kcalSum": t["calories"] + 0.3}),
        "floors": day_point("floors", {"countSum": str(t["floors"])}),
        "active-minutes": day_point("activeMinutes", {"activeMinutesRollupByActivityLevel": [
            {"activityLevel": "LIGHT", "activeMinutesSum": "200"},
            {"activityLevel": "MODERATE", "activeMinutesSum": str(t["fairly"])},
            {"activityLevel": "VIGOROUS", "activeMinutesSum": str(t["very"])}]}),
        "active-zone-minutes": day_point("activeZoneMinutes", {
            "sumInFatBurnHeartZone": str(t["azm"]["fat_burn"]), "sumInCardioHeartZone": str(t["azm"]["cardio"]),
            "sumInPeakHeartZone": str(t["azm"]["peak"])}),
        "time-in-heart-rate-zone": day_point("timeInHeartRateZone", {"timeInHeartRateZones": [
            {"heartRateZone": z, "duration": f"{m * 60}s"} for z, m in t["zones"].items()]}),
        "daily-resting-heart-rate": {"dataPoints": [{"dailyRestingHeartRate": {
            "date": civil(weighed)["date"], "beatsPerMinute": str(t["resting"])}}]},
        "sleep": [{"dataPoints": [{"name": "users/u1/dataTypes/sleep/dataPoints/s1", "sleep": {
            "interval": {"startTime": f"{utc(sleep['start']):%Y-%m-%dT%H:%M:%SZ}", "startUtcOffset": "-14400s",
                         "endTime": f"{utc(end):%Y-%m-%dT%H:%M:%SZ}", "endUtcOffset": "-14400s",
                         "civilStartTime": civil(sleep["start"]), "civilEndTime": civil(end)},
            "type": "STAGES", "metadata": {"mainSleep": True, "processed": True},
            "summary": {"minutesInSleepPeriod": str(sleep["minutes"]), "minutesAsleep": str(sleep["asleep"]),
                        "minutesAwake": str(sleep["stages"]["awake"]),
                        "stagesSummary": stage_summary}}}]}],
        "weight": {"dataPoints": [{"weight": {"sampleTime": sample(weighed), "weightGrams": float(t["weight_g"])}}]},
        "body-fat": {"dataPoints": [{"bodyFat": {"sampleTime": sample(weighed), "percentage": t["fat"]}}]},
        "height": {"dataPoints": [{"height": {"sampleTime": sample(datetime(2024, 5, 1, 9, 0)),
                                              "heightMillimeters": str(t["height_mm"])}}]},
        "heart-rate": {DAY: {"rollupDataPoints": [
            {"startTime": f"{utc(datetime(2026, 10, 20) + timedelta(minutes=m)):%Y-%m-%dT%H:%M:%SZ}",
             "heartRate": {"beatsPerMinuteAvg": heart_rate(m) + 0.2}} for m in range(1440)]}},
    }


@responses.activate
def test_a_full_day_fetched_through_either_adapter_gives_identical_rows():
    register_legacy(responses, legacy_payloads(), DAY, DAY)
    old = SOURCE.fetch(make_ctx("legacy", DAY, DAY))
    register_google(responses, google_payloads(), DAY, DAY)
    new = SOURCE.fetch(make_ctx("google", DAY, DAY))
    assert row_sets(old) == row_sets(new)
    assert len(new.daily) == 20 and len(new.intraday) == 1440
    assert [e["external_id"] for e in new.events] == ["sleep:2026-10-19T22:45"]
    assert (old.complete_through, new.complete_through) == (None, None)


@responses.activate
def test_every_metric_written_is_in_the_catalog_and_both_ways_in_are_offered():
    register_google(responses, google_payloads(), DAY, DAY)
    rows = SOURCE.fetch(make_ctx("google", DAY, DAY))
    catalog = {m.key for m in SOURCE.manifest.metrics}
    assert {r["metric"] for r in rows.daily + rows.intraday} == catalog
    assert [adapter for adapter, _, _ in SOURCE.connect_options()] == ["google", "legacy"]
    assert SOURCE.oauth_spec({"adapter": "legacy"}).token_url == "https://api.fitbit.com/oauth2/token"
    assert SOURCE.oauth_spec({}).token_url == "https://oauth2.googleapis.com/token"
