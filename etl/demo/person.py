"""The simulated person's building blocks: who they are, their seeded randomness, and the records of a day."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

TIMEZONE = "Europe/Berlin"
VACATION_WEEKS = frozenset({8, 21, 33, 51})  # ISO weeks off work
REPOS = {  # full name -> (share of work commits, languages and their starting bytes)
    "demo-user/health-dashboard": (0.55, {"Python": 410_000, "HTML": 48_000, "JavaScript": 21_000, "CSS": 9_000}),
    "demo-user/sleep-api": (0.35, {"Go": 265_000, "Dockerfile": 1_400, "Makefile": 2_100}),
    "demo-user/website": (0.10, {"TypeScript": 120_000, "CSS": 31_000, "HTML": 12_000}),
    "demo-user/dotfiles": (0.0, {"Shell": 22_000, "Lua": 14_000, "Vim Script": 6_000}),
}
SIDE_REPOS = ("demo-user/website", "demo-user/dotfiles")
MESSAGES = ("Fix off-by-one in the window", "Add tests for the parser", "Refactor the sync loop",
            "Handle empty pages", "Update dependencies", "Tidy logging", "Speed up the query",
            "Document the settings", "Rename the confusing variable", "Guard against null scores")
SPORTS = {  # sport -> (avg HR, max HR, strain, kcal per minute, km per minute)
    "running": (152, 176, 12.0, 10.5, 0.19),
    "cycling": (138, 166, 13.5, 9.0, 0.42),
    "weightlifting": (118, 150, 8.5, 6.0, 0.0),
    "yoga": (96, 118, 4.5, 3.2, 0.0),
    "hiking/rucking": (112, 141, 10.5, 6.5, 0.07),
}


@dataclass(frozen=True)
class Workout:
    """One training session, in local wall-clock time."""

    sport: str
    start: datetime
    minutes: int
    avg_hr: int
    max_hr: int
    strain: float
    kcal: float
    distance_km: float | None

    @property
    def end(self) -> datetime:
        """When it ended."""
        return self.start + timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class Session:
    """A block of computer time Rize tracks: focus, meeting or break."""

    kind: str
    title: str
    start: datetime
    minutes: int

    @property
    def end(self) -> datetime:
        """When it ended."""
        return self.start + timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class Commit:
    """A commit on a default branch."""

    repo: str
    at: datetime
    additions: int
    deletions: int
    message: str
    merge: bool = False


@dataclass(frozen=True)
class Night:
    """The sleep that ends on the morning of its day (local wall-clock times)."""

    bedtime: datetime
    wake: datetime
    latency: int
    awake: int
    deep: int
    rem: int
    light: int
    score: int
    hrv: float
    hrv_baseline: float
    rhr: int
    respiratory_rate: float
    temperature_deviation: float
    spo2: float
    ring_worn: bool
    went_out: bool

    @property
    def asleep(self) -> int:
        """Minutes asleep."""
        return self.deep + self.rem + self.light

    @property
    def in_bed(self) -> int:
        """Minutes from bedtime to wake-up."""
        return int((self.wake - self.bedtime).total_seconds() // 60)


@dataclass(frozen=True)
class Day:
    """Everything that happened on one local day."""

    day: date
    work_day: bool
    night: Night
    readiness: int
    recovery: int
    steps: int
    floors: int
    very_active: int
    fairly_active: int
    lightly_active: int
    workouts: tuple[Workout, ...]
    strain: float
    nap: tuple[datetime, int] | None
    sessions: tuple[Session, ...]
    commits: tuple[Commit, ...]
    weight: float | None
    expenses: tuple[tuple[str, float, str], ...]

    @property
    def distance_km(self) -> float:
        """Distance walked and run."""
        return round(self.steps * 0.00074 + sum(w.distance_km or 0 for w in self.workouts
                                                 if w.sport == "cycling"), 3)

    @property
    def active_kcal(self) -> int:
        """Calories burned above resting."""
        return round(self.steps * 0.035 + sum(w.kcal for w in self.workouts))


def rng(day: date, salt: str) -> random.Random:
    """A random generator that always gives the same numbers for the same day and purpose."""
    return random.Random(f"demo:{salt}:{day.isoformat()}")


def at(day: date, minutes: float) -> datetime:
    """Local wall-clock time ``minutes`` after midnight starting ``day``."""
    return datetime.combine(day, time()) + timedelta(minutes=round(minutes))


def clip(value: float, low: float, high: float) -> float:
    """``value`` kept within ``[low, high]``."""
    return max(low, min(high, value))


def is_work_day(day: date) -> bool:
    """Monday to Friday, outside vacation weeks."""
    return day.weekday() < 5 and day.isocalendar().week not in VACATION_WEEKS


def goes_out(day: date) -> bool:
    """A late evening out (most Fridays and Saturdays)."""
    return day.weekday() in (4, 5) and rng(day, "out").random() < 0.75
