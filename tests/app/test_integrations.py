"""The integrations page: registry-driven, secrets saved encrypted and never shown back, per-user."""
from __future__ import annotations

from app.extensions import db
from database.models import AuditLog, UserIntegration
from etl.data_sources.registry import all_sources
from tests.conftest import csrf_from, login, make_user

TOKEN = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"


def _save(client, source: str, **fields):
    page = client.get("/integrations/").data
    token = csrf_from(page)
    data = {f"{source}-csrf_token": token, **{f"{source}-{k}": v for k, v in fields.items()}}
    return client.post(f"/integrations/{source}/credentials", data=data)


def _integration(app, user_id: int, source: str) -> UserIntegration | None:
    with app.app_context():
        row = db.session.execute(db.select(UserIntegration).filter_by(user_id=user_id, source=source)).scalar()
        if row is not None:
            db.session.expunge(row)
        return row


def test_page_lists_every_registered_source_with_help(logged_in):
    html = logged_in.get("/integrations/").data.decode()
    for source in all_sources():
        assert f'id="{source.manifest.key}"' in html
        assert source.manifest.label in html
    assert "http://localhost/oura/callback" in html  # the callback URL to register
    assert "Not connected" in html


def test_saving_a_github_token_connects_and_hides_the_token(app, logged_in, user):
    response = _save(logged_in, "github", token=TOKEN)
    assert response.status_code == 302
    html = logged_in.get("/integrations/").data.decode()
    assert TOKEN not in html
    assert "set (…6789)" in html
    assert "Connected" in html
    row = _integration(app, user, "github")
    assert row.status == "connected"
    assert TOKEN not in row.credentials
    with app.app_context():
        assert db.session.execute(db.select(AuditLog.event).filter_by(event="integration_connect")).scalar()


def test_blank_secret_field_keeps_the_stored_value(app, logged_in, user):
    _save(logged_in, "rize", api_key="rize-key-0000-1111-2222")
    _save(logged_in, "rize", api_key="")
    with app.app_context():
        from database.integrations import read_credentials

        row = db.session.execute(db.select(UserIntegration).filter_by(user_id=user, source="rize")).scalar_one()
        assert read_credentials(row) == {"api_key": "rize-key-0000-1111-2222"}


def test_saving_nothing_on_a_new_integration_is_refused(app, logged_in, user):
    response = _save(logged_in, "rize", api_key="   ")
    assert response.status_code == 400
    assert b"Enter the api key." in response.data
    assert _integration(app, user, "rize") is None


def test_disconnect_removes_the_credentials(app, logged_in, user):
    _save(logged_in, "github", token=TOKEN)
    token = csrf_from(logged_in.get("/integrations/").data)
    response = logged_in.post("/integrations/github/disconnect", data={"csrf_token": token})
    assert response.status_code == 302
    row = _integration(app, user, "github")
    assert row.credentials is None and row.status == "disconnected"
    with app.app_context():
        events = [e for (e,) in db.session.execute(db.select(AuditLog.event))]
        assert "integration_disconnect" in events


def test_unknown_source_is_404(logged_in):
    token = csrf_from(logged_in.get("/integrations/").data)
    assert logged_in.post("/integrations/myspace/disconnect", data={"csrf_token": token}).status_code == 404


def test_save_without_csrf_is_refused(app, logged_in, user):
    response = logged_in.post("/integrations/github/credentials", data={"github-token": TOKEN})
    assert response.status_code == 400
    assert _integration(app, user, "github") is None


def test_another_user_can_neither_see_nor_change_my_integration(app, client, user):
    login(client)
    _save(client, "github", token=TOKEN)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").data)})

    bob = make_user(app, email="bob@example.com")
    login(client, email="bob@example.com")
    html = client.get("/integrations/").data.decode()
    assert "…6789" not in html and "Connected</span>" not in html
    token = csrf_from(html)
    client.post("/integrations/github/disconnect", data={"csrf_token": token})
    _save(client, "github", token="ghp_bobsowntokenxxxxxxxxxxxxxxxxxxxx")

    alice_row, bob_row = _integration(app, user, "github"), _integration(app, bob, "github")
    assert alice_row.status == "connected" and alice_row.credentials is not None
    assert bob_row.id != alice_row.id
    with app.app_context():
        from database.integrations import read_credentials

        assert read_credentials(alice_row)["token"] == TOKEN


def test_source_dashboard_shows_connect_prompt_when_not_connected(logged_in):
    html = logged_in.get("/github/").data.decode()
    assert "GitHub is not connected." in html
    assert 'href="/integrations/#github"' in html
