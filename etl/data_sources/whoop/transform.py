"""Pure functions from WHOOP v2 payloads to rows (no I/O).

Which day a record belongs to (the user's local calendar day, from the record's own
``timezone_offset``):

* sleep and nap: the local date of the sleep's ``end`` (you slept "last night" on the day you wake up);
* cycle and its recovery: :func:`cycle_day`, the local date of the cycle's start moved forward 12 hours;
* workout: the local date of its ``start``.

Records whose ``score_state`` is not ``SCORED`` (``PENDING_SCORE``, ``UNSCORABLE``) keep their event,
with the state in ``data``, but write no score rows; the sync's overlap window re-reads them later.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from etl.data_sources.base import Rows, Window

KJ_PER_KCAL = 4.184
ZONES = ("zero", "one", "two", "three", "four", "five")
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")


class UnreadableRecordError(ValueError):
    """One record lacks a field we need; it is counted in ``Rows.skipped`` instead of failing the sync."""


def build_rows(payloads: dict[str, list[dict[str, Any]]], days: Window) -> Rows:
    """All rows for the cycle, recovery, sleep and workout records, keeping only days inside ``days``."""
    rows = Rows()
    cycles = _place(payloads.get("cycles", []), "/v2/cycle", _cycle_rule, rows)
    sleeps = _place(payloads.get("sleeps", []), "/v2/activity/sleep", _end_rule, rows)
    recoveries = _recoveries_by_cycle(payloads.get("recoveries", []), cycles, sleeps, rows)
    for cycle, when in cycles.values():
        _add_cycle(rows, cycle, when, recoveries.pop(cycle["id"], (None, None))[0])
    for recovery, day in recoveries.values():  # recoveries whose cycle was not read: placed by their sleep
        _add_daily(rows, day, _recovery_values(recovery))
    _add_sleeps(rows, sleeps.values())
    _add_workouts(rows, _place(payloads.get("workouts", []), "/v2/activity/workout", _start_rule, rows).values())
    return _inside(rows, days)


def body_rows(body: dict[str, Any], day: date) -> Rows:
    """Weight, height and max heart rate from the body measurement, stamped on ``day``."""
    rows = Rows()
    _add_daily(rows, day, {
        "whoop.weight_kg": body.get("weight_kilogram"),
        "whoop.height_m": body.get("height_meter"),
        "whoop.max_heart_rate": body.get("max_heart_rate"),
    })
    return rows


def cycle_day(start: datetime, offset: timedelta) -> date:
    """The calendar day of a cycle (and its recovery): local start + 12 hours, as a date.

    A cycle starts when the member falls asleep and WHOOP shows its recovery on the morning
    they wake up, i.e. on the local date of the sleep's end. A night's sleep starts in the
    evening (local hour >= 12: that date + 1) or after midnight (hour < 12: that date), so
    "local start + 12 h" lands recovery for the night of Nov 2 -> 3 on Nov 3 in every
    timezone. It needs only the cycle itself, so a cycle's day never depends on which other
    records a sync happened to read (which would leave stale rows on another day).
    """
    return (start + offset + timedelta(hours=12)).date()


def parse_offset(value: Any) -> timedelta:
    """A WHOOP ``timezone_offset`` ('+hh:mm', '-hh:mm' or 'Z') as a timedelta."""
    if value in ("Z", "z"):
        return timedelta(0)
    match = _OFFSET.match(value) if isinstance(value, str) else None
    if not match:
        raise UnreadableRecordError(f"timezone_offset {value!r} is not '+hh:mm', '-hh:mm' or 'Z'")
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    return -delta if sign == "-" else delta


def parse_time(value: Any) -> datetime:
    """An ISO 8601 timestamp as a naive UTC datetime."""
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise UnreadableRecordError(f"{value!r} is not an ISO 8601 date-time") from exc
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def minutes(milli: Any) -> float | None:
    """Milliseconds as minutes (None stays None)."""
    return None if milli is None else round(milli / 60000, 2)


def kcal(kilojoules: Any) -> float | None:
    """Kilojoules as kilocalories (None stays None)."""
    return None if kilojoules is None else round(kilojoules / KJ_PER_KCAL, 1)


class When(NamedTuple):
    """Where a record sits in time: naive-UTC ``start``/``end`` (None for the current cycle) and its day."""

    start: datetime
    end: datetime | None
    day: date


def _cycle_rule(start: datetime, end: datetime | None, offset: timedelta) -> date:
    """Day rule for cycles: see :func:`cycle_day`."""
    return cycle_day(start, offset)


def _end_rule(start: datetime, end: datetime | None, offset: timedelta) -> date:
    """Day rule for sleeps: the local date of the end."""
    if end is None:
        raise UnreadableRecordError("field 'end' is missing")
    return (end + offset).date()


def _start_rule(start: datetime, end: datetime | None, offset: timedelta) -> date:
    """Day rule for workouts: the local date of the start."""
    return (start + offset).date()


DayRule = Callable[[datetime, "datetime | None", timedelta], date]


def _place(records: list[dict[str, Any]], path: str, rule: DayRule, rows: Rows) -> dict[Any, tuple[dict, When]]:
    """``{id: (record, When)}`` ordered by start; records with unreadable times are counted as skipped."""
    placed = {}
    for record in records:
        if not isinstance(record, dict) or record.get("id") is None:
            _skip(rows, f"WHOOP {path}: a record without an 'id'")
    for record in _unique(records, "id"):
        try:
            start, end = parse_time(record.get("start")), record.get("end")
            end = parse_time(end) if end else None
            day = rule(start, end, parse_offset(record.get("timezone_offset")))
            placed[record["id"]] = (record, When(start, end, day))
        except UnreadableRecordError as exc:
            _skip(rows, f"WHOOP {path} record {record['id']}: {exc}")
    return dict(sorted(placed.items(), key=lambda item: item[1][1].start))


def _recoveries_by_cycle(recoveries: list[dict[str, Any]], cycles: dict[Any, tuple[dict, When]],
                         sleeps: dict[Any, tuple[dict, When]], rows: Rows) -> dict[Any, tuple[dict, date]]:
    """``{cycle id: (recovery, day)}``: its cycle's day, else (cycle not read) the day its sleep ended."""
    found = {}
    for recovery in _unique(recoveries, "cycle_id"):
        placed = cycles.get(recovery["cycle_id"]) or sleeps.get(recovery.get("sleep_id"))
        if placed is None:
            _skip(rows, f"WHOOP /v2/recovery record for cycle {recovery['cycle_id']}: "
                        "its cycle and sleep were not read")
        else:
            found[recovery["cycle_id"]] = (recovery, placed[1].day)
    return found


def _add_cycle(rows: Rows, cycle: dict[str, Any], when: When, recovery: dict[str, Any] | None) -> None:
    """The cycle event (with its recovery in ``data``), its strain/energy/heart-rate rows and recovery rows."""
    score = _score(cycle)
    values = {
        "whoop.strain": score.get("strain"),
        "whoop.day_kilojoules": score.get("kilojoule"),
        "whoop.day_kcal": kcal(score.get("kilojoule")),
        "whoop.day_avg_hr": score.get("average_heart_rate"),
        "whoop.day_max_hr": score.get("max_heart_rate"),
    }
    _add_daily(rows, when.day, values)
    data = {"cycle_id": cycle["id"], **_state(cycle), **_clean({
        "strain": values["whoop.strain"], "kilojoules": values["whoop.day_kilojoules"],
        "kcal": values["whoop.day_kcal"], "average_heart_rate": values["whoop.day_avg_hr"],
        "max_heart_rate": values["whoop.day_max_hr"]})}
    if recovery is not None:
        data["recovery"] = {"sleep_id": recovery.get("sleep_id"), **_state(recovery), **_clean(_score(recovery))}
        _add_daily(rows, when.day, _recovery_values(recovery))
    _add_event(rows, "cycle", f"cycle:{cycle['id']}", when, data)


def _recovery_values(recovery: dict[str, Any]) -> dict[str, Any]:
    """Recovery score rows (none unless SCORED; SpO2 and skin temperature only on WHOOP 4.0+)."""
    score = _score(recovery)
    return {
        "whoop.recovery_score": score.get("recovery_score"),
        "whoop.resting_hr": score.get("resting_heart_rate"),
        "whoop.hrv_rmssd": score.get("hrv_rmssd_milli"),
        "whoop.spo2": score.get("spo2_percentage"),
        "whoop.skin_temp_c": score.get("skin_temp_celsius"),
    }


def _add_sleeps(rows: Rows, sleeps: Iterable[tuple[dict, When]]) -> None:
    """Sleep and nap events, the main sleep's rows, and nap totals per day."""
    nap_count: dict[date, int] = defaultdict(int)
    nap_minutes: dict[date, float] = {}
    for sleep, when in sleeps:
        values, nap = _sleep_values(sleep), bool(sleep.get("nap"))
        data = {"cycle_id": sleep.get("cycle_id"), "nap": nap, **_state(sleep),
                **_clean({name.removeprefix("whoop."): value for name, value in values.items()})}
        # One id namespace for naps and main sleeps, so a re-classified sleep updates its event.
        _add_event(rows, "nap" if nap else "sleep", f"sleep:{sleep['id']}", when, data)
        if not nap:
            _add_daily(rows, when.day, values)
            continue
        nap_count[when.day] += 1
        if values["whoop.sleep_minutes"] is not None:
            nap_minutes[when.day] = nap_minutes.get(when.day, 0.0) + values["whoop.sleep_minutes"]
    for day, count in nap_count.items():
        _add_daily(rows, day, {"whoop.nap_count": count, "whoop.nap_minutes": nap_minutes.get(day)})


def _sleep_values(sleep: dict[str, Any]) -> dict[str, Any]:
    """Scores and stage durations (minutes) of one sleep; all None unless SCORED."""
    score = _score(sleep)
    stages = score.get("stage_summary") or {}
    need = score.get("sleep_needed") or {}
    asleep = [stages.get(f"total_{s}_time_milli") for s in ("light_sleep", "slow_wave_sleep", "rem_sleep")]
    need_parts = [need.get(k) for k in ("baseline_milli", "need_from_sleep_debt_milli",
                                         "need_from_recent_strain_milli", "need_from_recent_nap_milli")]
    return {
        "whoop.sleep_performance": score.get("sleep_performance_percentage"),
        "whoop.sleep_efficiency": score.get("sleep_efficiency_percentage"),
        "whoop.sleep_consistency": score.get("sleep_consistency_percentage"),
        "whoop.respiratory_rate": score.get("respiratory_rate"),
        "whoop.sleep_minutes": minutes(sum(asleep)) if None not in asleep else None,
        "whoop.in_bed_minutes": minutes(stages.get("total_in_bed_time_milli")),
        "whoop.awake_minutes": minutes(stages.get("total_awake_time_milli")),
        "whoop.light_sleep_minutes": minutes(asleep[0]),
        "whoop.deep_sleep_minutes": minutes(asleep[1]),
        "whoop.rem_sleep_minutes": minutes(asleep[2]),
        "whoop.sleep_cycles": stages.get("sleep_cycle_count"),
        "whoop.disturbances": stages.get("disturbance_count"),
        "whoop.sleep_need_minutes": minutes(sum(p or 0 for p in need_parts)) if need_parts[0] is not None else None,
    }


def _add_workouts(rows: Rows, workouts: Iterable[tuple[dict, When]]) -> None:
    """Workout events and per-day totals: count and duration for every workout, scores only when SCORED."""
    totals: dict[tuple[str, str, date], float] = defaultdict(float)
    strain: dict[date, float] = {}
    for workout, when in workouts:
        score, zones = _score(workout), _zone_minutes(workout)
        data = {**_clean({"sport_name": workout.get("sport_name")}), **_state(workout), **_clean({
            "strain": score.get("strain"), "average_heart_rate": score.get("average_heart_rate"),
            "max_heart_rate": score.get("max_heart_rate"), "kilojoules": score.get("kilojoule"),
            "kcal": kcal(score.get("kilojoule")), "percent_recorded": score.get("percent_recorded"),
            "distance_meter": score.get("distance_meter"), "altitude_gain_meter": score.get("altitude_gain_meter"),
            "altitude_change_meter": score.get("altitude_change_meter"), "zone_minutes": zones or None})}
        _add_event(rows, "workout", f"workout:{workout['id']}", when, data)
        day = when.day
        totals["whoop.workout_count", "", day] += 1
        if when.end is not None:
            totals["whoop.workout_minutes", "", day] += (when.end - when.start).total_seconds() / 60
        for metric, key in (("whoop.workout_kilojoules", "kilojoules"), ("whoop.workout_kcal", "kcal")):
            if key in data:
                totals[metric, "", day] += data[key]
        if "distance_meter" in data:
            totals["whoop.workout_distance_km", "", day] += data["distance_meter"] / 1000
        for zone, value in zones.items():
            totals["whoop.zone_minutes", zone, day] += value
        if "strain" in data:
            strain[day] = max(strain.get(day, 0.0), data["strain"])
    for (metric, dimension, day), value in totals.items():
        rows.daily.append({"metric": metric, "dimension": dimension, "day": day, "value": round(value, 2)})
    for day, value in strain.items():
        _add_daily(rows, day, {"whoop.workout_strain": value})


def _zone_minutes(workout: dict[str, Any]) -> dict[str, float]:
    """``{"zone_0": minutes, ...}`` from the workout's zone durations (empty unless SCORED)."""
    score = _score(workout)
    durations = score.get("zone_durations") or score.get("zone_duration") or {}
    zones = {f"zone_{n}": minutes(durations.get(f"zone_{word}_milli")) for n, word in enumerate(ZONES)}
    return _clean(zones)


def _score(record: dict[str, Any]) -> dict[str, Any]:
    """The record's ``score``, or {} unless ``score_state`` is SCORED."""
    if record.get("score_state") != "SCORED":
        return {}
    return record.get("score") or {}


def _state(record: dict[str, Any]) -> dict[str, Any]:
    """The fields every event's data keeps: score state and (for timed records) timezone offset."""
    return _clean({"score_state": record.get("score_state"), "timezone_offset": record.get("timezone_offset")})


def _add_event(rows: Rows, kind: str, external_id: str, when: When, data: dict[str, Any]) -> None:
    """Append one event row (start/end naive UTC; the current cycle has no end)."""
    rows.events.append({"kind": kind, "external_id": external_id, "start": when.start, "end": when.end,
                        "day": when.day, "data": data})


def _add_daily(rows: Rows, day: date, values: dict[str, Any]) -> None:
    """Append a daily row per metric whose value is not None."""
    for metric, value in values.items():
        if value is not None:
            rows.daily.append({"metric": metric, "dimension": "", "day": day, "value": float(value)})


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` without the None entries."""
    return {k: v for k, v in values.items() if v is not None}


def _unique(records: Iterable[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Records deduplicated on ``key`` (the last one read wins); records without it are dropped."""
    return list({r[key]: r for r in records if isinstance(r, dict) and r.get(key) is not None}.values())


def _skip(rows: Rows, note: str) -> None:
    """Count a record that could not be read, with a note for the sync run."""
    rows.skipped += 1
    rows.notes.append(note)


def _inside(rows: Rows, days: Window) -> Rows:
    """Only the rows whose day is inside ``days``, deduplicated on their keys (last wins)."""
    daily = {(r["metric"], r["dimension"], r["day"]): r for r in rows.daily if days.start <= r["day"] <= days.end}
    events = {r["external_id"]: r for r in rows.events if days.start <= r["day"] <= days.end}
    return Rows(daily=list(daily.values()), events=list(events.values()), notes=rows.notes, skipped=rows.skipped)
