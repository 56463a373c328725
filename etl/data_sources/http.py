"""The shared HTTP session every connector uses.

Timeouts on every call; retries with exponential backoff and jitter on 429 and
500/502/503/504 and on connection errors, honouring ``Retry-After``, with a cap
on the total time spent waiting; one exception type per failure class, each
carrying the status code and a redacted message.
"""
from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import requests

from utils.logging_config import redact

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class ProviderError(Exception):
    """Base class: a call to a provider failed. ``message`` is already redacted."""

    kind = "error"

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(redact(message))
        self.status = status
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        """The redacted message."""
        return str(self)


class AuthError(ProviderError):
    """401/403 or invalid_grant: the credentials do not work (a refresh may help once)."""

    kind = "auth"


class RateLimited(ProviderError):
    """429 after retries, or a rate budget exhausted: stop and resume next run."""

    kind = "rate_limited"


class TransientError(ProviderError):
    """5xx or connection trouble that outlived the retries."""

    kind = "transient"


class BadPayload(ProviderError):
    """The provider answered, but not in the shape we expect (or a non-retryable 4xx)."""

    kind = "bad_payload"


class GoneError(ProviderError):
    """410 Gone: the API itself was retired."""

    kind = "gone"


class BudgetExhausted(RateLimited):
    """Our own rate budget for a source ran out for this run."""


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class HttpClient:
    """A requests session with timeouts, retries, backoff and an optional rate budget.

    ``budget`` is called before every request with no arguments and raises
    :class:`BudgetExhausted` when the source's shared budget is spent.
    """

    def __init__(
        self,
        *,
        timeout: tuple[float, float] = (5.0, 30.0),
        max_retries: int = 4,
        backoff_base: float = 1.0,
        backoff_cap: float = 60.0,
        max_total_wait: float = 120.0,
        budget: Callable[[], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        user_agent: str = "personal-health-dashboard/1.0",
    ):
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_total_wait = max_total_wait
        self.budget = budget
        self.sleep = sleep
        self.requests_made = 0

    def get_json(self, url: str, **kwargs: Any) -> Any:
        """GET ``url`` and return its decoded JSON body."""
        return self.json(self.request("GET", url, **kwargs))

    def post_json(self, url: str, **kwargs: Any) -> Any:
        """POST to ``url`` and return its decoded JSON body."""
        return self.json(self.request("POST", url, **kwargs))

    @staticmethod
    def json(response: requests.Response) -> Any:
        """Decode a JSON body or raise :class:`BadPayload`."""
        try:
            return response.json()
        except ValueError as exc:
            where = f"{response.request.method} {_path(response.url)}"
            raise BadPayload(f"{where} answered {response.status_code} with a body that is not JSON",
                             response.status_code) from exc

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """Send a request with retries; return the response for 2xx/3xx, raise otherwise."""
        kwargs.setdefault("timeout", self.timeout)
        waited = 0.0
        attempt = 0
        while True:
            if self.budget is not None:
                self.budget()
            self.requests_made += 1
            try:
                response = self.session.request(method, url, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as exc:
                error: ProviderError = TransientError(f"{method} {_path(url)}: {type(exc).__name__}: {exc}")
                delay = self._backoff(attempt)
            else:
                if response.status_code < 400:
                    return response
                error = classify(response)
                if response.status_code not in RETRY_STATUSES:
                    raise error
                delay = error.retry_after if error.retry_after is not None else self._backoff(attempt)
            attempt += 1
            if attempt > self.max_retries or waited + delay > self.max_total_wait:
                raise error
            log.info("retrying %s %s in %.1fs after %s", method, _path(url), delay, error)
            self.sleep(delay)
            waited += delay

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter."""
        return random.uniform(0, min(self.backoff_cap, self.backoff_base * 2**attempt))


def classify(response: requests.Response) -> ProviderError:
    """Map an error response to the exception for its failure class."""
    status = response.status_code
    detail = _error_detail(response)
    method = response.request.method if response.request else "HTTP"
    message = f"{method} {_path(response.url)} answered {status}" + (f": {detail}" if detail else "")
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    if status == 429:
        return RateLimited(message, status, retry_after)
    if status == 410:
        return GoneError(message, status)
    if status in (401, 403) or "invalid_grant" in detail:
        return AuthError(message, status)
    if status >= 500:
        return TransientError(message, status, retry_after)
    return BadPayload(message, status)


def _error_detail(response: requests.Response) -> str:
    """A short, redacted description of an error body."""
    try:
        body = response.json()
    except ValueError:
        return redact(response.text[:200].strip())
    if isinstance(body, dict):
        if isinstance(body.get("error"), str) and body.get("error_description"):
            return redact(f"{body['error']}: {body['error_description']}"[:300])
        for key in ("error_description", "message", "error", "errors", "title", "detail"):
            if body.get(key):
                return redact(str(body[key])[:300])
    return redact(str(body)[:200])


def _path(url: str) -> str:
    """The URL without its query string (query strings may carry secrets)."""
    return url.split("?", 1)[0]


def utc_now() -> datetime:
    """Naive UTC now (the store keeps naive UTC datetimes)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
