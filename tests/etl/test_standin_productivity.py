"""Rize, GitHub and Google Sheets end to end, the way an operator runs them: `flask` CLI commands and
`python -m etl.batch_job` as subprocesses against the stand-in server, on a database of their own (a
temp SQLite file, or `<TEST_DATABASE_URL's database>_productivity` on MySQL/MariaDB).

ada imports three chosen repositories (one by pattern) and only her own commits, and her sheet's
"Daily" worksheet (weight, steps); bob imports every repository he owns and his "Expenses"
worksheet (amounts by category)."""
from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine

from app import create_app
from app.extensions import db
from config import TestingConfig
from database.models import DailyMetric, Event, User
from tests.conftest import login
from tests.standin import BROKEN, REVOKED, StandIn
from tests.standin import github as github_data
from tests.standin import rize as rize_data
from tests.standin import sheets as sheets_data
from tests.standin.commands import batch_job, first_window, flask, integration, own_database
from utils.encryption import generate_key

PASSWORD = "a long enough password"
BACKFILL_DAYS = 14
ADA_REPOS = ["ada/api-server", "ada/web", "team-ada/shared"]
BOB_REPOS = ["bob/api-server", "bob/dotfiles", "bob/empty-idea", "bob/web"]  # owned, the fork left out
SOURCES = ("github", "rize", "sheets")
BADGE = re.compile(r'<section class="card integration" id="(\w+)">\s*<header class="row">\s*<h2>[^<]*</h2>\s*'
                   r'<span class="badge status-(\w+)">')


def statuses(result: subprocess.CompletedProcess) -> dict[tuple[str, str], str]:
    """{(email, source): status} from the batch job's per-integration lines."""
    return {tuple(line.split("\t")[:2]): line.split("\t")[4] for line in result.stdout.splitlines()
            if not line.startswith("summary:")}


def connect(env: dict[str, str], email: str, source: str, credentials: dict) -> subprocess.CompletedProcess:
    """`flask integrations import` with the credentials (and any "settings") as JSON on stdin."""
    return flask(env, "integrations", "import", "--user", email, "--source", source, stdin=json.dumps(credentials))


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """An empty database for the subprocesses (see tests.standin.commands.own_database)."""
    with own_database(tmp_path_factory.mktemp("productivity"), "productivity") as url:
        yield url


@pytest.fixture(scope="module")
def standin():
    """The stand-in server for the whole module."""
    with StandIn(lifetime=900) as provider:
        yield provider


@pytest.fixture(scope="module")
def env(standin, database_url, tmp_path_factory):
    """The subprocesses' environment: their own database and keys, every base URL at the stand-in."""
    variables = {name: value for name, value in os.environ.items() if name != "TEST_DATABASE_URL"}
    variables.update(APP_ENV="development", DATABASE_URL=database_url, SECRET_KEY="s" * 48,
                     ENCRYPTION_KEYS=generate_key(), INSTANCE_PATH=str(tmp_path_factory.mktemp("instance")),
                     ETL_BACKFILL_DAYS=str(BACKFILL_DAYS), ETL_OVERLAP_DAYS="3", LOG_LEVEL="INFO",
                     **standin.environment())
    assert flask(variables, "db", "upgrade").returncode == 0
    return variables


@pytest.fixture(scope="module")
def secrets():
    """Every key, token and private key handed out by CLI import, to check that none leaks."""
    return []


def secret_parts(credentials: dict) -> list[str]:
    """The secret in credentials: the key or token, or a line of the service account's private key."""
    if "service_account_json" in credentials:
        return [json.loads(credentials["service_account_json"])["private_key"].splitlines()[1]]
    return [credentials.get("api_key") or credentials["token"]]


@pytest.fixture(scope="module")
def first_run(standin, env, secrets):
    """ada and bob created and connected by CLI, then one batch run."""
    settings = {"ada": {"github": {"repos": "ada/api-server\nada/web, team-ada/*", "author_email": "ada@example.com"},
                        "sheets": sheets_data.settings_for("ada", sheets_data.DAILY)},
                "bob": {"sheets": sheets_data.settings_for("bob", sheets_data.EXPENSES)}}
    for user in ("ada", "bob"):
        created = flask(env, "users", "create", "--email", f"{user}@example.com", stdin=PASSWORD + "\n")
        assert created.returncode == 0, created.stderr
        for source in SOURCES:
            credentials = standin.credentials(source, user)
            secrets.extend(secret_parts(credentials))
            imported = connect(env, f"{user}@example.com", source, {**credentials, "settings": settings[user].get(
                source, {})})
            assert imported.returncode == 0, imported.stderr
            assert imported.stdout.startswith(f"stored {source} credentials for {user}@example.com")
            assert not any(secret in imported.stdout + imported.stderr for secret in secret_parts(credentials))
    return batch_job(env)


@pytest.fixture(scope="module")
def engine(database_url):
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def rows_after_first_run(first_run, engine):
    return stored_rows(engine)


def stored_rows(engine: Engine) -> set[tuple]:
    """Every daily row and event, without surrogate ids."""
    with engine.connect() as conn:
        daily = conn.execute(select(DailyMetric.__table__).with_only_columns(
            *(c for c in DailyMetric.__table__.c if c.name != "id"))).all()
        events = conn.execute(select(Event.user_id, Event.source, Event.kind, Event.external_id, Event.day,
                                     Event.start, Event.end, Event.data)).all()
    return {("daily", *r) for r in daily} | {("event", *r[:-1], json.dumps(r[-1], sort_keys=True)) for r in events}


def values(engine: Engine, email: str, metric: str, dimension: str | None = "") -> dict:
    """{day: value} of one metric (dimension ''), or {(dimension, day): value} with ``dimension=None``."""
    query = (select(DailyMetric.dimension, DailyMetric.day, DailyMetric.value)
             .join(User, User.id == DailyMetric.user_id).where(User.email == email, DailyMetric.metric == metric))
    with engine.connect() as conn:
        found = conn.execute(query).all()
    if dimension is None:
        return {(dim, day): value for dim, day, value in found if dim}
    return {day: value for dim, day, value in found if dim == dimension}


def events(engine: Engine, email: str, source: str) -> set[tuple[str, str]]:
    """{(kind, external_id)} of one user's events from ``source``."""
    query = (select(Event.kind, Event.external_id).join(User, User.id == Event.user_id)
             .where(User.email == email, Event.source == source))
    with engine.connect() as conn:
        return set(conn.execute(query).all())


def github_commits(user: str, repos: list[str], author: str, window: list[date], today: date) -> dict:
    """{(repository, day): the commits GitHub lists} on days with at least one (by ``author`` when set)."""
    found = {}
    for full in repos:
        for day in window:
            commits = [c for c in github_data.day_commits(user, github_data.spec_of(user, full), day, today)
                       if not author or c.email == author]
            if commits:
                found[full, day] = commits
    return found


def test_all_three_sources_sync_for_both_users_and_the_job_exits_0(first_run, standin, secrets):
    assert first_run.returncode == 0, first_run.stdout + first_run.stderr
    assert statuses(first_run) == {(f"{user}@example.com", source): "ok"
                                   for user in ("ada", "bob") for source in SOURCES}
    assert first_run.stdout.splitlines()[-1].startswith("summary: 6 integration(s): 6 ok; ")
    output = first_run.stdout + first_run.stderr
    assert [t for t in standin.tokens.all_tokens() + secrets if t in output] == []
    assert "Traceback" not in first_run.stderr


def test_the_integrations_page_shows_rize_github_and_sheets_connected(first_run, env, engine, database_url, standin):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        ENCRYPTION_KEYS = env["ENCRYPTION_KEYS"]

    app = create_app(Config)
    client = app.test_client()
    assert login(client, "ada@example.com", PASSWORD).status_code == 302
    page = client.get("/integrations/").get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()
    badges = dict(BADGE.findall(page))
    assert {source: badges[source] for source in SOURCES} == dict.fromkeys(SOURCES, "connected")
    assert badges["oura"] == "disconnected"
    for source in SOURCES:
        row = integration(engine, "bob@example.com", source)
        assert (row.status, row.last_error, row.cursor) == ("connected", None, standin.today)


def test_rize_focus_meeting_and_category_minutes_are_the_ones_rize_reported(first_run, engine, standin):
    window = first_window(engine, "ada@example.com", "rize")
    assert len(window) == BACKFILL_DAYS and window[-1] == standin.today
    for field, metric in (("focusTime", "rize.focus_minutes"), ("meetingTime", "rize.meeting_minutes"),
                          ("trackedTime", "rize.tracked_minutes"), ("workHours", "rize.work_minutes")):
        assert values(engine, "ada@example.com", metric) == {
            day: round(rize_data.bucket("ada", day)[field] / 60, 2) for day in window}
    assert values(engine, "ada@example.com", "rize.category_minutes", None) == {
        (rize_data.CATEGORY_NAMES[key], day): round(seconds / 60, 2)
        for day in window for key, seconds in rize_data.categories_of_day("ada", day).items()}
    kinds = {"focus": "focus_session", "meeting": "meeting", "break": "break"}
    assert events(engine, "bob@example.com", "rize") == {
        (kinds[s["type"]], f"session:{s['id']}") for day in window for s in rize_data.sessions_of_day("bob", day)}


def test_github_commits_and_lines_of_the_chosen_repositories_count_only_her_own_commits(first_run, engine, standin):
    window, today = first_window(engine, "ada@example.com", "github"), standin.today
    served = github_commits("ada", ADA_REPOS, "ada@example.com", window, today)
    assert values(engine, "ada@example.com", "github.commits", None) == {key: len(c) for key, c in served.items()}
    assert values(engine, "ada@example.com", "github.additions", None) == {
        key: sum(c.additions for c in commits if not c.merge) for key, commits in served.items()}
    assert values(engine, "ada@example.com", "github.commits") == {
        day: sum(len(c) for (_, d), c in served.items() if d == day) for day in window}
    assert {e for e in events(engine, "ada@example.com", "github") if e[0] == "commit"} == {
        ("commit", c.sha) for commits in served.values() for c in commits}
    teammate = github_commits("ada", ["team-ada/shared"], github_data.TEAMMATE[1], window, today)
    assert teammate and all(c.sha not in {e[1] for e in events(engine, "ada@example.com", "github")}
                            for commits in teammate.values() for c in commits)


def test_github_without_a_filter_takes_every_owned_repository_but_the_fork(first_run, engine, standin):
    window, today = first_window(engine, "bob@example.com", "github"), standin.today
    served = github_commits("bob", BOB_REPOS, "", window, today)
    assert values(engine, "bob@example.com", "github.commits", None) == {key: len(c) for key, c in served.items()}
    sizes = values(engine, "bob@example.com", "github.code_bytes", None)
    assert sizes == {(full, today): sum(github_data.languages("bob", github_data.spec_of("bob", full)).values())
                     for full in BOB_REPOS}
    assert values(engine, "bob@example.com", "github.code_bytes") == {today: sum(sizes.values())}
    listings = standin.calls_to("github", "bob", "/user/repos")
    assert [(c.query.get("affiliation"), c.query.get("page"), c.status) for c in listings] == [
        ("owner", None, 200), ("owner", "2", 200)]


def test_github_statistics_still_being_computed_are_read_after_a_wait(first_run, engine, standin):
    calls = standin.calls_to("github", "ada", "/repos/ada/web/stats/code_frequency")
    assert [c.status for c in calls] == [202, 200]
    window = first_window(engine, "ada@example.com", "github")
    weeks = github_data.code_frequency("ada", github_data.spec_of("ada", "ada/web"), standin.today)
    sundays = {datetime.fromtimestamp(week[0], UTC).date(): week[1] for week in weeks}
    weekly = values(engine, "ada@example.com", "github.repo_weekly_additions", None)
    assert {day: value for (repo, day), value in weekly.items() if repo == "ada/web"} == {
        sunday: added for sunday, added in sundays.items() if window[0] - timedelta(days=6) <= sunday <= window[-1]}


def test_sheet_weight_steps_and_expenses_by_category_are_the_sheet_values(first_run, engine, standin):
    window = first_window(engine, "ada@example.com", "sheets")
    daily = [e for e in sheets_data.daily_entries("ada", standin.today) if e.day in window]
    assert values(engine, "ada@example.com", "sheets.weight_kg") == {e.day: e.weight for e in daily if e.weight}
    assert values(engine, "ada@example.com", "sheets.steps") == {e.day: e.steps for e in daily if e.steps}
    spent: dict[tuple[str, date], int] = {}
    for expense in sheets_data.expenses("bob", standin.today):
        if expense.day in window:
            spent[expense.category, expense.day] = spent.get((expense.category, expense.day), 0) + expense.cents
    assert values(engine, "bob@example.com", "sheets.amount", None) == pytest.approx(
        {key: cents / 100 for key, cents in spent.items()})


def test_a_second_run_changes_nothing(first_run, rows_after_first_run, env, engine):
    again = batch_job(env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert set(statuses(again).values()) == {"ok"} and len(statuses(again)) == 6
    assert stored_rows(engine) == rows_after_first_run


def test_a_row_deleted_in_the_sheet_disappears_from_the_store_on_the_next_run(first_run, rows_after_first_run,
                                                                               env, engine, standin):
    day = next(e.day for e in reversed(sheets_data.daily_entries("ada", standin.today)) if e.weight and e.steps)
    assert day >= standin.today - timedelta(days=3)  # inside the window a run re-reads
    before = values(engine, "ada@example.com", "sheets.weight_kg")
    standin.sheets.delete_rows("ada", sheets_data.DAILY, day)
    result = batch_job(env, "--source", "sheets")
    assert result.returncode == 0, result.stdout + result.stderr
    assert values(engine, "ada@example.com", "sheets.weight_kg") == {d: v for d, v in before.items() if d != day}
    assert day not in values(engine, "ada@example.com", "sheets.steps")
    unchanged = {r for r in rows_after_first_run if not (r[0] == "daily" and r[5] == day and r[2] == "sheets"
                                                         and r[3] in ("sheets.weight_kg", "sheets.steps"))}
    assert stored_rows(engine) == unchanged


def test_an_unknown_rize_key_asks_the_user_to_reconnect(first_run, env, engine):
    assert flask(env, "users", "create", "--email", "cy@example.com", stdin=PASSWORD + "\n").returncode == 0
    assert connect(env, "cy@example.com", "rize", {"api_key": "rize-key-that-rize-never-issued"}).returncode == 0
    result = batch_job(env, "--user", "cy@example.com")
    assert result.returncode == 1
    assert statuses(result) == {("cy@example.com", "rize"): "failed"}
    row = integration(engine, "cy@example.com", "rize")
    assert row.status == "needs_reauth" and "Unauthorized" in row.last_error and row.cursor is None


def test_a_spent_github_rate_limit_defers_the_sync_and_the_next_run_finishes_it(first_run, env, engine, standin):
    assert flask(env, "users", "create", "--email", "dee@example.com", stdin=PASSWORD + "\n").returncode == 0
    assert connect(env, "dee@example.com", "github", standin.credentials("github", "dee")).returncode == 0
    standin.github.limit("dee", 12)
    stopped = batch_job(env, "--user", "dee@example.com")
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert statuses(stopped) == {("dee@example.com", "github"): "deferred"}
    assert "rate limit reached, resuming next run" in stopped.stdout
    assert [c.status for c in standin.calls_to("github", "dee")][-1] == 403
    cursor = integration(engine, "dee@example.com", "github").cursor
    assert cursor is None or cursor < standin.today
    standin.github.limit("dee", None)
    finished = batch_job(env, "--user", "dee@example.com")
    assert statuses(finished) == {("dee@example.com", "github"): "ok"}
    assert integration(engine, "dee@example.com", "github").cursor == standin.today


def test_a_failing_source_is_recorded_and_the_users_other_sources_still_sync(first_run, env, engine, standin):
    assert flask(env, "users", "create", "--email", "eve@example.com", stdin=PASSWORD + "\n").returncode == 0
    for source in SOURCES:
        settings = sheets_data.settings_for("eve", sheets_data.DAILY) if source == "sheets" else {}
        credentials = {**standin.credentials(source, "eve"), "settings": settings}
        assert connect(env, "eve@example.com", source, credentials).returncode == 0
    standin.fail("github", "eve", BROKEN)
    standin.fail("sheets", "eve", REVOKED)
    result = batch_job(env, "--user", "eve@example.com")
    assert result.returncode == 1
    assert statuses(result) == {("eve@example.com", "github"): "failed", ("eve@example.com", "rize"): "ok",
                                ("eve@example.com", "sheets"): "failed"}
    assert [c.status for c in standin.calls_to("github", "eve")] == [500] * 5  # the first call and 4 retries
    github_row, sheets_row = (integration(engine, "eve@example.com", s) for s in ("github", "sheets"))
    assert (github_row.status, github_row.cursor) == ("error", None) and "answered 500" in github_row.last_error
    assert sheets_row.status == "needs_reauth" and "share it with" in sheets_row.last_error
    assert len(values(engine, "eve@example.com", "rize.focus_minutes")) == BACKFILL_DAYS
    assert values(engine, "eve@example.com", "sheets.weight_kg") == {}
