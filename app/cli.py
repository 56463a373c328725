"""Flask CLI commands for headless servers: users, integrations, rotate-keys."""
from __future__ import annotations

import json
import sys

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from werkzeug.security import generate_password_hash

from app import audit
from app.blueprints.auth.forms import MIN_PASSWORD
from app.extensions import db
from database.integrations import get_or_create_integration, store_credentials
from database.models import User, UserIntegration
from etl.data_sources.registry import SOURCES
from etl.demo.cli import demo

users_cli = AppGroup("users", help="Manage user accounts.")
integrations_cli = AppGroup("integrations", help="Manage integrations without a browser.")


def _user_or_fail(email: str) -> User:
    user = db.session.execute(db.select(User).filter_by(email=email.strip().lower())).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    return user


def _read_password() -> str:
    """From a prompt on a terminal, else the first line of stdin (never argv)."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--admin", is_flag=True, help="Give the user admin rights.")
@click.option("--name", default="", help="Display name.")
@click.option("--timezone", "tz", default="UTC", help="IANA timezone, e.g. Europe/Berlin.")
def create_user(email: str, admin: bool, name: str, tz: str) -> None:
    """Create a user; the password is read from a prompt or stdin."""
    email = email.strip().lower()
    if "@" not in email:
        raise click.ClickException("--email must be an e-mail address")
    if db.session.execute(db.select(User.id).filter_by(email=email)).first():
        raise click.ClickException(f"a user with email {email} already exists")
    password = _read_password()
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"the password must have at least {MIN_PASSWORD} characters")
    user = User(email=email, display_name=name, timezone=tz, is_admin=admin,
                password_hash=generate_password_hash(password))
    db.session.add(user)
    db.session.flush()
    audit.record("register", user.id, "via cli")
    db.session.commit()
    click.echo(f"created user {email}{' (admin)' if admin else ''}")


@users_cli.command("list")
def list_users() -> None:
    """List users with their status."""
    for user in db.session.execute(db.select(User).order_by(User.id)).scalars():
        flags = ",".join(f for f, on in (("admin", user.is_admin), ("inactive", not user.active)) if on)
        click.echo(f"{user.id}\t{user.email}\t{user.timezone}\t{flags}")


@users_cli.command("deactivate")
@click.option("--email", required=True)
def deactivate_user(email: str) -> None:
    """Stop a user signing in and being synced (data is kept)."""
    user = _user_or_fail(email)
    user.active = False
    user.rotate_session_token()
    audit.record("deactivate", user.id, "via cli")
    db.session.commit()
    click.echo(f"deactivated {user.email}")


@integrations_cli.command("import")
@click.option("--user", "email", required=True)
@click.option("--source", required=True, type=click.Choice(sorted(SOURCES)))
def import_integration(email: str, source: str) -> None:
    """Store credentials (a JSON object on stdin) encrypted and mark the integration connected."""
    user = _user_or_fail(email)
    try:
        credentials = json.loads(sys.stdin.read())
    except ValueError as exc:
        raise click.ClickException(f"stdin is not valid JSON: {exc.msg} (line {exc.lineno})") from None
    if not isinstance(credentials, dict) or not credentials:
        raise click.ClickException("stdin must hold a non-empty JSON object of credentials")
    settings = credentials.pop("settings", None)
    integration = get_or_create_integration(user.id, source)
    store_credentials(integration, credentials)
    if isinstance(settings, dict):
        integration.settings = {**(integration.settings or {}), **settings}
    db.session.flush()
    audit.record("integration_connect", user.id, f"source={source} method=cli-import")
    db.session.commit()
    click.echo(f"stored {source} credentials for {user.email} (fields: {', '.join(sorted(credentials))})")


@integrations_cli.command("list")
@click.option("--user", "email", default=None)
def list_integrations(email: str | None) -> None:
    """Show integrations and their status, never their secrets."""
    query = db.select(UserIntegration, User.email).join(User).order_by(User.email, UserIntegration.source)
    if email:
        query = query.where(User.id == _user_or_fail(email).id)
    for integration, user_email in db.session.execute(query).all():
        last = integration.last_sync_at.strftime("%Y-%m-%d %H:%M") if integration.last_sync_at else "never"
        error = f"\t{integration.last_error}" if integration.last_error else ""
        click.echo(f"{user_email}\t{integration.source}\t{integration.status}\tcursor={integration.cursor or '-'}"
                   f"\tlast_sync={last}{error}")


@click.command("rotate-keys")
@with_appcontext
def rotate_keys() -> None:
    """Re-encrypt every stored credential with the newest key in ENCRYPTION_KEYS."""
    from app.secrets import cipher

    count = 0
    for integration in db.session.execute(
        db.select(UserIntegration).where(UserIntegration.credentials.is_not(None))
    ).scalars():
        integration.credentials = cipher().rotate(integration.credentials)
        count += 1
    db.session.commit()
    click.echo(f"re-encrypted {count} credential(s) with the newest key")


@click.command("doctor")
@click.option("--user", "email", default=None)
@click.option("--source", default=None, type=click.Choice(sorted(SOURCES)))
@with_appcontext
def doctor(email: str | None, source: str | None) -> None:
    """Per user x source: OK / FAIL / NEEDS-REAUTH / NEVER-SYNCED, without calling any provider."""
    from etl.doctor import print_report

    sys.exit(print_report(email=email, source=source))


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(users_cli)
    app.cli.add_command(integrations_cli)
    app.cli.add_command(rotate_keys)
    app.cli.add_command(doctor)
    app.cli.add_command(demo)

