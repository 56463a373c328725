"""The simulated person's heart rate, minute by minute: low asleep, higher awake, high in workouts."""
from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from functools import cache

from etl.demo.life import life_day
from etl.demo.person import clip, rng

MINUTES = 24 * 60
FITBIT_ZONES = (("Out of Range", 30, 115), ("Fat Burn", 115, 137), ("Cardio", 137, 165), ("Peak", 165, 220))
WHOOP_MAX_HR = 190  # WHOOP zones are shares of the maximum heart rate


@cache
def minute_heart_rate(day: date) -> tuple[int, ...]:
    """1,440 values, one per local minute of ``day``."""
    today, tomorrow = life_day(day), life_day(day + timedelta(days=1))
    r, midnight = rng(day, "heart"), datetime.combine(day, time())
    wake = _minute(today.night.wake, midnight)
    sleep_again = _minute(tomorrow.night.bedtime, midnight)
    rest, drift, values = today.night.rhr, 0.0, []
    efforts = [(_minute(w.start, midnight), _minute(w.end, midnight), w.avg_hr) for w in today.workouts]
    if today.work_day:  # a brisk walk to work and back
        efforts += [(8 * 60 + 20, 8 * 60 + 38, 112), (17 * 60 + 50, 18 * 60 + 8, 114)]
    for minute in range(MINUTES):
        drift = clip(drift * 0.92 + r.gauss(0, 2.2), -12, 25)
        if minute < wake or minute >= sleep_again:
            cycle = 4 * math.sin(2 * math.pi * (minute - wake) / 90)  # REM every ~90 minutes lifts it a little
            bpm = rest + 3 + cycle + r.gauss(0, 1.2)
        else:
            bpm = rest + 17 + 5 * math.sin(math.pi * (minute - wake) / max(sleep_again - wake, 1)) + drift
            bpm = _in_workout(bpm, minute, efforts, r)
        values.append(int(clip(round(bpm), 38, 195)))
    return tuple(values)


def _in_workout(bpm: float, minute: int, efforts: list[tuple[int, int, int]], r) -> float:
    """Warm-up, effort and cool-down around each workout."""
    for start, end, target in efforts:
        if start <= minute < end:
            warm = min(1.0, (minute - start) / 6)
            return bpm + (target - bpm) * warm + r.gauss(0, 5)
        if end <= minute < end + 12:
            return bpm + (target - bpm) * math.exp(-(minute - end) / 4)
    return bpm


def _minute(moment: datetime, midnight: datetime) -> int:
    """Minutes from ``midnight`` (may be negative or past the day)."""
    return int((moment - midnight).total_seconds() // 60)


def fitbit_zone_minutes(day: date) -> dict[str, int]:
    """Minutes per Fitbit heart-rate zone (by its default thresholds)."""
    counts = dict.fromkeys((name for name, _, _ in FITBIT_ZONES), 0)
    for bpm in minute_heart_rate(day):
        name = next(n for n, low, high in FITBIT_ZONES if low <= bpm < high or high == 220)
        counts[name] += 1
    return counts


def whoop_zone_millis(start: datetime, end: datetime) -> dict[str, int]:
    """Milliseconds in WHOOP zones 0–5 (below 50 %, then 10 %-wide bands of max HR) during a workout."""
    words = ("zero", "one", "two", "three", "four", "five")
    counts = dict.fromkeys(words, 0)
    curve, midnight = minute_heart_rate(start.date()), datetime.combine(start.date(), time())
    for minute in range(max(0, _minute(start, midnight)), min(MINUTES, _minute(end, midnight))):
        share = curve[minute] / WHOOP_MAX_HR
        counts[words[int(clip((share - 0.4) * 10, 0, 5))]] += 60_000
    return {f"zone_{word}_milli": value for word, value in counts.items()}
