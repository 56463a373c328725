"""The date range a dashboard shows, read from (and written back to) the query string."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

PRESETS = {"7d": 7, "30d": 30, "90d": 90, "1y": 365}
PRESET_LABELS = {"7d": "7 days", "30d": "30 days", "90d": "90 days", "1y": "1 year", "custom": "Custom"}
GROUPINGS = ("day", "week", "month")
DEFAULT_PRESET = "30d"
MAX_DAYS = 5 * 366  # a custom range longer than this is refused (and would be slow to draw)


class RangeError(ValueError):
    """A query-string value that cannot be used; the message is shown to the user as is."""


@dataclass(frozen=True)
class View:
    """What one user asked to see: whose data, which days, grouped how, plus chart parameters."""

    user_id: int
    timezone: str
    start: date
    end: date
    preset: str = "custom"
    grouping: str = "day"
    group_choice: str = "auto"  # "auto" or the grouping the user picked
    args: Mapping[str, str] = field(default_factory=dict)

    @property
    def days(self) -> int:
        """Number of days in the range (inclusive)."""
        return (self.end - self.start).days + 1

    def query(self) -> dict[str, str]:
        """Query-string arguments that reproduce this range (for links and bookmarks)."""
        args = {"range": self.preset}
        if self.preset == "custom":
            args.update(start=self.start.isoformat(), end=self.end.isoformat())
        if self.group_choice != "auto":
            args["group"] = self.group_choice
        return args

    def param(self, name: str, default: str = "") -> str:
        """A chart-specific query parameter (trimmed), or ``default``."""
        return str(self.args.get(name, default) or default).strip()

    def with_days(self, start: date, end: date) -> View:
        """The same view over other days (e.g. the days before, for a baseline)."""
        return replace(self, start=start, end=end, preset="custom")


def auto_grouping(days: int) -> str:
    """Daily up to a quarter, weekly up to about a year, monthly beyond."""
    if days <= 92:
        return "day"
    return "week" if days <= 400 else "month"


def parse_view(args: Mapping[str, str], *, user_id: int, timezone: str, today: date,
               default_preset: str = DEFAULT_PRESET) -> View:
    """Read ``range`` (7d/30d/90d/1y/custom), ``start``/``end`` and ``group``; RangeError on bad values."""
    preset = (args.get("range") or default_preset).strip().lower()
    if preset in PRESETS:
        start, end = today - timedelta(days=PRESETS[preset] - 1), today
    elif preset == "custom":
        start, end = _custom_days(args, today)
    else:
        raise RangeError(f"Unknown range “{preset[:20]}”: choose 7d, 30d, 90d, 1y or custom.")
    choice = (args.get("group") or "auto").strip().lower()
    if choice != "auto" and choice not in GROUPINGS:
        raise RangeError(f"Unknown grouping “{choice[:20]}”: choose day, week or month.")
    grouping = auto_grouping((end - start).days + 1) if choice == "auto" else choice
    return View(user_id=user_id, timezone=timezone, start=start, end=end, preset=preset, grouping=grouping,
                group_choice=choice, args=dict(args))


def _custom_days(args: Mapping[str, str], today: date) -> tuple[date, date]:
    """The two dates of a custom range, checked."""
    start, end = _day(args.get("start"), "start"), _day(args.get("end"), "end")
    if start > end:
        raise RangeError("The start date must not be after the end date.")
    if end > today:
        raise RangeError(f"The end date cannot be in the future (today is {today.isoformat()}).")
    if (end - start).days + 1 > MAX_DAYS:
        raise RangeError(f"A custom range can span at most {MAX_DAYS} days; pick a shorter one.")
    return start, end


def _day(value: str | None, name: str) -> date:
    """A YYYY-MM-DD date from the query string."""
    if not value:
        raise RangeError(f"A custom range needs a {name} date (YYYY-MM-DD).")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise RangeError(f"The {name} date “{value[:20]}” is not a date in YYYY-MM-DD form.") from None
