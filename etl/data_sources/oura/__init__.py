"""Oura Ring (API v2): manifest and source."""
from __future__ import annotations

from datetime import timedelta

from etl.data_sources.base import (
    CredentialField,
    Manifest,
    Metric,
    OAuthSpec,
    RateLimit,
    Rows,
    Source,
    SyncContext,
    Window,
)
from etl.data_sources.http import RateLimited
from etl.data_sources.oura import transform
from etl.data_sources.oura.client import OuraClient


def _metric(name: str, label: str, unit: str = "", aggregation: str = "mean", dimension: str = "") -> Metric:
    """A catalog entry under the ``oura.`` prefix."""
    return Metric(f"oura.{name}", label, unit, aggregation, dimension)  # type: ignore[arg-type]


METRICS = (
    _metric("sleep_score", "Sleep score", "score"),
    _metric("sleep_contributor", "Sleep score contributor", "score", dimension="contributor"),
    _metric("total_sleep_minutes", "Total sleep", "min"),
    _metric("deep_sleep_minutes", "Deep sleep", "min"),
    _metric("rem_sleep_minutes", "REM sleep", "min"),
    _metric("light_sleep_minutes", "Light sleep", "min"),
    _metric("awake_minutes", "Awake in bed", "min"),
    _metric("time_in_bed_minutes", "Time in bed", "min"),
    _metric("sleep_latency_minutes", "Sleep latency", "min"),
    _metric("sleep_efficiency", "Sleep efficiency", "%"),
    _metric("sleep_average_heart_rate", "Average heart rate asleep", "bpm"),
    _metric("sleep_lowest_heart_rate", "Lowest heart rate asleep", "bpm"),
    _metric("sleep_average_hrv", "Average HRV asleep", "ms"),
    _metric("bedtime_start", "Bedtime (minutes from local midnight)", "min"),
    _metric("bedtime_end", "Wake-up time (minutes from local midnight)", "min"),
    _metric("nap_minutes", "Nap sleep", "min", "sum"),
    _metric("readiness_score", "Readiness score", "score"),
    _metric("readiness_contributor", "Readiness score contributor", "score", dimension="contributor"),
    _metric("temperature_deviation", "Temperature deviation", "°C"),
    _metric("temperature_trend_deviation", "Temperature trend deviation", "°C"),
    _metric("activity_score", "Activity score", "score"),
    _metric("activity_contributor", "Activity score contributor", "score", dimension="contributor"),
    _metric("steps", "Steps", "steps", "sum"),
    _metric("active_calories", "Active calories", "kcal", "sum"),
    _metric("total_calories", "Total calories", "kcal", "sum"),
    _metric("high_activity_minutes", "High-intensity activity", "min", "sum"),
    _metric("medium_activity_minutes", "Medium-intensity activity", "min", "sum"),
    _metric("low_activity_minutes", "Low-intensity activity", "min", "sum"),
    _metric("sedentary_minutes", "Sedentary time", "min", "sum"),
    _metric("resting_minutes", "Resting time", "min", "sum"),
    _metric("spo2_average", "Average SpO2 asleep", "%"),
    _metric("breathing_disturbance_index", "Breathing disturbance index"),
    _metric("stress_high_minutes", "High stress", "min", "sum"),
    _metric("recovery_high_minutes", "High recovery", "min", "sum"),
)

MANIFEST = Manifest(
    key="oura",
    label="Oura",
    auth_kind="oauth2",
    blueprint="oura",
    api_base_url_setting="OURA_API_BASE_URL",
    api_base_url="https://api.ouraring.com",
    oauth=OAuthSpec(
        authorize_url_setting="OURA_AUTHORIZE_URL",
        authorize_url="https://cloud.ouraring.com/oauth/authorize",
        token_url_setting="OURA_TOKEN_URL",
        token_url="https://api.ouraring.com/oauth/token",
        scopes=("email", "personal", "daily", "heartrate", "workout", "session", "spo2"),
        client_id_setting="OURA_CLIENT_ID",
        client_secret_setting="OURA_CLIENT_SECRET",
    ),
    credential_fields=(
        CredentialField("personal_access_token", "Personal access token",
                        help="Deprecated by Oura: only for users who still hold one. Prefer Connect."),
    ),
    metrics=METRICS,
    rate_limits=(RateLimit(5000, 300, "user"),),
    default_lookback_days=30,
    setup_url="https://cloud.ouraring.com/oauth/applications",
    setup_help=(
        "Create an API application at cloud.ouraring.com/oauth/applications, register the "
        "redirect URI {callback_url}, and set OURA_CLIENT_ID and OURA_CLIENT_SECRET. Oura limits "
        "a new application to 10 users until it is approved. Personal access tokens are deprecated; "
        "if you still hold one you can paste it below."
    ),
)


CHUNK_DAYS = 30  # one heartrate span; a rate limit keeps every chunk finished before it
REQUIRED = ("daily_sleep", "sleep", "daily_readiness", "daily_activity")
OPTIONAL = ("daily_spo2", "daily_stress")  # need extra scopes or a membership the account may lack


class OuraSource(Source):
    """Oura v2: daily scores, sleep periods, readiness, activity, SpO2, stress and heart rate."""

    manifest = MANIFEST

    def fetch(self, ctx: SyncContext) -> Rows:
        """Fetch the window chunk by chunk; on a rate limit keep the finished chunks."""
        client = _client(ctx)
        rows, done = Rows(), None
        for chunk in _chunks(ctx.window, CHUNK_DAYS):
            try:
                rows.extend(_fetch_chunk(client, chunk, ctx.timezone))
            except RateLimited:
                if done is None:
                    raise
                rows.complete_through = done
                rows.notes.append(f"Oura rate limit reached: synced through {done}, the rest follows next run.")
                break
            done = chunk.end
        rows.notes.extend(f"{name} skipped: Oura answered {status} (the account may lack that scope or "
                          "an Oura membership)." for name, status in client.refused.items())
        return rows

    def test_connection(self, ctx: SyncContext) -> str:
        """Read the profile; name the account's e-mail when Oura shares it."""
        email = _client(ctx).personal_info().get("email")
        return f"Connected to Oura as {email}." if email else "Connected to Oura."

    def account_id(self, ctx: SyncContext) -> str | None:
        """The Oura user id from the profile."""
        user_id = _client(ctx).personal_info().get("id")
        return str(user_id) if user_id else None


def _client(ctx: SyncContext) -> OuraClient:
    """A client on the configured base URL."""
    return OuraClient(ctx, ctx.setting(MANIFEST.api_base_url_setting, MANIFEST.api_base_url))


def _fetch_chunk(client: OuraClient, chunk: Window, tz_name: str) -> Rows:
    """Rows for one chunk; day-keyed collections are asked one day wider and filtered on ``day``."""
    start, end = chunk.start - timedelta(days=1), chunk.end + timedelta(days=1)
    documents = {name: client.documents(name, start, end) for name in REQUIRED}
    documents.update({name: client.optional_documents(name, start, end) for name in OPTIONAL})
    samples = client.heart_rate(*transform.local_day_bounds(chunk, tz_name))
    return transform.to_rows(documents, samples, chunk, tz_name)


def _chunks(window: Window, days: int) -> list[Window]:
    """The window cut into consecutive chunks of at most ``days`` days."""
    starts = window.days()[::days]
    return [Window(s, min(window.end, s + timedelta(days=days - 1))) for s in starts]


SOURCE = OuraSource()
