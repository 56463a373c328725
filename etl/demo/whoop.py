"""WHOOP v2 records (cycles, recoveries, sleeps, workouts, body) for the simulated days, through the real transform.

The last day's cycle, sleep and recovery are still ``PENDING_SCORE``, as they are for a member
whose morning sync ran before WHOOP finished scoring the night.
"""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from etl.data_sources.base import Rows, Window
from etl.data_sources.whoop import transform
from etl.demo.clock import offset, utc_z
from etl.demo.heart import WHOOP_MAX_HR, whoop_zone_millis
from etl.demo.life import life_day
from etl.demo.person import Day, clip, rng

NAMESPACE = uuid.UUID("6f1b0d5e-3f4c-4c1e-9a55-2d7d3c0e0a11")
USER_ID = 10129
BODY = {"height_meter": 1.78, "weight_kilogram": 77.8, "max_heart_rate": WHOOP_MAX_HR}


def records(days: list[Day], pending: date, tz: str) -> dict[str, list[dict]]:
    """The four collections; days from ``pending`` on are not scored yet."""
    found: dict[str, list[dict]] = {"cycles": [], "recoveries": [], "sleeps": [], "workouts": []}
    for day in days:
        scored = day.day < pending
        found["sleeps"].append(_sleep(day, scored, tz))
        found["cycles"].append(_cycle(day, scored, tz))
        found["recoveries"].append(_recovery(day, scored))
        if day.nap:
            found["sleeps"].append(_nap(day, tz))
        if scored:
            found["workouts"] += [_workout(day, i, tz) for i in range(len(day.workouts))]
    return found


def rows(days: list[Day], pending: date, tz: str) -> Rows:
    """Rows from the real transform, plus the body measurement stamped on the last day."""
    window = Window(days[0].day, days[-1].day)
    found = transform.body_rows(BODY, window.end)
    found.extend(transform.build_rows(records(days, pending, tz), window))
    return found


def _id(kind: str, day: date, n: int = 0) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{day.isoformat()}:{n}"))


def _cycle_id(day: date) -> int:
    return 90_000_000 + day.toordinal() % 1_000_000


def _sleep(day: Day, scored: bool, tz: str) -> dict:
    n = day.night
    record = {"id": _id("sleep", day.day), "cycle_id": _cycle_id(day.day), "user_id": USER_ID,
              "start": utc_z(n.bedtime, tz), "end": utc_z(n.wake, tz), "timezone_offset": offset(n.bedtime, tz),
              "nap": False, "score_state": "SCORED" if scored else "PENDING_SCORE"}
    if scored:
        debt = max(0, 450 - life_day(day.day - timedelta(days=1)).night.asleep)
        need = 460 + 0.5 * debt + 2 * max(0, day.strain - 12)
        record["score"] = {
            "stage_summary": {"total_in_bed_time_milli": n.in_bed * 60_000,
                              "total_awake_time_milli": (n.in_bed - n.asleep) * 60_000, "total_no_data_time_milli": 0,
                              "total_light_sleep_time_milli": n.light * 60_000,
                              "total_slow_wave_sleep_time_milli": n.deep * 60_000,
                              "total_rem_sleep_time_milli": n.rem * 60_000,
                              "sleep_cycle_count": max(2, n.asleep // 95), "disturbance_count": n.awake // 4},
            "sleep_needed": {"baseline_milli": 460 * 60_000,
                             "need_from_sleep_debt_milli": int((need - 460) * 60_000 * 0.7),
                             "need_from_recent_strain_milli": int((need - 460) * 60_000 * 0.3),
                             "need_from_recent_nap_milli": 0},
            "respiratory_rate": n.respiratory_rate,
            "sleep_performance_percentage": round(clip(100 * n.asleep / need, 30, 100)),
            "sleep_consistency_percentage": round(clip(92 - (25 if n.went_out else 0) + rng(day.day, "sc").gauss(0, 4),
                                                       30, 100)),
            "sleep_efficiency_percentage": round(100 * n.asleep / n.in_bed, 1),
        }
    return record


def _nap(day: Day, tz: str) -> dict:
    start, minutes = day.nap
    end = start + timedelta(minutes=minutes + 4)
    return {"id": _id("nap", day.day), "cycle_id": _cycle_id(day.day), "user_id": USER_ID, "start": utc_z(start, tz),
            "end": utc_z(end, tz), "timezone_offset": offset(start, tz), "nap": True, "score_state": "SCORED",
            "score": {"stage_summary": {"total_in_bed_time_milli": (minutes + 4) * 60_000,
                                        "total_awake_time_milli": 240_000, "total_no_data_time_milli": 0,
                                        "total_light_sleep_time_milli": minutes * 45_000,
                                        "total_slow_wave_sleep_time_milli": minutes * 15_000,
                                        "total_rem_sleep_time_milli": 0, "sleep_cycle_count": 1,
                                        "disturbance_count": 0}}}


def _cycle(day: Day, scored: bool, tz: str) -> dict:
    start = day.night.bedtime
    record = {"id": _cycle_id(day.day), "user_id": USER_ID, "start": utc_z(start, tz),
              "timezone_offset": offset(start, tz), "score_state": "SCORED" if scored else "PENDING_SCORE"}
    if scored:
        record["end"] = utc_z(life_day(day.day + timedelta(days=1)).night.bedtime, tz)
        record["score"] = {"strain": day.strain, "kilojoule": round((day.active_kcal + 1750) * 4.184, 1),
                           "average_heart_rate": day.night.rhr + 17,
                           "max_heart_rate": max((w.max_hr for w in day.workouts), default=126)}
    return record


def _recovery(day: Day, scored: bool) -> dict:
    record = {"cycle_id": _cycle_id(day.day), "sleep_id": _id("sleep", day.day), "user_id": USER_ID,
              "score_state": "SCORED" if scored else "PENDING_SCORE"}
    if scored:
        n = day.night
        record["score"] = {"user_calibrating": False, "recovery_score": day.recovery, "resting_heart_rate": n.rhr,
                           "hrv_rmssd_milli": n.hrv, "spo2_percentage": n.spo2,
                           "skin_temp_celsius": round(33.6 + n.temperature_deviation, 2)}
    return record


def _workout(day: Day, index: int, tz: str) -> dict:
    w = day.workouts[index]
    score = {"strain": w.strain, "average_heart_rate": w.avg_hr, "max_heart_rate": w.max_hr,
             "kilojoule": round(w.kcal * 4.184, 1), "percent_recorded": 100,
             "zone_durations": whoop_zone_millis(w.start, w.end)}
    if w.distance_km:
        score.update(distance_meter=round(w.distance_km * 1000, 1), altitude_gain_meter=round(w.distance_km * 6, 1),
                     altitude_change_meter=0.0)
    return {"id": _id("workout", day.day, index), "user_id": USER_ID, "start": utc_z(w.start, tz),
            "end": utc_z(w.end, tz), "timezone_offset": offset(w.start, tz), "sport_name": w.sport,
            "score_state": "SCORED", "score": score}
