"""Per-source settings, the Sheets preview before saving, and Test connection, through the integrations page."""
from __future__ import annotations

import json
from pathlib import Path

import responses

from app.extensions import db
from database.integrations import get_or_create_integration, store_credentials
from database.models import UserIntegration
from tests.conftest import csrf_from
from tests.etl.data_sources.test_sheets_client import google, key_json, mock_sheet  # noqa: F401  (fixtures)

RIZE = "https://api.rize.io/api/v1/graphql"
RIZE_FIXTURES = Path(__file__).parents[1] / "etl" / "data_sources" / "fixtures" / "rize"
SHEET_KEY = "1qpyC0XzvTcKT6EISywvqESX3A0MwQoFDE8p-Bll4hps"


def _connect(app, user_id, source, creds, settings=None):
    with app.app_context():
        integration = get_or_create_integration(user_id, source)
        store_credentials(integration, creds)
        integration.settings = settings or {}
        db.session.commit()


def _settings(app, user_id, source):
    with app.app_context():
        return db.session.execute(db.select(UserIntegration.settings).filter_by(user_id=user_id, source=source)
                                  ).scalar_one()


def _post_settings(client, source, action="save", **fields):
    token = csrf_from(client.get("/integrations/").data)
    data = {f"{source}-settings-csrf_token": token, "action": action,
            **{f"{source}-settings-{k}": v for k, v in fields.items()}}
    return client.post(f"/integrations/{source}/settings", data=data)


def test_github_repository_filter_and_author_are_saved_and_shown(app, logged_in, user):
    response = _post_settings(logged_in, "github", repos="me/api\nme/*-web", author_email="Me@Example.com")
    assert response.status_code == 302
    assert _settings(app, user, "github") == {"repos": "me/api\nme/*-web", "author_email": "Me@Example.com"}
    html = logged_in.get("/integrations/").data.decode()
    assert "me/*-web" in html


def test_bad_author_email_is_refused_and_nothing_saved(app, logged_in, user):
    response = _post_settings(logged_in, "github", repos="", author_email="not-an-email")
    assert response.status_code == 400
    assert b"Enter an e-mail address." in response.data
    with app.app_context():
        assert db.session.execute(db.select(UserIntegration)).scalar() is None


def test_sheet_columns_are_parsed_from_lines_with_label_and_unit(app, logged_in, user):
    response = _post_settings(logged_in, "sheets", spreadsheet=SHEET_KEY, worksheet="", date_column="Date",
                              date_format="eu", category_column="",
                              columns="Weight (kg) | Weight | kg\nSteps\n\n  Spend | Spending | USD  ")
    assert response.status_code == 302
    saved = _settings(app, user, "sheets")
    assert saved["columns"] == [{"column": "Weight (kg)", "label": "Weight", "unit": "kg"}, {"column": "Steps"},
                                {"column": "Spend", "label": "Spending", "unit": "USD"}]
    assert saved["date_format"] == "eu"
    html = logged_in.get("/integrations/").data.decode()
    assert "Weight (kg) | Weight | kg" in html


def test_sheet_preview_shows_parsed_rows_without_saving(app, logged_in, user, google, key_json):  # noqa: F811
    _connect(app, user, "sheets", {"service_account_json": key_json})
    mock_sheet(google)
    response = _post_settings(logged_in, "sheets", action="preview", spreadsheet=SHEET_KEY, worksheet="",
                              date_column="Date", date_format="auto", category_column="",
                              columns="Weight (kg) | Weight | kg\nSteps")
    html = response.data.decode()
    assert response.status_code == 200
    assert "Preview (not saved yet)" in html
    assert "2026-11-01" in html and "10204" in html  # "10,204" parsed as a number
    assert _settings(app, user, "sheets") == {}
    assert "PRIVATE KEY" not in html


@responses.activate
def test_rize_test_connection_reports_success_in_plain_words(app, logged_in, user):
    _connect(app, user, "rize", {"api_key": "rize-key-123456789"})
    responses.add(responses.POST, RIZE, json=json.loads((RIZE_FIXTURES / "current_user.json").read_text()))
    token = csrf_from(logged_in.get("/integrations/").data)
    response = logged_in.post("/integrations/rize/test", data={"csrf_token": token}, follow_redirects=True)
    assert "Rize: Connected to Rize as ada@example.com" in response.data.decode()
    assert responses.calls[0].request.headers["Authorization"] == "Bearer rize-key-123456789"


@responses.activate
def test_rize_test_connection_reports_the_providers_error(app, logged_in, user):
    _connect(app, user, "rize", {"api_key": "rize-key-123456789"})
    responses.add(responses.POST, RIZE, json=json.loads((RIZE_FIXTURES / "error_unauthorized.json").read_text()))
    token = csrf_from(logged_in.get("/integrations/").data)
    html = logged_in.post("/integrations/rize/test", data={"csrf_token": token}, follow_redirects=True).data.decode()
    assert "Rize: the test failed" in html and "Unauthorized" in html
    assert "rize-key-123456789" not in html


def test_test_connection_without_credentials_says_what_to_do(logged_in):
    token = csrf_from(logged_in.get("/integrations/").data)
    html = logged_in.post("/integrations/github/test", data={"csrf_token": token}, follow_redirects=True).data
    assert b"save your GitHub credentials first" in html
