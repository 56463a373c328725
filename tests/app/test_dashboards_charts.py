"""Chart builders on stored data: the right traces with the right values, and bounded point counts."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import plotly.graph_objects as go
import pytest

from app.blueprints.fitbit import charts as fitbit_charts
from app.blueprints.github import charts as github_charts
from app.blueprints.home import charts as home_charts
from app.blueprints.oura import charts as oura_charts
from app.blueprints.rize import charts as rize_charts
from app.blueprints.sheets import charts as sheets_charts
from app.blueprints.whoop import charts as whoop_charts
from app.dashboards.downsample import MAX_POINTS, cap_points, point_count
from app.dashboards.figures import FAIR, GOOD, POOR
from app.dashboards.ranges import RangeError, View
from app.extensions import db
from database.models import Event, UserIntegration
from etl.data_sources.registry import get_source
from etl.upsert import upsert_rows
from tests.conftest import make_user

DAY = date(2026, 3, 2)  # a Monday


def store_daily(user_id: int, values: dict[str, list[float]], start: date = DAY, dimension: str = "") -> None:
    """Daily rows: ``{metric: [value on start, value on start + 1, ...]}`` (None leaves a day out)."""
    rows = [{"user_id": user_id, "source": metric.split(".")[0], "metric": metric, "dimension": dimension,
             "day": start + timedelta(days=n), "value": float(v)}
            for metric, series in values.items() for n, v in enumerate(series) if v is not None]
    upsert_rows(db.session, "daily_metrics", rows)
    db.session.commit()


def store_heart_rate(user_id: int, start: datetime, values: list[float], source: str = "fitbit") -> None:
    """1-minute ``<source>.heart_rate`` samples from ``start`` (naive UTC)."""
    rows = [{"user_id": user_id, "source": source, "metric": f"{source}.heart_rate",
             "ts": start + timedelta(minutes=n), "value": float(v)} for n, v in enumerate(values)]
    upsert_rows(db.session, "intraday_samples", rows, batch_size=5000)
    db.session.commit()


def view(user_id: int, days: int = 7, start: date = DAY, grouping: str = "day", tz: str = "UTC", **args) -> View:
    """A view of ``days`` days from ``start``."""
    return View(user_id=user_id, timezone=tz, start=start, end=start + timedelta(days=days - 1), grouping=grouping,
                args=args)


def traces(fig: go.Figure) -> dict[str, go.Figure]:
    """Traces by name."""
    return {trace.name: trace for trace in fig.data}


def test_oura_sleep_chart_stacks_stage_hours_under_the_score(ctx, user):
    store_daily(user, {"oura.deep_sleep_minutes": [90, 60], "oura.rem_sleep_minutes": [120, 90],
                       "oura.light_sleep_minutes": [240, 210], "oura.awake_minutes": [30, 45],
                       "oura.sleep_score": [88, 71]})
    fig = oura_charts.sleep_stages(view(user, 2))
    found = traces(fig)
    assert [t.name for t in fig.data] == ["Deep", "REM", "Light", "Awake", "Sleep score"]
    assert list(found["Deep"].y) == [1.5, 1.0]
    assert list(found["Light"].y) == [4.0, 3.5]
    assert fig.layout.barmode == "stack"
    assert list(found["Sleep score"].y) == [88, 71] and found["Sleep score"].yaxis == "y2"


def test_oura_bedtime_chart_spans_bedtime_to_wake_up_on_a_clock(ctx, user):
    store_daily(user, {"oura.bedtime_start": [-60, 30], "oura.bedtime_end": [420, 450]})
    fig = oura_charts.bedtime(view(user, 2))
    bar = fig.data[0]
    assert list(bar.base) == [-1.0, 0.5]
    assert list(bar.y) == [8.0, 7.0]
    assert [list(c) for c in bar.customdata] == [["23:00", "07:00"], ["00:30", "07:30"]]
    assert "±45 min" in bar.name


def test_whoop_recovery_bars_take_the_colour_of_their_band(ctx, user):
    store_daily(user, {"whoop.recovery_score": [80, 50, 20]})
    fig = whoop_charts.recovery(view(user, 3))
    assert list(fig.data[0].y) == [80, 50, 20]
    assert list(fig.data[0].marker.color) == [GOOD, FAIR, POOR]
    assert len(fig.layout.shapes) == 3  # the green, yellow and red background bands


def test_whoop_workouts_are_summed_per_sport(ctx, user):
    start = datetime(2026, 3, 2, 17, 0)
    for n, (sport, minutes) in enumerate([("running", 40), ("running", 50), ("yoga", 30)]):
        db.session.add(Event(user_id=user, source="whoop", kind="workout", external_id=f"w{n}", day=DAY,
                             start=start, end=start + timedelta(minutes=minutes), data={"sport_name": sport}))
    db.session.commit()
    bar = whoop_charts.workouts_by_sport(view(user, 1)).data[0]
    assert list(bar.y) == ["Yoga", "Running"]
    assert list(bar.x) == [30, 90]
    assert list(bar.text) == ["1 sessions", "2 sessions"]


def test_fitbit_steps_compare_with_the_users_own_goal(ctx, user):
    store_daily(user, {"fitbit.steps": [12000, 7000]})
    db.session.add(UserIntegration(user_id=user, source="fitbit", status="connected", settings={"step_goal": 8000}))
    db.session.commit()
    fig = fitbit_charts.steps(view(user, 2))
    assert list(fig.data[0].y) == [12000, 7000]
    assert list(fig.data[0].marker.color)[0] == GOOD and list(fig.data[0].marker.color)[1] != GOOD
    assert fig.layout.shapes[0].y0 == 8000


def test_fitbit_heart_rate_day_is_every_minute_in_local_time_as_webgl(ctx, user):
    # Europe/Berlin is UTC+1 in March: the local day starts at 23:00 UTC the evening before.
    store_heart_rate(user, datetime(2026, 3, 1, 23, 0), [60 + n % 50 for n in range(1440)])
    fig = fitbit_charts.heart_rate_day(view(user, 1, tz="Europe/Berlin", day="2026-03-02"))
    trace = fig.data[0]
    assert trace.type == "scattergl"
    assert len(trace.y) == 1440
    assert trace.x[0] == datetime(2026, 3, 2, 0, 0) and trace.x[-1] == datetime(2026, 3, 2, 23, 59)
    assert trace.y[0] == 60 and trace.y[51] == 61


def test_fitbit_heart_rate_day_rejects_a_day_that_is_not_a_date(ctx, user):
    with pytest.raises(RangeError, match="not a date"):
        fitbit_charts.heart_rate_day(view(user, 1, day="yesterday"))


def test_fitbit_heart_rate_range_is_aggregated_by_the_database_within_the_point_budget(ctx, user):
    minutes = 30 * 1440
    store_heart_rate(user, datetime(2026, 3, 2), [50 + (n % 30) for n in range(minutes)])
    fig = fitbit_charts.heart_rate_range(view(user, 30))
    found = traces(fig)
    assert point_count(fig) <= MAX_POINTS
    assert {t.type for t in fig.data} == {"scattergl"}
    assert len(found["Max per 30 min"].y) == 1440  # 30-minute buckets over 30 days
    assert found["Min per 30 min"].y[0] == 50 and found["Max per 30 min"].y[0] == 79
    assert found["Mean per 30 min"].y[0] == 64.5


def test_fitbit_zone_chart_stacks_the_zones_above_fat_burn(ctx, user):
    for zone, minutes in (("out_of_range", 1300), ("fat_burn", 40), ("cardio", 15), ("peak", 5)):
        store_daily(user, {"fitbit.hr_zone_minutes": [minutes]}, dimension=zone)
    fig = fitbit_charts.zone_minutes(view(user, 1))
    assert [(t.name, list(t.y)) for t in fig.data] == [("Fat burn", [40]), ("Cardio", [15]), ("Peak", [5])]


def test_rize_time_chart_stacks_focus_meetings_and_breaks_in_hours(ctx, user):
    store_daily(user, {"rize.focus_minutes": [240], "rize.meeting_minutes": [90], "rize.break_minutes": [45]})
    fig = rize_charts.time_per_day(view(user, 1))
    assert [(t.name, list(t.y)) for t in fig.data] == [("Focus", [4.0]), ("Meetings", [1.5]), ("Breaks", [0.75])]


def test_rize_categories_are_totalled_over_the_range(ctx, user):
    store_daily(user, {"rize.category_minutes": [60, 120]}, dimension="Code")
    store_daily(user, {"rize.category_minutes": [30]}, dimension="Email")
    bar = rize_charts.categories(view(user, 2)).data[0]
    assert list(bar.y) == ["Email", "Code"] and list(bar.x) == [0.5, 3.0]


def test_github_commits_per_repository_keep_the_busiest_and_group_the_rest(ctx, user):
    for n in range(8):
        store_daily(user, {"github.commits": [n + 1]}, dimension=f"me/repo{n}")
    fig = github_charts.per_repository(view(user, 1))
    names = [t.name for t in fig.data]
    assert names[:6] == [f"me/repo{n}" for n in (7, 6, 5, 4, 3, 2)]
    assert names[6] == "Other" and list(fig.data[6].y) == [3]  # repo0 (1) + repo1 (2)


def test_github_languages_come_from_the_latest_snapshot_as_shares(ctx, user):
    store_daily(user, {"github.language_bytes": [100]}, dimension="Python", start=DAY)
    store_daily(user, {"github.language_bytes": [300]}, dimension="Python", start=DAY + timedelta(days=2))
    store_daily(user, {"github.language_bytes": [100]}, dimension="Go", start=DAY + timedelta(days=2))
    store_daily(user, {"github.language_bytes": [999]}, dimension="me/repo:Go", start=DAY + timedelta(days=2))
    bar = github_charts.languages(view(user, 7)).data[0]
    assert list(bar.y) == ["Go", "Python"] and list(bar.x) == [25.0, 75.0]


def test_github_calendar_places_each_day_in_its_weekday_row(ctx, user):
    store_daily(user, {"github.commits": [3, 0, 5]})  # Monday, Tuesday, Wednesday
    heatmap = github_charts.activity_calendar(view(user, 3)).data[0]
    assert heatmap.type == "heatmap"
    assert [row[0] for row in heatmap.z[:3]] == [3, 0, 5]
    assert heatmap.z[3][0] is None  # Thursday is outside the range
    assert heatmap.text[0][0] == "Mon 02 Mar 2026: 3 commits"


def test_sheets_columns_with_categories_are_stacked_and_others_are_lines(ctx, user):
    db.session.add(UserIntegration(user_id=user, source="sheets", status="connected", settings={
        "date_column": "Date", "category_column": "Category",
        "columns": [{"column": "Weight", "slug": "weight", "unit": "kg"}, {"column": "Amount", "slug": "spend"}]}))
    db.session.commit()
    store_daily(user, {"sheets.weight": [72.5, 72.1]})
    store_daily(user, {"sheets.spend": [10, 20]}, dimension="Food")
    store_daily(user, {"sheets.spend": [5]}, dimension="Transport")
    charts = {c.name: c for c in sheets_charts.charts_for(user)}
    assert list(charts) == ["weight", "spend"]
    weight = charts["weight"].build(view(user, 2))
    assert weight.data[0].type == "scatter" and list(weight.data[0].y) == [72.5, 72.1]
    spend = charts["spend"].build(view(user, 2))
    assert spend.layout.barmode == "stack"
    assert [(t.name, list(t.y)) for t in spend.data] == [("Food", [10, 20]), ("Transport", [5])]


def test_weekly_grouping_averages_daily_values_per_week(ctx, user):
    store_daily(user, {"fitbit.steps": [1000] * 7 + [3000] * 7})
    fig = fitbit_charts.steps(view(user, 14, grouping="week"))
    assert list(fig.data[0].x) == [DAY, DAY + timedelta(days=7)]
    assert list(fig.data[0].y) == [1000, 3000]


def test_correlation_pairs_each_day_with_the_next_one_for_a_lag_of_one(ctx, user):
    store_daily(user, {"oura.sleep_score": [60, 70, 80, 90, 75], "rize.focus_minutes": [0, 120, 140, 160, 180]})
    fig = home_charts.scatter(view(user, 5, x="oura.sleep_score", y="rize.focus_minutes", lag="1"))
    points = fig.data[0]
    assert list(points.x) == [60, 70, 80, 90] and list(points.y) == [120, 140, 160, 180]
    assert "Pearson r = +1.00" in fig.layout.title.text and "4 days" in fig.layout.title.text


def test_correlation_refuses_a_metric_the_user_does_not_have(ctx, user):
    store_daily(user, {"oura.sleep_score": [60, 70, 80]})
    with pytest.raises(RangeError, match="Choose two metrics"):
        home_charts.scatter(view(user, 3, x="oura.sleep_score", y="whoop.strain"))


def test_trends_draw_one_panel_per_headline_with_data(ctx, user):
    store_daily(user, {"oura.sleep_score": [80, 82], "fitbit.steps": [9000, 11000], "rize.focus_minutes": [120, 180]})
    fig = home_charts.trends(view(user, 2))
    assert [t.name for t in fig.data] == ["Sleep score", "Steps", "Focus time"]
    assert list(fig.data[2].y) == [2.0, 3.0]  # minutes are drawn as hours


def test_a_chart_without_data_in_the_range_is_empty(ctx, user):
    store_daily(user, {"fitbit.steps": [5000]}, start=DAY - timedelta(days=30))
    assert fitbit_charts.steps(view(user, 7)) is None
    assert oura_charts.sleep_stages(view(user, 7)) is None


def test_charts_read_only_the_viewers_rows(app, ctx, user):
    bob = make_user(app, "bob@example.com")
    store_daily(bob, {"fitbit.steps": [77777], "oura.sleep_score": [11]})
    store_daily(user, {"fitbit.steps": [5000]})
    assert list(fitbit_charts.steps(view(user, 1)).data[0].y) == [5000]
    assert oura_charts.sleep_stages(view(user, 1)) is None


def test_point_budget_thins_long_lines_and_keeps_their_ends():
    x = [datetime(2026, 1, 1) + timedelta(minutes=n) for n in range(20000)]
    fig = go.Figure([go.Scattergl(x=x, y=[n % 97 for n in range(20000)], text=[str(n) for n in range(20000)]),
                     go.Scatter(x=x[:2000], y=[1.0] * 2000)])
    cap_points(fig)
    assert point_count(fig) <= MAX_POINTS
    first = fig.data[0]
    assert first.x[0] == x[0] and first.x[-1] == x[-1]
    assert len(first.text) == len(first.y)


@pytest.mark.parametrize("key", ["oura", "whoop", "fitbit", "rize", "github"])
def test_charts_only_name_metrics_from_their_sources_catalog(key):
    text = (Path(__file__).parents[2] / "app" / "blueprints" / key / "charts.py").read_text()
    named = set(re.findall(rf'"({key}\.[a-z0-9_]+)"', text))
    assert named, "the charts name no metric"
    assert named <= {m.key for m in get_source(key).manifest.metrics}
