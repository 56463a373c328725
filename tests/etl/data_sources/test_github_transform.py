"""GitHub payloads -> rows, on recorded-shape fixtures."""
import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from etl.data_sources.base import Window
from etl.data_sources.github import transform
from etl.data_sources.http import BadPayload

FIXTURES = Path(__file__).parent / "fixtures" / "github"
WINDOW = Window(date(2026, 11, 1), date(2026, 11, 7))


def load(name):
    return json.loads((FIXTURES / name).read_text())


def api_server_commits():
    return load("commits_api_server_page1.json") + load("commits_api_server_page2.json")


def record(repo, sha, day, merge=False):
    return {"sha": sha, "repo": repo, "day": day, "start": datetime(2026, 11, 2, 10), "message": "m",
            "email": "ada@example.com", "html_url": "https://github.com/x", "merge": merge}


def by_key(rows):
    return {(r["metric"], r["dimension"], r["day"]): r["value"] for r in rows}


def test_repo_filter_splits_names_patterns_and_unusable_entries():
    setting = "octo-ada/api-server, Octo-Ada/*-API\n\n ada-labs/web,notarepo"
    names, patterns, invalid = transform.parse_repo_filter(setting)
    assert names == ["octo-ada/api-server", "ada-labs/web"]
    assert patterns == ["octo-ada/*-api"]
    assert invalid == ["notarepo"]


def test_empty_repo_filter_means_no_names_and_no_patterns():
    assert transform.parse_repo_filter("  \n , ") == ([], [], [])


def test_patterns_match_case_insensitively_and_anchor_on_the_full_name():
    assert transform.matches_any("Octo-Ada/Billing-API", ["octo-ada/*-api"])
    assert not transform.matches_any("octo-ada/api-server", ["octo-ada/*-api"])
    assert not transform.matches_any("someone/billing-api", ["octo-ada/*-api"])


def test_commit_bounds_are_local_midnights_written_in_utc():
    assert transform.utc_bounds(WINDOW, "UTC") == ("2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z")
    assert transform.utc_bounds(WINDOW, "Europe/Berlin") == ("2026-10-31T23:00:00Z", "2026-11-07T23:00:00Z")


def test_utc_commit_time_is_read_in_the_users_zone_and_an_own_offset_is_kept():
    late = datetime(2026, 11, 6, 23, 30, tzinfo=timezone.utc)
    assert transform.local_day(late, "Europe/Berlin") == date(2026, 11, 7)
    assert transform.local_day(late, "America/Los_Angeles") == date(2026, 11, 6)
    own = datetime(2026, 11, 6, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert transform.local_day(own, "Europe/Berlin") == date(2026, 11, 6)


def test_commit_record_keeps_the_first_message_line_and_naive_utc_start():
    item = load("commits_api_server_page2.json")[2]  # "Add health endpoint\n\nAlso documents it."
    rec = transform.commit_record("octo-ada/api-server", item, "UTC")
    assert rec == {"sha": item["sha"], "repo": "octo-ada/api-server", "day": date(2026, 11, 2),
                   "start": datetime(2026, 11, 2, 10, 0), "message": "Add health endpoint",
                   "email": "ada@example.com", "html_url": item["html_url"], "merge": False}


def test_commit_with_two_parents_is_a_merge():
    merge = load("commits_api_server_page1.json")[1]
    assert transform.commit_record("octo-ada/api-server", merge, "UTC")["merge"] is True


def test_commit_without_author_date_gives_no_record():
    item = {"sha": "abc", "commit": {"author": None, "message": "x"}, "parents": []}
    assert transform.commit_record("octo-ada/api-server", item, "UTC") is None


def test_author_filter_matches_email_case_insensitively():
    kept = transform.by_author(api_server_commits(), " ADA@example.COM ")
    emails = sorted(i["commit"]["author"]["email"] for i in kept)
    assert emails == ["Ada@Example.com"] + ["ada@example.com"] * 4
    assert len(transform.by_author(api_server_commits(), "")) == 6


def test_detail_stats_reads_additions_and_deletions():
    assert transform.detail_stats("octo-ada/api-server", load("commit_as1.json")) == (120, 4)


def test_detail_without_stats_is_a_bad_payload_naming_the_field():
    with pytest.raises(BadPayload, match="stats.additions"):
        transform.detail_stats("octo-ada/api-server", {"sha": "abc", "files": []})


def test_daily_totals_equal_the_sum_of_repository_rows_and_merges_add_no_lines():
    d2, d4 = date(2026, 11, 2), date(2026, 11, 4)
    records = [record("a/x", "s1", d2), record("a/x", "s2", d2), record("a/y", "s3", d2),
               record("a/y", "m1", d4, merge=True)]
    stats = {"s1": (10, 1), "s2": (5, 5), "s3": (100, 0)}
    values = by_key(transform.commit_daily_rows(records, stats, [d2, d4]).daily)
    assert values[("github.commits", "a/x", d2)] == 2
    assert values[("github.additions", "a/x", d2)] == 15
    assert values[("github.churn", "a/x", d2)] == 21
    assert values[("github.commits", "", d2)] == 3
    assert values[("github.additions", "", d2)] == 115
    assert values[("github.deletions", "", d2)] == 6
    assert values[("github.commits", "a/y", d4)] == 1
    assert values[("github.churn", "a/y", d4)] == 0
    for metric in transform.COMMIT_SUMS:
        for day in (d2, d4):
            repo_sum = sum(v for (m, dim, d), v in values.items() if m == metric and dim and d == day)
            assert values[(metric, "", day)] == repo_sum


def test_active_day_total_is_one_however_many_repositories_were_active():
    d2 = date(2026, 11, 2)
    rows = transform.commit_daily_rows([record("a/x", "s1", d2), record("a/y", "s2", d2)],
                                       {"s1": (1, 0), "s2": (1, 0)}, [d2])
    values = by_key(rows.daily)
    assert values[("github.active_days", "a/x", d2)] == 1
    assert values[("github.active_days", "a/y", d2)] == 1
    assert values[("github.active_days", "", d2)] == 1


def test_quiet_day_has_zero_totals_and_no_repository_rows():
    d1 = date(2026, 11, 1)
    rows = transform.commit_daily_rows([], {}, [d1])
    assert by_key(rows.daily) == {(m, "", d1): 0.0 for m in transform.COMMIT_SUMS + ("github.active_days",)}


def test_commits_outside_the_complete_days_write_no_daily_rows():
    rows = transform.commit_daily_rows([record("a/x", "s1", date(2026, 11, 5))], {"s1": (1, 1)},
                                       [date(2026, 11, 4)])
    assert {r["day"] for r in rows.daily} == {date(2026, 11, 4)}
    assert by_key(rows.daily)[("github.commits", "", date(2026, 11, 4))] == 0


def test_commit_events_skip_commits_without_stats_and_keep_merges():
    d2 = date(2026, 11, 2)
    events = transform.commit_events([record("a/x", "s1", d2), record("a/x", "s2", d2),
                                      record("a/x", "m1", d2, merge=True)], {"s1": (3, 4)})
    by_id = {e["external_id"]: e for e in events}
    assert set(by_id) == {"s1", "m1"}
    assert by_id["s1"]["kind"] == "commit"
    assert by_id["s1"]["data"]["additions"] == 3 and by_id["s1"]["data"]["deletions"] == 4
    assert by_id["m1"]["data"]["additions"] is None and by_id["m1"]["data"]["merge"] is True
    json.dumps([e["data"] for e in events])


def test_snapshot_counts_open_issues_without_pull_requests_and_bytes_per_language():
    repo = load("user_repos_owner_page1.json")[0]
    rows = transform.snapshot_rows(repo, load("languages_api_server.json"), 2, 1000, date(2026, 11, 7))
    values = by_key(rows)
    day, full = date(2026, 11, 7), "octo-ada/api-server"
    assert values[("github.open_issues", full, day)] == 3
    assert values[("github.open_pull_requests", full, day)] == 2
    assert values[("github.code_bytes", full, day)] == 123512
    assert values[("github.language_bytes", f"{full}:Python", day)] == 120000
    assert values[("github.language_bytes", f"{full}:Dockerfile", day)] == 512
    assert values[("github.repo_size_kb", full, day)] == 2048
    assert values[("github.stars", full, day)] == 12
    assert values[("github.commit_span_days", full, day)] == 1000


def test_commit_span_counts_days_between_oldest_and_newest_commit():
    span = transform.commit_span(load("newest_api_server.json")[0], load("oldest_api_server.json")[0], "UTC")
    assert span["first_day"] == date(2024, 2, 10) and span["last_day"] == date(2026, 11, 6)
    assert span["days"] == (date(2026, 11, 6) - date(2024, 2, 10)).days


def test_repository_event_carries_primary_language_and_first_and_last_commit():
    repo = load("user_repos_owner_page1.json")[0]
    span = transform.commit_span(load("newest_api_server.json")[0], load("oldest_api_server.json")[0], "UTC")
    event = transform.repository_event(repo, {"Python": 10}, 2, span, date(2026, 11, 7))
    assert event["kind"] == "repository" and event["external_id"] == "repo:700001"
    assert event["start"] == datetime(2024, 2, 10, 9, 30) and event["end"] == datetime(2026, 11, 6, 23, 30)
    assert event["day"] == date(2024, 2, 10)
    assert event["data"]["primary_language"] == "Python"
    assert event["data"]["first_commit_day"] == "2024-02-10" and event["data"]["last_commit_day"] == "2026-11-06"
    json.dumps(event["data"])


def test_code_frequency_keeps_weeks_overlapping_the_window_with_positive_deletions():
    rows = transform.code_frequency_rows("octo-ada/api-server", load("code_frequency_api_server.json"), WINDOW)
    assert by_key(rows) == {
        ("github.repo_weekly_additions", "octo-ada/api-server", date(2026, 11, 1)): 201.0,
        ("github.repo_weekly_deletions", "octo-ada/api-server", date(2026, 11, 1)): 92.0,
    }


def test_code_frequency_week_of_the_wrong_shape_is_a_bad_payload():
    with pytest.raises(BadPayload, match="code_frequency"):
        transform.code_frequency_rows("octo-ada/api-server", [{"week": 1}], WINDOW)


def test_language_totals_group_by_language_across_repositories():
    day = date(2026, 11, 7)
    rows = [{"metric": "github.language_bytes", "dimension": "a/x:Python", "day": day, "value": 10.0},
            {"metric": "github.language_bytes", "dimension": "a/y:Python", "day": day, "value": 5.0},
            {"metric": "github.language_bytes", "dimension": "a/y:Go", "day": day, "value": 7.0}]
    assert by_key(transform.language_totals(rows)) == {("github.language_bytes", "Python", day): 15.0,
                                                      ("github.language_bytes", "Go", day): 7.0}


def test_span_total_runs_from_the_earliest_first_to_the_latest_last_commit():
    spans = [{"first_day": date(2025, 1, 1), "last_day": date(2025, 1, 31)},
             {"first_day": date(2025, 1, 10), "last_day": date(2025, 3, 1)},
             {"first_day": None, "last_day": None}]
    assert transform.span_total(spans, date(2026, 11, 7)) == [
        {"metric": "github.commit_span_days", "dimension": "", "day": date(2026, 11, 7), "value": 59.0}]
