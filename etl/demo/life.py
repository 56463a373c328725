"""One simulated person, day by day: the single truth every demo payload is drawn from.

Each day is a pure function of its date (seeded randomness), so re-running the demo writes
the same values for the same days. The story: late Friday and Saturday nights cut sleep and
HRV; recovery and readiness follow HRV; runs on Tuesday and Thursday, strength on Monday and
Wednesday, a long ride or hike on Saturday; focus time (and with it, commits) on work days,
more of it after a good night; a morning weigh-in and a few expenses a day, logged in a sheet.
"""
from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from functools import cache

from etl.demo.person import SPORTS, Day, Night, Workout, at, clip, goes_out, is_work_day, rng
from etl.demo.work import commits, side_project, work_sessions


def planned_workouts(day: date) -> list[tuple[str, float, int]]:
    """``(sport, start minute, minutes)`` planned for the day, before checking recovery."""
    r, weekday = rng(day, "plan"), day.weekday()
    if not is_work_day(day) and weekday < 5:
        return [("hiking/rucking", 600 + r.gauss(0, 30), int(r.uniform(90, 200)))] if r.random() < 0.7 else []
    plan = {0: [("weightlifting", 1080, 50)], 1: [("running", 1110, int(r.uniform(38, 55)))],
            2: [("weightlifting", 1080, 55)], 3: [("running", 1110, int(r.uniform(38, 55)))], 4: []}.get(weekday)
    if plan is not None:
        return plan
    if weekday == 5:
        return [("cycling", 630, int(r.uniform(90, 160)))] if r.random() < 0.7 else \
            [("hiking/rucking", 660, int(r.uniform(120, 180)))]
    return [("yoga", 570, 30)] if r.random() < 0.5 else []


def planned_strain(day: date) -> float:
    """How hard the day was planned to be (drives the next night's HRV)."""
    return max((SPORTS[s][2] * min(1.3, m / 60) for s, _, m in planned_workouts(day)), default=3.0)


@cache
def night(day: date) -> Night:
    """The night ending on ``day``: late after an evening out, short when an alarm cuts it."""
    r, evening = rng(day, "night"), day - timedelta(days=1)
    out = goes_out(evening)
    lateness = 95 + r.gauss(0, 35) if out else (70 + r.gauss(0, 20) if r.random() < 0.1 else r.gauss(0, 18))
    bedtime = at(evening, 23 * 60 + max(-45, lateness))
    if is_work_day(day):
        wake = at(day, 6 * 60 + 45 + r.gauss(0, 8))
    else:
        wake = min(bedtime + timedelta(minutes=490 + r.gauss(0, 30)), at(day, 9 * 60 + 45 + r.gauss(0, 15)))
    in_bed = (wake - bedtime).total_seconds() / 60
    latency = int(clip(9 + r.gauss(0, 4) - (4 if out else 0), 2, 30))
    awake = int(clip(24 + r.gauss(0, 7) + (14 if out else 0), 6, 70))
    asleep = in_bed - latency - awake
    deep = int(asleep * clip(0.18 - (0.04 if out else 0) + r.gauss(0, 0.015), 0.08, 0.26))
    rem = int(asleep * clip(0.22 - (0.05 if out else 0) + r.gauss(0, 0.02), 0.1, 0.3))
    light = int(asleep) - deep - rem
    baseline = 52 + 3 * math.sin(2 * math.pi * day.toordinal() / 120)
    hrv = clip(baseline - 0.06 * max(0, lateness - 20) - (7 if out else 0)
               - 0.7 * max(0, planned_strain(evening) - 11) + 0.05 * (asleep - 420) + r.gauss(0, 4), 18, 110)
    score = clip(89 - 0.13 * max(0, 480 - asleep) - 0.1 * max(0, lateness - 45) - (4 if out else 0)
                 + 40 * (deep / asleep - 0.18) + r.gauss(0, 3.5), 35, 97)
    rhr = round(57 - 0.18 * (hrv - baseline) + (3 if out else 0) + r.gauss(0, 1))
    return Night(bedtime=bedtime, wake=wake, latency=latency, awake=awake, deep=deep, rem=rem, light=light,
                 score=round(score), hrv=round(hrv, 1), hrv_baseline=round(baseline, 1), rhr=rhr,
                 respiratory_rate=round(14.6 + r.gauss(0, 0.3) + (0.4 if out else 0), 1),
                 temperature_deviation=round(r.gauss(0, 0.15) + (0.25 if out else 0), 2),
                 spo2=round(clip(96.6 + r.gauss(0, 0.6), 93, 99.5), 1), ring_worn=r.random() > 0.03,
                 went_out=out)


def workouts(day: date, recovery: int) -> tuple[Workout, ...]:
    """The planned workouts, skipping the hard ones on a red-recovery day."""
    r, done = rng(day, "workout"), []
    for sport, start, minutes in planned_workouts(day):
        if recovery < 34 and sport in ("running", "cycling"):
            continue
        avg, peak, strain, kcal, km = SPORTS[sport]
        effort = clip(0.9 + (recovery - 50) / 250 + r.gauss(0, 0.04), 0.8, 1.12)
        done.append(Workout(sport, at(day, start), minutes, round(avg * effort), round(peak * min(effort, 1.05)),
                            round(clip(strain * effort * min(1.3, minutes / 60), 2, 20), 1),
                            round(kcal * minutes * effort, 1), round(km * minutes * effort, 2) if km else None))
    return tuple(done)


@cache
def life_day(day: date) -> Day:
    """Everything about ``day``."""
    n, r = night(day), rng(day, "day")
    readiness = round(clip(72 + 1.1 * (n.hrv - n.hrv_baseline) + 0.35 * (n.score - 78)
                           - 0.8 * max(0, planned_strain(day - timedelta(days=1)) - 13) + r.gauss(0, 3), 30, 98))
    recovery = round(clip(58 + 2.6 * (n.hrv - n.hrv_baseline) + 0.25 * (n.score - 78) + r.gauss(0, 5), 2, 99))
    done = workouts(day, recovery)
    steps = _steps(day, done, r)
    strain = round(clip(5.5 + steps / 4000 + 0.55 * max((w.strain for w in done), default=0) + r.gauss(0, 0.6),
                        1, 21), 1)
    sessions = tuple(work_sessions(day, n) if is_work_day(day) else side_project(day))
    very = sum(w.minutes for w in done if w.sport in ("running", "cycling")) + int(r.uniform(0, 8))
    fairly = 12 + int(r.uniform(0, 15)) + sum(w.minutes // 2 for w in done if w.sport != "running")
    return Day(day=day, work_day=is_work_day(day), night=n, readiness=readiness, recovery=recovery, steps=steps,
               floors=max(0, round(9 + r.gauss(0, 4) + (35 if any(w.sport == "hiking/rucking" for w in done) else 0))),
               very_active=very, fairly_active=fairly, lightly_active=int(clip(190 + r.gauss(0, 40), 60, 320)),
               workouts=done, strain=strain, nap=_nap(day), sessions=sessions,
               commits=tuple(commits(day, sessions)), weight=_weight(day), expenses=tuple(expenses(day)))


def _steps(day: date, done: tuple[Workout, ...], r: random.Random) -> int:
    """Steps: the weekday's habit, plus the steps of runs and hikes."""
    base = (7200, 6900, 7300, 6900, 8300, 6000, 5600)[day.weekday()] + (2500 if not is_work_day(day) else 0)
    extra = sum(w.distance_km * 900 for w in done if w.sport == "running" and w.distance_km)
    extra += sum(w.minutes * 75 for w in done if w.sport == "hiking/rucking")
    return max(1500, round(base + extra + r.gauss(0, 1300)))


def _nap(day: date) -> tuple[datetime, int] | None:
    """A short weekend nap now and then."""
    r = rng(day, "nap")
    return (at(day, 14 * 60 + 30 + r.gauss(0, 20)), int(r.uniform(18, 35))) if day.weekday() >= 5 and \
        r.random() < 0.25 else None


def _weight(day: date) -> float | None:
    """The morning weigh-in: a slow seasonal drift, heavier after weekends, skipped now and then."""
    r = rng(day, "weight")
    if r.random() < 0.13:
        return None
    seasonal = 1.1 * math.sin(2 * math.pi * day.toordinal() / 365)
    return round(78.0 + seasonal + (0.4 if day.weekday() == 0 else 0) + r.gauss(0, 0.3), 1)


def expenses(day: date) -> list[tuple[str, float, str]]:
    """``(category, amount in euros, note)``: groceries, evenings out, lunch, transport, fun, household."""
    r, weekday, found = rng(day, "spend"), day.weekday(), []
    if weekday in (0, 3):
        found.append(("Groceries", round(r.uniform(35, 95), 2), "weekly shop"))
    if goes_out(day):
        found.append(("Eating out", round(r.uniform(28, 75), 2), "dinner with friends"))
    if is_work_day(day):
        found.append(("Transport", 2.90, "day ticket"))
        if r.random() < 0.4:
            found.append(("Eating out", round(r.uniform(9, 15), 2), "lunch"))
    if weekday >= 5 and r.random() < 0.5:
        found.append(("Fun", round(r.uniform(12, 45), 2), "cinema, museum or games"))
    if r.random() < 0.08:
        found.append(("Household", round(r.uniform(10, 80), 2), "this and that"))
    return found


def days_between(start: date, end: date) -> list[Day]:
    """Every simulated day from ``start`` to ``end`` inclusive."""
    return [life_day(start + timedelta(days=n)) for n in range((end - start).days + 1)]
