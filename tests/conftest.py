"""Shared fixtures: one app and schema per test session, every table emptied after each test.

The suite runs on a temporary SQLite file by default, or on the database named by
TEST_DATABASE_URL (CI uses MariaDB). The schema is built by the real migrations.
"""
from __future__ import annotations

import os
import re

import pytest
from flask_migrate import upgrade
from sqlalchemy import MetaData
from werkzeug.security import generate_password_hash

from app import create_app
from app.extensions import db, limiter
from config import TestingConfig
from database.models import User

PASSWORD = "correct horse battery"
CSRF_RE = re.compile(r'name="(?:[\w-]*-)?csrf_token"[^>]*value="([^"]+)"')


def _drop_everything() -> None:
    """Empty database for the migrations (MariaDB keeps tables between runs)."""
    existing = MetaData()
    existing.reflect(bind=db.engine)
    existing.drop_all(bind=db.engine)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The app under test with a migrated database."""
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    with app.app_context():
        _drop_everything()
        upgrade()
    yield app


@pytest.fixture(autouse=True)
def _clean_tables(request):
    """Delete every row after each test that used the database."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
    limiter.reset()


@pytest.fixture
def ctx(app):
    """An app context for tests that use the models directly."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_from(html: str | bytes) -> str:
    """The first CSRF token in a page."""
    text_ = html.decode() if isinstance(html, bytes) else html
    match = CSRF_RE.search(text_)
    assert match, "no CSRF token in the page"
    return match.group(1)


def make_user(app, email: str = "alice@example.com", password: str = PASSWORD, **fields) -> int:
    """Create a user directly in the store; return its id."""
    with app.app_context():
        user = User(email=email, password_hash=generate_password_hash(password), **fields)
        db.session.add(user)
        db.session.commit()
        return user.id


def login(client, email: str = "alice@example.com", password: str = PASSWORD, remember: bool = False, next_=None):
    """Sign in through the real form (CSRF token included); return the response."""
    url = "/login" + (f"?next={next_}" if next_ else "")
    token = csrf_from(client.get(url).data)
    data = {"csrf_token": token, "email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post(url, data=data)


@pytest.fixture
def user(app):
    """A registered user (alice) id."""
    return make_user(app)


@pytest.fixture
def logged_in(client, user):
    """A client signed in as alice."""
    response = login(client)
    assert response.status_code == 302
    return client
