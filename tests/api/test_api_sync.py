"""Sync endpoints and background jobs: history, "sync now" through the API, job status in the database."""
from __future__ import annotations

import threading
from datetime import timedelta

import responses

from app.extensions import db
from database.models import NEEDS_REAUTH, SyncJob, SyncRun, UserIntegration
from etl.jobs import run_scheduled_sync
from tests.api.conftest import bearer, connect, session_csrf, wait_for_job
from tests.etl.provider_mocks import days_between, mock_oura, mock_whoop
from utils.date_utils import local_today, utc_now

OURA_PAT = {"personal_access_token": "pat-1234567890"}


def _add_run(app, integration_id: int, user_id: int, source: str, minutes_ago: int, status: str = "ok") -> int:
    with app.app_context():
        run = SyncRun(integration_id=integration_id, user_id=user_id, source=source, status=status,
                      started_at=utc_now() - timedelta(minutes=minutes_ago), rows_written=minutes_ago,
                      trigger="batch")
        db.session.add(run)
        db.session.commit()
        return run.id


def _mock_last_30_days(rsps) -> None:
    today = local_today("UTC")
    mock_oura(rsps, days_between(today - timedelta(days=29), today))


# --- sync runs ---------------------------------------------------------------------------------------

def test_sync_runs_lists_the_users_runs_newest_first(app, client, user, token, bob):
    oura = connect(app, user, "oura", OURA_PAT)
    github = connect(app, user, "github", {"token": "ghp_" + "a" * 36})
    bobs = connect(app, bob, "oura", OURA_PAT)
    old, new = _add_run(app, oura, user, "oura", 60), _add_run(app, github, user, "github", 5, "failed")
    _add_run(app, bobs, bob, "oura", 1)
    runs = client.get("/api/v1/sync-runs", headers=bearer(token)).get_json()["sync_runs"]
    assert [(r["id"], r["source"], r["status"], r["rows_written"]) for r in runs] == [
        (new, "github", "failed", 5), (old, "oura", "ok", 60)]
    assert runs[0]["started_at"].endswith("Z") and runs[0]["trigger"] == "batch"
    only = client.get("/api/v1/sync-runs?source=oura&limit=1", headers=bearer(token)).get_json()["sync_runs"]
    assert [r["id"] for r in only] == [old]


def test_sync_runs_rejects_bad_filters(client, user, token):
    for query, parameter in (("source=nosuch", "source"), ("limit=0", "limit"), ("limit=501", "limit"),
                             ("limit=ten", "limit")):
        response = client.get(f"/api/v1/sync-runs?{query}", headers=bearer(token))
        assert response.status_code == 400 and response.get_json()["error"]["parameter"] == parameter


# --- sync now ------------------------------------------------------------------------------------------

@responses.activate
def test_api_sync_runs_in_the_background_and_its_job_reports_the_result(app, client, user, token):
    integration_id = connect(app, user, "oura", OURA_PAT)
    _mock_last_30_days(responses)
    response = client.post("/api/v1/integrations/oura/sync", headers=bearer(token))
    assert response.status_code == 202
    job = response.get_json()["job"]
    assert job["status"] in ("queued", "running", "ok") and job["source"] == "oura" and job["trigger"] == "api"
    assert response.headers["Location"] == job["url"] == f"/api/v1/jobs/{job['id']}"
    done = wait_for_job(client, job["url"], bearer(token))
    assert done["status"] == "ok", done
    assert done["rows"] > 30 and done["finished_at"].endswith("Z")
    with app.app_context():
        run = db.session.execute(db.select(SyncRun)).scalar_one()
        assert (run.integration_id, run.trigger, run.status, run.rows_written) == (integration_id, "api", "ok",
                                                                                   done["rows"])
        stored = db.session.get(SyncJob, job["id"])
        assert (stored.user_id, stored.integration_id, stored.status) == (user, integration_id, "ok")


@responses.activate
def test_sync_now_from_the_page_session_is_recorded_as_manual(app, logged_in, user):
    connect(app, user, "oura", OURA_PAT)
    _mock_last_30_days(responses)
    response = logged_in.post("/api/v1/integrations/oura/sync", headers={"X-CSRFToken": session_csrf(logged_in)})
    assert response.status_code == 202
    done = wait_for_job(logged_in, response.get_json()["job"]["url"], {})
    assert (done["status"], done["trigger"]) == ("ok", "manual")


@responses.activate
def test_a_failing_provider_marks_the_job_failed_with_the_reason(app, client, user, token):
    connect(app, user, "oura", OURA_PAT)
    mock_oura(responses, [], status=401)
    job = client.post("/api/v1/integrations/oura/sync", headers=bearer(token)).get_json()["job"]
    done = wait_for_job(client, job["url"], bearer(token))
    assert done["status"] == "failed" and "401" in done["message"]
    assert "pat-1234567890" not in done["message"]


def test_a_second_request_while_a_job_is_active_returns_that_job(app, client, user, token):
    integration_id = connect(app, user, "oura", OURA_PAT)
    with app.app_context():
        db.session.add(SyncJob(id="active-job", user_id=user, integration_id=integration_id, source="oura",
                               trigger="manual", status="running"))
        db.session.commit()
    response = client.post("/api/v1/integrations/oura/sync", headers=bearer(token))
    assert response.status_code == 200 and response.get_json()["job"]["id"] == "active-job"


def test_syncing_a_source_that_is_not_connected_is_404(app, client, user, token, bob):
    connect(app, bob, "oura", OURA_PAT)  # bob's, not alice's
    for source in ("oura", "whoop", "nosuch"):
        response = client.post(f"/api/v1/integrations/{source}/sync", headers=bearer(token))
        assert response.status_code == 404, source
        assert response.get_json()["error"]["message"] == f"connected integration {source!r} not found"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(SyncJob)) == 0


def test_an_integration_that_needs_reconnecting_is_409(app, client, user, token):
    connect(app, user, "oura", OURA_PAT, status=NEEDS_REAUTH)
    response = client.post("/api/v1/integrations/oura/sync", headers=bearer(token))
    assert response.status_code == 409
    assert "reconnected" in response.get_json()["error"]["message"]


def test_session_sync_without_csrf_is_403(app, logged_in, user):
    connect(app, user, "oura", OURA_PAT)
    assert logged_in.post("/api/v1/integrations/oura/sync").status_code == 403


# --- jobs ------------------------------------------------------------------------------------------------

def test_another_users_job_is_404(app, client, user, token, bob):
    bobs = connect(app, bob, "oura", OURA_PAT)
    with app.app_context():
        db.session.add(SyncJob(id="bobs-job", user_id=bob, integration_id=bobs, source="oura", trigger="api",
                               status="ok", rows=12, message="secret-ish"))
        db.session.commit()
    for job_id in ("bobs-job", "no-such-job", "x" * 300):
        response = client.get(f"/api/v1/jobs/{job_id}", headers=bearer(token))
        assert response.status_code == 404
        assert "secret-ish" not in response.get_data(as_text=True)


def test_a_job_left_running_by_a_dead_worker_is_reported_failed(app, client, user, token):
    integration_id = connect(app, user, "oura", OURA_PAT)
    with app.app_context():
        db.session.add(SyncJob(id="orphan", user_id=user, integration_id=integration_id, source="oura",
                               trigger="manual", status="running", created_at=utc_now() - timedelta(hours=2)))
        db.session.commit()
    job = client.get("/api/v1/jobs/orphan", headers=bearer(token)).get_json()["job"]
    assert job["status"] == "failed" and job["message"].startswith("interrupted")
    with app.app_context():
        assert db.session.get(SyncJob, "orphan").status == "failed"


# --- the daily schedule ------------------------------------------------------------------------------------

@responses.activate
def test_two_schedulers_firing_at_once_sync_each_integration_once(app, user, bob):
    today = local_today("UTC")
    mock_oura(responses, days_between(today - timedelta(days=29), today))
    mock_whoop(responses, days_between(today - timedelta(days=29), today))
    ids = {connect(app, user, "oura", OURA_PAT), connect(app, bob, "oura", OURA_PAT),
           connect(app, user, "whoop", {"access_token": "at-123456789012", "refresh_token": "rt-123456789012",
                                        "expires_at": 4102444800})}
    results: list = []
    barrier = threading.Barrier(2)

    def fire():
        barrier.wait()
        results.append(run_scheduled_sync(app, slot="20260101"))

    workers = [threading.Thread(target=fire) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    synced = [outcome.integration_id for outcome in results[0] + results[1]]
    assert sorted(synced) == sorted(ids)
    with app.app_context():
        runs = db.session.execute(db.select(SyncRun.integration_id, SyncRun.trigger)).all()
        assert sorted(runs) == sorted((i, "schedule") for i in ids)
        jobs = db.session.execute(db.select(SyncJob.id, SyncJob.status)).all()
        assert sorted(jobs) == sorted((f"daily-20260101-{i}", "ok") for i in ids)
    assert run_scheduled_sync(app, slot="20260101") == []  # a late third worker finds nothing to do


def test_the_schedule_skips_integrations_that_need_reconnecting(app, user):
    connect(app, user, "oura", OURA_PAT, status=NEEDS_REAUTH)
    assert run_scheduled_sync(app, slot="20260102") == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(UserIntegration)) == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(SyncJob)) == 0
