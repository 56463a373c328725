"""Login attempts are rate-limited per IP and per account, with a friendly 429 page."""
from __future__ import annotations

import pytest

from app.extensions import limiter
from tests.conftest import csrf_from, make_user


@pytest.fixture
def strict_limits(app):
    old = app.config["LOGIN_RATE_LIMIT_IP"], app.config["LOGIN_RATE_LIMIT_ACCOUNT"]
    app.config["LOGIN_RATE_LIMIT_IP"], app.config["LOGIN_RATE_LIMIT_ACCOUNT"] = "6 per minute", "3 per minute"
    limiter.reset()
    yield
    app.config["LOGIN_RATE_LIMIT_IP"], app.config["LOGIN_RATE_LIMIT_ACCOUNT"] = old
    limiter.reset()


def _attempt(client, email, ip="10.0.0.1"):
    token = csrf_from(client.get("/login").data)
    return client.post("/login", data={"csrf_token": token, "email": email, "password": "wrong password!"},
                       environ_base={"REMOTE_ADDR": ip})


def test_too_many_attempts_on_one_account_get_a_friendly_429(app, client, strict_limits):
    make_user(app)
    codes = [_attempt(client, "alice@example.com", ip=f"10.0.0.{n}").status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    response = _attempt(client, "alice@example.com", ip="10.0.0.9")
    assert response.status_code == 429
    assert b"Too many attempts" in response.data
    assert _attempt(client, "bob@example.com", ip="10.0.0.10").status_code == 200  # other accounts unaffected


def test_too_many_attempts_from_one_ip_are_limited(app, client, strict_limits):
    codes = [_attempt(client, f"user{n}@example.com").status_code for n in range(7)]
    assert codes[:6] == [200] * 6 and codes[6] == 429
    assert _attempt(client, "someone@example.com", ip="10.0.0.2").status_code == 200
