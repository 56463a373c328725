"""`flask --app app demo`: create or refresh the demo account and print how to sign in."""
from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from app.blueprints.auth.forms import MIN_PASSWORD
from etl.demo.account import DEFAULT_PASSWORD, DEMO_DAYS, HEART_RATE_DAYS, load_demo


@click.command("demo")
@click.option("--password", envvar="DEMO_PASSWORD", default=DEFAULT_PASSWORD, show_default=True,
              help="Password for demo@example.com (or set DEMO_PASSWORD).")
@click.option("--days", default=DEMO_DAYS, show_default=True, type=click.IntRange(7, 730),
              help="Days of history for every source.")
@click.option("--heart-rate-days", default=HEART_RATE_DAYS, show_default=True, type=click.IntRange(0, 365),
              help="Recent days with 1-minute Fitbit heart rate (1,440 samples a day).")
@click.option("--force", is_flag=True, help="Allow it with APP_ENV=production.")
@with_appcontext
def demo(password: str, days: int, heart_rate_days: int, force: bool) -> None:
    """Create or refresh the demo account (demo@example.com) with realistic data from every source."""
    if current_app.config.get("APP_ENV") == "production" and not force:
        raise click.ClickException("refusing to create a demo account with a known password in production "
                                   "(add --force if you really mean it)")
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"the password must have at least {MIN_PASSWORD} characters")
    started = time.monotonic()
    result = load_demo(password=password, days=days, heart_rate_days=min(heart_rate_days, days - 1))
    verb = "created" if result.created else "refreshed"
    counts = ", ".join(f"{key} {n:,}" for key, n in result.rows.items())
    click.echo(f"Demo account {verb}: {result.first_day} to {result.last_day} ({days} days), rows written: {counts} "
               f"({time.monotonic() - started:.1f}s)")
    click.echo(f"Sign in as  e-mail: {result.email}  password: {result.password}")
