"""Run the stand-in by hand: `python -m tests.standin --port 8765 [--users ada,bob] [--lifetime 3600]`.

Prints the settings that point the dashboard at it and, per user, credentials JSON to pipe into
`flask --app app integrations import --user EMAIL --source oura|whoop|rize|github|sheets` (the
Sheets line carries the settings that import the user's "Daily" worksheet). The tokens and keys
are the stand-in's own and are worthless anywhere else. The OAuth connect flow works too: the consent
page is skipped and the code belongs to the user named by `?login=` (default 'standin-user').
"""
from __future__ import annotations

import argparse
import json
import sys

from tests.standin import sheets
from tests.standin.server import StandIn

SOURCES = ("oura", "whoop", "rize", "github", "sheets")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m tests.standin", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--users", default="ada", help="comma-separated user names to issue tokens for")
    parser.add_argument("--lifetime", type=float, default=3600.0, help="seconds until it stops by itself")
    parser.add_argument("--heart-rate-minutes", type=int, default=5, help="Oura heart-rate sample interval")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Start, print the settings and credentials, serve until the lifetime ends or Ctrl-C."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    standin = StandIn(port=args.port, lifetime=args.lifetime, heart_rate_minutes=args.heart_rate_minutes)
    standin.start()
    print(f"# Oura, WHOOP, Rize, GitHub and Google Sheets stand-in on {standin.url} "
          f"(stops after {args.lifetime:.0f}s; Ctrl-C stops it)")
    print("# settings for the dashboard (.env or environment):")
    for name, value in standin.environment().items():
        print(f"{name}={value}")
    print("# credentials, one JSON per line: echo 'JSON' | flask --app app integrations import --user E --source S")
    for user in filter(None, (u.strip() for u in args.users.split(","))):
        for source in SOURCES:
            credentials = standin.credentials(source, user)
            if source == "sheets":
                credentials["settings"] = sheets.settings_for(user, sheets.DAILY)
            print(f"{source}\t{user}\t{json.dumps(credentials)}")
    sys.stdout.flush()
    try:
        standin.wait()
    except KeyboardInterrupt:
        standin.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
