"""Thin calls to the WHOOP Developer API v2 through the sync context (Bearer token, one refresh on 401)."""
from __future__ import annotations

from datetime import date
from typing import Any

from etl.data_sources.base import SyncContext
from etl.data_sources.http import BadPayload

PAGE_LIMIT = 25  # WHOOP's maximum page size
COLLECTIONS = {
    "cycles": "/v2/cycle",
    "recoveries": "/v2/recovery",
    "sleeps": "/v2/activity/sleep",
    "workouts": "/v2/activity/workout",
}
PROFILE_PATH = "/v2/user/profile/basic"
BODY_PATH = "/v2/user/measurement/body"


class WhoopClient:
    """One user's WHOOP API, at ``base_url`` (e.g. https://api.prod.whoop.com/developer)."""

    def __init__(self, ctx: SyncContext, base_url: str):
        self.ctx = ctx
        self.base_url = base_url.rstrip("/")

    def profile(self) -> dict[str, Any]:
        """The member's basic profile: user_id, email, first_name, last_name."""
        return self._object(PROFILE_PATH)

    def body_measurement(self) -> dict[str, Any]:
        """The member's height_meter, weight_kilogram and max_heart_rate."""
        return self._object(BODY_PATH)

    def activities(self, first: date, after: date) -> dict[str, list[dict[str, Any]]]:
        """Every cycle, recovery, sleep and workout intersecting [first 00:00Z, after 00:00Z)."""
        return {name: self.collection(path, first, after) for name, path in COLLECTIONS.items()}

    def collection(self, path: str, first: date, after: date) -> list[dict[str, Any]]:
        """All records of one collection endpoint, following ``next_token`` page by page."""
        params: dict[str, Any] = {"start": _utc_midnight(first), "end": _utc_midnight(after), "limit": PAGE_LIMIT}
        records: list[dict[str, Any]] = []
        seen: set[str] = set()
        while True:
            page = self.ctx.get_json(self.base_url + path, params=params)
            if not isinstance(page, dict) or not isinstance(page.get("records"), list):
                raise BadPayload(f"WHOOP {path}: expected an object with a 'records' list")
            records.extend(page["records"])
            token = page.get("next_token")
            if not token:
                return records
            if token in seen:  # a provider bug must not become an endless loop
                raise BadPayload(f"WHOOP {path}: next_token repeated itself")
            seen.add(token)
            params = {**params, "nextToken": token}  # camelCase in the query, snake_case in the body

    def _object(self, path: str) -> dict[str, Any]:
        """GET a single JSON object."""
        body = self.ctx.get_json(self.base_url + path)
        if not isinstance(body, dict):
            raise BadPayload(f"WHOOP {path}: expected a JSON object")
        return body


def _utc_midnight(day: date) -> str:
    """``day`` at 00:00 UTC in the ISO form WHOOP's ``start``/``end`` take."""
    return f"{day.isoformat()}T00:00:00.000Z"
