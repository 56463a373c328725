"""Fitbit (legacy Web API and Google Health API): manifest, the two adapters, and the source.

``settings["adapter"]`` picks the path: ``"google"`` (the default, the API that works
today) or ``"legacy"`` (Fitbit's retired Web API via python-fitbit, for installations
and back-fills where it still answers). Both write the same daily metrics, the same
``sleep``/``nap`` events (external id ``sleep:<local start minute>``) and the same
1-minute ``fitbit.heart_rate`` series, so moving from legacy to Google duplicates nothing.

Each run fetches the daily summaries for the whole window first and the 1-minute heart
rate last, one day at a time; when a rate limit cuts the run short, ``complete_through``
is the last day whose heart rate was fetched (see :func:`common.backfill`).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import partial

from etl.data_sources.base import Manifest, Metric, OAuthSpec, RateLimit, Rows, Source, SyncContext
from etl.data_sources.fitbit import transform_google, transform_legacy
from etl.data_sources.fitbit.common import backfill, local_midnight_utc, spans
from etl.data_sources.fitbit.google_client import (
    GOOGLE_AUTHORIZE_PARAMS,
    GOOGLE_AUTHORIZE_URL,
    GOOGLE_AUTHORIZE_URL_SETTING,
    GOOGLE_CLIENT_ID_SETTING,
    GOOGLE_CLIENT_SECRET_SETTING,
    GOOGLE_HEALTH_SCOPES,
    GOOGLE_TOKEN_URL,
    GOOGLE_TOKEN_URL_SETTING,
    ROLLUP_DAYS,
    SLEEP_PAGE_SIZE,
    GoogleHealthClient,
    civil_range_filter,
)
from etl.data_sources.fitbit.legacy_client import LegacyFitbitClient
from etl.data_sources.http import AuthError, BadPayload, ProviderError, RateLimited

METRICS = (
    Metric("fitbit.steps", "Steps", "steps", "sum"),
    Metric("fitbit.distance_km", "Distance", "km", "sum"),
    Metric("fitbit.calories", "Calories burned", "kcal", "sum"),
    Metric("fitbit.floors", "Floors climbed", "floors", "sum"),
    Metric("fitbit.active_minutes", "Active minutes (fairly + very active)", "min", "sum"),
    Metric("fitbit.active_zone_minutes", "Active Zone Minutes", "min", "sum"),
    Metric("fitbit.resting_heart_rate", "Resting heart rate", "bpm", "mean"),
    Metric("fitbit.hr_zone_minutes", "Time in heart-rate zone", "min", "sum", dimension="heart-rate zone"),
    Metric("fitbit.heart_rate", "Heart rate (1-minute, intraday)", "bpm", "mean"),
    Metric("fitbit.sleep_minutes", "Time asleep", "min", "sum"),
    Metric("fitbit.sleep_efficiency", "Sleep efficiency", "%", "mean"),
    Metric("fitbit.sleep_deep_minutes", "Deep sleep", "min", "sum"),
    Metric("fitbit.sleep_light_minutes", "Light sleep", "min", "sum"),
    Metric("fitbit.sleep_rem_minutes", "REM sleep", "min", "sum"),
    Metric("fitbit.sleep_awake_minutes", "Awake during sleep", "min", "sum"),
    Metric("fitbit.weight_kg", "Weight", "kg", "last"),
    Metric("fitbit.bmi", "BMI", "kg/m²", "last"),
    Metric("fitbit.body_fat_pct", "Body fat", "%", "last"),
)

MANIFEST = Manifest(
    key="fitbit",
    label="Fitbit",
    auth_kind="oauth2",
    blueprint="fitbit",
    api_base_url_setting="FITBIT_API_BASE_URL",
    api_base_url="https://api.fitbit.com",
    oauth=OAuthSpec(
        authorize_url_setting="FITBIT_AUTHORIZE_URL",
        authorize_url="https://www.fitbit.com/oauth2/authorize",
        token_url_setting="FITBIT_TOKEN_URL",
        token_url="https://api.fitbit.com/oauth2/token",
        scopes=("activity", "heartrate", "sleep", "weight", "profile"),
        pkce=True,
        client_auth="basic",
        client_id_setting="FITBIT_CLIENT_ID",
        client_secret_setting="FITBIT_CLIENT_SECRET",
    ),
    metrics=METRICS,
    rate_limits=(RateLimit(150, 3600, "user"),),
    default_lookback_days=30,
    setup_url="https://console.cloud.google.com/apis/library/health.googleapis.com",
    setup_help=(
        "Fitbit's old Web API was turned off on 2026-11-02; connect through the Google Health API: "
        "create a Google Cloud OAuth client (web application), enable the Google Health API, register "
        "the redirect URI {callback_url} and set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET. The legacy "
        "path (FITBIT_CLIENT_ID / FITBIT_CLIENT_SECRET, a Fitbit 'Server' app with the same redirect URI) "
        "stays for installations where the old API still answers. Both write the same data."
    ),
)

GOOGLE_OAUTH = OAuthSpec(
    authorize_url_setting=GOOGLE_AUTHORIZE_URL_SETTING,
    authorize_url=GOOGLE_AUTHORIZE_URL,
    token_url_setting=GOOGLE_TOKEN_URL_SETTING,
    token_url=GOOGLE_TOKEN_URL,
    scopes=GOOGLE_HEALTH_SCOPES,
    pkce=True,
    client_id_setting=GOOGLE_CLIENT_ID_SETTING,
    client_secret_setting=GOOGLE_CLIENT_SECRET_SETTING,
    authorize_params=tuple(GOOGLE_AUTHORIZE_PARAMS.items()),
)
GOOGLE_RATE_LIMITS = (RateLimit(300, 60, "user"),)  # Google Health API per-user quota

LEGACY_SERIES = ("activities/steps", "activities/distance", "activities/calories", "activities/floors")
LEGACY_ACTIVE = ("activities/minutesFairlyActive", "activities/minutesVeryActive")
SERIES_DAYS, SLEEP_DAYS, WEIGHT_DAYS = 365, 100, 31  # legacy range limits (heart: 1 year)


class LegacyAdapter:
    """Fitbit's retired Web API: date-range calls for the summaries, one intraday call per day."""

    def __init__(self, ctx: SyncContext):
        self.ctx = ctx
        self.client = LegacyFitbitClient(ctx)
        self.intraday_refused = False

    def summaries(self) -> list[Callable[[], Rows]]:
        """The summary calls for the window, in order."""
        window = self.ctx.window
        steps = [partial(self._activity, s, e) for s, e in spans(window, SERIES_DAYS)]
        steps += [partial(self._sleep, s, e) for s, e in spans(window, SLEEP_DAYS)]
        return steps + [partial(self._weight, s, e) for s, e in spans(window, WEIGHT_DAYS)]

    def _activity(self, start: date, end: date) -> Rows:
        rows, series = Rows(), self.client.series
        for resource in LEGACY_SERIES:
            rows.extend(transform_legacy.series_rows(series(resource, start, end)))
        rows.extend(transform_legacy.active_minutes_rows([series(r, start, end) for r in LEGACY_ACTIVE]))
        rows.extend(transform_legacy.azm_rows(series("activities/active-zone-minutes", start, end)))
        rows.extend(transform_legacy.heart_rows(series("activities/heart", start, end)))
        return rows

    def _sleep(self, start: date, end: date) -> Rows:
        return transform_legacy.sleep_log_rows(self.client.sleep(start, end), self.ctx.timezone)

    def _weight(self, start: date, end: date) -> Rows:
        return transform_legacy.weight_rows(self.client.weight(start, end), self.ctx.timezone)

    def intraday(self, day: date) -> Rows:
        """One day of 1-minute heart rate; a 403 means no intraday access, noted once."""
        if self.intraday_refused:
            return Rows()
        try:
            payload = self.client.heart_intraday(day)
        except AuthError as exc:
            if exc.status != 403:
                raise
            self.intraday_refused = True
            return Rows(notes=["Fitbit refused intraday heart rate (403): this app has no intraday access"])
        return transform_legacy.intraday_rows(payload, day, self.ctx.timezone)

    @staticmethod
    def limit_note(exc: RateLimited, done: date) -> str:
        """What the run tells the user when Fitbit's hourly limit stops it."""
        reset = f", it resets in {int(exc.retry_after)} s" if exc.retry_after else ""
        return (f"Fitbit's limit of 150 requests an hour was reached{reset}: "
                f"kept all fetched data; after {done} resumes next run")

    def test_connection(self) -> str:
        """Read the profile."""
        user = self.client.profile().get("user") or {}
        return f"Connected to Fitbit's legacy API as {user.get('displayName') or user.get('encodedId') or 'this user'}"

    def account_id(self) -> str | None:
        """The token's ``user_id``, else the profile's ``encodedId``."""
        return self.ctx.credentials.get("user_id") or (self.client.profile().get("user") or {}).get("encodedId")


class GoogleAdapter:
    """The Google Health API: civil-day rollups and lists for the summaries, minute rollups per day."""

    def __init__(self, ctx: SyncContext):
        self.ctx = ctx
        self.client = GoogleHealthClient(ctx)

    def summaries(self) -> list[Callable[[], Rows]]:
        """The summary calls for the window, in order."""
        steps = [partial(self._rollup, data_type, s, e)
                 for s, e in spans(self.ctx.window, ROLLUP_DAYS) for data_type in transform_google.ROLLUPS]
        return steps + [self._resting_heart_rate, self._sleep, self._body]

    def _rollup(self, data_type: str, start: date, end: date) -> Rows:
        return transform_google.daily_rollup_rows(data_type, self.client.daily_rollup(data_type, start, end))

    def _resting_heart_rate(self) -> Rows:
        points = self.client.data_points("daily-resting-heart-rate", self._filter("daily_resting_heart_rate.date"))
        return transform_google.resting_heart_rate_rows(points)

    def _sleep(self) -> Rows:
        points = self.client.data_points("sleep", self._filter("sleep.interval.civil_end_time"), SLEEP_PAGE_SIZE)
        return transform_google.sleep_point_rows(points)

    def _body(self) -> Rows:
        weights = self.client.data_points("weight", self._filter("weight.sample_time.civil_time"))
        fats = self.client.data_points("body-fat", self._filter("body_fat.sample_time.civil_time"))
        return transform_google.body_point_rows(weights, fats, self._heights() if weights else [])

    def _heights(self) -> list[dict]:
        """Heights measured before the window ends (for BMI); none when the account may not read them."""
        until = (self.ctx.window.end + timedelta(days=1)).isoformat()
        try:
            return self.client.data_points("height", f'height.sample_time.civil_time < "{until}"')
        except (AuthError, BadPayload) as exc:
            if exc.status not in (403, 404):
                raise
            return []

    def _filter(self, field: str) -> str:
        return civil_range_filter(field, self.ctx.window.start, self.ctx.window.end)

    def intraday(self, day: date) -> Rows:
        """One local day of 1-minute heart rate (``heart-rate`` rollUp, 60 s windows)."""
        tz = self.ctx.timezone
        start, end = local_midnight_utc(day, tz), local_midnight_utc(day + timedelta(days=1), tz)
        return transform_google.heart_rate_minute_rows(self.client.heart_rate_minutes(start, end))

    @staticmethod
    def limit_note(exc: RateLimited, done: date) -> str:
        """What the run tells the user when the per-user quota stops it."""
        return (f"Google Health quota reached (429 RESOURCE_EXHAUSTED): "
                f"kept all fetched data; after {done} resumes next run")

    def test_connection(self) -> str:
        """Read the identity."""
        identity = self.client.identity()
        return f"Connected to Google Health as user {identity.get('healthUserId') or identity.get('name') or 'me'}"

    def account_id(self) -> str | None:
        """The old Fitbit user id when Google reports one (so a legacy user reconnects as the same account)."""
        identity = self.client.identity()
        return identity.get("legacyUserId") or identity.get("healthUserId") or None


ADAPTERS = {"google": GoogleAdapter, "legacy": LegacyAdapter}


def _adapter_name(settings: dict) -> str:
    return str((settings or {}).get("adapter") or "google").strip().lower()


def adapter_for(ctx: SyncContext) -> LegacyAdapter | GoogleAdapter:
    """The adapter named by ``settings["adapter"]`` (default ``google``)."""
    name = _adapter_name(ctx.settings)
    if name not in ADAPTERS:
        raise ProviderError(f"unknown Fitbit adapter {name!r}: use 'google' or 'legacy'")
    return ADAPTERS[name](ctx)


class FitbitSource(Source):
    """Fitbit connector: the same rows through either adapter."""

    manifest = MANIFEST

    def fetch(self, ctx: SyncContext) -> Rows:
        """Daily summaries for the window, then 1-minute heart rate day by day."""
        adapter = adapter_for(ctx)
        return backfill(ctx.window, adapter.summaries(), adapter.intraday, adapter.limit_note)

    def connect_options(self) -> list[tuple[str, str, OAuthSpec]]:
        """Google Health first (the API that works today), the retired Web API second."""
        return [("google", "Connect with Google Health", GOOGLE_OAUTH),
                ("legacy", "Connect with Fitbit's old Web API", MANIFEST.oauth)]

    def oauth_spec(self, settings: dict) -> OAuthSpec:
        """Google's endpoints for Google tokens, Fitbit's for legacy ones."""
        return MANIFEST.oauth if _adapter_name(settings) == "legacy" else GOOGLE_OAUTH

    def rate_limits(self, settings: dict) -> tuple[RateLimit, ...]:
        """150 requests/hour on the legacy API; Google's per-user quota otherwise."""
        return MANIFEST.rate_limits if _adapter_name(settings) == "legacy" else GOOGLE_RATE_LIMITS

    def test_connection(self, ctx: SyncContext) -> str:
        """One cheap call on the configured adapter."""
        return adapter_for(ctx).test_connection()

    def account_id(self, ctx: SyncContext) -> str | None:
        """The provider's user id for reconnect checks."""
        return adapter_for(ctx).account_id()


SOURCE = FitbitSource()
