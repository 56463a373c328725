"""Fitbit's legacy Web API through python-fitbit: client set-up, error mapping, the calls we make.

Fitbit ended support on 2026-09-30 and turned the API (and its OAuth endpoints) off
on 2026-11-02; it answers 410 Gone. This path stays for installations and
back-fills where it still answers; a 410, or an error body announcing the
retirement, raises :class:`GoneError` so the UI can offer "reconnect with Google".

python-fitbit builds every URL from ``API_ENDPOINT`` (``Fitbit`` and
``FitbitOauth2Client``) and refreshes at ``refresh_token_url`` /
``session.auto_refresh_url``; all are set per instance here, never on the classes.
It refreshes an expired token itself (before the call when ``expires_at`` has
passed, or after a 401 ``expired_token``) and hands the new pair to ``refresh_cb``,
which stores it through ``ctx.save_credentials`` before the request is retried:
Fitbit refresh tokens are single-use.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import fitbit
import requests
from oauthlib.oauth2.rfc6749.errors import InsecureTransportError, OAuth2Error

from etl.data_sources import http
from etl.data_sources.base import SyncContext
from etl.data_sources.http import (
    AuthError,
    BadPayload,
    GoneError,
    ProviderError,
    RateLimited,
    TransientError,
)

DEFAULT_API_BASE_URL = "https://api.fitbit.com"
DEFAULT_TOKEN_URL = "https://api.fitbit.com/oauth2/token"
RETIRED_MESSAGE = "Fitbit's old API has been retired — reconnect with Google"
RETIREMENT_WORDS = ("deprecated", "retired", "turned off", "no longer available", "google health api")
LIBRARY_ERRORS = (
    fitbit.exceptions.HTTPException, fitbit.exceptions.BadResponse, fitbit.exceptions.Timeout,
    requests.RequestException, OAuth2Error, ValueError, KeyError,  # python-fitbit parses error bodies loosely
)
EXCEPTION_CLASSES = (  # used when no response was seen
    (fitbit.exceptions.HTTPUnauthorized, AuthError), (fitbit.exceptions.HTTPForbidden, AuthError),
    (fitbit.exceptions.HTTPTooManyRequests, RateLimited), (fitbit.exceptions.HTTPServerError, TransientError),
)


class _CredentialsNotSaved(Exception):
    """Storing a rotated token failed; re-raised as is and never retried (the old refresh token is spent)."""

    def __init__(self, error: BaseException):
        super().__init__(str(error))
        self.error = error


class LegacyFitbitClient:
    """One user's legacy Fitbit API via python-fitbit, with our error classes and retry rules."""

    def __init__(self, ctx: SyncContext):
        self.ctx = ctx
        self.base_url = ctx.setting("FITBIT_API_BASE_URL", DEFAULT_API_BASE_URL)
        self.last_response: requests.Response | None = None
        self.api = self._build(ctx.setting("FITBIT_TOKEN_URL", DEFAULT_TOKEN_URL))

    def _build(self, token_url: str) -> fitbit.Fitbit:
        """A ``fitbit.Fitbit`` for this user whose URLs all point at the configured hosts."""
        client_id, secret = self.ctx.config.get("FITBIT_CLIENT_ID"), self.ctx.config.get("FITBIT_CLIENT_SECRET")
        if not client_id or not secret:
            raise ProviderError("FITBIT_CLIENT_ID and FITBIT_CLIENT_SECRET must be set to use Fitbit's legacy API")
        creds = self.ctx.credentials
        api = fitbit.Fitbit(
            client_id, secret,
            access_token=creds.get("access_token"), refresh_token=creds.get("refresh_token"),
            expires_at=_timestamp(creds.get("expires_at")), refresh_cb=self._store_token,
            system=fitbit.Fitbit.METRIC, timeout=getattr(self.ctx.http, "timeout", None),
        )
        api.API_ENDPOINT = self.base_url
        oauth = api.client
        oauth.API_ENDPOINT = self.base_url
        oauth.request_token_url = oauth.access_token_url = oauth.refresh_token_url = token_url
        oauth.session.auto_refresh_url = token_url
        oauth.session.hooks["response"].append(self._remember)
        return api

    def profile(self) -> dict:
        """``GET /1/user/-/profile.json``."""
        return self.call(self.api.user_profile_get)

    def series(self, resource: str, start: date, end: date) -> dict:
        """``GET /1/user/-/{resource}/date/{start}/{end}.json`` (activity and heart date ranges)."""
        return self.call(self.api.time_series, resource, base_date=start, end_date=end)

    def sleep(self, start: date, end: date) -> dict:
        """``GET /1.2/user/-/sleep/date/{start}/{end}.json`` (at most 100 days)."""
        return self.call(self.api.make_request, f"{self.base_url}/1.2/user/-/sleep/date/{start}/{end}.json")

    def weight(self, start: date, end: date) -> dict:
        """``GET /1/user/-/body/log/weight/date/{start}/{end}.json`` (at most 31 days)."""
        return self.call(self.api.get_bodyweight, base_date=start, end_date=end)

    def heart_intraday(self, day: date) -> dict:
        """``GET /1/user/-/activities/heart/date/{day}/1d/1min.json``."""
        return self.call(self.api.intraday_time_series, "activities/heart", base_date=day, detail_level="1min")

    def call(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a python-fitbit call; map its failures to our errors and retry transient ones."""
        attempt = 0
        while True:
            self._count_request()
            self.last_response = None
            try:
                result = method(*args, **kwargs)
            except _CredentialsNotSaved as exc:
                raise exc.error from None
            except LIBRARY_ERRORS as exc:
                error = self.classify(exc)
                if not isinstance(error, TransientError) or attempt >= getattr(self.ctx.http, "max_retries", 0):
                    raise error from exc
            else:
                if not isinstance(result, dict):
                    raise BadPayload(f"Fitbit {self._path()}: expected a JSON object")
                return result
            self.ctx.http.sleep(self._backoff(attempt))
            attempt += 1

    def classify(self, exc: BaseException) -> ProviderError:
        """The error class for a python-fitbit / requests / oauthlib failure."""
        response = self.last_response
        if isinstance(exc, InsecureTransportError):
            return ProviderError("python-fitbit refuses plain-http URLs: use https "
                                 "(or set OAUTHLIB_INSECURE_TRANSPORT=1 for a local stand-in)")
        if response is not None and (response.status_code == 410 or _announces_retirement(response)):
            return GoneError(RETIRED_MESSAGE, response.status_code)
        if isinstance(exc, (requests.ConnectionError, requests.Timeout, fitbit.exceptions.Timeout)):
            return TransientError(f"Fitbit {self._path()}: {type(exc).__name__}")
        if response is not None and (response.status_code == 429 or response.status_code >= 500):
            return self._from_response(response)  # also when it was the token endpoint that answered
        if isinstance(exc, OAuth2Error):
            status = response.status_code if response is not None else 401
            return AuthError(f"Fitbit refused the token refresh ({exc.error}): reconnect the account", status)
        if response is None or response.status_code < 400:
            kind = next((kind for cls, kind in EXCEPTION_CLASSES if isinstance(exc, cls)), BadPayload)
            return kind(f"Fitbit {self._path()}: {type(exc).__name__}")
        return self._from_response(response)

    @staticmethod
    def _from_response(response: requests.Response) -> ProviderError:
        """The shared status mapping, with Fitbit's reset header as the retry delay of a 429."""
        error = http.classify(response)
        if isinstance(error, RateLimited):
            error.retry_after = _reset_seconds(response) or error.retry_after
        return error

    def _store_token(self, token: dict) -> None:
        """python-fitbit's ``refresh_cb``: store the rotated pair before it is used any further."""
        credentials = {**self.ctx.credentials, **dict(token)}
        try:
            self.ctx.save_credentials(credentials)
        except Exception as exc:  # noqa: BLE001 - surfaced unchanged by call()
            raise _CredentialsNotSaved(exc) from exc
        self.ctx.credentials = credentials

    def _remember(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """requests response hook: keep the last answer (python-fitbit's exceptions drop it)."""
        self.last_response = response

    def _count_request(self) -> None:
        """Spend the shared rate budget (if any) and count the request, like HttpClient does."""
        budget = getattr(self.ctx.http, "budget", None)
        if budget is not None:
            budget()
        if hasattr(self.ctx.http, "requests_made"):
            self.ctx.http.requests_made += 1

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff for a transient failure."""
        base, cap = getattr(self.ctx.http, "backoff_base", 1.0), getattr(self.ctx.http, "backoff_cap", 60.0)
        return min(cap, base * 2 ** attempt)

    def _path(self) -> str:
        """The path of the last request, without its query string."""
        if self.last_response is None:
            return "request"
        return self.last_response.url.split("?", 1)[0].replace(self.base_url, "")


def _announces_retirement(response: requests.Response) -> bool:
    """An error body that says the API is deprecated or gone."""
    return response.status_code >= 400 and any(word in response.text.lower() for word in RETIREMENT_WORDS)


def _timestamp(value: Any) -> float | None:
    """A stored ``expires_at`` (epoch seconds) as float, or None when absent or unreadable."""
    try:
        return float(value) if value else None
    except (TypeError, ValueError):
        return None


def _reset_seconds(response: requests.Response) -> float | None:
    """Seconds until the hourly budget resets (``Fitbit-Rate-Limit-Reset``)."""
    value = response.headers.get("Fitbit-Rate-Limit-Reset")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
