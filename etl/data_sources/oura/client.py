"""Thin calls to the Oura v2 API through the sync context: pagination, no database, no transforms."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from etl.data_sources.base import SyncContext
from etl.data_sources.http import AuthError, BadPayload

COLLECTIONS = "/v2/usercollection/"
HEART_RATE_SPAN = timedelta(days=30)  # clients report longer heartrate ranges are refused
REFUSED_STATUSES = frozenset({401, 403, 404})  # missing scope, lapsed membership, or not offered


class OuraClient:
    """One user's Oura API, reached through ``ctx.get_json`` (Bearer token, refresh once on 401)."""

    def __init__(self, ctx: SyncContext, base_url: str):
        self.ctx = ctx
        self.base_url = base_url.rstrip("/")
        self.refused: dict[str, int] = {}  # optional collection -> status it was refused with

    def personal_info(self) -> dict[str, Any]:
        """The profile document (``id``, ``email``, ...)."""
        body = self.ctx.get_json(self._url("personal_info"))
        if not isinstance(body, dict):
            raise BadPayload("Oura personal_info: expected a JSON object")
        return body

    def documents(self, collection: str, start: date, end: date) -> list[dict]:
        """Every document of a day-keyed collection between ``start`` and ``end``, all pages."""
        return self._pages(collection, {"start_date": start.isoformat(), "end_date": end.isoformat()})

    def optional_documents(self, collection: str, start: date, end: date) -> list[dict]:
        """Like :meth:`documents`, but empty (and noted in ``refused``) when the account may not read it."""
        if collection in self.refused:
            return []
        try:
            return self.documents(collection, start, end)
        except (AuthError, BadPayload) as exc:
            if exc.status not in REFUSED_STATUSES:
                raise
            self.refused[collection] = exc.status
            return []

    def heart_rate(self, start: datetime, end: datetime) -> list[dict]:
        """Heart-rate samples for naive-UTC ``[start, end)``, asked for in spans of at most 30 days."""
        samples: list[dict] = []
        while start < end:
            stop = min(end, start + HEART_RATE_SPAN)
            samples.extend(self._pages("heartrate", {"start_datetime": _iso(start), "end_datetime": _iso(stop)}))
            start = stop
        return samples

    def _pages(self, collection: str, params: dict[str, str]) -> list[dict]:
        """Follow ``next_token`` until it is null; return the concatenated ``data``."""
        records: list[dict] = []
        seen: set[str] = set()
        token = None
        while True:
            body = self.ctx.get_json(self._url(collection), params={**params, "next_token": token} if token else params)
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise BadPayload(f"Oura {collection}: expected an object with a 'data' list")
            records.extend(body["data"])
            token = body.get("next_token")
            if not token:
                return records
            if token in seen:
                raise BadPayload(f"Oura {collection}: next_token repeats, pagination does not advance")
            seen.add(token)

    def _url(self, collection: str) -> str:
        """The URL of a user collection."""
        return f"{self.base_url}{COLLECTIONS}{collection}"


def _iso(moment: datetime) -> str:
    """A naive-UTC datetime as ISO 8601 with an explicit ``+00:00`` offset."""
    return moment.replace(tzinfo=UTC).isoformat()
