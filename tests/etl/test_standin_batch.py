"""The whole pipeline the way an operator runs it: `flask` CLI commands and `python -m etl.batch_job`
as subprocesses, against the Oura/WHOOP stand-in server, on a database of their own (a temp SQLite
file, or `<TEST_DATABASE_URL's database>_standin` on MySQL/MariaDB, never the shared test database)."""
from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine

from database.models import DailyMetric, Event, IntradaySample, User
from tests.standin import BROKEN, REVOKED, StandIn
from tests.standin import oura as oura_data
from tests.standin import whoop as whoop_data
from tests.standin.commands import batch_job, first_window, flask, integration, own_database
from utils.encryption import CredentialCipher, generate_key, parse_keys

PASSWORD = "a long enough password"
BACKFILL_DAYS = 10


@dataclass
class Pipeline:
    """The stand-in, the subprocesses' environment, their database, and the first batch run."""

    standin: StandIn
    env: dict[str, str]
    engine: Engine
    issued: dict[tuple[str, str], dict]
    first_run: subprocess.CompletedProcess
    rows_after_first_run: set[tuple]


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """An empty database for the subprocesses (see tests.standin.commands.own_database)."""
    with own_database(tmp_path_factory.mktemp("standin"), "standin") as url:
        yield url


@pytest.fixture(scope="module")
def pipeline(database_url, tmp_path_factory):
    """Migrate, create ada (healthy) and bob (Oura broken, WHOOP revoked) by CLI, run the batch once."""
    with StandIn(lifetime=900) as standin:
        env = {name: value for name, value in os.environ.items() if name != "TEST_DATABASE_URL"}
        env.update(APP_ENV="development", DATABASE_URL=database_url, SECRET_KEY="s" * 48,
                   ENCRYPTION_KEYS=generate_key(), INSTANCE_PATH=str(tmp_path_factory.mktemp("instance")),
                   ETL_BACKFILL_DAYS=str(BACKFILL_DAYS), ETL_OVERLAP_DAYS="3", LOG_LEVEL="INFO",
                   **standin.environment())
        assert flask(env, "db", "upgrade").returncode == 0
        issued = {}
        for user in ("ada", "bob"):
            created = flask(env, "users", "create", "--email", f"{user}@example.com", stdin=PASSWORD + "\n")
            assert created.returncode == 0, created.stderr
            for source in ("oura", "whoop"):
                issued[user, source] = standin.grant(source, user, expires_in=-600)  # the refresh path runs
                imported = flask(env, "integrations", "import", "--user", f"{user}@example.com", "--source", source,
                                 stdin=json.dumps(issued[user, source]))
                assert imported.returncode == 0, imported.stderr
                assert issued[user, source]["access_token"] not in imported.stdout
        standin.fail("oura", "bob", BROKEN)
        standin.fail("whoop", "bob", REVOKED)
        engine = create_engine(database_url)
        first_run = batch_job(env)
        yield Pipeline(standin, env, engine, issued, first_run, stored_rows(engine))
        engine.dispose()


def stored_rows(engine: Engine) -> set[tuple]:
    """Every daily, intraday and event row, without surrogate ids."""
    with engine.connect() as conn:
        daily = conn.execute(select(DailyMetric.__table__).with_only_columns(
            *(c for c in DailyMetric.__table__.c if c.name != "id"))).all()
        intraday = conn.execute(select(IntradaySample.__table__).with_only_columns(
            *(c for c in IntradaySample.__table__.c if c.name != "id"))).all()
        events = conn.execute(select(Event.external_id, Event.kind, Event.day, Event.start, Event.end)).all()
    return {("daily", *r) for r in daily} | {("intraday", *r) for r in intraday} | {("event", *r) for r in events}


def daily_values(engine: Engine, email: str, metric: str) -> dict[date, float]:
    """{day: value} of one undimensioned metric of one user."""
    query = (select(DailyMetric.day, DailyMetric.value).join(User, User.id == DailyMetric.user_id)
             .where(User.email == email, DailyMetric.metric == metric, DailyMetric.dimension == ""))
    with engine.connect() as conn:
        return dict(conn.execute(query).all())


def test_first_run_reports_each_integration_and_exits_1_for_the_failing_user(pipeline):
    result = pipeline.first_run
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    status = {tuple(line.split("\t")[:2]): line.split("\t")[4] for line in lines[:-1]}
    assert status == {("ada@example.com", "oura"): "ok", ("ada@example.com", "whoop"): "ok",
                      ("bob@example.com", "oura"): "failed", ("bob@example.com", "whoop"): "failed"}
    assert lines[-1].startswith("summary: 4 integration(s): 2 failed, 2 ok; ")
    secrets = pipeline.standin.tokens.all_tokens()
    assert [s for s in secrets if s in result.stdout or s in result.stderr] == []


def test_stored_values_are_the_ones_the_provider_served(pipeline):
    engine, today = pipeline.engine, pipeline.standin.today
    oura_days = first_window(engine, "ada@example.com", "oura")
    assert len(oura_days) == BACKFILL_DAYS and oura_days[-1] == today
    assert daily_values(engine, "ada@example.com", "oura.sleep_score") == {
        d: oura_data.daily_sleep("ada", d)["score"] for d in oura_days}
    assert daily_values(engine, "ada@example.com", "oura.total_sleep_minutes") == pytest.approx({
        d: oura_data.sleep_periods("ada", d)[0]["total_sleep_duration"] / 60 for d in oura_days})
    whoop_days = first_window(engine, "ada@example.com", "whoop")
    served = {d: whoop_data.records_of_day("ada", d, today) for d in whoop_days}
    assert daily_values(engine, "ada@example.com", "whoop.recovery_score") == {
        d: records["recovery"][0]["score"]["recovery_score"] for d, records in served.items()}
    assert daily_values(engine, "ada@example.com", "whoop.strain") == {
        d: records["cycle"][0]["score"]["strain"] for d, records in served.items()}
    assert daily_values(engine, "ada@example.com", "whoop.weight_kg") == {
        today: whoop_data.body_measurement("ada")["weight_kilogram"]}
    with engine.connect() as conn:
        events = set(conn.execute(select(Event.source, Event.kind, Event.external_id)).all())
        samples = conn.execute(select(IntradaySample.ts, IntradaySample.value)).all()
    assert {e for e in events if e[:2] == ("oura", "sleep")} == {("oura", "sleep", f"sl-ada-{d}") for d in oura_days}
    assert {e for e in events if e[:2] == ("whoop", "workout")} == {
        ("whoop", "workout", f"workout:{w['id']}") for records in served.values() for w in records["workout"]}
    first_day = [value for ts, value in samples if ts.date() == oura_days[0]]
    assert len(first_day) == 24 * 60 // pipeline.standin.heart_rate_minutes
    assert all(value == oura_data.heart_rate_bpm("ada", ts) for ts, value in samples)


def test_expired_tokens_were_refreshed_and_the_rotated_refresh_tokens_stored(pipeline):
    cipher = CredentialCipher(parse_keys(pipeline.env["ENCRYPTION_KEYS"]))
    for source in ("oura", "whoop"):
        row = integration(pipeline.engine, "ada@example.com", source)
        stored = cipher.decrypt(row.credentials)
        assert stored["refresh_token"] == pipeline.standin.tokens.live_refresh_token(source, "ada")
        assert stored["refresh_token"] != pipeline.issued["ada", source]["refresh_token"]
        assert row.status == "connected" and row.cursor == pipeline.standin.today


def test_a_second_run_is_idempotent_and_needs_no_new_token(pipeline):
    refreshes = len(pipeline.standin.calls_to(path="/oauth/"))
    result = batch_job(pipeline.env, "--user", "ada@example.com")
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line.split("\t")[4] for line in result.stdout.splitlines()[:-1]] == ["ok", "ok"]
    assert stored_rows(pipeline.engine) == pipeline.rows_after_first_run
    assert len(pipeline.standin.calls_to(path="/oauth/")) == refreshes


def test_the_failing_user_keeps_nothing_and_doctor_names_the_reasons(pipeline):
    assert daily_values(pipeline.engine, "bob@example.com", "oura.sleep_score") == {}
    assert integration(pipeline.engine, "bob@example.com", "oura").cursor is None
    doctor = flask(pipeline.env, "doctor")
    assert doctor.returncode == 1
    table = {tuple(line.split(None, 1)[1].split("\t")[:2]): (line.split()[0], line.split("\t")[-1])
             for line in doctor.stdout.splitlines()}
    assert table["ada@example.com", "oura"] == ("OK", "")
    verdict, reason = table["bob@example.com", "oura"]
    assert verdict == "FAIL" and "answered 500" in reason
    verdict, reason = table["bob@example.com", "whoop"]
    assert verdict == "NEEDS-REAUTH" and "invalid_grant" in reason
    assert not any(token in doctor.stdout for token in pipeline.standin.tokens.all_tokens())
