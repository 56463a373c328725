"""Admin commands for headless servers."""
from __future__ import annotations

import json

from app.extensions import db
from database.models import User, UserIntegration
from tests.conftest import login


def test_users_create_reads_password_from_stdin(app, runner, client):
    result = runner.invoke(args=["users", "create", "--email", "Admin@Example.com", "--admin"],
                           input="a strong password\n")
    assert result.exit_code == 0, result.output
    assert "a strong password" not in result.output
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert (user.email, user.is_admin) == ("admin@example.com", True)
    assert login(client, "admin@example.com", "a strong password").status_code == 302


def test_users_create_refuses_short_password_and_duplicates(runner, user):
    result = runner.invoke(args=["users", "create", "--email", "x@example.com"], input="short\n")
    assert result.exit_code != 0 and "at least 10 characters" in result.output
    result = runner.invoke(args=["users", "create", "--email", "alice@example.com"], input="long enough pw\n")
    assert result.exit_code != 0 and "already exists" in result.output


def test_users_list_and_deactivate(app, runner, client, user):
    assert "alice@example.com" in runner.invoke(args=["users", "list"]).output
    result = runner.invoke(args=["users", "deactivate", "--email", "alice@example.com"])
    assert result.exit_code == 0
    assert "inactive" in runner.invoke(args=["users", "list"]).output
    assert b"deactivated" in login(client).data


def test_integrations_import_stores_encrypted_and_list_hides_secrets(app, runner, user):
    creds = {"access_token": "at-very-secret-1", "refresh_token": "rt-very-secret-2", "expires_at": 1900000000}
    result = runner.invoke(args=["integrations", "import", "--user", "alice@example.com", "--source", "whoop"],
                           input=json.dumps(creds))
    assert result.exit_code == 0, result.output
    assert "at-very-secret-1" not in result.output
    with app.app_context():
        row = db.session.execute(db.select(UserIntegration)).scalar_one()
        assert row.status == "connected" and "rt-very-secret-2" not in row.credentials
    listing = runner.invoke(args=["integrations", "list", "--user", "alice@example.com"]).output
    assert "whoop\tconnected" in listing and "secret" not in listing


def test_integrations_import_rejects_bad_json(runner, user):
    result = runner.invoke(args=["integrations", "import", "--user", "alice@example.com", "--source", "rize"],
                           input="{not json")
    assert result.exit_code != 0 and "not valid JSON" in result.output
