"""Pure functions from GitHub payloads to rows.

Per-repository rows carry dimension = the repository's full name; the all-repositories
total carries dimension ''. ``github.language_bytes`` is the exception: its dimension is
"owner/name:Language" per repository and "Language" for the total.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from fnmatch import fnmatchcase
from typing import Any
from zoneinfo import ZoneInfo

from etl.data_sources.base import Rows, Window
from etl.data_sources.http import BadPayload
from utils.date_utils import parse_iso_datetime

COMMIT_SUMS = ("github.commits", "github.additions", "github.deletions", "github.churn")
SNAPSHOT_SUMS = ("github.code_bytes", "github.repo_size_kb", "github.stars", "github.open_issues",
                 "github.open_pull_requests")
WEEKLY_SUMS = ("github.repo_weekly_additions", "github.repo_weekly_deletions")


def parse_repo_filter(text: str) -> tuple[list[str], list[str], list[str]]:
    """Split the "repos" setting into exact owner/name entries, fnmatch patterns and unusable entries."""
    names, patterns, invalid = [], [], []
    for entry in (e.strip() for e in re.split(r"[,\n]", text or "")):
        if not entry:
            continue
        if any(c in entry for c in "*?["):
            patterns.append(entry.lower())
        elif re.fullmatch(r"[\w.-]+/[\w.-]+", entry):
            names.append(entry)
        else:
            invalid.append(entry)
    return names, patterns, invalid


def matches_any(full_name: str, patterns: Iterable[str]) -> bool:
    """Whether a repository's full name matches one of the (lower-case) patterns."""
    return any(fnmatchcase(full_name.lower(), p) for p in patterns)


def utc_bounds(window: Window, tz_name: str) -> tuple[str, str]:
    """``since``/``until`` for the commits API: local midnight of the first day and of the day after the last."""
    zone = ZoneInfo(tz_name or "UTC")

    def midnight(day: date) -> str:
        local = datetime.combine(day, time.min, tzinfo=zone)
        return local.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    return midnight(window.start), midnight(window.end + timedelta(days=1))


parse_time = parse_iso_datetime


def local_day(moment: datetime, tz_name: str) -> date:
    """The commit's day in its own offset; a UTC stamp (GitHub always sends Z) is read in the user's zone."""
    if moment.utcoffset() == timedelta(0):
        return moment.astimezone(ZoneInfo(tz_name or "UTC")).date()
    return moment.date()


def pushed_since(repo: dict[str, Any], since: str) -> bool:
    """False when the repository's last push predates ``since`` (no commit in the window can exist)."""
    pushed, start = parse_time(repo.get("pushed_at")), parse_time(since)
    return pushed is None or start is None or pushed >= start


def by_author(items: list[dict[str, Any]], email: str) -> list[dict[str, Any]]:
    """Commits whose ``commit.author.email`` equals ``email`` (case-insensitive); all when email is ''."""
    wanted = (email or "").strip().lower()
    if not wanted:
        return items
    return [i for i in items if str(((i.get("commit") or {}).get("author") or {}).get("email") or "").lower() == wanted]


def commit_record(full_name: str, item: dict[str, Any], tz_name: str) -> dict[str, Any] | None:
    """The fields we keep of one commit list item; None when it has no sha or author date."""
    author = (item.get("commit") or {}).get("author") or {}
    moment = _author_time(item)
    if not item.get("sha") or moment is None:
        return None
    message = str((item.get("commit") or {}).get("message") or "")
    return {
        "sha": item["sha"],
        "repo": full_name,
        "day": local_day(moment, tz_name),
        "start": moment.astimezone(timezone.utc).replace(tzinfo=None),
        "message": message.splitlines()[0] if message else "",
        "email": author.get("email"),
        "html_url": item.get("html_url"),
        "merge": len(item.get("parents") or []) > 1,
    }


def detail_stats(full_name: str, detail: dict[str, Any]) -> tuple[int, int]:
    """(additions, deletions) from a commit detail answer."""
    stats = detail.get("stats") if isinstance(detail, dict) else None
    if not isinstance(stats, dict) or stats.get("additions") is None or stats.get("deletions") is None:
        raise BadPayload(f"GET /repos/{full_name}/commits/{{sha}}: no 'stats.additions'/'stats.deletions'")
    return int(stats["additions"]), int(stats["deletions"])


def commit_daily_rows(records: list[dict[str, Any]], stats: dict[str, tuple[int, int]], days: list[date]) -> Rows:
    """Commits, lines added/deleted, churn and active days per repository and in total, for complete days.

    Merge commits count as commits but add no lines (their diff repeats the merged commits).
    The total has a row for every day (0 when nothing was committed); repositories only on active days.
    """
    wanted = set(days)
    per_repo: dict[tuple[str, date], list[int]] = {}
    for record in records:
        if record["day"] in wanted:
            added, deleted = (0, 0) if record["merge"] else stats[record["sha"]]
            sums = per_repo.setdefault((record["repo"], record["day"]), [0, 0, 0])
            sums[0], sums[1], sums[2] = sums[0] + 1, sums[1] + added, sums[2] + deleted
    rows = Rows()
    for (repo, day), sums in sorted(per_repo.items()):
        rows.daily.extend(_commit_metric_rows(repo, day, sums))
    for day in sorted(wanted):
        day_sums = [sum(s[i] for (_, d), s in per_repo.items() if d == day) for i in range(3)]
        rows.daily.extend(_commit_metric_rows("", day, day_sums))
    return rows


def _commit_metric_rows(dimension: str, day: date, sums: list[int]) -> list[dict[str, Any]]:
    """The five commit metrics for one (dimension, day)."""
    commits, added, deleted = sums
    values = {"github.commits": commits, "github.additions": added, "github.deletions": deleted,
              "github.churn": added + deleted, "github.active_days": 1 if commits else 0}
    return [{"metric": m, "dimension": dimension, "day": day, "value": float(v)} for m, v in values.items()]


def commit_events(records: list[dict[str, Any]], stats: dict[str, tuple[int, int]]) -> list[dict[str, Any]]:
    """Commit events (sha = external id) for merges and for commits whose stats are known."""
    events: dict[str, dict[str, Any]] = {}
    for record in records:
        if not record["merge"] and record["sha"] not in stats:
            continue
        added, deleted = (None, None) if record["merge"] else stats[record["sha"]]
        events[record["sha"]] = {
            "kind": "commit", "external_id": record["sha"], "start": record["start"], "end": None,
            "day": record["day"],
            "data": {"repo": record["repo"], "message": record["message"], "additions": added,
                     "deletions": deleted, "html_url": record["html_url"], "author_email": record["email"],
                     "merge": record["merge"]},
        }
    return list(events.values())


def snapshot_rows(repo: dict[str, Any], languages: dict[str, Any], open_prs: int, span_days: int | None,
                  day: date) -> list[dict[str, Any]]:
    """Size, stars, open issues/PRs, code bytes per language and commit span of one repository on ``day``."""
    full = repo["full_name"]
    code = {lang: float(n) for lang, n in languages.items() if isinstance(n, (int, float))}
    values: dict[str, Any] = {
        "github.code_bytes": sum(code.values()),
        "github.repo_size_kb": repo.get("size"),
        "github.stars": repo.get("stargazers_count"),
        "github.open_pull_requests": open_prs,
        "github.open_issues": _open_issues(repo, open_prs),
        "github.commit_span_days": span_days,
    }
    rows = [{"metric": m, "dimension": full, "day": day, "value": float(v)} for m, v in values.items() if v is not None]
    rows += [{"metric": "github.language_bytes", "dimension": f"{full}:{lang}", "day": day, "value": n}
             for lang, n in code.items()]
    return rows


def _open_issues(repo: dict[str, Any], open_prs: int) -> int | None:
    """GitHub's ``open_issues_count`` includes pull requests; take them out."""
    count = repo.get("open_issues_count")
    return None if count is None else max(0, int(count) - open_prs)


def commit_span(newest: dict[str, Any] | None, oldest: dict[str, Any] | None, tz_name: str) -> dict[str, Any]:
    """First/last commit instants and local days of a repository (all None when it has no commits)."""
    first, last = _author_time(oldest), _author_time(newest)
    if first is None or last is None:
        return {"first": None, "last": None, "first_day": None, "last_day": None, "days": None}
    first_day, last_day = local_day(first, tz_name), local_day(last, tz_name)
    return {"first": first, "last": last, "first_day": first_day, "last_day": last_day,
            "days": (last_day - first_day).days}


def _author_time(item: dict[str, Any] | None) -> datetime | None:
    """``commit.author.date`` of a commit list item."""
    return parse_time((((item or {}).get("commit") or {}).get("author") or {}).get("date"))


def repository_event(repo: dict[str, Any], languages: dict[str, Any], open_prs: int, span: dict[str, Any],
                     day: date) -> dict[str, Any]:
    """A repository's life (first to last commit) with its primary language and current counts."""
    def naive(moment: datetime | None) -> datetime | None:
        return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment else None

    return {
        "kind": "repository", "external_id": f"repo:{repo.get('id') or repo['full_name']}",
        "start": naive(span["first"]), "end": naive(span["last"]), "day": span["first_day"] or day,
        "data": {
            "full_name": repo["full_name"], "html_url": repo.get("html_url"),
            "primary_language": repo.get("language"), "languages": dict(languages),
            "private": repo.get("private"), "fork": repo.get("fork"), "archived": repo.get("archived"),
            "size_kb": repo.get("size"), "stars": repo.get("stargazers_count"),
            "open_issues": _open_issues(repo, open_prs), "open_pull_requests": open_prs,
            "first_commit_at": span["first"].isoformat() if span["first"] else None,
            "last_commit_at": span["last"].isoformat() if span["last"] else None,
            "first_commit_day": span["first_day"].isoformat() if span["first_day"] else None,
            "last_commit_day": span["last_day"].isoformat() if span["last_day"] else None,
            "commit_span_days": span["days"],
        },
    }


def code_frequency_rows(full_name: str, weeks: list[Any], window: Window) -> list[dict[str, Any]]:
    """Weekly lines added/deleted by everyone (default branch), for weeks that overlap the window."""
    rows = []
    for week in weeks:
        if not isinstance(week, list) or len(week) != 3:
            raise BadPayload(f"GET /repos/{full_name}/stats/code_frequency: a week is not [epoch, added, deleted]")
        start = datetime.fromtimestamp(int(week[0]), timezone.utc).date()  # a Sunday, 00:00 UTC
        if start > window.end or start + timedelta(days=6) < window.start:
            continue
        rows.append({"metric": "github.repo_weekly_additions", "dimension": full_name, "day": start,
                     "value": float(week[1])})
        rows.append({"metric": "github.repo_weekly_deletions", "dimension": full_name, "day": start,
                     "value": float(abs(week[2]))})
    return rows


def totals(daily: list[dict[str, Any]], metrics: Iterable[str]) -> list[dict[str, Any]]:
    """All-repositories rows (dimension '') summing the per-repository rows of ``metrics``."""
    wanted, sums = set(metrics), {}
    for row in daily:
        if row["metric"] in wanted and row["dimension"]:
            key = (row["metric"], row["day"])
            sums[key] = sums.get(key, 0.0) + row["value"]
    return [{"metric": m, "dimension": "", "day": d, "value": v} for (m, d), v in sums.items()]


def language_totals(daily: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Bytes per language over all repositories (dimension = the language)."""
    sums: dict[tuple[str, date], float] = {}
    for row in daily:
        if row["metric"] == "github.language_bytes":
            key = (row["dimension"].split(":", 1)[1], row["day"])
            sums[key] = sums.get(key, 0.0) + row["value"]
    return [{"metric": "github.language_bytes", "dimension": lang, "day": d, "value": v}
            for (lang, d), v in sums.items()]


def span_total(spans: list[dict[str, Any]], day: date) -> list[dict[str, Any]]:
    """Days between the first and the last commit over all repositories."""
    known = [s for s in spans if s["first_day"] is not None]
    if not known:
        return []
    days = (max(s["last_day"] for s in known) - min(s["first_day"] for s in known)).days
    return [{"metric": "github.commit_span_days", "dimension": "", "day": day, "value": float(days)}]
