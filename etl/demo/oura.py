"""Oura API v2 documents for the simulated days, through the real Oura transform."""
from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from etl.data_sources.base import Rows, Window
from etl.data_sources.oura import transform
from etl.demo.person import Day, clip, rng


def documents(days: list[Day], activity_until: date, tz: str) -> dict[str, list[dict]]:
    """The day-keyed collections and sleep periods Oura would answer with."""
    zone = ZoneInfo(tz)
    docs: dict[str, list[dict]] = {name: [] for name in transform.DAILY_FIELDS}
    docs["sleep"] = []
    for day in days:
        if day.night.ring_worn:
            docs["daily_sleep"].append(_daily_sleep(day))
            docs["daily_readiness"].append(_daily_readiness(day))
            docs["daily_spo2"].append({"id": f"spo2-{day.day}", "day": day.day.isoformat(),
                                       "spo2_percentage": {"average": day.night.spo2},
                                       "breathing_disturbance_index": int(rng(day.day, "bdi").uniform(2, 12))})
            docs["sleep"].append(_sleep_period(day, zone))
        if day.nap:
            docs["sleep"].append(_nap(day, zone))
        if day.day <= activity_until:
            docs["daily_activity"].append(_daily_activity(day))
            docs["daily_stress"].append(_daily_stress(day))
    return docs


def rows(days: list[Day], activity_until: date, tz: str) -> Rows:
    """The rows the real transform makes of those documents (no heart-rate samples)."""
    window = Window(days[0].day, days[-1].day)
    return transform.to_rows(documents(days, activity_until, tz), [], window, tz)


def _daily_sleep(day: Day) -> dict:
    n = day.night
    contributors = {"deep_sleep": _pct(n.deep / 90), "efficiency": _pct(n.asleep / n.in_bed * 1.05),
                    "latency": _pct(1.2 - n.latency / 40), "rem_sleep": _pct(n.rem / 100),
                    "restfulness": _pct(1.1 - n.awake / 80), "timing": _pct(1.0 if not n.went_out else 0.7),
                    "total_sleep": _pct(n.asleep / 480)}
    return {"id": f"ds-{day.day}", "day": day.day.isoformat(), "score": n.score, "contributors": contributors,
            "timestamp": f"{day.day.isoformat()}T00:00:00+00:00"}


def _daily_readiness(day: Day) -> dict:
    n = day.night
    contributors = {"activity_balance": _pct(0.85), "body_temperature": _pct(1 - abs(n.temperature_deviation)),
                    "hrv_balance": _pct(0.75 + (n.hrv - n.hrv_baseline) / 40), "previous_day_activity": _pct(0.8),
                    "previous_night": _pct(n.score / 100), "recovery_index": _pct(0.9),
                    "resting_heart_rate": _pct(1.5 - n.rhr / 110), "sleep_balance": _pct(n.asleep / 470)}
    return {"id": f"dr-{day.day}", "day": day.day.isoformat(), "score": day.readiness,
            "temperature_deviation": n.temperature_deviation,
            "temperature_trend_deviation": round(n.temperature_deviation / 2, 2), "contributors": contributors,
            "timestamp": f"{day.day.isoformat()}T00:00:00+00:00"}


def _sleep_period(day: Day, zone: ZoneInfo) -> dict:
    n = day.night
    return {
        "id": f"s-{day.day}", "type": "long_sleep", "day": day.day.isoformat(),
        "bedtime_start": n.bedtime.replace(tzinfo=zone).isoformat(),
        "bedtime_end": n.wake.replace(tzinfo=zone).isoformat(),
        "total_sleep_duration": n.asleep * 60, "deep_sleep_duration": n.deep * 60, "rem_sleep_duration": n.rem * 60,
        "light_sleep_duration": n.light * 60, "awake_time": (n.in_bed - n.asleep) * 60, "time_in_bed": n.in_bed * 60,
        "latency": n.latency * 60, "efficiency": round(100 * n.asleep / n.in_bed),
        "average_heart_rate": n.rhr + 3.5, "lowest_heart_rate": n.rhr - 4, "average_hrv": round(n.hrv),
        "average_breath": n.respiratory_rate, "period": 0,
        "readiness": {"score": day.readiness, "temperature_deviation": n.temperature_deviation},
    }


def _nap(day: Day, zone: ZoneInfo) -> dict:
    start, minutes = day.nap
    end = start + timedelta(minutes=minutes + 4)
    return {"id": f"nap-{day.day}", "type": "sleep", "day": day.day.isoformat(),
            "bedtime_start": start.replace(tzinfo=zone).isoformat(),
            "bedtime_end": end.replace(tzinfo=zone).isoformat(),
            "total_sleep_duration": minutes * 60, "time_in_bed": (minutes + 4) * 60, "awake_time": 240}


def _daily_activity(day: Day) -> dict:
    steps = round(day.steps * 0.96 + rng(day.day, "oura-steps").gauss(0, 250))
    score = round(clip(62 + (steps - 7000) / 350 + 3 * len(day.workouts), 35, 99))
    return {"id": f"da-{day.day}", "day": day.day.isoformat(), "score": score, "steps": steps,
            "active_calories": day.active_kcal, "total_calories": day.active_kcal + 1750,
            "high_activity_time": day.very_active * 60, "medium_activity_time": day.fairly_active * 60,
            "low_activity_time": day.lightly_active * 60,
            "sedentary_time": max(0, 16 * 60 - day.very_active - day.fairly_active - day.lightly_active) * 60,
            "resting_time": day.night.asleep * 60,
            "contributors": {"meet_daily_targets": _pct(steps / 10000), "move_every_hour": _pct(0.9),
                             "recovery_time": _pct(0.95), "stay_active": _pct(0.8),
                             "training_frequency": _pct(0.85), "training_volume": _pct(0.9)},
            "timestamp": f"{day.day.isoformat()}T04:00:00+00:00"}


def _daily_stress(day: Day) -> dict:
    r = rng(day.day, "stress")
    meetings = sum(s.minutes for s in day.sessions if s.kind == "meeting")
    return {"id": f"st-{day.day}", "day": day.day.isoformat(), "day_summary": "normal",
            "stress_high": int((40 + meetings * 0.8 + r.uniform(0, 40)) * 60),
            "recovery_high": int((30 + day.night.hrv - 45 + r.uniform(0, 30)) * 60)}


def _pct(share: float) -> int:
    """A contributor score 1..100 from a share (1.0 = 100)."""
    return round(clip(share * 100, 1, 100))

