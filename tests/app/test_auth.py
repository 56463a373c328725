"""Register, sign in/out, password change, redirects, CSRF, sessions, rate limits, headers."""
from __future__ import annotations

from app.extensions import db
from database.models import AuditLog, User
from tests.conftest import PASSWORD, csrf_from, login, make_user


def _register(client, email="New.Person@Example.com", password="a long enough pw", confirm=None, tz="Europe/Berlin"):
    token = csrf_from(client.get("/register").data)
    return client.post("/register", data={"csrf_token": token, "email": email, "display_name": "New",
                                          "timezone": tz, "password": password,
                                          "confirm": password if confirm is None else confirm})


def _audit_events(app) -> list[str]:
    with app.app_context():
        return [e for (e,) in db.session.execute(db.select(AuditLog.event).order_by(AuditLog.id))]


def test_register_normalises_email_signs_in_and_audits(app, client):
    response = _register(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/integrations/"
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert user.email == "new.person@example.com"
        assert user.timezone == "Europe/Berlin"
        assert user.password_hash.startswith("scrypt:")
    assert client.get("/integrations/").status_code == 200
    assert _audit_events(app) == ["register"]


def test_register_refuses_short_password(app, client):
    response = _register(client, password="nine char")
    assert response.status_code == 200
    assert b"Use at least 10 characters." in response.data
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_register_refuses_duplicate_email_in_any_case(app, client, user):
    response = _register(client, email="ALICE@example.com")
    assert response.status_code == 200
    assert b"An account with this email already exists" in response.data


def test_register_refuses_mismatched_confirmation_and_unknown_timezone(client):
    response = _register(client, confirm="something else entirely", tz="Mars/Olympus")
    assert b"The passwords do not match." in response.data
    assert b"Unknown timezone" in response.data


def test_login_with_wrong_password_fails_and_is_audited(app, client, user):
    response = login(client, password="not the password")
    assert response.status_code == 200
    assert b"Wrong email or password." in response.data
    assert client.get("/").status_code == 302
    assert _audit_events(app) == ["login_failed"]


def test_login_is_case_insensitive_on_email(client, user):
    assert login(client, email="Alice@Example.COM").status_code == 302


def test_logout_requires_post_with_csrf_and_signs_out(app, client, user):
    login(client)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    token = csrf_from(client.get("/").data)
    response = client.post("/logout", data={"csrf_token": token})
    assert response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302
    assert _audit_events(app) == ["login", "logout"]


def test_anonymous_visitor_is_sent_to_login_and_back(client, user):
    response = client.get("/integrations/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    response = login(client, next_="/integrations/")
    assert response.headers["Location"] == "/integrations/"


def test_login_never_redirects_off_site(client, user):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        client.get("/")  # fresh page
        response = login(client, next_=target)
        assert response.headers["Location"] == "/", target
        client.post("/logout", data={"csrf_token": csrf_from(client.get("/").data)})


def test_public_pages_need_no_login(client):
    assert client.get("/login").status_code == 200
    assert client.get("/register").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_login_without_csrf_token_is_refused(client, user):
    response = client.post("/login", data={"email": "alice@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert b"Your form expired" in response.data


def test_session_is_renewed_at_login(app, client, user):
    client.get("/login")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    login(client)
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"]


def test_remember_me_sets_a_long_lived_httponly_cookie(client, user):
    response = login(client, remember=True)
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=")]
    assert cookies and "HttpOnly" in cookies[0] and "Expires=" in cookies[0]
    session_cookie = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")][0]
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie


def test_remember_cookie_alone_restores_the_session(app, user):
    first = app.test_client()
    login(first, remember=True)
    remember = first.get_cookie("remember_token")
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember.value)
    assert fresh.get("/").status_code == 200


def test_change_password_requires_current_and_signs_out_other_sessions(app, user):
    mine, other = app.test_client(), app.test_client()
    login(mine)
    login(other)
    page = mine.get("/account").data
    token = csrf_from(page)
    wrong = mine.post("/account", data={"password-csrf_token": token, "password-current_password": "nope",
                                        "password-new_password": "brand new password",
                                        "password-confirm": "brand new password"})
    assert b"That is not your current password." in wrong.data
    token = csrf_from(mine.get("/account").data)
    response = mine.post("/account", data={"password-csrf_token": token, "password-current_password": PASSWORD,
                                           "password-new_password": "brand new password",
                                           "password-confirm": "brand new password"})
    assert response.status_code == 302
    assert mine.get("/account").status_code == 200
    assert other.get("/account").status_code == 302  # the other session was signed out
    fresh = app.test_client()
    assert login(fresh, password="brand new password").status_code == 302
    assert "password_change" in _audit_events(app)


def test_profile_timezone_is_saved(app, logged_in):
    token = csrf_from(logged_in.get("/account").data)
    response = logged_in.post("/account", data={"profile-csrf_token": token, "profile-display_name": "Alice",
                                                "profile-timezone": "America/New_York"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(User.timezone)).scalar_one() == "America/New_York"


def test_deactivated_user_cannot_sign_in(app, client):
    make_user(app, email="gone@example.com", active=False)
    response = login(client, email="gone@example.com")
    assert b"This account is deactivated." in response.data


def test_security_headers_are_set(client):
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_contain_no_inline_scripts(logged_in):
    for path in ("/", "/integrations/", "/account", "/oura/"):
        html = logged_in.get(path).data.decode()
        assert "<script>" not in html and "onclick=" not in html, path
