"""Request budgets shared by every worker of a batch run."""
from __future__ import annotations

import pytest

from etl.budget import RateBudget, parse_limits
from etl.data_sources.base import RateLimit
from etl.data_sources.http import BudgetExhausted
from etl.sync import configured_limits


class FakeClock:
    def __init__(self):
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_app_budget_is_shared_by_every_integration_of_the_source():
    budget = RateBudget(max_wait=0)
    limits = (RateLimit(3, 60, "app"),)
    first, second = (budget.for_integration("whoop", "WHOOP", limits, n) for n in (1, 2))
    first(), first(), second()
    with pytest.raises(BudgetExhausted, match="WHOOP's request budget"):
        second()


def test_user_budget_belongs_to_one_integration():
    budget = RateBudget(max_wait=0)
    limits = (RateLimit(2, 3600, "user"),)
    alice, bob = (budget.for_integration("fitbit", "Fitbit", limits, n) for n in (1, 2))
    alice(), alice(), bob(), bob()
    with pytest.raises(BudgetExhausted):
        alice()


def test_a_full_minute_is_waited_out_but_a_full_day_defers():
    clock = FakeClock()
    budget = RateBudget(max_wait=65, clock=clock, sleep=clock.sleep)
    take = budget.for_integration("whoop", "WHOOP", (RateLimit(2, 60, "app"), RateLimit(3, 86400, "app")), 1)
    take(), take()
    take()  # waits for the minute window to free a slot
    assert clock.slept == [60.0]
    with pytest.raises(BudgetExhausted):
        take()  # the day's 3 are spent: no waiting a day


def test_installation_can_raise_the_whoop_budget():
    assert parse_limits("200/60, 20000/86400") == (RateLimit(200, 60, "app"), RateLimit(20000, 86400, "app"))
    assert configured_limits("whoop", {"WHOOP_RATE_LIMITS": "500/60"}) == (RateLimit(500, 60, "app"),)
    assert configured_limits("whoop", {"WHOOP_RATE_LIMITS": ""}) is None
    with pytest.raises(ValueError, match="'100 per minute' is not REQUESTS/SECONDS"):
        parse_limits("100 per minute")
