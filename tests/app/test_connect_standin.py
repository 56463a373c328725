"""The whole connect flow against the stand-in's real HTTP OAuth endpoints, then a first sync."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from app.extensions import db
from database.integrations import read_credentials
from database.models import DailyMetric, UserIntegration
from etl.sync import sync_integration
from tests.conftest import csrf_from
from tests.standin import StandIn


@pytest.fixture
def standin(app):
    with StandIn(lifetime=120) as server:
        saved = {key: app.config.get(key) for key in server.environment()}
        app.config.update(server.environment())
        yield server
        app.config.update(saved)


@pytest.mark.parametrize("source", ["oura", "whoop"])
def test_connect_then_sync_through_the_standin(app, logged_in, user, standin, source):
    token = csrf_from(logged_in.get("/integrations/").data)
    authorize = logged_in.post(f"/{source}/connect", data={"csrf_token": token}).headers["Location"]
    assert authorize.startswith(standin.url)
    consent = requests.get(authorize, allow_redirects=False, timeout=10)  # the provider's consent page
    assert consent.status_code == 302
    back = urlsplit(consent.headers["Location"])
    assert back.path == f"/{source}/callback"
    assert logged_in.get(f"{back.path}?{back.query}").status_code == 302

    with app.app_context():
        row = db.session.execute(db.select(UserIntegration).filter_by(user_id=user, source=source)).scalar_one()
        assert row.status == "connected" and row.account_id
        assert read_credentials(row)["refresh_token"]
        outcome = sync_integration(row.id)
        assert outcome.status == "ok", outcome.message
        stored = db.session.scalar(db.select(db.func.count()).select_from(DailyMetric)
                                   .filter_by(user_id=user, source=source))
    assert stored > 0
    html = logged_in.get("/integrations/").data.decode()
    assert f"{outcome.rows} in the last run (ok)" in html
