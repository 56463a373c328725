"""The nightly batch job, in-process against the Oura/WHOOP stand-in server: isolation of failures,
idempotence, filters, dry runs, exit codes, quiet output, workers, shared budget, concurrent runners,
and the doctor that reports on all of it."""
from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.extensions import db
from database.integrations import get_or_create_integration, read_credentials, store_credentials
from database.models import DailyMetric, Event, IntradaySample, SyncRun, User, UserIntegration
from etl.batch_job import main, parse_args, run_batch
from etl.budget import RateBudget
from etl.doctor import report
from etl.sync import sync_integration
from tests.conftest import make_user
from tests.standin import BROKEN, REVOKED, StandIn
from tests.standin import oura as oura_data
from tests.standin import whoop as whoop_data
from utils.date_utils import days_between

ROOT = Path(__file__).resolve().parents[2]
UNTIL = date.today() - timedelta(days=3)
SINCE = UNTIL - timedelta(days=6)
WINDOW = ["--since", SINCE.isoformat(), "--until", UNTIL.isoformat()]


@pytest.fixture
def standin(app, monkeypatch):
    """The stand-in server, with the app's Oura and WHOOP settings pointing at it."""
    with StandIn(lifetime=300) as provider:
        for name, value in provider.environment().items():
            monkeypatch.setitem(app.config, name, value)
        yield provider


def connect(app, standin: StandIn, email: str, source: str, *, pat: bool = False, expires_in: int | None = None) -> int:
    """Create the user if needed and store credentials the stand-in issued; return the integration id."""
    name = email.split("@")[0]
    with app.app_context():
        user_id = db.session.scalar(select(User.id).filter_by(email=email)) or make_user(app, email)
        creds = ({"personal_access_token": standin.personal_token(source, name)} if pat
                 else standin.grant(source, name, expires_in))
        integration = get_or_create_integration(user_id, source)
        store_credentials(integration, creds)
        db.session.commit()
        return integration.id


def four_integrations(app, standin: StandIn) -> None:
    """alice: Oura by personal token, WHOOP by OAuth; bob: both by OAuth, his Oura token already expired."""
    connect(app, standin, "alice@example.com", "oura", pat=True)
    connect(app, standin, "alice@example.com", "whoop")
    connect(app, standin, "bob@example.com", "oura", expires_in=-60)
    connect(app, standin, "bob@example.com", "whoop")


def batch(app, *argv: str) -> tuple[int, str]:
    """Run the batch job in-process; (exit code, printed output)."""
    out = io.StringIO()
    code = run_batch(app, parse_args(list(argv)), out)
    return code, out.getvalue()


def lines_by_integration(output: str) -> dict[tuple[str, str], list[str]]:
    """{(email, source): tab-separated fields} of the per-integration lines."""
    found = {}
    for line in output.splitlines():
        if not line.startswith("summary:"):
            fields = line.split("\t")
            found[fields[0], fields[1]] = fields
    return found


def integrations(app) -> dict[tuple[str, str], UserIntegration]:
    """Every integration row, by (email, source), detached for reading."""
    with app.app_context():
        rows = db.session.execute(select(UserIntegration, User.email).join(User)).all()
        db.session.expunge_all()
    return {(email, row.source): row for row, email in rows}


def stored_rows(app) -> set[tuple]:
    """Every stored daily, intraday and event row without its surrogate id."""
    with app.app_context():
        daily = db.session.execute(select(DailyMetric.user_id, DailyMetric.source, DailyMetric.metric,
                                          DailyMetric.dimension, DailyMetric.day, DailyMetric.value)).all()
        intraday = db.session.execute(select(IntradaySample.user_id, IntradaySample.source, IntradaySample.metric,
                                             IntradaySample.ts, IntradaySample.value)).all()
        events = db.session.execute(select(Event.user_id, Event.source, Event.kind, Event.external_id, Event.start,
                                           Event.end, Event.day, Event.data)).all()
    return ({("daily", *r) for r in daily} | {("intraday", *r) for r in intraday}
            | {("event", *r[:-1], repr(sorted(r[-1].items()))) for r in events})


def daily_values(app, email: str, metric: str) -> dict[date, float]:
    """{day: value} of one metric of one user."""
    with app.app_context():
        query = select(DailyMetric.day, DailyMetric.value).join(User, User.id == DailyMetric.user_id).where(
            User.email == email, DailyMetric.metric == metric, DailyMetric.dimension == "")
        return dict(db.session.execute(query).all())


def sync_runs(app) -> list[tuple[str, str, str]]:
    """(email, source, status) of every sync run."""
    with app.app_context():
        query = select(User.email, SyncRun.source, SyncRun.status).join(User, User.id == SyncRun.user_id)
        return sorted(db.session.execute(query).all())


def test_one_failing_integration_keeps_its_cursor_while_the_others_advance(app, standin):
    four_integrations(app, standin)
    standin.fail("whoop", "bob", BROKEN)
    code, output = batch(app, *WINDOW)
    assert code == 1
    lines = lines_by_integration(output)
    assert {key: fields[4] for key, fields in lines.items()} == {
        ("alice@example.com", "oura"): "ok", ("alice@example.com", "whoop"): "ok",
        ("bob@example.com", "oura"): "ok", ("bob@example.com", "whoop"): "failed"}
    assert "answered 500" in lines["bob@example.com", "whoop"][6]
    rows = integrations(app)
    assert {key: row.cursor for key, row in rows.items()} == {
        ("alice@example.com", "oura"): UNTIL, ("alice@example.com", "whoop"): UNTIL,
        ("bob@example.com", "oura"): UNTIL, ("bob@example.com", "whoop"): None}
    assert rows["bob@example.com", "whoop"].status == "error"
    assert "500" in rows["bob@example.com", "whoop"].last_error
    assert daily_values(app, "bob@example.com", "whoop.recovery_score") == {}
    assert len(daily_values(app, "alice@example.com", "whoop.recovery_score")) == 7
    assert len(daily_values(app, "bob@example.com", "oura.sleep_score")) == 7
    # The broken provider was tried five times (one call, four retries), and nobody else's sync noticed.
    assert [c.status for c in standin.calls_to("whoop", "bob")] == [500] * 5


def test_second_run_writes_no_duplicates_and_resumes_the_healed_integration(app, standin):
    four_integrations(app, standin)
    standin.fail("whoop", "bob", BROKEN)
    batch(app, *WINDOW)
    first = stored_rows(app)
    standin.fail("whoop", "bob", None)
    code, output = batch(app, *WINDOW)
    assert code == 0, output
    second = stored_rows(app)
    with app.app_context():
        bob = db.session.scalar(select(User.id).filter_by(email="bob@example.com"))
    bob_whoop = {row for row in second if row[1:3] == (bob, "whoop")}
    assert first <= second and second - first == bob_whoop and len(bob_whoop) > 7
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(DailyMetric)) == sum(
            1 for row in second if row[0] == "daily")
    assert integrations(app)["bob@example.com", "whoop"].cursor == UNTIL
    assert [status for _, _, status in sync_runs(app)].count("ok") == 7


def test_user_and_source_filters_sync_only_the_chosen_integrations(app, standin):
    four_integrations(app, standin)
    code, output = batch(app, "--user", "alice@example.com", *WINDOW)
    assert code == 0
    assert sorted(lines_by_integration(output)) == [("alice@example.com", "oura"), ("alice@example.com", "whoop")]
    code, output = batch(app, "--source", "whoop", *WINDOW)
    assert sorted(lines_by_integration(output)) == [("alice@example.com", "whoop"), ("bob@example.com", "whoop")]
    code, output = batch(app, "--user", "  BOB@Example.com ", "--source", "oura", *WINDOW)
    assert sorted(lines_by_integration(output)) == [("bob@example.com", "oura")]
    assert sync_runs(app) == sorted([("alice@example.com", "oura", "ok"), ("alice@example.com", "whoop", "ok"),
                                     ("alice@example.com", "whoop", "ok"), ("bob@example.com", "whoop", "ok"),
                                     ("bob@example.com", "oura", "ok")])


def test_since_and_until_bound_the_window_and_the_values_match_the_provider(app, standin):
    connect(app, standin, "alice@example.com", "oura")
    connect(app, standin, "alice@example.com", "whoop")
    code, output = batch(app, *WINDOW)
    assert code == 0, output
    with app.app_context():
        windows = set(db.session.execute(select(SyncRun.window_start, SyncRun.window_end)).all())
        days = set(db.session.scalars(select(DailyMetric.day)))
        samples = db.session.execute(select(IntradaySample.ts, IntradaySample.value)).all()
    assert windows == {(SINCE, UNTIL)}
    assert min(days) == SINCE and max(days) == UNTIL
    window_days = days_between(SINCE, UNTIL)
    assert daily_values(app, "alice@example.com", "oura.sleep_score") == {
        d: oura_data.daily_sleep("alice", d)["score"] for d in window_days}
    assert daily_values(app, "alice@example.com", "oura.steps") == {
        d: oura_data.daily_activity("alice", d)["steps"] for d in window_days}
    assert daily_values(app, "alice@example.com", "whoop.recovery_score") == {
        d: whoop_data.records_of_day("alice", d, UNTIL)["recovery"][0]["score"]["recovery_score"] for d in window_days}
    assert len(samples) == 7 * 24 * 60 // standin.heart_rate_minutes
    assert all(value == oura_data.heart_rate_bpm("alice", ts) for ts, value in samples)
    assert {ts.date() for ts, _ in samples} == set(window_days)


def test_dry_run_stores_nothing_but_keeps_a_rotated_refresh_token(app, standin):
    integration_id = connect(app, standin, "alice@example.com", "whoop", expires_in=-60)
    code, output = batch(app, "--dry-run", *WINDOW)
    assert code == 0, output
    fields = lines_by_integration(output)["alice@example.com", "whoop"]
    assert fields[4] == "dry-run" and int(fields[3].removeprefix("rows=")) > 7
    assert stored_rows(app) == set() and sync_runs(app) == []
    with app.app_context():
        integration = db.session.get(UserIntegration, integration_id)
        assert integration.cursor is None
        # Refresh tokens are single-use: losing the rotated one would disconnect the user.
        assert read_credentials(integration)["refresh_token"] == standin.tokens.live_refresh_token("whoop", "alice")


@pytest.mark.parametrize("argv, message", [
    (["--since", "2026-02-30"], "--since must be a date in YYYY-MM-DD form"),
    (["--until", "yesterday"], "--until must be a date in YYYY-MM-DD form"),
    (["--since", "2026-11-02", "--until", "2026-11-01"], "--since must not be after --until"),
    (["--source", "garmin"], "invalid choice: 'garmin'"),
    (["--workers", "0"], "--workers must be between 1 and 32"),
])
def test_bad_arguments_exit_with_code_2(argv, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


def test_unknown_user_exits_with_code_2(app, tmp_path):
    env = {**os.environ, "APP_ENV": "development", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SECRET_KEY": "x" * 32, "ENCRYPTION_KEYS": app.config["ENCRYPTION_KEYS"], "INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "etl.batch_job", "--user", "nobody@example.com"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "error: --user: no user with email nobody@example.com" in result.stderr
    assert result.stdout == ""


def test_printed_lines_and_logs_never_contain_a_token(app, standin, caplog):
    caplog.set_level(logging.DEBUG)
    four_integrations(app, standin)
    connect(app, standin, "carol@example.com", "whoop", expires_in=-60)
    standin.fail("oura", "bob", BROKEN)
    standin.fail("whoop", "bob", REVOKED)
    code, output = batch(app, *WINDOW)
    assert code == 1
    line = re.compile(rf"^\S+@example\.com\t(oura|whoop)\t{SINCE}\.\.{UNTIL}\trows=\d+\t(ok|failed)\t\d+\.\ds(\t.+)?$")
    per_integration = output.splitlines()[:-1]
    assert len(per_integration) == 5 and all(line.match(text) for text in per_integration), output
    assert re.match(r"^summary: 5 integration\(s\): 2 failed, 3 ok; \d+ rows; \d+\.\ds$", output.splitlines()[-1])
    secrets = standin.tokens.all_tokens() + [secret for _, secret in standin.clients.values()]
    assert len(secrets) >= 10  # issued, rotated and spent tokens, and the client secrets
    leaked = [s for s in secrets if s in output or s in caplog.text]
    assert leaked == []


def test_four_workers_store_the_same_rows_as_one(app, standin):
    for name in ("alice", "bob", "carol"):
        connect(app, standin, f"{name}@example.com", "oura", expires_in=-60)
        connect(app, standin, f"{name}@example.com", "whoop", expires_in=-60)
    code, output = batch(app, "--workers", "1", *WINDOW)
    assert code == 0, output
    one_worker = stored_rows(app)
    with app.app_context():
        for model in (DailyMetric, IntradaySample, Event, SyncRun):
            db.session.execute(model.__table__.delete())
        db.session.execute(update(UserIntegration).values(cursor=None))
        db.session.commit()
    code, output = batch(app, "--workers", "4", *WINDOW)
    assert code == 0, output
    assert stored_rows(app) == one_worker and len(one_worker) > 6 * 7
    assert [status for _, _, status in sync_runs(app)] == ["ok"] * 6


def test_shared_whoop_budget_defers_the_rest_of_the_batch_instead_of_failing(app, standin):
    """WHOOP allows 100 requests a minute for the whole installation; users past it wait for the next run."""
    ids = [connect(app, standin, f"user{n:02d}@example.com", "whoop") for n in range(12)]
    budget = RateBudget(max_wait=0)  # one budget for the whole run, as run_batch shares it
    since = UNTIL - timedelta(days=29)
    with app.app_context():
        statuses = [sync_integration(i, since=since, until=UNTIL, budget=budget).status for i in ids]
        diagnoses = {d.email: d.verdict for d in report(source="whoop")}
    done = statuses.count("ok")
    assert 0 < done < 12 and statuses == ["ok"] * done + ["deferred"] * (12 - done), statuses
    assert len(standin.calls_to("whoop")) <= 100
    rows = integrations(app)
    deferred = [rows[f"user{n:02d}@example.com", "whoop"] for n in range(done, 12)]
    assert all(row.status == "connected" and (row.cursor is None or row.cursor < UNTIL) for row in deferred)
    assert [diagnoses[f"user{n:02d}@example.com"] for n in range(12)] == ["OK"] * done + ["DEFERRED"] * (12 - done)


def test_two_runners_started_together_never_sync_one_integration_twice(app, standin):
    integration_id = connect(app, standin, "alice@example.com", "oura", pat=True)
    hold = standin.hold("/v2/usercollection/daily_sleep")
    first: dict = {}
    first_runner = threading.Thread(target=lambda: first.update(result=batch(app, *WINDOW)))
    first_runner.start()
    try:
        assert hold.entered.wait(10), "the first runner never reached Oura"
        code, output = batch(app, *WINDOW)  # the second runner, while the first one is mid-fetch
    finally:
        hold.release()
        first_runner.join(30)
    assert code == 0
    fields = lines_by_integration(output)["alice@example.com", "oura"]
    assert fields[4] == "skipped" and fields[6] == "another runner is syncing it"
    first_code, first_output = first["result"]
    assert first_code == 0 and lines_by_integration(first_output)["alice@example.com", "oura"][4] == "ok"
    with app.app_context():
        runs = db.session.scalars(select(SyncRun.status).filter_by(integration_id=integration_id)).all()
    assert runs == ["ok"]
    assert len(standin.calls_to("oura", "alice", "/v2/usercollection/daily_sleep")) == 1


def test_a_runner_skips_a_row_another_runner_has_locked(app, standin):
    """MySQL/MariaDB: the claim uses SELECT ... FOR UPDATE SKIP LOCKED, so it never waits for a lock."""
    with app.app_context():
        if db.engine.dialect.name not in ("mysql", "mariadb"):
            pytest.skip("row locks need MySQL/MariaDB (SQLite claims with a conditional UPDATE)")
    integration_id = connect(app, standin, "alice@example.com", "oura", pat=True)
    with app.app_context(), db.engine.connect() as other:
        locked = other.begin()
        other.execute(select(UserIntegration.id).where(UserIntegration.id == integration_id).with_for_update())
        started = time.monotonic()
        code, output = batch(app, *WINDOW)
        elapsed = time.monotonic() - started
        locked.rollback()
    assert code == 0 and elapsed < 10  # InnoDB would otherwise wait innodb_lock_wait_timeout (50 s)
    assert lines_by_integration(output)["alice@example.com", "oura"][4] == "skipped"
    assert sync_runs(app) == [] and standin.calls_to("oura") == []


def doctor_lines(output: str) -> dict[tuple[str, str], tuple[str, str]]:
    """{(email, source): (verdict, reason)} from the doctor's table."""
    table = {}
    for line in output.splitlines():
        verdict_and_email, source, _last, _rows, reason = line.split("\t")
        verdict, email = verdict_and_email.split()
        table[email, source] = (verdict, reason)
    return table


def test_doctor_shows_ok_fail_needs_reauth_and_never_synced_with_the_reason(app, standin, runner):
    four_integrations(app, standin)
    standin.fail("whoop", "alice", BROKEN)
    standin.fail("whoop", "bob", REVOKED)
    batch(app, "--user", "alice@example.com", *WINDOW)
    batch(app, "--user", "bob@example.com", "--source", "whoop", *WINDOW)
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1  # something needs attention
    table = doctor_lines(result.output)
    assert table["alice@example.com", "oura"] == ("OK", "")
    verdict, reason = table["alice@example.com", "whoop"]
    assert verdict == "FAIL" and "/v2/user/measurement/body answered 500" in reason
    verdict, reason = table["bob@example.com", "whoop"]
    assert verdict == "NEEDS-REAUTH" and "invalid_grant" in reason
    assert table["bob@example.com", "oura"] == ("NEVER-SYNCED", "connected, waiting for the first sync")
    assert table["bob@example.com", "github"] == ("NOT-CONNECTED", "")
    assert not any(token in result.output for token in standin.tokens.all_tokens())


def test_doctor_prints_its_table_every_time_it_runs(app, runner):
    make_user(app)
    outputs = [runner.invoke(args=["doctor", "--source", "oura"]).output for _ in range(2)]
    assert outputs[0] == outputs[1] == "NOT-CONNECTED alice@example.com\toura\tlast_sync=never\trows=-\t\n"
