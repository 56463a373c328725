"""Which days of a source are complete: present, partly present, score pending, missing, sync failed.

Read from the store (which metrics each day has, events still waiting for a score) and from
sync_runs (the latest run covering a day without data says whether it failed, and why).
"""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from functools import partial

import plotly.graph_objects as go

from app.dashboards.figures import calendar, steps_colorscale
from app.dashboards.pages import Chart
from app.dashboards.ranges import View
from app.extensions import db
from database.integrations import find_integration
from database.models import DailyMetric, Event, SyncRun
from etl.data_sources.registry import all_sources, get_source

PRESENT, PARTIAL, PENDING, MISSING, FAILED = "present", "partial", "pending", "missing", "failed"
STATES = (PRESENT, PARTIAL, PENDING, MISSING, FAILED)
LABELS = {PRESENT: "Data present", PARTIAL: "Partly present", PENDING: "Score pending", MISSING: "Missing",
          FAILED: "Sync failed"}
COLORS = {PRESENT: "#2e9d57", PARTIAL: "#9fd3a8", PENDING: "#e0b000", MISSING: "#b9bec8", FAILED: "#d64545"}
EXPECTED_SHARE = 0.9  # a metric present on nearly every day with data is expected on each of them
PENDING_STATES = ("PENDING_SCORE",)
FAILED_RUNS = ("failed", "deferred")


def metrics_by_day(user_id: int, source: str, start: date, end: date) -> dict[date, set[str]]:
    """``{day: {metric, ...}}`` of the days that hold any daily value."""
    rows = db.session.execute(
        db.select(DailyMetric.day, DailyMetric.metric).distinct()
        .where(DailyMetric.user_id == user_id, DailyMetric.source == source,
               DailyMetric.day >= start, DailyMetric.day <= end)
    ).all()
    found: dict[date, set[str]] = {}
    for day, metric in rows:
        found.setdefault(day, set()).add(metric)
    return found


def pending_days(user_id: int, source: str, start: date, end: date) -> set[date]:
    """Days with an event the provider has not scored yet (e.g. WHOOP's PENDING_SCORE)."""
    state = Event.data["score_state"].as_string()
    return set(db.session.execute(
        db.select(Event.day).distinct()
        .where(Event.user_id == user_id, Event.source == source, Event.day >= start, Event.day <= end,
               state.in_(PENDING_STATES))
    ).scalars())


def runs_covering(user_id: int, source: str, start: date, end: date) -> list[SyncRun]:
    """Finished sync runs whose window overlaps the range, oldest first."""
    return list(db.session.execute(
        db.select(SyncRun).where(SyncRun.user_id == user_id, SyncRun.source == source,
                                 SyncRun.status != "running", SyncRun.window_start <= end,
                                 SyncRun.window_end >= start)
        .order_by(SyncRun.started_at, SyncRun.id)
    ).scalars())


def expected_metrics(by_day: dict[date, set[str]]) -> set[str]:
    """Metrics present on at least 90 % of the days with data (not those that depend on a workout, say)."""
    counts: dict[str, int] = {}
    for metrics in by_day.values():
        for metric in metrics:
            counts[metric] = counts.get(metric, 0) + 1
    return {m for m, n in counts.items() if n >= EXPECTED_SHARE * len(by_day)}


def day_states(user_id: int, source: str, start: date, end: date) -> dict[date, tuple[str, str]]:
    """``{day: (state, reason)}`` for every day of ``[start, end]``."""
    by_day = metrics_by_day(user_id, source, start, end)
    expected, pending = expected_metrics(by_day), pending_days(user_id, source, start, end)
    runs = runs_covering(user_id, source, start, end)
    integration = find_integration(user_id, source)
    labels = _labels(source, integration.settings if integration else {})
    states = {}
    for day in (start + timedelta(days=n) for n in range((end - start).days + 1)):
        if day in pending:
            states[day] = (PENDING, "the provider has not scored this day yet; the next sync fetches the score")
        elif day in by_day:
            missing = sorted(labels.get(m, m) for m in expected - by_day[day])
            states[day] = ((PARTIAL, "no " + ", ".join(missing[:3]) + (" …" if len(missing) > 3 else ""))
                           if missing else (PRESENT, _count(len(by_day[day]), "metric")))
        else:
            states[day] = _without_data(day, runs, integration)
    return states


def _count(n: int, noun: str) -> str:
    """'1 metric', '3 metrics'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _without_data(day: date, runs: list[SyncRun], integration) -> tuple[str, str]:
    """Why a day has no data: the latest run covering it failed, or the source had nothing."""
    covering = [r for r in runs if r.window_start <= day <= r.window_end]
    if covering and covering[-1].status in FAILED_RUNS:
        run = covering[-1]
        return FAILED, f"{run.status} on {run.started_at:%Y-%m-%d %H:%M} UTC: {run.error or 'no reason recorded'}"
    if covering:
        return MISSING, "synced, but the source had no data for this day"
    if integration is None or integration.credentials is None:
        return MISSING, "not connected"
    return MISSING, "not synced yet (outside every sync window so far)"


def _labels(source_key: str, settings: dict) -> dict[str, str]:
    """Metric key -> label from the source's catalog for this user."""
    source = get_source(source_key)
    return {m.key: m.label for m in source.metrics(settings or {})} if source else {}


def coverage_figure(states: dict[date, tuple[str, str]], start: date, end: date) -> go.Figure:
    """The calendar of one source: a colour per state, the reason on hover."""
    codes = {day: STATES.index(state) + 0.5 for day, (state, _) in states.items()}  # the middle of its band
    texts = {day: f"{day:%a %d %b %Y}: {LABELS[state]}<br>{reason}" for day, (state, reason) in states.items()}
    fig = calendar(codes, texts, start, end, colorscale=steps_colorscale([COLORS[s] for s in STATES]),
                   zmin=0, zmax=len(STATES))
    counts = Counter(state for state, _ in states.values())
    title = " · ".join(f"{counts[s]} {LABELS[s].lower()}" for s in STATES if counts[s])
    fig.update_layout(title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 12}},
                      margin={"l": 40, "r": 10, "t": 34, "b": 30})
    return fig


def coverage_charts() -> list[Chart]:
    """One calendar chart per registered source, named by the source key."""
    return [Chart(s.manifest.key, s.manifest.label, partial(_calendar, s.manifest.key)) for s in all_sources()]


def _calendar(source: str, view: View) -> go.Figure:
    """The calendar of one source over the view's days."""
    return coverage_figure(day_states(view.user_id, source, view.start, view.end), view.start, view.end)

