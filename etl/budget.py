"""Rate budgets from the manifests, shared by every worker of one batch run.

An 'app' budget (WHOOP: 100 requests/minute, 10,000/day for the whole installation) is
shared by all users of a source; a 'user' budget belongs to one integration. A short window
that is full is waited out (up to ``max_wait`` seconds); a budget that cannot be met in time
raises :class:`BudgetExhausted`, and the sync defers that integration to the next run.
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

from etl.data_sources.base import RateLimit
from etl.data_sources.http import BudgetExhausted


def parse_limits(text: str, scope: str = "app") -> tuple[RateLimit, ...]:
    """'100/60,10000/86400' -> two RateLimits (requests per seconds); raises ValueError naming the text."""
    limits = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        try:
            requests, seconds = (int(n) for n in part.split("/"))
        except ValueError:
            raise ValueError(f"rate limit {part!r} is not REQUESTS/SECONDS, e.g. 100/60") from None
        if requests < 1 or seconds < 1:
            raise ValueError(f"rate limit {part!r} must be positive")
        limits.append(RateLimit(requests, seconds, scope))  # type: ignore[arg-type]
    return tuple(limits)


class RateBudget:
    """Sliding-window request counters, thread-safe."""

    def __init__(self, max_wait: float = 65.0, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.max_wait = max_wait
        self.clock = clock
        self.sleep = sleep
        self._lock = threading.Lock()
        self._calls: dict[tuple, deque[float]] = defaultdict(deque)
        self._exhausted: set[tuple] = set()

    def for_integration(self, source: str, label: str, limits: tuple[RateLimit, ...],
                        integration_id: int) -> Callable[[], None] | None:
        """The callable the HTTP client runs before each request (None when there are no limits)."""
        if not limits:
            return None
        keys = [(self._key(source, limit, integration_id), limit) for limit in limits]
        return lambda: self.acquire(label, keys)

    @staticmethod
    def _key(source: str, limit: RateLimit, integration_id: int) -> tuple:
        owner = "app" if limit.scope == "app" else integration_id
        return (source, owner, limit.requests, limit.seconds)

    def acquire(self, label: str, keys: list[tuple[tuple, RateLimit]]) -> None:
        """Take one request from every budget, waiting briefly for a short window to free up."""
        deadline = self.clock() + self.max_wait
        while True:
            with self._lock:
                wait = self._try_take(label, keys)
            if wait == 0:
                return
            if self.clock() + wait > deadline:
                with self._lock:
                    self._exhausted.update(key for key, _ in keys)
                raise BudgetExhausted(f"{label}'s request budget for this run is used up; the rest resumes next run")
            self.sleep(wait)

    def _try_take(self, label: str, keys: list[tuple[tuple, RateLimit]]) -> float:
        """0 when a request was recorded in every window, else seconds until one frees up."""
        now = self.clock()
        longest = 0.0
        for key, limit in keys:
            calls = self._calls[key]
            while calls and calls[0] <= now - limit.seconds:
                calls.popleft()
            if len(calls) >= limit.requests:
                longest = max(longest, calls[0] + limit.seconds - now)
        if longest > 0:
            return longest
        for key, _ in keys:
            self._calls[key].append(now)
        return 0.0

    def used(self, source: str) -> int:
        """Requests recorded for a source's app-wide budgets (for the summary line)."""
        with self._lock:
            return max((len(c) for k, c in self._calls.items() if k[0] == source and k[1] == "app"), default=0)
