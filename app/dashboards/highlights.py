"""What each source contributes to the overview: headline metrics, daily goals, personal bests.

A source's ``app/blueprints/<source>/charts.py`` declares ``HIGHLIGHTS``; the overview reads
them through the registry and never names a source itself.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import fmean

from app.dashboards import store
from etl.data_sources.registry import all_sources

CARD_KINDS = (("sleep", "Sleep"), ("readiness", "Readiness / recovery"), ("steps", "Steps"),
              ("focus", "Focus time"), ("commits", "Commits"))
BASELINE_DAYS = 30
MIN_BASELINE_DAYS = 7
EARLIEST = date(1970, 1, 1)  # "all time" for streaks and bests


@dataclass(frozen=True)
class Headline:
    """A metric that can fill one of the overview's cards (``kind`` is one of CARD_KINDS)."""

    kind: str
    metric: str
    label: str
    unit: str = ""
    higher_is_better: bool = True


@dataclass(frozen=True)
class Goal:
    """A daily target whose streak the overview counts."""

    metric: str
    label: str
    threshold: float
    unit: str = ""


@dataclass(frozen=True)
class Best:
    """A personal best: the highest (or lowest) daily value ever."""

    metric: str
    label: str
    unit: str = ""
    lowest: bool = False


@dataclass(frozen=True)
class Highlights:
    """Everything one source offers the overview."""

    headlines: tuple[Headline, ...] = ()
    goals: tuple[Goal, ...] = ()
    bests: tuple[Best, ...] = ()


@dataclass
class Card:
    """One overview card: the latest value and how it compares with the 30 days before."""

    kind: str
    title: str
    headline: Headline | None = None
    source_label: str = ""
    day: date | None = None
    value: float | None = None
    baseline: float | None = None
    baseline_days: int = 0

    @property
    def change(self) -> float | None:
        """Latest value minus the baseline (None without a usable baseline)."""
        if self.value is None or self.baseline is None:
            return None
        return self.value - self.baseline

    @property
    def verdict(self) -> str:
        """'better', 'worse' or 'same' for the colour of the change."""
        change = self.change
        if change is None or abs(change) < 0.02 * max(abs(self.baseline or 0), 1):
            return "same"
        up = change > 0
        return "better" if up == (self.headline.higher_is_better if self.headline else True) else "worse"


@dataclass
class Streak:
    """Current and longest run of days meeting a goal."""

    goal: Goal
    source_label: str
    current: int = 0
    longest: int = 0
    longest_end: date | None = None
    days: list[date] = field(default_factory=list)


def source_highlights() -> list[tuple[str, Highlights]]:
    """``(source label, Highlights)`` for every registered source that declares some."""
    found = []
    for source in all_sources():
        module = importlib.import_module(f"app.blueprints.{source.manifest.blueprint}.charts")
        highlights = getattr(module, "HIGHLIGHTS", None)
        if highlights is not None:
            found.append((source.manifest.label, highlights))
    return found


def headlines_by_kind() -> dict[str, list[tuple[str, Headline]]]:
    """``{kind: [(source label, headline), ...]}`` in registry order."""
    found: dict[str, list[tuple[str, Headline]]] = {}
    for label, highlights in source_highlights():
        for headline in highlights.headlines:
            found.setdefault(headline.kind, []).append((label, headline))
    return found


def cards(user_id: int, today: date) -> list[Card]:
    """The overview cards: per kind, the source with the most recent value (registry order breaks ties)."""
    out = []
    candidates = headlines_by_kind()
    for kind, title in CARD_KINDS:
        card = Card(kind, title)
        best_day = None
        for label, headline in candidates.get(kind, []):
            day = store.latest_day(user_id, headline.metric, today)
            if day is not None and (best_day is None or day > best_day):
                best_day, card.headline, card.source_label = day, headline, label
        if card.headline is not None:
            _fill(card, user_id, best_day)
        out.append(card)
    return out


def _fill(card: Card, user_id: int, day: date) -> None:
    """The value on ``day`` and the mean of the 30 days before it."""
    metric = card.headline.metric
    points = store.daily(user_id, metric, day - timedelta(days=BASELINE_DAYS), day)
    before = [v for d, v in points if d < day]
    card.day = day
    card.value = next((v for d, v in points if d == day), None)
    card.baseline_days = len(before)
    card.baseline = fmean(before) if len(before) >= MIN_BASELINE_DAYS else None


def streaks(user_id: int, today: date) -> list[Streak]:
    """Every declared goal with data: current streak (ending today or yesterday) and longest ever."""
    out = []
    for label, highlights in source_highlights():
        for goal in highlights.goals:
            points = store.daily(user_id, goal.metric, EARLIEST, today)
            if points:
                out.append(_streak(goal, label, points, today))
    return out


def _streak(goal: Goal, label: str, points: list[tuple[date, float]], today: date) -> Streak:
    """Runs of consecutive calendar days whose value meets the goal."""
    streak, run, previous = Streak(goal, label), 0, None
    for day, value in points:
        met = value >= goal.threshold
        run = run + 1 if met and previous is not None and (day - previous).days == 1 and run else int(met)
        previous = day
        if run > streak.longest:
            streak.longest, streak.longest_end = run, day
    if previous is not None and (today - previous).days <= 1:
        streak.current = run
    return streak


def bests(user_id: int, today: date) -> list[tuple[Best, str, date, float]]:
    """``(best, source label, day, value)`` for every declared personal best with data."""
    out = []
    for label, highlights in source_highlights():
        for best in highlights.bests:
            points = store.daily(user_id, best.metric, EARLIEST, today)
            if points:
                day, value = (min if best.lowest else max)(points, key=lambda p: (p[1], p[0].toordinal()))
                out.append((best, label, day, value))
    return out
