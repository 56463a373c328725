"""Query-parameter parsing: every bad value is a 400 naming the parameter."""
from __future__ import annotations

import re
from datetime import date, timedelta

from flask import request

from app.blueprints.api.errors import bad_parameter
from utils.date_utils import local_today

DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)  # keeps date arithmetic and every database safe
MAX_DIMENSION = 191


def day_param(name: str, default: date) -> date:
    """A YYYY-MM-DD query parameter, or ``default`` when absent."""
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        if not DAY_RE.fullmatch(raw):
            raise ValueError
        value = date.fromisoformat(raw)
    except ValueError:
        raise bad_parameter(name, f"must be a date in YYYY-MM-DD form, got {raw[:40]!r}") from None
    if not FIRST_DAY <= value <= LAST_DAY:
        raise bad_parameter(name, f"must be between {FIRST_DAY} and {LAST_DAY}")
    return value


def day_range(timezone: str, default_days: int, max_days: int) -> tuple[date, date]:
    """``start``..``end`` (inclusive); defaults to the last ``default_days`` days up to today (user's time)."""
    end = day_param("end", local_today(timezone))
    start = day_param("start", max(FIRST_DAY, end - timedelta(days=default_days - 1)))
    if start > end:
        raise bad_parameter("start", "must not be after end")
    if (end - start).days + 1 > max_days:
        raise bad_parameter("start", f"the range may span at most {max_days} days")
    return start, end


def int_param(name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within [low, high]."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw) or not low <= int(raw) <= high:
        raise bad_parameter(name, f"must be a whole number from {low} to {high}")
    return int(raw)


def choice_param(name: str, choices: tuple[str, ...], default: str) -> str:
    """One of ``choices``."""
    raw = request.args.get(name, default)
    if raw not in choices:
        raise bad_parameter(name, f"must be one of {', '.join(choices)}")
    return raw


def dimension_param() -> str:
    """The ``dimension`` parameter ('' = the metric's total series)."""
    raw = request.args.get("dimension", "")
    if len(raw) > MAX_DIMENSION:
        raise bad_parameter("dimension", f"must be at most {MAX_DIMENSION} characters")
    return raw
