"""A simulated work day in Rize's terms (focus blocks, meetings, breaks) and the commits made in it."""
from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta

from etl.demo.person import (
    MESSAGES,
    REPOS,
    SIDE_REPOS,
    VACATION_WEEKS,
    Commit,
    Night,
    Session,
    at,
    clip,
    is_work_day,
    rng,
)


def work_sessions(day: date, n: Night) -> list[Session]:
    """Meetings at fixed times, lunch and short breaks, and focus blocks sized by last night's sleep."""
    r = rng(day, "work")
    meetings = {0: [(570, 15, "Standup"), (840, 60, "Sprint planning")], 1: [(570, 15, "Standup"), (900, 30, "1:1")],
                2: [(570, 15, "Standup"), (660, 45, "Design review"), (960, 30, "Team sync")],
                3: [(570, 15, "Standup"), (870, 30, "1:1")], 4: [(570, 15, "Standup"), (960, 45, "Demo")]}
    busy = [Session("meeting", title, at(day, m), d) for m, d, title in meetings[day.weekday()]]
    if r.random() < 0.3:
        busy.append(Session("meeting", "Customer call", at(day, 1020), 30))
    busy += [Session("break", "Lunch", at(day, 750), 45), Session("break", "Coffee", at(day, 645), 10),
             Session("break", "Walk", at(day, 945), 10)]
    target = 300 * clip(0.45 + 0.55 * (n.score - 35) / 62, 0.3, 1.0) + r.gauss(0, 20)
    first = max(540.0, (n.wake - datetime.combine(day, time())).total_seconds() / 60 + 110)
    return sorted(busy + _focus_blocks(day, busy, first, target, r), key=lambda s: s.start)


def _focus_blocks(day: date, busy: list[Session], first: float, target: float, r: random.Random) -> list[Session]:
    """Focus blocks in the gaps between busy sessions until ``target`` minutes are reached."""
    blocks, left, cursor = [], target, first
    edges = sorted(((s.start - datetime.combine(day, time())).total_seconds() / 60, s.minutes) for s in busy)
    for start, minutes in [*edges, (1080.0, 0)]:
        gap = start - cursor - 5
        if gap >= 25 and left >= 20:
            length = int(min(gap, left, r.uniform(50, 110)))
            blocks.append(Session("focus", r.choice(("Deep work", "Code review", "Writing docs", "Debugging")),
                                  at(day, cursor + 3), length))
            left -= length
        cursor = max(cursor, start + minutes)
    return blocks


def side_project(day: date) -> list[Session]:
    """An hour or so on a side project some Sundays (none on vacation)."""
    r = rng(day, "side")
    if day.weekday() != 6 or day.isocalendar().week in VACATION_WEEKS or r.random() > 0.4:
        return []
    return [Session("focus", "Side project", at(day, 630 + r.gauss(0, 20)), int(r.uniform(50, 100)))]


def commits(day: date, sessions: tuple[Session, ...]) -> list[Commit]:
    """Commits made during focus blocks (about one per 40 minutes), and a Friday merge."""
    r, found = rng(day, "commits"), []
    repos = list(REPOS) if is_work_day(day) else list(SIDE_REPOS)
    weights = [REPOS[name][0] for name in repos] if is_work_day(day) else [0.6, 0.4]
    for block in (s for s in sessions if s.kind == "focus"):
        for _ in range(_poisson(block.minutes / 40, r)):
            added = int(math.exp(r.gauss(3.3, 0.9)))
            moment = block.start + timedelta(minutes=r.uniform(5, block.minutes))
            found.append(Commit(r.choices(repos, weights)[0], moment, added, int(added * r.uniform(0.1, 0.7)),
                                r.choice(MESSAGES)))
    if day.weekday() == 4 and found:
        last = max(c.at for c in found)
        found.append(Commit(repos[0], last + timedelta(minutes=7), 0, 0,
                            f"Merge pull request #{day.toordinal() % 900 + 100} from demo-user/feature", merge=True))
    return sorted(found, key=lambda c: c.at)


def _poisson(mean: float, r: random.Random) -> int:
    """A Poisson-distributed count (Knuth's method; means here are small)."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= r.random()
        if p <= limit:
            return k
        k += 1
