"""GitHub REST calls: Link-header pagination, the stats endpoints' 202, rate-limit detection.

Every call records the last ``X-RateLimit-Remaining`` header (through a requests response
hook, because the shared HttpClient raises before handing back an error response), so a
403 with the budget at 0, or a 403 saying "rate limit", becomes :class:`RateLimited`
rather than an auth failure. A 403/404 on a ``/repos/...`` path becomes
:class:`RepoUnavailable`: the caller skips that repository with a note.
"""
from __future__ import annotations

from typing import Any

import requests

from etl.data_sources.base import SyncContext
from etl.data_sources.http import AuthError, BadPayload, HttpClient, RateLimited

API_URL_SETTING = "GITHUB_API_URL"
DEFAULT_API_URL = "https://api.github.com"
STATS_ATTEMPTS = 4  # waits 2, 4, 8 s between them
STATS_WAIT_BUDGET = 60.0  # seconds of waiting for statistics per run, over all repositories


class RepoUnavailable(Exception):
    """A repository answered 403/404: deleted, renamed, made private or out of the token's reach."""

    def __init__(self, full_name: str, status: int | None):
        super().__init__(f"{full_name} answered {status}")
        self.full_name = full_name
        self.status = status


class StatsPending(Exception):
    """GitHub was still computing a statistic (202 Accepted) after every retry."""


class GitHubClient:
    """Thin calls to the REST API on behalf of one integration."""

    def __init__(self, ctx: SyncContext):
        self.ctx = ctx
        self.base = ctx.setting(API_URL_SETTING, DEFAULT_API_URL)
        self.remaining: str | None = None
        self.stats_wait_left = STATS_WAIT_BUDGET

    def get(self, path: str, params: dict[str, Any] | None = None, repo: str | None = None) -> requests.Response:
        """GET a path (or a full URL from a Link header); map rate limits and vanished repos."""
        url = path if path.startswith(("http://", "https://")) else f"{self.base}{path}"
        try:
            return self.ctx.http.request("GET", url, headers=self._headers(), params=params,
                                         hooks={"response": self._remember})
        except AuthError as exc:
            if exc.status == 403 and (self.remaining == "0" or "rate limit" in exc.message.lower()):
                raise RateLimited(f"GitHub rate limit reached: {exc.message}", 403) from exc
            if repo and exc.status == 403:
                raise RepoUnavailable(repo, 403) from exc
            raise
        except BadPayload as exc:
            if repo and exc.status == 404:
                raise RepoUnavailable(repo, 404) from exc
            raise

    def get_json(self, path: str, params: dict[str, Any] | None = None, repo: str | None = None) -> Any:
        """GET and decode JSON."""
        return HttpClient.json(self.get(path, params, repo))

    def paginate(self, path: str, params: dict[str, Any] | None = None, repo: str | None = None) -> list[Any]:
        """Every item of a list endpoint, following ``Link: rel="next"``."""
        items: list[Any] = []
        url: str | None = path
        while url:
            response = self.get(url, params, repo)
            page = HttpClient.json(response)
            if not isinstance(page, list):
                raise BadPayload(f"GET {path}: expected a JSON list")
            items.extend(page)
            url, params = response.links.get("next", {}).get("url"), None  # the next URL carries the query
        return items

    def user(self) -> dict[str, Any]:
        """The authenticated user."""
        user = self.get_json("/user")
        if not isinstance(user, dict) or "login" not in user:
            raise BadPayload("GET /user: no 'login' in the answer")
        return user

    def user_repos(self, affiliation: str) -> list[dict[str, Any]]:
        """Repositories the user can see with the given affiliation(s)."""
        return self.paginate("/user/repos", {"affiliation": affiliation, "per_page": 100})

    def repo(self, full_name: str) -> dict[str, Any]:
        """One repository's metadata."""
        return self.get_json(f"/repos/{full_name}", repo=full_name)

    def commits(self, full_name: str, since: str, until: str) -> list[dict[str, Any]]:
        """Commits on the default branch authored between two ISO instants ([] for an empty repo)."""
        params = {"since": since, "until": until, "per_page": 100}
        try:
            return self.paginate(f"/repos/{full_name}/commits", params, repo=full_name)
        except BadPayload as exc:
            if exc.status == 409:  # "Git Repository is empty."
                return []
            raise

    def commit_detail(self, full_name: str, sha: str) -> dict[str, Any]:
        """One commit with its ``stats`` (additions, deletions)."""
        return self.get_json(f"/repos/{full_name}/commits/{sha}", repo=full_name)

    def languages(self, full_name: str) -> dict[str, Any]:
        """Bytes of code per language."""
        found = self.get_json(f"/repos/{full_name}/languages", repo=full_name)
        return found if isinstance(found, dict) else {}

    def open_pull_requests(self, full_name: str) -> int:
        """How many pull requests are open."""
        return len(self.paginate(f"/repos/{full_name}/pulls", {"state": "open", "per_page": 100}, repo=full_name))

    def newest_and_oldest_commit(self, full_name: str, author: str = "") -> tuple[dict, dict] | None:
        """The newest and the oldest commit of the default branch (two calls via rel="last"); None if empty."""
        params: dict[str, Any] = {"per_page": 1, **({"author": author} if author else {})}
        try:
            first = self.get(f"/repos/{full_name}/commits", params, repo=full_name)
        except BadPayload as exc:
            if exc.status == 409:
                return None
            raise
        newest = HttpClient.json(first)
        if not isinstance(newest, list) or not newest:
            return None
        last_url = first.links.get("last", {}).get("url")
        oldest = self.get_json(last_url, repo=full_name) if last_url else newest
        return newest[0], (oldest if isinstance(oldest, list) and oldest else newest)[-1]

    def code_frequency(self, full_name: str) -> list[Any]:
        """Weekly ``[week_epoch, additions, -deletions]``; retries while GitHub answers 202 (computing)."""
        for attempt in range(STATS_ATTEMPTS):
            response = self.get(f"/repos/{full_name}/stats/code_frequency", repo=full_name)
            if response.status_code == 204:  # no data, e.g. an empty repository
                return []
            if response.status_code != 202:
                weeks = HttpClient.json(response)
                if not isinstance(weeks, list):
                    raise BadPayload(f"GET /repos/{full_name}/stats/code_frequency: expected a JSON list")
                return weeks
            delay = 2.0 ** (attempt + 1)
            if attempt == STATS_ATTEMPTS - 1 or delay > self.stats_wait_left:
                break  # GitHub keeps computing in the background; the next run will find it ready
            self.ctx.http.sleep(delay)
            self.stats_wait_left -= delay
        raise StatsPending(full_name)

    def _headers(self) -> dict[str, str]:
        """Auth and API-version headers for every call."""
        return {"Authorization": f"Bearer {self.ctx.bearer_token()}", "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28"}

    def _remember(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """Response hook: keep the rate budget GitHub reported last."""
        self.remaining = response.headers.get("X-RateLimit-Remaining")
