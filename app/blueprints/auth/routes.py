"""Auth views."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from app import audit
from app.blueprints.auth import bp
from app.blueprints.auth.account import render_account
from app.blueprints.auth.forms import ChangePasswordForm, LoginForm, ProfileForm, RegisterForm
from app.extensions import db, limiter, login_account_key
from database.models import User
from utils.date_utils import timezone_choices

# Checked against when the e-mail is unknown, so a miss costs the same time as a hit.
_DUMMY_HASH = generate_password_hash("not-a-real-password-used-for-timing")


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a local path on this site, else None (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _start_session(user: User, remember: bool) -> None:
    """Sign ``user`` in with a fresh session (defeats session fixation)."""
    session.clear()
    login_user(user, remember=remember)


def _submitted(form) -> bool:
    """True when this POST came from ``form`` (several forms share the account page)."""
    return request.method == "POST" and any(key.startswith(form._prefix) for key in request.form)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_IP"], methods=["POST"])
def register():
    """Create an account and sign in."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        if db.session.execute(db.select(User.id).filter_by(email=form.email.data)).first():
            form.email.errors.append("An account with this email already exists. Sign in instead.")
        else:
            user = User(email=form.email.data, display_name=form.display_name.data.strip(),
                        timezone=form.timezone.data.strip(), password_hash=generate_password_hash(form.password.data))
            db.session.add(user)
            try:
                db.session.flush()
            except IntegrityError:  # a concurrent registration won the race
                db.session.rollback()
                form.email.errors.append("An account with this email already exists. Sign in instead.")
                return render_template("auth/register.html", form=form), 200
            audit.record("register", user.id)
            db.session.commit()
            _start_session(user, remember=False)
            flash("Welcome! Connect a source to get started.", "success")
            return redirect(url_for("integrations.index"))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_IP"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"], key_func=login_account_key, methods=["POST"])
def login():
    """Sign in, then go back to the page that asked for it."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.execute(db.select(User).filter_by(email=form.email.data)).scalar_one_or_none()
        password_ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, form.password.data)
        if user and password_ok and user.active:
            target = safe_next(request.args.get("next"))
            _start_session(user, remember=form.remember.data)
            audit.record("login", user.id)
            db.session.commit()
            return redirect(target or url_for("home.index"))
        audit.record("login_failed", user.id if user else None, f"email={form.email.data}")
        db.session.commit()
        flash("Wrong email or password." if not (user and password_ok) else "This account is deactivated.", "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out (POST with CSRF token, so a link elsewhere cannot sign you out)."""
    audit.record("logout", current_user.id)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """Profile and password change (tokens, export and deletion: account.py)."""
    profile = ProfileForm(prefix="profile", obj=current_user)
    profile.timezone.choices = timezone_choices()
    password = ChangePasswordForm(prefix="password")
    if _submitted(profile) and profile.validate_on_submit():
        current_user.display_name = profile.display_name.data.strip()
        current_user.timezone = profile.timezone.data
        db.session.commit()
        flash("Profile saved.", "success")
        return redirect(url_for("auth.account"))
    if _submitted(password) and password.validate_on_submit():
        if not check_password_hash(current_user.password_hash, password.current_password.data):
            password.current_password.errors.append("That is not your current password.")
        else:
            current_user.password_hash = generate_password_hash(password.new_password.data)
            current_user.rotate_session_token()
            audit.record("password_change", current_user.id)
            db.session.commit()
            _start_session(current_user._get_current_object(), remember=False)
            flash("Password changed. Other sessions were signed out.", "success")
            return redirect(url_for("auth.account"))
    return render_account(profile=profile, password=password)
