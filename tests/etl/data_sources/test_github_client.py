"""GitHub source against the REST API mocked at https://api.github.com."""
import json
from datetime import date
from pathlib import Path

import pytest
import responses
from responses import matchers

from etl.data_sources.base import SyncContext, Window
from etl.data_sources.github import SOURCE
from etl.data_sources.github.client import GitHubClient, StatsPending
from etl.data_sources.http import AuthError, HttpClient

API = "https://api.github.com"
FIXTURES = Path(__file__).parent / "fixtures" / "github"
SINCE, UNTIL = "2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z"
LIST = {"since": SINCE, "until": UNTIL, "per_page": "100"}
NEWEST = {"per_page": "1"}
OWNED = {"affiliation": "owner", "per_page": "100"}
VISIBLE = {"affiliation": "owner,collaborator,organization_member", "per_page": "100"}
PULLS = {"state": "open", "per_page": "100"}
EXHAUSTED = {"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1793950000"}


def load(name):
    return json.loads((FIXTURES / name).read_text())


def sha(name):
    return load(f"commit_{name}.json")["sha"]


def link(**rels):
    return {"Link": ", ".join(f'<{url}>; rel="{rel}"' for rel, url in rels.items())}


def k(path, params=None):
    """A world key: the path and its query parameters."""
    return path, tuple(sorted((params or {}).items()))


def old_weeks():
    return [[1740873600, 10, -2]]  # the week of 2025-03-02, outside the window


def owned_world(since=SINCE, until=UNTIL, author=None):
    """(path, params) -> answers [(status, body, headers)] for the user's owned repositories."""
    page2 = f"{API}/user/repos?affiliation=owner&per_page=100&page=2"
    commits_page2 = f"{API}/repos/octo-ada/api-server/commits?since={since}&until={until}&per_page=100&page=2"
    bounds = {"since": since, "until": until, "per_page": "100"}
    world = {
        k("/user/repos", OWNED): [(200, load("user_repos_owner_page1.json"), link(next=page2, last=page2))],
        k("/user/repos", {**OWNED, "page": "2"}): [(200, load("user_repos_owner_page2.json"), {})],
        k("/repos/octo-ada/api-server/commits", bounds): [
            (200, load("commits_api_server_page1.json"), link(next=commits_page2, last=commits_page2))],
        k("/repos/octo-ada/api-server/commits", {**bounds, "page": "2"}): [
            (200, load("commits_api_server_page2.json"), {})],
        k("/repos/octo-ada/billing-api/commits", bounds): [(200, load("commits_billing_api.json"), {})],
    }
    for name, repo in (("as1", "api-server"), ("as2", "api-server"), ("as3", "api-server"), ("as5", "api-server"),
                       ("as6", "api-server"), ("ba1", "billing-api"), ("ba2", "billing-api")):
        world[k(f"/repos/octo-ada/{repo}/commits/{sha(name)}", {})] = [(200, load(f"commit_{name}.json"), {})]
    add_snapshot(world, "octo-ada/api-server", "api_server", load("pulls_api_server.json"),
                 load("code_frequency_api_server.json"), oldest_page=342, author=author)
    add_snapshot(world, "octo-ada/billing-api", "billing_api", [], load("code_frequency_billing_api.json"),
                 oldest_page=57, author=author)
    add_snapshot(world, "octo-ada/dotfiles", "dotfiles", [], old_weeks(), oldest_page=None, author=author)
    return world


def add_snapshot(world, full, key, pulls, weeks, oldest_page, author=None):
    """Languages, open pulls, newest/oldest commit and code frequency of one repository."""
    newest, newest_headers = {**NEWEST, **({"author": author} if author else {})}, {}
    if oldest_page:
        query = "&".join(f"{name}={value}" for name, value in newest.items())
        newest_headers = link(next=f"{API}/repos/{full}/commits?{query}&page=2",
                              last=f"{API}/repos/{full}/commits?{query}&page={oldest_page}")
        world[k(f"/repos/{full}/commits", {**newest, "page": str(oldest_page)})] = [
            (200, load(f"oldest_{key}.json"), {})]
    world[k(f"/repos/{full}/commits", newest)] = [(200, load(f"newest_{key}.json"), newest_headers)]
    world[k(f"/repos/{full}/languages", {})] = [(200, load(f"languages_{key}.json"), {})]
    world[k(f"/repos/{full}/pulls", PULLS)] = [(200, pulls, {})]
    world[k(f"/repos/{full}/stats/code_frequency", {})] = [(200, weeks, {})]


def serve(world):
    for (path, params), answers in world.items():
        for status, body, headers in answers:
            responses.add(responses.GET, API + path, status=status, headers=headers,
                          body=b"" if body is None else json.dumps(body), content_type="application/json",
                          match=[matchers.query_param_matcher(dict(params))])


def make_ctx(settings=None, tz="UTC", config=None, sleeps=None):
    sleep = sleeps.append if sleeps is not None else (lambda s: None)
    return SyncContext(credentials={"token": "ghp_test_token_123"}, settings=settings or {"repos": ""},
                       window=Window(date(2026, 11, 1), date(2026, 11, 7)),
                       http=HttpClient(sleep=sleep), config=config or {}, timezone=tz)


def values(rows):
    return {(r["metric"], r["dimension"], r["day"]): r["value"] for r in rows.daily}


def called(path):
    return [c.request.url for c in responses.calls if c.request.url.split("?")[0] == API + path]


@responses.activate
def test_owned_repositories_are_read_across_two_pages_by_following_link_next_and_forks_are_left_out():
    serve(owned_world())
    rows = SOURCE.fetch(make_ctx())
    assert called("/user/repos")[1] == f"{API}/user/repos?affiliation=owner&per_page=100&page=2"
    repos = sorted(e["data"]["full_name"] for e in rows.events if e["kind"] == "repository")
    assert repos == ["octo-ada/api-server", "octo-ada/billing-api", "octo-ada/dotfiles"]
    assert rows.notes == [] and rows.complete_through is None


@responses.activate
def test_every_call_sends_the_token_and_api_version_headers():
    serve(owned_world())
    SOURCE.fetch(make_ctx())
    for call in responses.calls:
        assert call.request.headers["Authorization"] == "Bearer ghp_test_token_123"
        assert call.request.headers["Accept"] == "application/vnd.github+json"
        assert call.request.headers["X-GitHub-Api-Version"] == "2022-11-28"


@responses.activate
def test_commit_pages_are_followed_and_daily_rows_count_commits_and_lines_per_repository():
    serve(owned_world())
    got = values(SOURCE.fetch(make_ctx()))
    api, billing = "octo-ada/api-server", "octo-ada/billing-api"
    assert len(called("/repos/octo-ada/api-server/commits")) == 2 + 2  # two list pages, newest, oldest
    assert got[("github.commits", api, date(2026, 11, 2))] == 2
    assert got[("github.additions", api, date(2026, 11, 2))] == 121
    assert got[("github.deletions", api, date(2026, 11, 2))] == 5
    assert got[("github.commits", api, date(2026, 11, 4))] == 2
    assert got[("github.churn", api, date(2026, 11, 4))] == 72
    assert got[("github.commits", billing, date(2026, 11, 6))] == 1
    assert got[("github.commits", "", date(2026, 11, 2))] == 3
    assert got[("github.additions", "", date(2026, 11, 2))] == 321
    assert got[("github.churn", "", date(2026, 11, 6))] == 105


@responses.activate
def test_totals_equal_the_sum_of_repository_rows_every_day():
    serve(owned_world())
    got = values(SOURCE.fetch(make_ctx()))
    for metric in ("github.commits", "github.additions", "github.deletions", "github.churn"):
        for day in Window(date(2026, 11, 1), date(2026, 11, 7)).days():
            repo_sum = sum(v for (m, dim, d), v in got.items() if m == metric and dim and d == day)
            assert got[(metric, "", day)] == repo_sum
    assert got[("github.commits", "", date(2026, 11, 3))] == 0
    assert got[("github.stars", "", date(2026, 11, 7))] == 15
    assert got[("github.open_pull_requests", "", date(2026, 11, 7))] == 2
    assert got[("github.language_bytes", "Python", date(2026, 11, 7))] == 121000


@responses.activate
def test_merge_commit_counts_as_a_commit_without_a_detail_call():
    serve(owned_world())
    rows = SOURCE.fetch(make_ctx())
    merge_sha = load("commits_api_server_page1.json")[1]["sha"]
    assert called(f"/repos/octo-ada/api-server/commits/{merge_sha}") == []
    got = values(rows)
    assert got[("github.commits", "octo-ada/api-server", date(2026, 11, 5))] == 1
    assert got[("github.churn", "octo-ada/api-server", date(2026, 11, 5))] == 0
    merge = next(e for e in rows.events if e["external_id"] == merge_sha)
    assert merge["data"]["merge"] is True and merge["data"]["additions"] is None


@responses.activate
def test_author_filter_keeps_matching_emails_case_insensitively_and_skips_their_detail_calls():
    serve(owned_world(author="ADA@example.com"))
    rows = SOURCE.fetch(make_ctx({"repos": "", "author_email": "ADA@example.com"}))
    assert called(f"/repos/octo-ada/api-server/commits/{sha('as3')}") == []
    got = values(rows)
    assert got[("github.commits", "octo-ada/api-server", date(2026, 11, 4))] == 1
    assert got[("github.additions", "octo-ada/api-server", date(2026, 11, 4))] == 10
    assert got[("github.commits", "octo-ada/api-server", date(2026, 11, 2))] == 2  # Ada@Example.com counts
    assert sha("as3") not in {e["external_id"] for e in rows.events}


@responses.activate
def test_commit_events_carry_repo_message_lines_and_author():
    serve(owned_world())
    rows = SOURCE.fetch(make_ctx())
    event = next(e for e in rows.events if e["external_id"] == sha("as1"))
    assert event["kind"] == "commit" and event["day"] == date(2026, 11, 2)
    assert event["data"] == {"repo": "octo-ada/api-server", "message": "Add health endpoint", "additions": 120,
                             "deletions": 4, "html_url": f"https://github.com/octo-ada/api-server/commit/{sha('as1')}",
                             "author_email": "ada@example.com", "merge": False}


@responses.activate
def test_commit_day_follows_the_users_timezone_and_bounds_are_local_midnights():
    serve(owned_world(since="2026-10-31T23:00:00Z", until="2026-11-07T23:00:00Z"))
    rows = SOURCE.fetch(make_ctx(tz="Europe/Berlin"))
    late = next(e for e in rows.events if e["external_id"] == sha("as5"))  # 2026-11-06T23:30Z
    assert late["day"] == date(2026, 11, 7)
    assert values(rows)[("github.commits", "octo-ada/api-server", date(2026, 11, 7))] == 1
    assert ("github.commits", "octo-ada/api-server", date(2026, 11, 6)) not in values(rows)
    assert values(rows)[("github.commits", "", date(2026, 11, 6))] == 1  # billing-api, 10:00 in Berlin


@responses.activate
def test_dormant_repository_is_not_asked_for_commits_but_keeps_its_snapshot():
    serve(owned_world())
    rows = SOURCE.fetch(make_ctx())
    assert [u for u in called("/repos/octo-ada/dotfiles/commits") if "since=" in u] == []
    got = values(rows)
    assert got[("github.code_bytes", "octo-ada/dotfiles", date(2026, 11, 7))] == 2200
    assert got[("github.commit_span_days", "octo-ada/dotfiles", date(2026, 11, 7))] == 0
    assert not [key for key in got if key[0] == "github.commits" and key[1] == "octo-ada/dotfiles"]


@responses.activate
def test_snapshot_metrics_are_recorded_on_the_windows_last_day():
    serve(owned_world())
    got = values(SOURCE.fetch(make_ctx()))
    day, api = date(2026, 11, 7), "octo-ada/api-server"
    assert got[("github.code_bytes", api, day)] == 123512
    assert got[("github.language_bytes", f"{api}:HTML", day)] == 3000
    assert got[("github.open_issues", api, day)] == 3
    assert got[("github.open_pull_requests", api, day)] == 2
    assert got[("github.repo_size_kb", api, day)] == 2048
    assert got[("github.commit_span_days", api, day)] == (date(2026, 11, 6) - date(2024, 2, 10)).days
    assert got[("github.commit_span_days", "", day)] == (date(2026, 11, 6) - date(2024, 2, 10)).days
    assert got[("github.repo_weekly_additions", "", date(2026, 11, 1))] == 201 + 207


@responses.activate
def test_stats_answering_202_then_200_are_retried_after_a_backoff():
    world = owned_world()
    path = k("/repos/octo-ada/api-server/stats/code_frequency")
    world[path] = [(202, {}, {}), (200, load("code_frequency_api_server.json"), {})]
    serve(world)
    sleeps = []
    got = values(SOURCE.fetch(make_ctx(sleeps=sleeps)))
    assert sleeps == [2]
    assert got[("github.repo_weekly_additions", "octo-ada/api-server", date(2026, 11, 1))] == 201
    assert got[("github.repo_weekly_deletions", "octo-ada/api-server", date(2026, 11, 1))] == 92


@responses.activate
def test_stats_answering_202_forever_are_skipped_with_a_note_and_no_zero_rows():
    world = owned_world()
    world[k("/repos/octo-ada/api-server/stats/code_frequency", {})] = [(202, {}, {})]
    serve(world)
    sleeps = []
    rows = SOURCE.fetch(make_ctx(sleeps=sleeps))
    assert sleeps == [2, 4, 8]
    assert len(called("/repos/octo-ada/api-server/stats/code_frequency")) == 4
    weekly = {key: v for key, v in values(rows).items() if key[0].startswith("github.repo_weekly_")}
    assert weekly == {("github.repo_weekly_additions", "octo-ada/billing-api", date(2026, 11, 1)): 207,
                      ("github.repo_weekly_deletions", "octo-ada/billing-api", date(2026, 11, 1)): 13}
    assert rows.notes == ["octo-ada/api-server: GitHub is still computing its code frequency statistics "
                          "(202 Accepted); weekly lines skipped, retrying next run"]
    assert rows.complete_through is None


@responses.activate
def test_waiting_for_statistics_stops_early_once_the_runs_wait_budget_is_spent():
    responses.add(responses.GET, f"{API}/repos/octo-ada/api-server/stats/code_frequency", status=202, json={})
    sleeps = []
    api = GitHubClient(make_ctx(sleeps=sleeps))
    api.stats_wait_left = 5.0
    with pytest.raises(StatsPending):
        api.code_frequency("octo-ada/api-server")
    assert sleeps == [2.0]
    assert len(responses.calls) == 2


@responses.activate
def test_rate_limit_while_reading_commit_details_returns_the_complete_days():
    world = owned_world()
    world[k(f"/repos/octo-ada/api-server/commits/{sha('as3')}", {})] = [(403, load("error_rate_limit.json"), EXHAUSTED)]
    serve(world)
    rows = SOURCE.fetch(make_ctx())
    assert rows.complete_through == date(2026, 11, 3)
    assert rows.notes == ["rate limit reached, resuming next run"]
    assert {r["day"] for r in rows.daily} == {date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)}
    assert values(rows)[("github.commits", "", date(2026, 11, 2))] == 3
    commits = {e["external_id"] for e in rows.events if e["kind"] == "commit" and not e["data"]["merge"]}
    assert commits == {sha("as1"), sha("as2"), sha("ba1")}
    assert called(f"/repos/octo-ada/api-server/commits/{sha('as5')}") == []
    assert called("/repos/octo-ada/api-server/languages") == []


@responses.activate
def test_secondary_rate_limit_403_stops_cleanly_even_with_budget_left():
    world = owned_world()
    secondary = {"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                 "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}
    world[k(f"/repos/octo-ada/billing-api/commits/{sha('ba1')}")] = [
        (403, secondary, {"X-RateLimit-Remaining": "4100"})]
    serve(world)
    rows = SOURCE.fetch(make_ctx())
    assert rows.complete_through == date(2026, 11, 1)
    assert rows.notes == ["rate limit reached, resuming next run"]
    assert values(rows) == {(m, "", date(2026, 11, 1)): 0.0 for m in (
        "github.commits", "github.additions", "github.deletions", "github.churn", "github.active_days")}


@responses.activate
def test_rate_limit_while_listing_repositories_keeps_the_cursor_where_it_was():
    world = owned_world()
    world[k("/user/repos", OWNED)] = [(429, {"message": "API rate limit exceeded"}, EXHAUSTED)]
    serve(world)
    rows = SOURCE.fetch(make_ctx())
    assert rows.complete_through == date(2026, 10, 31)
    assert rows.daily == [] and rows.events == []
    assert rows.notes == ["rate limit reached, resuming next run"]


@responses.activate
def test_rate_limit_during_repository_snapshots_keeps_every_commit_day():
    world = owned_world()
    world[k("/repos/octo-ada/billing-api/languages", {})] = [(403, load("error_rate_limit.json"), EXHAUSTED)]
    serve(world)
    rows = SOURCE.fetch(make_ctx())
    got = values(rows)
    assert rows.complete_through == date(2026, 11, 6)
    assert got[("github.commits", "", date(2026, 11, 7))] == 0
    assert got[("github.stars", "octo-ada/api-server", date(2026, 11, 7))] == 12
    assert ("github.stars", "", date(2026, 11, 7)) not in got


@responses.activate
def test_repository_answering_404_is_skipped_with_a_note():
    world = owned_world()
    serve({key: answers for key, answers in world.items() if "billing-api" not in key[0]
           and "dotfiles" not in key[0] and key[0] != "/user/repos"})
    responses.add(responses.GET, f"{API}/repos/octo-ada/api-server", json=load("user_repos_owner_page1.json")[0])
    responses.add(responses.GET, f"{API}/repos/octo-ada/gone", status=404, json=load("error_not_found.json"))
    rows = SOURCE.fetch(make_ctx({"repos": "octo-ada/gone\nocto-ada/api-server"}))
    assert rows.notes == ["octo-ada/gone: skipped, GitHub answered 404 (deleted, renamed or made private)"]
    assert {r["dimension"] for r in rows.daily if r["metric"] == "github.commits"} == {"", "octo-ada/api-server"}
    assert values(rows)[("github.commits", "", date(2026, 11, 2))] == 2


@responses.activate
def test_repository_answering_403_without_rate_limit_is_skipped_not_an_auth_failure():
    world = owned_world()
    world[k("/repos/octo-ada/billing-api/commits", LIST)] = [
        (403, load("error_forbidden.json"), {"X-RateLimit-Remaining": "4987"})]
    serve(world)
    rows = SOURCE.fetch(make_ctx())
    assert rows.notes == [
        "octo-ada/billing-api: skipped, GitHub answered 403 (access denied: the token cannot read it)"]
    assert not [key for key in values(rows) if key[1].startswith("octo-ada/billing-api")]
    assert rows.complete_through is None


@responses.activate
def test_repo_patterns_and_names_select_from_every_visible_repository():
    world = owned_world()
    serve({key: answers for key, answers in world.items() if "billing-api" in key[0]})
    responses.add(responses.GET, f"{API}/user/repos", json=load("user_repos_all.json"),
                  match=[matchers.query_param_matcher(VISIBLE)])
    responses.add(responses.GET, f"{API}/repos/ada-labs/web/commits", json=load("commits_web.json"),
                  match=[matchers.query_param_matcher(LIST)])
    add_web = {}
    add_snapshot(add_web, "ada-labs/web", "web", [], [], oldest_page=None)
    add_web[k(f"/repos/ada-labs/web/commits/{sha('wb1')}", {})] = [(200, load("commit_wb1.json"), {})]
    serve(add_web)
    rows = SOURCE.fetch(make_ctx({"repos": "octo-ada/*-API, ada-labs/web\nada-labs/nothing-*"}))
    repos = {r["dimension"] for r in rows.daily if r["metric"] == "github.commits"}
    assert repos == {"", "octo-ada/billing-api", "ada-labs/web"}
    assert rows.notes == ["pattern 'ada-labs/nothing-*' matched no repository"]
    assert called("/repos/ada-labs/web") == []  # found in the listing, no extra call


@responses.activate
def test_empty_repository_gives_a_snapshot_and_no_commit_rows():
    responses.add(responses.GET, f"{API}/repos/ada-labs/web", json=load("repo_ada-labs_web.json"))
    responses.add(responses.GET, f"{API}/repos/ada-labs/web/commits", status=409,
                  json=load("error_empty_repository.json"))
    responses.add(responses.GET, f"{API}/repos/ada-labs/web/languages", json={})
    responses.add(responses.GET, f"{API}/repos/ada-labs/web/pulls", json=[])
    responses.add(responses.GET, f"{API}/repos/ada-labs/web/stats/code_frequency", status=204)
    rows = SOURCE.fetch(make_ctx({"repos": "ada-labs/web"}))
    got = values(rows)
    assert got[("github.code_bytes", "ada-labs/web", date(2026, 11, 7))] == 0
    assert got[("github.commits", "", date(2026, 11, 1))] == 0
    assert not [key for key in got if key[0] in ("github.commits", "github.commit_span_days") and key[1]]
    event = next(e for e in rows.events if e["kind"] == "repository")
    assert event["start"] is None and event["data"]["primary_language"] == "TypeScript"
    assert rows.notes == []


@responses.activate
def test_api_base_url_can_point_at_a_stand_in_server():
    responses.add(responses.GET, "http://localhost:8111/user", json=load("user.json"))
    ctx = make_ctx(config={"GITHUB_API_URL": "http://localhost:8111/"})
    assert SOURCE.test_connection(ctx) == "Connected to GitHub as octo-ada"


@responses.activate
def test_test_connection_names_the_login_and_account_id_is_the_numeric_id():
    responses.add(responses.GET, f"{API}/user", json=load("user.json"))
    assert SOURCE.test_connection(make_ctx()) == "Connected to GitHub as octo-ada"
    assert SOURCE.account_id(make_ctx()) == "583231"


@responses.activate
def test_bad_token_is_an_auth_failure():
    responses.add(responses.GET, f"{API}/user", status=401, json=load("error_bad_credentials.json"))
    with pytest.raises(AuthError):
        SOURCE.test_connection(make_ctx())


@responses.activate
def test_bad_token_during_fetch_is_an_auth_failure_not_a_skipped_repository():
    responses.add(responses.GET, f"{API}/user/repos", status=401, json=load("error_bad_credentials.json"))
    with pytest.raises(AuthError):
        SOURCE.fetch(make_ctx())
