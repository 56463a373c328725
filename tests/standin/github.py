"""GitHub's REST API as the stand-in serves it to a personal access token: the same repositories,
commits and statistics for the same user, every time.

User ``u`` (login ``u``) owns ``u/api-server`` (commits on most weekdays), ``u/web`` (fewer),
``u/dotfiles`` (last pushed about a year ago), ``u/empty-idea`` (no commit yet: 409, 204) and the
fork ``u/forked-lib``, and collaborates on ``team-u/shared``, where a teammate commits too. Commits
fall between 08:00 and 19:00 UTC; on days divisible by five a day's last commit (of two or more)
is a merge. Lists page with ``Link`` headers, at most PAGE_CAP items a page whatever ``per_page``
asks, so paging always runs. Every authenticated answer carries X-RateLimit-* headers (5,000
requests an hour, or what :meth:`GitHub.limit` sets); a spent budget answers 403 as GitHub does.
``/stats/code_frequency`` of ``u/web`` answers 202 (still computing) on its first call, then 200.
"""
from __future__ import annotations

import hashlib
import math
import threading
import time as clock
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import unquote, urlencode

from tests.standin.common import BadRequest, Reply, bearer, days, parse_moment, rng, stable_int
from tests.standin.tokens import BROKEN, TokenError

PAGE_CAP = {"repos": 3, "commits": 20, "pulls": 20}
HOURLY_LIMIT = 5000
DOCS = "https://docs.github.com/rest"
WEEKEND = (0, 0, 0, 1)
TEAMMATE = ("Grace Teammate", "teammate@example.com")
MESSAGES = ("Fix flaky test", "Add endpoint", "Refactor models", "Update dependencies", "Improve docs", "Tidy up")


@dataclass(frozen=True)
class RepoSpec:
    """One repository every user has; ages and quiet spells are in days before today."""

    name: str
    age: int
    weekday: tuple[int, ...]  # commits on a weekday, one of these per day
    languages: tuple[tuple[str, int], ...]
    owned: bool = True  # False: team-<user>/<name>, the user collaborates
    quiet_for: int = 0  # no commit in the last this many days
    fork: bool = False
    teammate: bool = False  # a teammate writes some of the commits

    def full_name(self, user: str) -> str:
        """owner/name for ``user``."""
        return f"{user if self.owned else 'team-' + user}/{self.name}"


REPOS = (
    RepoSpec("api-server", 420, (0, 1, 2, 2, 3, 4), (("Python", 184000), ("HTML", 9000), ("Dockerfile", 600))),
    RepoSpec("dotfiles", 900, (0, 0, 0, 1), (("Shell", 5200), ("Lua", 1800)), quiet_for=330),
    RepoSpec("empty-idea", 6, (0,), ()),
    RepoSpec("forked-lib", 700, (0, 0, 1), (("C", 80000),), quiet_for=500, fork=True),
    RepoSpec("shared", 300, (0, 1, 2, 3), (("Go", 150000), ("Makefile", 900)), owned=False, teammate=True),
    RepoSpec("web", 200, (0, 0, 1, 2), (("TypeScript", 96000), ("CSS", 12000), ("HTML", 4000))),
)
STATS_PENDING_REPO = "web"


@dataclass(frozen=True)
class Commit:
    """One commit as the stand-in knows it (rendered into GitHub's shapes on demand)."""

    sha: str
    repo: str
    moment: datetime
    email: str
    name: str
    login: str | None  # None: the e-mail is linked to no GitHub account
    message: str
    merge: bool
    additions: int
    deletions: int


def spec_of(user: str, full_name: str) -> RepoSpec | None:
    """The repository ``full_name`` as ``user`` sees it (case-insensitive), or None."""
    return next((s for s in REPOS if s.full_name(user).lower() == full_name.lower()), None)


def day_commits(user: str, spec: RepoSpec, day: date, today: date) -> list[Commit]:
    """The commits of one repository on one day, oldest first."""
    if not today - timedelta(days=spec.age) <= day <= today - timedelta(days=spec.quiet_for):
        return []
    r = rng("github", user, spec.name, day)
    count = r.choice(spec.weekday if day.weekday() < 5 else WEEKEND)
    morning = datetime.combine(day, time(8), UTC)
    moments = sorted(morning + timedelta(minutes=r.randint(0, 659), seconds=r.randint(0, 59)) for _ in range(count))
    found = []
    for index, moment in enumerate(moments):
        name, email = TEAMMATE if spec.teammate and r.random() < 0.4 else (user.title(), f"{user}@example.com")
        digest = hashlib.sha1(f"{user}:{spec.name}:{day}:{index}".encode()).hexdigest()  # noqa: S324 - an id
        found.append(Commit(f"{day.toordinal():06x}{index:02x}{digest[:32]}", spec.full_name(user), moment, email,
                            name, None if email == TEAMMATE[1] else user, r.choice(MESSAGES),
                            merge=count >= 2 and index == count - 1 and day.toordinal() % 5 == 0,
                            additions=r.randint(1, 300), deletions=r.randint(0, 120)))
    return found


def history(user: str, spec: RepoSpec, today: date, start: date | None = None, end: date | None = None) -> list[Commit]:
    """Commits from ``start`` to ``end`` (default: the whole history), newest first, as GitHub lists them."""
    first = max(start or date.min, today - timedelta(days=spec.age))
    return [c for day in reversed(days(first, min(end or today, today)))
            for c in reversed(day_commits(user, spec, day, today))]


def newest_commit(user: str, spec: RepoSpec, today: date) -> Commit | None:
    """The latest commit (None for an empty repository), looking back only as far as needed."""
    for day in reversed(days(today - timedelta(days=spec.age), today - timedelta(days=spec.quiet_for))):
        found = day_commits(user, spec, day, today)
        if found:
            return found[-1]
    return None


def find_commit(user: str, spec: RepoSpec, sha: str, today: date) -> Commit | None:
    """The commit with this sha (its first eight hex digits name its day and index)."""
    try:
        day, index = date.fromordinal(int(sha[:6], 16)), int(sha[6:8], 16)
    except ValueError:
        return None
    found = day_commits(user, spec, day, today)
    return found[index] if index < len(found) and found[index].sha == sha.lower() else None


def languages(user: str, spec: RepoSpec) -> dict[str, int]:
    """Bytes of code per language (``{}`` for an empty repository)."""
    scale = 90 + stable_int("github-size", user, spec.name) % 20
    return {language: size * scale // 100 for language, size in spec.languages}


def open_pull_requests(user: str, spec: RepoSpec) -> int:
    """How many pull requests are open."""
    return 0 if not spec.languages else stable_int("github-pulls", user, spec.name) % 4


def repository(user: str, spec: RepoSpec, base: str, today: date) -> dict:
    """The repository object of ``/user/repos`` and ``/repos/{owner}/{repo}``."""
    full, owner = spec.full_name(user), spec.full_name(user).split("/")[0]
    created = datetime.combine(today - timedelta(days=spec.age), time(9), UTC)
    newest = newest_commit(user, spec, today)
    pushed = newest.moment if newest else created
    issues = stable_int("github-issues", user, spec.name) % 7
    stars = stable_int("github-stars", user, spec.name) % 40
    return {"id": 700000 + stable_int("github-repo", user, spec.name) % 100000, "node_id": f"R_{spec.name}",
            "name": spec.name, "full_name": full, "private": not spec.owned, "owner": _account(owner, base),
            "html_url": f"https://github.com/{full}", "description": f"The {spec.name} project", "fork": spec.fork,
            "url": f"{base}/repos/{full}", "created_at": _fmt(created), "updated_at": _fmt(pushed),
            "pushed_at": _fmt(pushed), "homepage": None, "size": sum(languages(user, spec).values()) * 3 // 1024,
            "stargazers_count": stars, "watchers_count": stars, "language": spec.languages[0][0] if spec.languages
            else None, "has_issues": True, "forks_count": 0, "archived": False, "disabled": False,
            "open_issues_count": issues + open_pull_requests(user, spec), "license": None, "topics": [],
            "visibility": "private" if not spec.owned else "public", "forks": 0,
            "open_issues": issues + open_pull_requests(user, spec), "watchers": stars, "default_branch": "main",
            "permissions": {"admin": spec.owned, "maintain": spec.owned, "push": True, "triage": True, "pull": True}}


def commit_item(commit: Commit, base: str, detail: bool = False) -> dict:
    """A commit as ``/commits`` lists it, or (``detail``) with its stats and files."""
    stamp, tree = _fmt(commit.moment), commit.sha[::-1]
    person = {"name": commit.name, "email": commit.email, "date": stamp}
    parents = [hashlib.sha1(f"{commit.sha}:{n}".encode()).hexdigest() for n in range(2 if commit.merge else 1)]  # noqa: S324
    item = {"sha": commit.sha, "node_id": f"C_{commit.sha[:10]}",
            "commit": {"author": person, "committer": person, "message": commit.message,
                       "tree": {"sha": tree, "url": f"{base}/repos/{commit.repo}/git/trees/{tree}"},
                       "url": f"{base}/repos/{commit.repo}/git/commits/{commit.sha}", "comment_count": 0,
                       "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None,
                                        "verified_at": None}},
            "url": f"{base}/repos/{commit.repo}/commits/{commit.sha}",
            "html_url": f"https://github.com/{commit.repo}/commit/{commit.sha}",
            "comments_url": f"{base}/repos/{commit.repo}/commits/{commit.sha}/comments",
            "author": _account(commit.login, base) if commit.login else None,
            "committer": _account(commit.login, base) if commit.login else None,
            "parents": [{"sha": p, "url": f"{base}/repos/{commit.repo}/commits/{p}",
                         "html_url": f"https://github.com/{commit.repo}/commit/{p}"} for p in parents]}
    if detail:
        item["stats"] = {"total": commit.additions + commit.deletions, "additions": commit.additions,
                         "deletions": commit.deletions}
        item["files"] = [{"sha": commit.sha[:40], "filename": "src/main.py", "status": "modified",
                          "additions": commit.additions, "deletions": commit.deletions,
                          "changes": commit.additions + commit.deletions}]
    return item


def code_frequency(user: str, spec: RepoSpec, today: date) -> list[list[int]]:
    """Weekly ``[sunday_epoch, additions, -deletions]`` of non-merge commits, from the first commit's week on."""
    weeks: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    commits = [c for c in history(user, spec, today) if not c.merge]
    for commit in commits:
        sunday = commit.moment.date() - timedelta(days=(commit.moment.weekday() + 1) % 7)
        weeks[sunday][0] += commit.additions
        weeks[sunday][1] += commit.deletions
    if not weeks:
        return []
    first, now = min(weeks), today - timedelta(days=(today.weekday() + 1) % 7)
    return [[int(datetime.combine(week, time(), UTC).timestamp()), weeks[week][0] if week in weeks else 0,
             -weeks[week][1] if week in weeks else 0] for week in days(first, now)[::7]]


class GitHub:
    """The GitHub part of the stand-in: per-user rate budgets and which statistics are computed."""

    source = "github"

    def __init__(self, standin, stats_pending: bool = True):
        self.standin = standin
        self.stats_pending = stats_pending
        self.limits: dict[str, int] = {}
        self._used: dict[str, tuple[int, int]] = {}  # user -> (hour window start, requests in it)
        self._computed: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def limit(self, user: str, requests: int | None) -> None:
        """Give ``user`` a smaller hourly budget (None: back to 5,000)."""
        with self._lock:
            if requests is None:
                self.limits.pop(user, None)
            else:
                self.limits[user] = requests

    def serves(self, method: str, path: str) -> bool:
        """Whether this request is GitHub's."""
        return path == "/user" or path.startswith(("/user/", "/repos/"))

    def answer(self, method: str, path: str, query: dict, form: dict, body: Any, auth: str) -> tuple[str | None, Reply]:
        """(user, reply) for one request."""
        try:
            user = self.standin.tokens.user_for(self.source, bearer(auth))
        except TokenError:
            return None, _error(401, "Bad credentials")
        failure = self.standin.tokens.failure(self.source, user)
        if failure == BROKEN:
            return user, Reply(500, {"message": "Server Error"}, {"Retry-After": "0"})
        if failure is not None:
            return user, _error(401, "Bad credentials")
        headers, spent = self._count(user)
        if spent:
            reply = _error(403, f"API rate limit exceeded for user ID {_user_id(user)}.")
        else:
            try:
                reply = self._route(method, path, query, user) if method == "GET" else _error(404, "Not Found")
            except BadRequest as exc:
                reply = _error(422, str(exc))
        reply.headers.update(headers)
        return user, reply

    def _count(self, user: str) -> tuple[dict[str, str], bool]:
        """Spend one request of the user's hour; the X-RateLimit-* headers and whether it was over."""
        now = int(clock.time())
        with self._lock:
            start, used = self._used.get(user, (now, 0))
            if now >= start + 3600:
                start, used = now, 0
            limit = self.limits.get(user, HOURLY_LIMIT)
            over = used >= limit
            used = min(used + 1, limit)
            self._used[user] = (start, used)
        return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(limit - used),
                "X-RateLimit-Used": str(used), "X-RateLimit-Reset": str(start + 3600),
                "X-RateLimit-Resource": "core"}, over

    def _route(self, method: str, path: str, query: dict, user: str) -> Reply:
        base, today = self.standin.url, self.standin.today
        if path == "/user":
            return Reply(200, {**_account(user, base), "name": user.title(), "email": None, "public_repos": 5,
                               "created_at": "2013-01-22T10:00:00Z"})
        if path == "/user/repos":
            wanted = set(query.get("affiliation", "owner,collaborator,organization_member").split(","))
            member = bool(wanted & {"collaborator", "organization_member"})
            specs = [s for s in REPOS if ("owner" in wanted if s.owned else member)]
            listed = sorted((repository(user, s, base, today) for s in specs), key=lambda r: r["full_name"].lower())
            return self._page(listed, path, query, "repos")
        parts = unquote(path).split("/")[2:]  # owner, repo, then the rest
        spec = spec_of(user, "/".join(parts[:2])) if len(parts) >= 2 else None
        if spec is None:
            return _error(404, "Not Found")
        return self._repo_route(spec, parts[2:], path, query, user)

    def _repo_route(self, spec: RepoSpec, rest: list[str], path: str, query: dict, user: str) -> Reply:
        base, today = self.standin.url, self.standin.today
        if not rest:
            return Reply(200, repository(user, spec, base, today))
        if rest == ["commits"]:
            return self._commits(spec, path, query, user)
        if len(rest) == 2 and rest[0] == "commits":
            found = find_commit(user, spec, rest[1], today)
            return Reply(200, commit_item(found, base, detail=True)) if found else _error(
                422, f"No commit found for SHA: {rest[1]}")
        if rest == ["languages"]:
            return Reply(200, languages(user, spec))
        if rest == ["pulls"]:
            count = open_pull_requests(user, spec) if query.get("state", "open") in ("open", "all") else 0
            pulls = [{"url": f"{base}/repos/{spec.full_name(user)}/pulls/{n}", "id": 1000 + n, "number": n,
                      "state": "open", "title": f"Change {n}", "user": _account(user, base), "draft": False,
                      "created_at": "2026-01-02T10:00:00Z"} for n in range(count, 0, -1)]
            return self._page(pulls, path, query, "pulls")
        if rest == ["stats", "code_frequency"]:
            return self._code_frequency(spec, user)
        return _error(404, "Not Found")

    def _commits(self, spec: RepoSpec, path: str, query: dict, user: str) -> Reply:
        today = self.standin.today
        since = parse_moment(query.get("since"), "since", datetime.min.replace(tzinfo=UTC))
        until = parse_moment(query.get("until"), "until", datetime.max.replace(tzinfo=UTC))
        if newest_commit(user, spec, today) is None:
            return _error(409, "Git Repository is empty.")
        author = query.get("author", "").lower()
        start, end = max(since, datetime(1970, 1, 1, tzinfo=UTC)).date(), min(until.date(), today)
        found = [c for c in history(user, spec, today, start, end) if since <= c.moment <= until
                 and (not author or author in (c.email.lower(), (c.login or "").lower()))]
        return self._page([commit_item(c, self.standin.url) for c in found], path, query, "commits")

    def _code_frequency(self, spec: RepoSpec, user: str) -> Reply:
        key = (user, spec.name)
        with self._lock:
            computing = self.stats_pending and spec.name == STATS_PENDING_REPO and key not in self._computed
            self._computed.add(key)
        if computing:
            return Reply(202, {})
        weeks = code_frequency(user, spec, self.standin.today)
        return Reply(200, weeks) if weeks else Reply(204, None)

    def _page(self, items: list, path: str, query: dict, kind: str) -> Reply:
        """One page of ``items`` with GitHub's Link header (absent when everything fits on one page)."""
        size = min(_number(query.get("per_page"), 30, 100), PAGE_CAP[kind])
        page = _number(query.get("page"), 1, 10**6)
        last = max(1, math.ceil(len(items) / size))

        def link(number: int, rel: str) -> str:
            return f'<{self.standin.url}{path}?{urlencode({**query, "page": number})}>; rel="{rel}"'

        links = ([link(page - 1, "prev")] if page > 1 else []) + (
            [link(page + 1, "next"), link(last, "last")] if page < last else []) + (
            [link(1, "first")] if page > 1 else [])
        return Reply(200, items[(page - 1) * size:page * size], {"Link": ", ".join(links)} if links else {})


def _number(value: str | None, default: int, largest: int) -> int:
    try:
        return max(1, min(int(value), largest)) if value else default
    except ValueError as exc:
        raise BadRequest(f"{value!r} is not a number") from exc


def _user_id(login: str) -> int:
    return 500000 + stable_int("github-user", login) % 400000


def _account(login: str, base: str) -> dict:
    return {"login": login, "id": _user_id(login), "node_id": f"U_{login}", "avatar_url": "",
            "gravatar_id": "", "url": f"{base}/users/{login}", "html_url": f"https://github.com/{login}",
            "type": "Organization" if login.startswith("team-") else "User", "site_admin": False}


def _error(status: int, message: str) -> Reply:
    return Reply(status, {"message": message, "documentation_url": DOCS, "status": str(status)})


def _fmt(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
