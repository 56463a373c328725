"""Rize GraphQL calls: one POST per query, GraphQL ``errors`` turned into http errors.

A sync of N days costs N + 2 requests: one bucketed ``summaries`` call for the daily
totals, one ``sessions`` call for the whole window, and one ``summaries`` call per day
for that day's categories (the bucketed summary only carries categories for the whole
range, not per bucket).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from etl.data_sources.base import SyncContext
from etl.data_sources.http import AuthError, BadPayload

CURRENT_USER_QUERY = "query CurrentUser { currentUser { email } }"

SUMMARIES_QUERY = """
query DailySummaries($startDate: ISO8601Date!, $endDate: ISO8601Date!) {
  summaries(startDate: $startDate, endDate: $endDate, bucketSize: "day") {
    buckets { date startTime endTime focusTime breakTime meetingTime trackedTime workHours }
  }
}"""

DAY_CATEGORIES_QUERY = """
query DayCategories($day: ISO8601Date!) {
  summaries(startDate: $day, endDate: $day, bucketSize: "day", includeCategories: true) {
    categories { category { key name } timeSpent }
  }
}"""

SESSIONS_QUERY = """
query Sessions($startTime: ISO8601DateTime!, $endTime: ISO8601DateTime!) {
  sessions(startTime: $startTime, endTime: $endTime) {
    id title description type source startTime endTime
  }
}"""

API_URL_SETTING = "RIZE_API_URL"
DEFAULT_API_URL = "https://api.rize.io/api/v1/graphql"
AUTH_WORDS = ("unauthorized", "unauthorised", "unauthenticated", "not authorized", "not authenticated")


def run_query(ctx: SyncContext, name: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """POST one GraphQL query and return its ``data`` object."""
    url = ctx.setting(API_URL_SETTING, DEFAULT_API_URL)
    body = ctx.http.post_json(
        url,
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {ctx.bearer_token()}", "Content-Type": "application/json"},
    )
    if not isinstance(body, dict):
        raise BadPayload(f"Rize {name}: the answer is not a JSON object")
    raise_for_errors(name, body.get("errors"))
    data = body.get("data")
    if not isinstance(data, dict):
        raise BadPayload(f"Rize {name}: the answer has no 'data' object")
    return data


def raise_for_errors(name: str, errors: Any) -> None:
    """Turn a GraphQL ``errors`` array (sent with HTTP 200) into AuthError or BadPayload."""
    if not errors:
        return
    if not isinstance(errors, list):
        errors = [errors]
    text = "; ".join(_error_text(e) for e in errors)
    if any(_is_auth_error(e) for e in errors):
        raise AuthError(f"Rize {name}: {text}", 401)
    raise BadPayload(f"Rize {name}: {text}")


def _error_text(error: Any) -> str:
    """The message of one GraphQL error."""
    if isinstance(error, dict):
        return str(error.get("message") or error)[:300]
    return str(error)[:300]


def _is_auth_error(error: Any) -> bool:
    """Whether an error's message or ``extensions.code`` says the key is not accepted."""
    code = (error.get("extensions") or {}).get("code", "") if isinstance(error, dict) else ""
    text = f"{_error_text(error)} {code}".lower().replace("_", " ")
    return any(word in text for word in AUTH_WORDS)


def current_user_email(ctx: SyncContext) -> str:
    """The signed-in Rize user's email (the connectivity check)."""
    user = run_query(ctx, "currentUser", CURRENT_USER_QUERY).get("currentUser")
    if not isinstance(user, dict) or not user.get("email"):
        raise BadPayload("Rize currentUser: no email in the answer")
    return str(user["email"])


def daily_buckets(ctx: SyncContext, start: date, end: date) -> list[dict[str, Any]]:
    """The day buckets of ``summaries`` between two local days (inclusive)."""
    data = run_query(ctx, "summaries", SUMMARIES_QUERY, {"startDate": start.isoformat(), "endDate": end.isoformat()})
    return _summary(data, "summaries").get("buckets") or []


def day_categories(ctx: SyncContext, day: date) -> list[dict[str, Any]]:
    """Time per category on one local day."""
    data = run_query(ctx, "summaries (categories)", DAY_CATEGORIES_QUERY, {"day": day.isoformat()})
    return _summary(data, "summaries (categories)").get("categories") or []


def sessions(ctx: SyncContext, start: date, end: date) -> list[dict[str, Any]]:
    """Focus, meeting and break sessions from local midnight of ``start`` to the end of ``end``."""
    variables = {"startTime": _utc_midnight(start, ctx.timezone),
                 "endTime": _utc_midnight(end + timedelta(days=1), ctx.timezone)}
    found = run_query(ctx, "sessions", SESSIONS_QUERY, variables).get("sessions")
    if found is None:
        return []
    if not isinstance(found, list):
        raise BadPayload("Rize sessions: 'sessions' is not a list")
    return found


def _summary(data: dict[str, Any], name: str) -> dict[str, Any]:
    """The ``summaries`` object of an answer, or BadPayload."""
    summary = data.get("summaries")
    if not isinstance(summary, dict):
        raise BadPayload(f"Rize {name}: 'summaries' is missing or not an object")
    return summary


def _utc_midnight(day: date, tz_name: str) -> str:
    """Local midnight of ``day`` as an ISO 8601 UTC timestamp ending in Z."""
    local = datetime.combine(day, time.min, tzinfo=ZoneInfo(tz_name or "UTC"))
    return local.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
