"""Rize (GraphQL API, API key): manifest and source.

Rize's API (as used by public clients; the schema is only visible by introspection) offers
no focus score, so none is stored. Sessions become events of kind ``focus_session``,
``meeting`` and ``break``.
"""
from __future__ import annotations

from datetime import timedelta

from etl.data_sources.base import CredentialField, Manifest, Metric, Rows, Source, SyncContext
from etl.data_sources.http import RateLimited
from etl.data_sources.rize import client, transform

MANIFEST = Manifest(
    key="rize",
    label="Rize",
    auth_kind="api_key",
    blueprint="rize",
    api_base_url_setting=client.API_URL_SETTING,
    api_base_url=client.DEFAULT_API_URL,
    credential_fields=(CredentialField("api_key", "API key", help="Rize → Settings → API"),),
    metrics=(
        Metric("rize.work_minutes", "Work hours", "min", "sum"),
        Metric("rize.tracked_minutes", "Tracked time", "min", "sum"),
        Metric("rize.focus_minutes", "Focus time", "min", "sum"),
        Metric("rize.meeting_minutes", "Meeting time", "min", "sum"),
        Metric("rize.break_minutes", "Break time", "min", "sum"),
        Metric("rize.category_minutes", "Time per category", "min", "sum", dimension="category"),
    ),
    default_lookback_days=30,
    setup_url="https://app.rize.io/settings/api",
    setup_help="In Rize open Settings → API, create an API key and paste it here.",
)


class RizeSource(Source):
    """Rize connector: daily summary buckets, categories per day, and sessions."""

    manifest = MANIFEST

    def fetch(self, ctx: SyncContext) -> Rows:
        """Daily totals, per-day categories and sessions for the window (N days = N + 2 calls)."""
        window = ctx.window
        rows = transform.bucket_rows(client.daily_buckets(ctx, window.start, window.end))
        rows.extend(transform.session_events(client.sessions(ctx, window.start, window.end),
                                             ctx.timezone, set(window.days())))
        for day in window.days():
            try:
                categories = client.day_categories(ctx, day)
            except RateLimited:
                rows.complete_through = day - timedelta(days=1)
                rows.notes.append(f"rate limit reached at the categories of {day}, resuming next run")
                break
            rows.extend(transform.category_rows(day, categories))
        return rows

    def test_connection(self, ctx: SyncContext) -> str:
        """Ask Rize who the key belongs to."""
        return f"Connected to Rize as {client.current_user_email(ctx)}"

    def account_id(self, ctx: SyncContext) -> str | None:
        """The Rize account's email."""
        return client.current_user_email(ctx)


SOURCE = RizeSource()
