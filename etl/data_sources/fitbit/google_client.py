"""Google Health API (v4, the Fitbit Web API's successor): thin calls and the OAuth constants.

Calls go through the sync context (Bearer access token, one refresh on 401 via
``ctx.refresh``) to ``GOOGLE_HEALTH_API_URL`` (default https://health.googleapis.com),
following ``nextPageToken`` -> ``pageToken``. A 429 RESOURCE_EXHAUSTED (300
requests/min per user) outlives HttpClient's retries as :class:`RateLimited`.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from etl.data_sources.base import SyncContext
from etl.data_sources.http import AuthError, BadPayload

API_URL_SETTING = "GOOGLE_HEALTH_API_URL"
DEFAULT_API_URL = "https://health.googleapis.com"
USER = "/v4/users/me"

# OAuth 2.0 (web-server flow) for the connect flow and the shared token refresh.
GOOGLE_AUTHORIZE_URL_SETTING = "GOOGLE_AUTHORIZE_URL"
GOOGLE_AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
GOOGLE_TOKEN_URL_SETTING = "GOOGLE_TOKEN_URL"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
GOOGLE_CLIENT_ID_SETTING = "GOOGLE_CLIENT_ID"
GOOGLE_CLIENT_SECRET_SETTING = "GOOGLE_CLIENT_SECRET"
SCOPE_PREFIX = "https://www.googleapis.com/auth/googlehealth."
GOOGLE_HEALTH_SCOPES = (
    SCOPE_PREFIX + "activity_and_fitness.readonly",  # steps, distance, floors, calories, active (zone) minutes
    SCOPE_PREFIX + "health_metrics_and_measurements.readonly",  # heart rate, resting HR, zones, weight, body fat
    SCOPE_PREFIX + "sleep.readonly",
)
# access_type=offline gets a refresh token; prompt=consent gets one again on a reconnect.
GOOGLE_AUTHORIZE_PARAMS = {"access_type": "offline", "prompt": "consent", "include_granted_scopes": "true"}

ROLLUP_DAYS = 14  # dailyRollUp range limit for heart-rate, active-minutes and total-calories (90 for others)
SLEEP_PAGE_SIZE = 25  # the maximum for sleep
MINUTE_PAGE_SIZE = 1500  # a 25-hour DST day of 1-minute windows fits one page


class GoogleHealthClient:
    """One user's Google Health API through the sync context."""

    def __init__(self, ctx: SyncContext):
        self.ctx = ctx
        self.base_url = ctx.setting(API_URL_SETTING, DEFAULT_API_URL)

    def identity(self) -> dict:
        """``GET /v4/users/me/identity``: ``{name, healthUserId, legacyUserId}``."""
        body = self.ctx.get_json(f"{self.base_url}{USER}/identity")
        if not isinstance(body, dict):
            raise BadPayload("Google Health identity: expected a JSON object")
        return body

    def daily_rollup(self, data_type: str, start: date, end: date) -> list[dict]:
        """``POST …/dataTypes/{type}/dataPoints:dailyRollUp`` for inclusive civil days, all pages."""
        url = f"{self.base_url}{USER}/dataTypes/{data_type}/dataPoints:dailyRollUp"
        request = {"range": {"start": {"date": _civil(start)}, "end": {"date": _civil(end + timedelta(days=1))}},
                   "windowSizeDays": 1}
        return self._pages(data_type, "rollupDataPoints",
                           lambda token: self._post(url, _paged(request, token)))

    def data_points(self, data_type: str, filter_: str, page_size: int | None = None) -> list[dict]:
        """``GET …/dataTypes/{type}/dataPoints`` matching an AIP-160 filter, all pages."""
        url = f"{self.base_url}{USER}/dataTypes/{data_type}/dataPoints"
        params: dict[str, Any] = {"filter": filter_, **({"pageSize": page_size} if page_size else {})}
        return self._pages(data_type, "dataPoints", lambda token: self.ctx.get_json(url, params=_paged(params, token)))

    def heart_rate_minutes(self, start: datetime, end: datetime) -> list[dict]:
        """``POST …/heart-rate/dataPoints:rollUp`` in 60 s windows over naive-UTC ``[start, end)``."""
        url = f"{self.base_url}{USER}/dataTypes/heart-rate/dataPoints:rollUp"
        request = {"range": {"startTime": _rfc3339(start), "endTime": _rfc3339(end)},
                   "windowSize": "60s", "pageSize": MINUTE_PAGE_SIZE}
        return self._pages("heart-rate", "rollupDataPoints",
                           lambda token: self._post(url, _paged(request, token)))

    def _post(self, url: str, body: dict) -> Any:
        """POST JSON with the Bearer token; refresh once on 401 like ``ctx.get_json``."""
        for attempt in (0, 1):
            headers = {"Authorization": f"Bearer {self.ctx.bearer_token()}"}
            try:
                return self.ctx.http.post_json(url, json=body, headers=headers)
            except AuthError as exc:
                if attempt or self.ctx.refresh is None or exc.status != 401:
                    raise
                self.ctx.credentials = self.ctx.refresh()
        raise AssertionError("unreachable")

    @staticmethod
    def _pages(data_type: str, key: str, fetch: Callable[[str | None], Any]) -> list[dict]:
        """Follow ``nextPageToken`` until it is absent or empty; return every page's ``key`` list."""
        items: list[dict] = []
        seen: set[str] = set()
        token = None
        while True:
            body = fetch(token)
            if not isinstance(body, dict) or not isinstance(body.get(key, []), list):
                raise BadPayload(f"Google Health {data_type}: expected an object with a '{key}' list")
            items.extend(body.get(key, []))
            token = body.get("nextPageToken")
            if not token:
                return items
            if token in seen:
                raise BadPayload(f"Google Health {data_type}: nextPageToken repeats, pagination does not advance")
            seen.add(token)


def civil_range_filter(field: str, start: date, end: date) -> str:
    """``field >= "start" AND field < "end + 1 day"`` (civil dates, closed-open: the only operators allowed)."""
    return f'{field} >= "{start.isoformat()}" AND {field} < "{(end + timedelta(days=1)).isoformat()}"'


def _paged(request: dict, token: str | None) -> dict:
    """``request`` plus ``pageToken`` when there is one."""
    return {**request, "pageToken": token} if token else request


def _civil(day: date) -> dict:
    """A civil date object (plain ints: zero-padded JSON numbers are refused)."""
    return {"year": day.year, "month": day.month, "day": day.day}


def _rfc3339(moment: datetime) -> str:
    """A naive-UTC datetime as RFC 3339 with ``Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
