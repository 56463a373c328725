"""WHOOP (Developer API v2): manifest and source."""
from __future__ import annotations

from datetime import timedelta

from etl.data_sources.base import Manifest, Metric, OAuthSpec, RateLimit, Rows, Source, SyncContext, Window
from etl.data_sources.http import BadPayload, RateLimited
from etl.data_sources.whoop import transform
from etl.data_sources.whoop.client import WhoopClient

METRICS = (
    # Cycle (day = the morning the cycle's sleep ends; see transform.cycle_day)
    Metric("whoop.strain", "Day strain", "", "mean"),
    Metric("whoop.day_kilojoules", "Energy burned", "kJ", "sum"),
    Metric("whoop.day_kcal", "Calories burned", "kcal", "sum"),
    Metric("whoop.day_avg_hr", "Average heart rate", "bpm", "mean"),
    Metric("whoop.day_max_hr", "Max heart rate", "bpm", "max"),
    # Recovery (the day of its cycle)
    Metric("whoop.recovery_score", "Recovery", "%", "mean"),
    Metric("whoop.resting_hr", "Resting heart rate", "bpm", "mean"),
    Metric("whoop.hrv_rmssd", "HRV (RMSSD)", "ms", "mean"),
    Metric("whoop.spo2", "Blood oxygen (SpO2)", "%", "mean"),
    Metric("whoop.skin_temp_c", "Skin temperature", "°C", "mean"),
    # Main sleep (the local day it ended)
    Metric("whoop.sleep_performance", "Sleep performance", "%", "mean"),
    Metric("whoop.sleep_efficiency", "Sleep efficiency", "%", "mean"),
    Metric("whoop.sleep_consistency", "Sleep consistency", "%", "mean"),
    Metric("whoop.respiratory_rate", "Respiratory rate", "breaths/min", "mean"),
    Metric("whoop.sleep_minutes", "Time asleep", "min", "mean"),
    Metric("whoop.in_bed_minutes", "Time in bed", "min", "mean"),
    Metric("whoop.awake_minutes", "Awake in bed", "min", "mean"),
    Metric("whoop.light_sleep_minutes", "Light sleep", "min", "mean"),
    Metric("whoop.deep_sleep_minutes", "Deep (slow-wave) sleep", "min", "mean"),
    Metric("whoop.rem_sleep_minutes", "REM sleep", "min", "mean"),
    Metric("whoop.sleep_cycles", "Sleep cycles", "", "mean"),
    Metric("whoop.disturbances", "Sleep disturbances", "", "mean"),
    Metric("whoop.sleep_need_minutes", "Sleep needed", "min", "mean"),
    # Naps (the local day they ended)
    Metric("whoop.nap_count", "Naps", "", "sum"),
    Metric("whoop.nap_minutes", "Time asleep in naps", "min", "sum"),
    # Workouts (the local day they started)
    Metric("whoop.workout_count", "Workouts", "", "sum"),
    Metric("whoop.workout_minutes", "Workout time", "min", "sum"),
    Metric("whoop.workout_strain", "Hardest workout strain", "", "max"),
    Metric("whoop.workout_kilojoules", "Workout energy", "kJ", "sum"),
    Metric("whoop.workout_kcal", "Workout calories", "kcal", "sum"),
    Metric("whoop.workout_distance_km", "Workout distance", "km", "sum"),
    Metric("whoop.zone_minutes", "Time in heart-rate zone", "min", "sum", "heart-rate zone (zone_0 … zone_5)"),
    # Body measurement (stamped on the sync's last day)
    Metric("whoop.weight_kg", "Weight", "kg", "last"),
    Metric("whoop.height_m", "Height", "m", "last"),
    Metric("whoop.max_heart_rate", "Max heart rate (body measurement)", "bpm", "last"),
)

MANIFEST = Manifest(
    key="whoop",
    label="WHOOP",
    auth_kind="oauth2",
    blueprint="whoop",
    api_base_url_setting="WHOOP_API_BASE_URL",
    api_base_url="https://api.prod.whoop.com/developer",
    oauth=OAuthSpec(
        authorize_url_setting="WHOOP_AUTHORIZE_URL",
        authorize_url="https://api.prod.whoop.com/oauth/oauth2/auth",
        token_url_setting="WHOOP_TOKEN_URL",
        token_url="https://api.prod.whoop.com/oauth/oauth2/token",
        scopes=("offline", "read:recovery", "read:cycles", "read:workout", "read:sleep",
                "read:profile", "read:body_measurement"),
        refresh_scope="offline",
        client_id_setting="WHOOP_CLIENT_ID",
        client_secret_setting="WHOOP_CLIENT_SECRET",
    ),
    metrics=METRICS,
    rate_limits=(RateLimit(100, 60, "app"), RateLimit(10000, 86400, "app")),
    default_lookback_days=30,
    setup_url="https://developer-dashboard.whoop.com",
    setup_help=(
        "Create an app in the WHOOP Developer Dashboard (developer-dashboard.whoop.com) with "
        "all read scopes and the redirect URL {callback_url}, then set WHOOP_CLIENT_ID and "
        "WHOOP_CLIENT_SECRET. WHOOP's rate limit (100 requests/minute, 10,000/day) is shared "
        "by every user of this installation."
    ),
)


class WhoopSource(Source):
    """WHOOP v2: cycles, recovery, sleep, naps, workouts and body measurement."""

    manifest = MANIFEST
    chunk_days = 20  # days per request batch; a rate limit keeps the batches already read

    def fetch(self, ctx: SyncContext) -> Rows:
        """Body measurement, then the window oldest first in batches of ``chunk_days`` days."""
        api = _client(ctx)
        rows = transform.body_rows(api.body_measurement(), ctx.window.end)
        for chunk in _chunks(ctx.window, self.chunk_days):
            try:
                # Padded by a day each side: a local day spans UTC -12..+14 h, and cycles start the evening before.
                payloads = api.activities(chunk.start - timedelta(days=1), chunk.end + timedelta(days=2))
            except RateLimited as exc:
                if chunk.start == ctx.window.start:
                    raise
                rows.complete_through = chunk.start - timedelta(days=1)
                rows.notes.append(f"WHOOP rate limit reached; synced through {rows.complete_through}: {exc}")
                return rows
            rows.extend(transform.build_rows(payloads, chunk))
        return rows

    def test_connection(self, ctx: SyncContext) -> str:
        """Read the profile and name the member."""
        profile = _client(ctx).profile()
        name = " ".join(str(profile[k]) for k in ("first_name", "last_name") if profile.get(k))
        return f"Connected to WHOOP as {name or 'member ' + _user_id(profile)}."

    def account_id(self, ctx: SyncContext) -> str | None:
        """The WHOOP ``user_id`` from the profile."""
        return _user_id(_client(ctx).profile())


def _client(ctx: SyncContext) -> WhoopClient:
    """The API client at the configured base URL."""
    return WhoopClient(ctx, ctx.setting(MANIFEST.api_base_url_setting, MANIFEST.api_base_url))


def _user_id(profile: dict) -> str:
    """The profile's ``user_id`` as a string."""
    if profile.get("user_id") is None:
        raise BadPayload("WHOOP /v2/user/profile/basic: field 'user_id' is missing")
    return str(profile["user_id"])


def _chunks(window: Window, size: int) -> list[Window]:
    """``window`` cut into consecutive windows of at most ``size`` days, oldest first."""
    days = window.days()
    return [Window(days[i], days[min(i + size, len(days)) - 1]) for i in range(0, len(days), size)]


SOURCE = WhoopSource()
