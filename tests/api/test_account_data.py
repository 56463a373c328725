"""Account page: personal API tokens (create, shown once, revoke) and account deletion."""
from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import func, select

from app.extensions import db
from database.models import ApiToken, AuditLog, Event, SyncJob, SyncRun, UserIntegration
from etl.sync import claim, release
from tests.api.conftest import bearer, connect, new_token, store_daily, store_intraday
from tests.conftest import PASSWORD, csrf_from, login

TOKEN_RE = re.compile(r'<code class="new-token">(phd_[\w-]+)</code>')


def _create_token(client, name: str = "phone"):
    csrf = csrf_from(client.get("/account").data)
    return client.post("/account/tokens", data={"csrf_token": csrf, "token-name": name})


def test_a_created_token_is_shown_once_and_works(app, logged_in, user):
    response = _create_token(logged_in, "phone shortcut")
    assert response.status_code == 201
    token = TOKEN_RE.search(response.get_data(as_text=True)).group(1)
    assert response.headers["Cache-Control"] == "no-store"
    assert logged_in.get("/api/v1/metrics", headers=bearer(token)).status_code == 200
    page = logged_in.get("/account").get_data(as_text=True)
    assert token not in page and "phone shortcut" in page and f"phd_…{token[-4:]}" in page
    with app.app_context():
        row = db.session.execute(select(ApiToken)).scalar_one()
        assert (row.user_id, row.name) == (user, "phone shortcut") and token not in row.token_hash
        assert db.session.execute(select(AuditLog.event)).scalars().all()[-1] == "api_token_created"


def test_a_token_needs_a_name(app, logged_in, user):
    response = _create_token(logged_in, "")
    assert response.status_code == 400 and "This field is required." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_creating_a_token_needs_the_csrf_token(app, logged_in, user):
    assert logged_in.post("/account/tokens", data={"token-name": "x"}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_revoking_a_token_from_the_account_page_stops_it_at_once(app, logged_in, user):
    token = TOKEN_RE.search(_create_token(logged_in).get_data(as_text=True)).group(1)
    with app.app_context():
        token_id = db.session.execute(select(ApiToken.id)).scalar_one()
    csrf = csrf_from(logged_in.get("/account").data)
    response = logged_in.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf},
                              follow_redirects=True)
    assert "revoked" in response.get_data(as_text=True)
    assert logged_in.get("/api/v1/metrics", headers=bearer(token)).status_code == 401


def test_another_users_token_cannot_be_revoked(app, logged_in, user, bob):
    bobs_token = new_token(app, bob)
    with app.app_context():
        bobs_id = db.session.execute(select(ApiToken.id)).scalar_one()
    csrf = csrf_from(logged_in.get("/account").data)
    response = logged_in.post(f"/account/tokens/{bobs_id}/revoke", data={"csrf_token": csrf}, follow_redirects=True)
    assert "No such token." in response.get_data(as_text=True)
    assert logged_in.get("/api/v1/metrics", headers=bearer(bobs_token)).status_code == 200


# --- deletion ------------------------------------------------------------------------------------------

def _fill(app, user_id: int) -> None:
    """A row of the user in every table that has user data."""
    integration_id = connect(app, user_id, "oura", {"personal_access_token": "pat-1234567890"})
    store_daily(app, user_id, "oura.sleep_score", {date(2026, 1, 1): 80.0})
    store_daily(app, user_id, "manual.mood", {date(2026, 1, 1): 3.0})
    store_intraday(app, user_id, "oura.heart_rate", {datetime(2026, 1, 1, 0, m): 55.0 for m in range(30)})
    new_token(app, user_id)
    with app.app_context():
        db.session.add(Event(user_id=user_id, source="oura", kind="sleep", external_id=f"e{user_id}",
                             day=date(2026, 1, 1), data={}))
        db.session.add(SyncRun(integration_id=integration_id, user_id=user_id, source="oura", status="ok"))
        db.session.add(SyncJob(id=f"job-{user_id}", user_id=user_id, integration_id=integration_id, source="oura",
                               trigger="api", status="ok"))
        db.session.add(AuditLog(user_id=user_id, event="login"))
        db.session.commit()


def _rows_per_table(app, user_id: int) -> dict[str, int]:
    """Rows referencing the user, table by table (the users row included)."""
    with app.app_context():
        counts = {}
        for table in db.metadata.sorted_tables:
            if table.name == "users":
                counts["users"] = db.session.scalar(select(func.count()).select_from(table)
                                                    .where(table.c.id == user_id))
            elif "user_id" in table.c:
                counts[table.name] = db.session.scalar(select(func.count()).select_from(table)
                                                       .where(table.c.user_id == user_id))
        return counts


def _delete(client, password: str = PASSWORD, confirm: bool = True):
    csrf = csrf_from(client.get("/account").data)
    data = {"csrf_token": csrf, "delete-password": password}
    if confirm:
        data["delete-confirm"] = "y"
    return client.post("/account/delete", data=data)


def test_deleting_the_account_leaves_no_row_of_the_user_in_any_table(app, logged_in, user, bob):
    _fill(app, user)
    _fill(app, bob)
    before = _rows_per_table(app, user)
    assert all(before.values()), before  # every table really had a row of alice's
    bobs_before = _rows_per_table(app, bob)
    response = _delete(logged_in)
    assert response.status_code == 302 and response.headers["Location"] == "/register"
    assert _rows_per_table(app, user) == {table: 0 for table in before}
    assert _rows_per_table(app, bob) == bobs_before
    with app.app_context():
        trail = db.session.execute(select(AuditLog.event, AuditLog.user_id, AuditLog.detail, AuditLog.ip)
                                   .where(AuditLog.user_id.is_(None))).all()
        assert trail == [("account_deleted", None, "", None)]
    assert logged_in.get("/account").status_code == 302  # signed out
    assert login(logged_in).status_code == 200  # the account is gone


def test_deletion_needs_the_right_password_and_the_confirmation(app, logged_in, user):
    _fill(app, user)
    wrong = _delete(logged_in, password="not my password")
    assert wrong.status_code == 400 and "That is not your password." in wrong.get_data(as_text=True)
    unconfirmed = _delete(logged_in, confirm=False)
    assert unconfirmed.status_code == 400 and "Tick the box to confirm." in unconfirmed.get_data(as_text=True)
    assert all(_rows_per_table(app, user).values())


def test_deleted_users_tokens_stop_working(app, client, user):
    token = new_token(app, user)
    login(client)
    _delete(client)
    assert client.get("/api/v1/metrics", headers=bearer(token)).status_code == 401


def test_deletion_waits_while_a_sync_of_the_user_is_running(app, logged_in, user):
    _fill(app, user)
    with app.app_context():
        integration_id = db.session.execute(select(UserIntegration.id)).scalar_one()
        assert claim(integration_id, "host:1:batch")  # a batch runner is syncing it
    response = _delete(logged_in)
    assert response.status_code == 409
    assert "A sync of your data is running right now" in response.get_data(as_text=True)
    assert all(_rows_per_table(app, user).values())
    with app.app_context():
        release(integration_id, "host:1:batch")
    assert _delete(logged_in).status_code == 302
    assert not any(_rows_per_table(app, user).values())
