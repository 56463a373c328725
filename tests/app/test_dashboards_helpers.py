"""Ranges from the query string, grouping, downsampling, correlation, coverage and the overview's highlights."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.dashboards import correlation, coverage, highlights
from app.dashboards.downsample import lttb
from app.dashboards.grouping import group
from app.dashboards.numbers import format_change, format_value
from app.dashboards.ranges import RangeError, parse_view
from app.extensions import db
from database.models import Event, SyncRun, UserIntegration
from tests.app.test_dashboards_charts import DAY, store_daily

TODAY = date(2026, 3, 20)


def parse(**args):
    return parse_view(args, user_id=1, timezone="UTC", today=TODAY)


def test_presets_end_today_and_pick_a_grouping_for_their_length():
    week, year = parse(range="7d"), parse(range="1y")
    assert (week.start, week.end, week.grouping) == (date(2026, 3, 14), TODAY, "day")
    assert (year.days, year.grouping) == (365, "week")
    assert parse().preset == "30d"


def test_a_custom_range_is_kept_in_the_query_string():
    custom = parse(range="custom", start="2025-01-01", end="2026-01-31", group="month")
    assert (custom.start, custom.end, custom.grouping) == (date(2025, 1, 1), date(2026, 1, 31), "month")
    assert custom.query() == {"range": "custom", "start": "2025-01-01", "end": "2026-01-31", "group": "month"}
    assert parse_view(custom.query(), user_id=1, timezone="UTC", today=TODAY) == custom


@pytest.mark.parametrize(("args", "message"), [
    ({"range": "2w"}, "Unknown range “2w”"),
    ({"range": "custom", "end": "2026-03-01"}, "needs a start date"),
    ({"range": "custom", "start": "2026-13-01", "end": "2026-03-01"}, "“2026-13-01” is not a date"),
    ({"range": "custom", "start": "2026-03-05", "end": "2026-03-01"}, "must not be after"),
    ({"range": "custom", "start": "2026-03-05", "end": "2026-04-01"}, "cannot be in the future"),
    ({"range": "custom", "start": "2010-01-01", "end": "2026-03-01"}, "at most 1830 days"),
    ({"group": "hour"}, "Unknown grouping “hour”"),
])
def test_bad_range_values_are_refused_with_a_clear_message(args, message):
    with pytest.raises(RangeError, match=message):
        parse(**args)


def test_grouping_by_week_and_month_combines_the_catalogs_way():
    points = [(date(2026, 3, 2) + timedelta(days=n), float(n)) for n in range(10)]  # Mon 2 Mar .. Wed 11 Mar
    assert group(points, "week", "sum") == [(date(2026, 3, 2), 21.0), (date(2026, 3, 9), 24.0)]
    assert group(points, "week", "mean") == [(date(2026, 3, 2), 3.0), (date(2026, 3, 9), 8.0)]
    assert group(points, "month", "last") == [(date(2026, 3, 1), 9.0)]


def test_lttb_keeps_the_peaks_of_a_series():
    ys = [0.0] * 1000
    ys[500] = 100.0
    kept = lttb(list(range(1000)), ys, 50)
    assert len(kept) == 50 and kept[0] == 0 and kept[-1] == 999 and 500 in kept


def test_pearson_and_spearman_match_hand_computed_values():
    xs, ys = [1.0, 2.0, 3.0, 4.0, 5.0], [2.0, 1.0, 4.0, 3.0, 5.0]
    assert correlation.pearson(xs, ys) == pytest.approx(0.8)
    assert correlation.spearman([1, 2, 3, 4], [1, 3, 3, 4]) == pytest.approx(0.9486833, rel=1e-6)  # tied ranks
    assert correlation.pearson([1, 2], [3, 4]) is None  # too few days
    assert correlation.strength(-0.62) == "a strong negative relationship"


def test_numbers_read_like_people_write_them():
    assert format_value(445, "min") == "7 h 25 min"
    assert format_value(9812.4, "steps") == "9,812 steps"
    assert format_value(67.0, "%") == "67 %"
    assert format_change(-30, 150, "min") == "−30 min (−20 %)"


def test_cards_compare_the_latest_value_with_the_30_days_before(ctx, user):
    store_daily(user, {"oura.sleep_score": [70] * 30 + [84]}, start=TODAY - timedelta(days=30))
    card = {c.kind: c for c in highlights.cards(user, TODAY)}["sleep"]
    assert (card.value, card.baseline, card.baseline_days, card.day) == (84, 70, 30, TODAY)
    assert card.change == 14 and card.verdict == "better"
    assert card.source_label == "Oura"


def test_cards_take_the_source_with_the_most_recent_value(ctx, user):
    store_daily(user, {"oura.sleep_score": [80]}, start=TODAY - timedelta(days=3))
    store_daily(user, {"whoop.sleep_performance": [90]}, start=TODAY)
    card = {c.kind: c for c in highlights.cards(user, TODAY)}["sleep"]
    assert card.headline.metric == "whoop.sleep_performance" and card.baseline is None


def test_streaks_count_consecutive_days_meeting_the_goal(ctx, user):
    steps = [12000, 11000, 3000, 10500, 10000, 10001, 15000, 9000, 10000, 10000]
    store_daily(user, {"fitbit.steps": steps}, start=TODAY - timedelta(days=9))
    streak = next(s for s in highlights.streaks(user, TODAY) if s.goal.metric == "fitbit.steps")
    assert (streak.current, streak.longest) == (2, 4)
    assert streak.longest_end == TODAY - timedelta(days=3)


def test_personal_bests_are_the_highest_or_lowest_ever(ctx, user):
    store_daily(user, {"fitbit.resting_heart_rate": [58, 52, 55], "fitbit.steps": [9000, 21000, 4000]})
    bests = {best.label: (day, value) for best, _, day, value in highlights.bests(user, DAY + timedelta(days=5))}
    assert bests["Lowest resting heart rate"] == (DAY + timedelta(days=1), 52)
    assert bests["Most steps in a day"] == (DAY + timedelta(days=1), 21000)


def test_coverage_tells_present_partial_pending_missing_and_failed_days_apart(ctx, user):
    integration = UserIntegration(user_id=user, source="whoop", status="connected", credentials="x", settings={})
    db.session.add(integration)
    db.session.flush()
    strain = [10.0] * 20
    strain[6] = None  # day 6 lacks strain; days 20-22 have no daily rows at all
    store_daily(user, {"whoop.recovery_score": [60.0] * 20, "whoop.strain": strain})
    db.session.add(Event(user_id=user, source="whoop", kind="sleep", external_id="s21", day=DAY + timedelta(days=21),
                         data={"score_state": "PENDING_SCORE"}))
    db.session.add(SyncRun(integration_id=integration.id, user_id=user, source="whoop", status="failed",
                           started_at=datetime(2026, 3, 25, 3, 30), window_start=DAY + timedelta(days=20),
                           window_end=DAY + timedelta(days=22), error="WHOOP answered 503"))
    db.session.commit()
    states = coverage.day_states(user, "whoop", DAY, DAY + timedelta(days=23))
    assert states[DAY] == ("present", "2 metrics")
    assert states[DAY + timedelta(days=6)] == ("partial", "no Day strain")
    assert states[DAY + timedelta(days=21)][0] == "pending"
    failed = states[DAY + timedelta(days=22)]
    assert failed[0] == "failed" and failed[1].endswith("WHOOP answered 503")
    assert states[DAY + timedelta(days=23)] == ("missing", "not synced yet (outside every sync window so far)")


def test_coverage_calendar_shows_the_reason_on_hover(ctx, user):
    store_daily(user, {"rize.focus_minutes": [120]})
    states = coverage.day_states(user, "rize", DAY, DAY + timedelta(days=1))
    fig = coverage.coverage_figure(states, DAY, DAY + timedelta(days=1))
    heatmap = fig.data[0]
    assert fig.layout.title.text == "1 data present · 1 missing"
    assert heatmap.text[0][0] == "Mon 02 Mar 2026: Data present<br>1 metric"
    assert heatmap.text[1][0] == "Tue 03 Mar 2026: Missing<br>not connected"
