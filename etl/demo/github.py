"""GitHub REST answers (commits, commit details, repositories, languages, code frequency) for the
simulated days, through the real GitHub transform. Repository snapshots are taken every Sunday and
on the last day, as nightly syncs would have recorded them."""
from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta, timezone

from etl.data_sources.base import Rows, Window
from etl.data_sources.github import transform
from etl.demo.clock import utc_z
from etl.demo.person import REPOS, Commit, Day

AUTHOR = {"name": "Demo User", "email": "demo@example.com"}
FIRST_COMMIT = {"demo-user/health-dashboard": date(2025, 2, 10), "demo-user/sleep-api": date(2025, 6, 1),
                "demo-user/website": date(2023, 9, 15), "demo-user/dotfiles": date(2021, 1, 4)}
GROWTH_PER_DAY = 0.0006  # code grows a little every day


def sha(commit: Commit) -> str:
    """A stable 40-hex commit id."""
    return hashlib.sha1(f"{commit.repo}:{commit.at.isoformat()}:{commit.message}".encode()).hexdigest()  # noqa: S324


def commit_item(commit: Commit, tz: str) -> dict:
    """One item of ``GET /repos/{repo}/commits``."""
    parents = [{"sha": "0" * 40}, {"sha": "1" * 40}] if commit.merge else [{"sha": "0" * 40}]
    return {"sha": sha(commit), "html_url": f"https://github.com/{commit.repo}/commit/{sha(commit)}",
            "commit": {"author": {**AUTHOR, "date": utc_z(commit.at, tz)}, "message": commit.message},
            "parents": parents}


def repository(full_name: str, day: date, open_prs: int) -> dict:
    """``GET /repos/{repo}`` as of ``day``."""
    index = list(REPOS).index(full_name)
    languages = languages_on(full_name, day)
    return {"id": 700_000 + index, "full_name": full_name, "html_url": f"https://github.com/{full_name}",
            "language": max(languages, key=languages.get), "private": index < 2, "fork": False, "archived": False,
            "size": int(sum(languages.values()) * 1.8 / 1024), "open_issues_count": 2 + index + open_prs,
            "stargazers_count": 3 + index * 11 + (day - FIRST_COMMIT[full_name]).days // 40,
            "pushed_at": f"{day.isoformat()}T18:00:00Z"}


def languages_on(full_name: str, day: date) -> dict[str, int]:
    """``GET /repos/{repo}/languages`` as of ``day``: bytes per language, slowly growing."""
    age = (day - FIRST_COMMIT[full_name]).days
    return {lang: int(size * (1 + GROWTH_PER_DAY * age)) for lang, size in REPOS[full_name][1].items()}


def rows(days: list[Day], tz: str) -> Rows:
    """Commit rows and events for every day, snapshots on Sundays and the last day, weekly code frequency."""
    window = Window(days[0].day, days[-1].day)
    records, stats = [], {}
    for commit in (c for d in days for c in d.commits):
        record = transform.commit_record(commit.repo, commit_item(commit, tz), tz)
        records.append(record)
        if not commit.merge:
            stats[record["sha"]] = transform.detail_stats(commit.repo, {"stats": {
                "additions": commit.additions, "deletions": commit.deletions,
                "total": commit.additions + commit.deletions}})
    found = transform.commit_daily_rows(records, stats, window.days())
    found.events.extend(transform.commit_events(records, stats))
    commits = [c for d in days for c in d.commits]
    for day in window.days():
        if day.weekday() == 6 or day == window.end:
            found.extend(snapshot(day, commits, tz))
    found.daily.extend(weekly_rows(commits, window, tz))
    return found


def snapshot(day: date, commits: list[Commit], tz: str) -> Rows:
    """Every repository's size, stars, issues, languages and commit span on ``day``, plus their totals."""
    found, spans = Rows(), []
    for index, full_name in enumerate(REPOS):
        mine = [c for c in commits if c.repo == full_name and c.at.date() <= day]
        newest = commit_item(mine[-1], tz) if mine else None
        oldest = {"commit": {"author": {"date": f"{FIRST_COMMIT[full_name].isoformat()}T10:00:00Z"}}}
        span = transform.commit_span(newest or oldest, oldest, tz)
        spans.append(span)
        open_prs = (day.toordinal() + index) % 4
        repo, languages = repository(full_name, day, open_prs), languages_on(full_name, day)
        found.daily.extend(transform.snapshot_rows(repo, languages, open_prs, span["days"], day))
        found.events.append(transform.repository_event(repo, languages, open_prs, span, day))
    found.daily.extend(transform.totals(found.daily, transform.SNAPSHOT_SUMS) + transform.language_totals(found.daily)
                       + transform.span_total(spans, day))
    return found


def weekly_rows(commits: list[Commit], window: Window, tz: str) -> list[dict]:
    """``/stats/code_frequency`` per repository (everyone's lines: the demo user's and colleagues')."""
    found = []
    for full_name in REPOS:
        weeks: dict[date, list[int]] = {}
        for c in (c for c in commits if c.repo == full_name):
            sunday = c.at.date() - timedelta(days=(c.at.weekday() + 1) % 7)
            totals = weeks.setdefault(sunday, [0, 0])
            totals[0] += int(c.additions * 1.6)
            totals[1] += int(c.deletions * 1.6)
        payload = [[int(datetime.combine(sunday, time(), timezone.utc).timestamp()), added, -deleted]
                   for sunday, (added, deleted) in sorted(weeks.items())]
        found += transform.code_frequency_rows(full_name, payload, window)
    return found + transform.totals(found, transform.WEEKLY_SUMS)
