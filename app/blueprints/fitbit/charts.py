"""Fitbit charts: steps against the goal, resting heart rate, a 1-minute heart-rate day, zone minutes."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from math import ceil

import plotly.graph_objects as go

from app.dashboards import store
from app.dashboards.downsample import MAX_POINTS
from app.dashboards.figures import GOOD, PALETTE, axis_title, bar_width, line, new_figure
from app.dashboards.grouping import rolling_mean, unzip
from app.dashboards.highlights import Best, Goal, Headline, Highlights
from app.dashboards.pages import Chart
from app.dashboards.ranges import RangeError, View
from app.dashboards.series import grouped, grouped_by_dimension, grouped_many, show_whole_range
from database.integrations import find_integration

HEART_RATE = "fitbit.heart_rate"
DEFAULT_STEP_GOAL = 10000
ZONES = (("fat_burn", "Fat burn", "#f2c14e"), ("cardio", "Cardio", "#f08a3c"), ("peak", "Peak", "#d64545"))
SLEEP_STAGES = (("fitbit.sleep_deep_minutes", "Deep", "#2b4c8c"), ("fitbit.sleep_rem_minutes", "REM", "#5b8def"),
                ("fitbit.sleep_light_minutes", "Light", "#9fc0f5"), ("fitbit.sleep_awake_minutes", "Awake", "#f0a35e"))
BUCKETS = (60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400)  # seconds, for the range view


def step_goal(user_id: int) -> int:
    """The user's daily step goal (integration setting ``step_goal``), 10,000 by default."""
    integration = find_integration(user_id, "fitbit")
    try:
        return int((integration.settings or {}).get("step_goal") or DEFAULT_STEP_GOAL) if integration \
            else DEFAULT_STEP_GOAL
    except (TypeError, ValueError):
        return DEFAULT_STEP_GOAL


def steps(view: View) -> go.Figure | None:
    """Steps per day (or daily average per week/month), green where the goal was met, the goal as a line."""
    days, values = unzip(grouped(view, "fitbit.steps"))
    if not days:
        return None
    goal = step_goal(view.user_id)
    fig = new_figure(y_title=axis_title("steps", view.grouping, "mean"))
    fig.add_trace(go.Bar(x=days, y=[round(v) for v in values], name="Steps", width=bar_width(view.grouping),
                         marker_color=[GOOD if v >= goal else PALETTE[0] for v in values]))
    fig.add_hline(y=goal, line_dash="dash", line_color=PALETTE[1], annotation_text=f"goal {goal:,}",
                  annotation_position="top left")
    return show_whole_range(fig, view)


def resting_heart_rate(view: View) -> go.Figure | None:
    """Resting heart rate with its 7-day average (daily view)."""
    points = grouped(view, "fitbit.resting_heart_rate")
    if not points:
        return None
    fig = new_figure(y_title="bpm")
    days, values = unzip(points)
    fig.add_trace(line(days, values, "Resting heart rate", color=PALETTE[3]))
    if view.grouping == "day" and len(points) >= 7:
        days, values = unzip(rolling_mean(points))
        fig.add_trace(line(days, [round(v, 1) for v in values], "7-day average", color=PALETTE[9], dash="dot"))
    return show_whole_range(fig, view)


def chosen_day(view: View) -> date | None:
    """The ``day`` query parameter, else the last day with heart-rate samples in the range."""
    text = view.param("day")
    if text:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise RangeError(f"The day “{text[:20]}” is not a date in YYYY-MM-DD form.") from None
    start, end = store.utc_bounds(view.start, view.end, view.timezone)
    last = store.intraday_last(view.user_id, HEART_RATE, start, end)
    if last is None:
        return None
    return last.replace(tzinfo=timezone.utc).astimezone(store.zone(view.timezone)).date()


def heart_rate_day(view: View) -> go.Figure | None:
    """Every 1-minute heart-rate sample of one local day (WebGL), with the resting heart rate."""
    day = chosen_day(view)
    if day is None:
        return None
    start, end = store.utc_bounds(day, day, view.timezone)
    samples = store.intraday(view.user_id, HEART_RATE, start, end)
    if not samples:
        return None
    tz = store.zone(view.timezone)
    times = [ts.replace(tzinfo=timezone.utc).astimezone(tz).replace(tzinfo=None) for ts, _ in samples]
    fig = new_figure(y_title="bpm", height=340, hovermode="x", margin={"l": 56, "r": 16, "t": 36, "b": 40},
                     title={"text": f"{day:%A %d %B %Y}", "x": 0, "xanchor": "left", "font": {"size": 13}})
    fig.add_trace(line(times, [v for _, v in samples], f"Heart rate {day:%a %d %b}", color=PALETTE[3],
                       dense=True, width=1.5))
    resting = store.daily(view.user_id, "fitbit.resting_heart_rate", day, day)
    if resting:
        fig.add_hline(y=resting[0][1], line_dash="dot", line_color=PALETTE[9],
                      annotation_text=f"resting {resting[0][1]:.0f}", annotation_position="bottom left")
    fig.update_xaxes(range=[datetime.combine(day, datetime.min.time()),
                            datetime.combine(day + timedelta(days=1), datetime.min.time())], tickformat="%H:%M")
    return fig


def sleep_stages(view: View) -> go.Figure | None:
    """Hours of deep, light and REM sleep and time awake per night, stacked."""
    data = grouped_many(view, [metric for metric, _, _ in SLEEP_STAGES])
    if not data:
        return None
    fig = new_figure(barmode="stack", y_title=axis_title("hours", view.grouping, "mean"))
    for metric, label, color in SLEEP_STAGES:
        days, minutes = unzip(data.get(metric, []))
        fig.add_trace(go.Bar(x=days, y=[round(m / 60, 2) for m in minutes], name=label, marker_color=color,
                             width=bar_width(view.grouping), hovertemplate="%{y:.1f} h"))
    return show_whole_range(fig, view)


def bucket_seconds(start: datetime, end: datetime, budget: int = MAX_POINTS // 3) -> int:
    """The smallest bucket that keeps min, mean and max under the point budget."""
    needed = ceil((end - start).total_seconds() / budget)
    return next((b for b in BUCKETS if b >= needed), BUCKETS[-1])


def heart_rate_range(view: View) -> go.Figure | None:
    """Heart rate across the range: min–max band and mean per bucket, aggregated by the database."""
    start, end = store.utc_bounds(view.start, view.end, view.timezone)
    seconds = bucket_seconds(start, end)
    buckets = store.intraday_buckets(view.user_id, HEART_RATE, start, end, seconds)
    if not buckets:
        return None
    tz = store.zone(view.timezone)
    times = [b[0].replace(tzinfo=timezone.utc).astimezone(tz).replace(tzinfo=None) for b in buckets]
    fig = new_figure(y_title="bpm", hovermode="x unified")
    label = f"{seconds // 3600} h" if seconds >= 3600 else f"{seconds // 60} min"
    fig.add_trace(go.Scattergl(x=times, y=[b[3] for b in buckets], name=f"Max per {label}", mode="lines",
                               line={"width": 0.5, "color": PALETTE[3]}))
    fig.add_trace(go.Scattergl(x=times, y=[b[1] for b in buckets], name=f"Min per {label}", mode="lines",
                               line={"width": 0.5, "color": PALETTE[3]}, fill="tonexty",
                               fillcolor="rgba(228,87,86,0.2)"))
    fig.add_trace(go.Scattergl(x=times, y=[round(b[2], 1) for b in buckets], name=f"Mean per {label}",
                               mode="lines", line={"width": 1.5, "color": PALETTE[0]}))
    return fig


def zone_minutes(view: View) -> go.Figure | None:
    """Minutes in the fat-burn, cardio and peak zones, stacked."""
    by_zone = grouped_by_dimension(view, "fitbit.hr_zone_minutes", "mean")
    if not any(by_zone.get(zone) for zone, _, _ in ZONES):
        return None
    fig = new_figure(barmode="stack", y_title=axis_title("min", view.grouping, "mean"))
    for zone, label, color in ZONES:
        days, values = unzip(by_zone.get(zone, []))
        fig.add_trace(go.Bar(x=days, y=[round(v) for v in values], name=label, marker_color=color,
                             width=bar_width(view.grouping)))
    return show_whole_range(fig, view)


CHARTS = (
    Chart("steps", "Steps vs goal", steps, help="Green bars met the daily goal."),
    Chart("resting_heart_rate", "Resting heart rate", resting_heart_rate,
          help="A falling resting heart rate usually means improving fitness; a sudden rise, strain or illness."),
    Chart("heart_rate_day", "Heart rate, one day", heart_rate_day, wide=True,
          empty="No 1-minute heart rate for that day.",
          help="Every 1-minute sample of the chosen day, in your local time."),
    Chart("zones", "Heart-rate zone minutes", zone_minutes, help="Minutes above the fat-burn threshold."),
    Chart("sleep", "Sleep stages", sleep_stages, help="Hours in each stage, by the morning you woke up."),
    Chart("heart_rate_range", "Heart rate across the range", heart_rate_range, wide=True,
          empty="No 1-minute heart rate in this range.",
          help="Lowest, average and highest heart rate per bucket; the bucket grows with the range."),
)

HIGHLIGHTS = Highlights(
    headlines=(Headline("steps", "fitbit.steps", "Steps", "steps"),),
    goals=(Goal("fitbit.steps", "Days with 10,000+ steps", DEFAULT_STEP_GOAL, "steps"),),
    bests=(Best("fitbit.steps", "Most steps in a day", "steps"),
           Best("fitbit.resting_heart_rate", "Lowest resting heart rate", "bpm", lowest=True)),
)
