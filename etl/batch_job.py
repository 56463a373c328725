"""The nightly entry point: `python -m etl.batch_job [--user EMAIL] [--source NAME] [--since YYYY-MM-DD]
[--until YYYY-MM-DD] [--workers N] [--dry-run] [--doctor]`.

Walks every connected integration of every active user (or the filtered ones), syncs each
(one failing never stops the others), prints one line per integration and a summary.
Exit code: 0 all succeeded, 1 any failed, 2 bad arguments.
"""
from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from flask import Flask

from app.extensions import db
from database.models import CONNECTED, ERROR, User, UserIntegration
from etl.budget import RateBudget
from etl.data_sources.registry import SOURCES
from etl.sync import FAILED, SyncOutcome, sync_integration
from utils.date_utils import parse_day

SYNCABLE = (CONNECTED, ERROR)  # needs_reauth waits for the user to reconnect


class UsageError(Exception):
    """Bad command-line arguments (exit code 2)."""


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse and validate the command line."""
    parser = argparse.ArgumentParser(prog="python -m etl.batch_job", description=__doc__.split("\n\n")[1])
    parser.add_argument("--user", help="only this user's integrations (e-mail)")
    parser.add_argument("--source", choices=sorted(SOURCES), help="only this source")
    parser.add_argument("--since", help="first day to sync (YYYY-MM-DD), instead of the cursor")
    parser.add_argument("--until", help="last day to sync (YYYY-MM-DD), instead of today")
    parser.add_argument("--workers", type=int, default=1, help="integrations synced at once (default 1)")
    parser.add_argument("--dry-run", action="store_true", help="fetch and transform, write nothing")
    parser.add_argument("--doctor", action="store_true", help="show each integration's health, call no provider")
    args = parser.parse_args(argv)
    try:
        args.since = parse_day(args.since, "--since") if args.since else None
        args.until = parse_day(args.until, "--until") if args.until else None
    except ValueError as exc:
        parser.error(str(exc))
    if args.since and args.until and args.since > args.until:
        parser.error("--since must not be after --until")
    if not 1 <= args.workers <= 32:
        parser.error("--workers must be between 1 and 32")
    return args


def select_integrations(email: str | None, source: str | None) -> list[int]:
    """Ids of the connected integrations of active users, filtered (demo integrations have nothing to fetch)."""
    query = (db.select(UserIntegration.id, UserIntegration.settings).join(User)
             .where(User.active.is_(True), UserIntegration.status.in_(SYNCABLE),
                    UserIntegration.credentials.is_not(None))
             .order_by(UserIntegration.user_id, UserIntegration.source))
    if email:
        user = db.session.execute(db.select(User).filter_by(email=email.strip().lower())).scalar_one_or_none()
        if user is None:
            raise UsageError(f"--user: no user with email {email}")
        query = query.where(User.id == user.id)
    if source:
        query = query.where(UserIntegration.source == source)
    return [row.id for row in db.session.execute(query) if not (row.settings or {}).get("demo")]


def format_line(outcome: SyncOutcome) -> str:
    """One summary line per integration (never a token: messages are redacted)."""
    window = f"{outcome.window.start}..{outcome.window.end}" if outcome.window else "-"
    line = (f"{outcome.email}\t{outcome.source}\t{window}\trows={outcome.rows}\t{outcome.status}"
            f"\t{outcome.seconds:.1f}s")
    return f"{line}\t{outcome.message}" if outcome.message else line


def run_batch(app: Flask, args: argparse.Namespace, out=None, budget: RateBudget | None = None) -> int:
    """Sync the selected integrations; return the exit code."""
    out = out or sys.stdout
    started = time.monotonic()
    with app.app_context():
        ids = select_integrations(args.user, args.source)
    budget = budget or RateBudget()

    def one(integration_id: int) -> SyncOutcome:
        with app.app_context():
            outcome = sync_integration(integration_id, since=args.since, until=args.until,
                                       dry_run=args.dry_run, budget=budget)
            db.session.remove()
        print(format_line(outcome), file=out, flush=True)
        return outcome

    if args.workers == 1:
        outcomes = [one(i) for i in ids]
    else:
        with ThreadPoolExecutor(max_workers=args.workers, thread_name_prefix="sync") as pool:
            outcomes = list(pool.map(one, ids))
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing to sync"
    rows = sum(o.rows for o in outcomes)
    print(f"summary: {len(outcomes)} integration(s): {summary}; {rows} rows; "
          f"{time.monotonic() - started:.1f}s", file=out, flush=True)
    return 1 if any(o.status == FAILED for o in outcomes) else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; builds the app with create_app() and runs inside its context."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from app import create_app

    app = create_app()
    if args.doctor:
        from etl.doctor import print_report

        with app.app_context():
            return print_report(email=args.user, source=args.source)
    try:
        return run_batch(app, args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
