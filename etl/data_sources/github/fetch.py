"""One GitHub fetch over a window, in three phases so a rate-limit stop keeps what is complete.

1. list the repositories and their default-branch commits in the window;
2. one detail call per non-merge commit for its lines added/deleted, oldest day first
   (merge commits count as commits but add no lines: their diff repeats the merged work);
3. per repository: languages, open pull requests, newest/oldest commit and the weekly
   code frequency statistic, recorded on the window's last day, then their totals.

Calls per run: 1-2 to list repositories, then per repository about 5 (commits, languages,
pulls, newest + oldest commit, code frequency) plus one per non-merge commit in the window.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from etl.data_sources.base import Rows, SyncContext
from etl.data_sources.github import transform
from etl.data_sources.github.client import GitHubClient, RepoUnavailable, StatsPending
from etl.data_sources.http import BadPayload, RateLimited

RATE_LIMIT_NOTE = "rate limit reached, resuming next run"


class WindowFetch:
    """Collects the rows of one window; ``gone`` holds repositories that answered 403/404."""

    def __init__(self, ctx: SyncContext):
        self.ctx, self.api, self.rows = ctx, GitHubClient(ctx), Rows()
        self.window = ctx.window
        self.author = str(ctx.settings.get("author_email") or "").strip()
        self.gone: set[str] = set()

    def run(self) -> Rows:
        """Fetch everything; on a rate limit return what is complete with ``complete_through``."""
        try:
            repos, records = self.list_commits(self.select_repos(str(self.ctx.settings.get("repos") or "")))
        except RateLimited:
            return self.stopped(self.window.start)
        stats, stop_day = self.commit_stats(records)
        records = [r for r in records if r["repo"] not in self.gone]
        done_days = [d for d in self.window.days() if stop_day is None or d < stop_day]
        self.rows.extend(transform.commit_daily_rows(records, stats, done_days))
        self.rows.events.extend(transform.commit_events(records, stats))
        if stop_day is not None:
            return self.stopped(stop_day)
        try:
            self.snapshots([r for r in repos if r["full_name"] not in self.gone])
        except RateLimited:
            return self.stopped(self.window.end)
        return self.rows

    def select_repos(self, setting: str) -> list[dict[str, Any]]:
        """The repositories the ``repos`` setting names ('' = owned, non-fork), sorted by full name."""
        names, patterns, invalid = transform.parse_repo_filter(setting)
        self.rows.notes.extend(f"ignored repository entry {e!r}: expected owner/name or a pattern" for e in invalid)
        if not names and not patterns:
            owned = [] if invalid else self.api.user_repos("owner")
            return sorted((r for r in owned if not r.get("fork")), key=_name)
        listing = self.api.user_repos("owner,collaborator,organization_member") if patterns else []
        visible = {_name(r): r for r in listing}
        found = {key: repo for key, repo in visible.items() if transform.matches_any(key, patterns)}
        self.rows.notes.extend(f"pattern {p!r} matched no repository" for p in patterns
                               if not any(transform.matches_any(key, [p]) for key in found))
        for name in names:
            if name.lower() in visible:
                found[name.lower()] = visible[name.lower()]
            elif name.lower() not in found:
                try:
                    found[name.lower()] = self.api.repo(name)
                except RepoUnavailable as exc:
                    self.skip(exc)
        return sorted(found.values(), key=_name)

    def list_commits(self, repos: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The repositories still reachable, and their commits (by the author) on the window's days."""
        since, until = transform.utc_bounds(self.window, self.ctx.timezone)
        days, kept, records = set(self.window.days()), [], []
        for repo in repos:
            full = repo["full_name"]
            try:
                items = self.api.commits(full, since, until) if transform.pushed_since(repo, since) else []
            except RepoUnavailable as exc:
                self.skip(exc)
                continue
            kept.append(repo)
            for item in transform.by_author(items, self.author):
                record = transform.commit_record(full, item, self.ctx.timezone)
                if record is None:
                    self.rows.skipped += 1
                elif record["day"] in days:
                    records.append(record)
        return kept, records

    def commit_stats(self, records: list[dict[str, Any]]) -> tuple[dict[str, tuple[int, int]], date | None]:
        """Lines added/deleted per sha, oldest day first; the day a rate limit stopped us, if one did."""
        stats: dict[str, tuple[int, int]] = {}
        for record in sorted(records, key=lambda r: (r["day"], r["repo"], r["start"], r["sha"])):
            repo, sha = record["repo"], record["sha"]
            if record["merge"] or sha in stats or repo in self.gone:
                continue
            try:
                stats[sha] = transform.detail_stats(repo, self.api.commit_detail(repo, sha))
            except RateLimited:
                return stats, record["day"]
            except RepoUnavailable as exc:
                self.skip(exc)
        return stats, None

    def snapshots(self, repos: list[dict[str, Any]]) -> None:
        """Per-repository "last" metrics and a repository event on the window's last day, then totals."""
        day, spans, weekly_complete = self.window.end, [], True
        for repo in repos:
            full = repo["full_name"]
            try:
                languages, open_prs = self.api.languages(full), self.api.open_pull_requests(full)
                ends = self.api.newest_and_oldest_commit(full, self.author) or (None, None)
                weekly = self.weekly_lines(full)
            except RepoUnavailable as exc:
                self.skip(exc)
                continue
            span = transform.commit_span(*ends, self.ctx.timezone)
            spans.append(span)
            self.rows.daily.extend(transform.snapshot_rows(repo, languages, open_prs, span["days"], day))
            self.rows.events.append(transform.repository_event(repo, languages, open_prs, span, day))
            weekly_complete = weekly_complete and weekly is not None
            self.rows.daily.extend(weekly or [])
        daily = self.rows.daily
        totals = transform.totals(daily, transform.SNAPSHOT_SUMS) + transform.language_totals(daily)
        totals += transform.span_total(spans, day)
        if weekly_complete:  # a total over only some repositories would understate the week
            totals += transform.totals(daily, transform.WEEKLY_SUMS)
        daily.extend(totals)

    def weekly_lines(self, full: str) -> list[dict[str, Any]] | None:
        """Weekly code frequency rows, or None (with a note) when GitHub cannot give them now."""
        try:
            weeks = self.api.code_frequency(full)
        except StatsPending:
            self.rows.notes.append(f"{full}: GitHub is still computing its code frequency statistics "
                                   "(202 Accepted); weekly lines skipped, retrying next run")
            return None
        except BadPayload as exc:
            if exc.status != 422:
                raise
            self.rows.notes.append(f"{full}: GitHub gives no code frequency statistics for 10,000+ commits")
            return None
        return transform.code_frequency_rows(full, weeks, self.window)

    def skip(self, exc: RepoUnavailable) -> None:
        """Note a repository that answered 403/404 and leave it out from now on."""
        why = "access denied: the token cannot read it" if exc.status == 403 else "deleted, renamed or made private"
        self.gone.add(exc.full_name)
        self.rows.notes.append(f"{exc.full_name}: skipped, GitHub answered {exc.status} ({why})")

    def stopped(self, first_unfinished: date) -> Rows:
        """Mark a rate-limit stop: complete through the day before ``first_unfinished``."""
        self.rows.complete_through = first_unfinished - timedelta(days=1)
        self.rows.notes.append(RATE_LIMIT_NOTE)
        return self.rows


def _name(repo: dict[str, Any]) -> str:
    """Sort key: the repository's full name, case-insensitive."""
    return str(repo["full_name"]).lower()
