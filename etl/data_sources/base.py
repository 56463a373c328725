"""The contract every source implements: a manifest plus one fetch call.

A source package (``etl/data_sources/<key>/``) exposes ``SOURCE``, an instance of
:class:`Source` whose ``manifest`` says what the source is, and whose ``fetch``
turns decrypted credentials, settings and a date window into rows. Shared code
(registry, integrations page, sync, batch job, API, export) only reads the
manifest; nothing outside a source's package knows its name.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from etl.data_sources.http import AuthError

BEARER_FIELDS = ("access_token", "personal_access_token", "api_key", "token")

AuthKind = Literal["oauth2", "api_key", "service_account"]
Aggregation = Literal["sum", "mean", "last", "max", "min"]


@dataclass(frozen=True)
class Metric:
    """One daily metric a source writes: ``key`` is the full name, e.g. ``whoop.recovery_score``."""

    key: str
    label: str
    unit: str = ""
    aggregation: Aggregation = "mean"
    dimension: str = ""  # what the dimension means ("repository", "category"); '' when unused


@dataclass(frozen=True)
class CredentialField:
    """A field the user (or an OAuth flow) supplies; ``secret`` fields are never shown back."""

    name: str
    label: str
    secret: bool = True
    help: str = ""
    multiline: bool = False


@dataclass(frozen=True)
class SettingField:
    """A non-secret per-user setting shown on the integrations page.

    ``kind``: 'text', 'textarea', 'email', 'select' (with ``choices``) or 'lines' — one entry per
    line, "a | b | c" split into a dict with ``line_keys`` (e.g. column | label | unit).
    """

    name: str
    label: str
    kind: Literal["text", "textarea", "email", "select", "lines"] = "text"
    help: str = ""
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    line_keys: tuple[str, ...] = ()
    default: str = ""


@dataclass(frozen=True)
class RateLimit:
    """``requests`` per ``seconds``; ``scope`` is 'app' (shared by all users) or 'user'."""

    requests: int
    seconds: int
    scope: Literal["app", "user"] = "user"


@dataclass(frozen=True)
class OAuthSpec:
    """OAuth 2.0 endpoints; each URL is read from config key ``<url_setting>`` with ``default``."""

    authorize_url_setting: str
    authorize_url: str
    token_url_setting: str
    token_url: str
    scopes: tuple[str, ...] = ()
    pkce: bool = False
    client_id_setting: str = ""
    client_secret_setting: str = ""
    client_auth: Literal["body", "basic"] = "body"  # where the token endpoint wants client credentials
    refresh_scope: str = ""  # sent as `scope` with refresh requests when the provider wants it (WHOOP: offline)
    authorize_params: tuple[tuple[str, str], ...] = ()  # extra authorize query params (Google: access_type)
    min_state_length: int = 8


@dataclass(frozen=True)
class Manifest:
    """What a source is. Read by every shared part of the app."""

    key: str
    label: str
    auth_kind: AuthKind
    blueprint: str
    api_base_url_setting: str
    api_base_url: str
    credential_fields: tuple[CredentialField, ...] = ()
    setting_fields: tuple[SettingField, ...] = ()
    metrics: tuple[Metric, ...] = ()
    rate_limits: tuple[RateLimit, ...] = ()
    default_lookback_days: int = 30
    oauth: OAuthSpec | None = None
    setup_help: str = ""  # HTML-free plain text; may contain {callback_url}
    setup_url: str = ""  # where the user creates the key / app

    @property
    def secret_fields(self) -> tuple[str, ...]:
        """Names of credential fields that must never be shown back."""
        return tuple(f.name for f in self.credential_fields if f.secret)

    def metric(self, key: str) -> Metric | None:
        """The catalog entry for ``key``, or None."""
        return next((m for m in self.metrics if m.key == key), None)


@dataclass(frozen=True)
class Window:
    """Inclusive range of local calendar days to sync."""

    start: date
    end: date

    def days(self) -> list[date]:
        """Every day in the window, oldest first."""
        return [date.fromordinal(n) for n in range(self.start.toordinal(), self.end.toordinal() + 1)]


@dataclass
class Rows:
    """What a fetch returns, before ``user_id``/``source`` are stamped on by the sync.

    daily:    {"metric", "dimension", "day": date, "value": float}
    intraday: {"metric", "ts": datetime (naive UTC), "value": float}
    events:   {"kind", "external_id", "start": datetime|None (naive UTC),
               "end": datetime|None (naive UTC), "day": date, "data": dict}
    """

    daily: list[dict[str, Any]] = field(default_factory=list)
    intraday: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    # Set by a fetch that stopped early (rate limit): the last day fully fetched.
    # The sync then advances the cursor only this far and marks the run 'deferred'.
    complete_through: date | None = None
    notes: list[str] = field(default_factory=list)  # human-readable remarks for sync_runs
    # True when the source is the source of truth for its daily metrics in the window
    # (Google Sheets): the sync first deletes this source's daily rows inside the window,
    # so rows removed at the source disappear from the store.
    replaces_window: bool = False
    skipped: int = 0  # input records that could not be parsed (shown to the user)

    def extend(self, other: Rows) -> None:
        """Append another batch of rows to this one."""
        self.daily.extend(other.daily)
        self.intraday.extend(other.intraday)
        self.events.extend(other.events)
        self.notes.extend(other.notes)
        self.skipped += other.skipped

    def count(self) -> int:
        """Total rows across the three tables."""
        return len(self.daily) + len(self.intraday) + len(self.events)


@dataclass
class SyncContext:
    """Everything a fetch may use. Built by ``etl.sync``; fetches must not touch the database.

    ``credentials`` is the decrypted dict. ``save_credentials(new_dict)`` durably stores a
    rotated token pair *before* it is used (it commits in its own transaction).
    ``refresh()`` performs an OAuth refresh through the shared code and returns the new
    credentials (it calls ``save_credentials`` itself).
    """

    credentials: dict[str, Any]
    settings: dict[str, Any]
    window: Window
    http: Any  # etl.data_sources.http.HttpClient
    config: dict[str, Any]
    timezone: str = "UTC"
    save_credentials: Callable[[dict[str, Any]], None] = lambda creds: None
    refresh: Callable[[], dict[str, Any]] | None = None
    now: Callable[[], datetime] = datetime.utcnow

    def bearer_token(self) -> str:
        """The token to send as ``Authorization: Bearer`` (OAuth access token or a saved key)."""
        for name in BEARER_FIELDS:
            if self.credentials.get(name):
                return str(self.credentials[name])
        raise AuthError("no access token or key is stored for this integration")

    def get_json(self, url: str, *, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        """GET with the bearer token; on 401/403 refresh once (OAuth) and retry."""
        for attempt in (0, 1):
            auth = {**(headers or {}), "Authorization": f"Bearer {self.bearer_token()}"}
            try:
                return self.http.get_json(url, headers=auth, **kwargs)
            except AuthError as exc:
                if attempt or self.refresh is None or exc.status == 403:
                    raise
                self.credentials = self.refresh()
        raise AssertionError("unreachable")

    def setting(self, name: str, default: str) -> str:
        """A config value (e.g. a base URL) with its default."""
        value = self.config.get(name)
        return str(value).rstrip("/") if value else default.rstrip("/")


class Source:
    """Base class for a source. Subclasses set ``manifest`` and implement ``fetch``."""

    manifest: Manifest

    def fetch(self, ctx: SyncContext) -> Rows:
        """Fetch and transform everything in ``ctx.window``. Raise an ``http`` error on failure."""
        raise NotImplementedError

    def test_connection(self, ctx: SyncContext) -> str:
        """Make one cheap authenticated call; return a plain-words success message."""
        raise NotImplementedError

    def connect_options(self) -> list[tuple[str, str, OAuthSpec]]:
        """(adapter, button label, OAuth spec) for each way to connect; adapter '' when there is one way."""
        spec = self.manifest.oauth
        return [("", f"Connect {self.manifest.label}", spec)] if spec else []

    def oauth_spec(self, settings: dict[str, Any]) -> OAuthSpec | None:
        """The OAuth endpoints the stored tokens belong to (per adapter where a source has several)."""
        return self.manifest.oauth

    def rate_limits(self, settings: dict[str, Any]) -> tuple[RateLimit, ...]:
        """The request budgets that apply to this integration."""
        return self.manifest.rate_limits

    def preview(self, ctx: SyncContext) -> dict[str, Any] | None:
        """What a sync would read with these settings (None when the source offers no preview)."""
        return None

    def metrics(self, settings: dict[str, Any] | None = None) -> list[Metric]:
        """This user's metric catalog (a source like Sheets builds it from the user's settings)."""
        return list(self.manifest.metrics)

    def account_id(self, ctx: SyncContext) -> str | None:
        """The provider account's identity (to refuse a different account on reconnect)."""
        return None
