"""Numbers as people read them: '7 h 25 min', '9,812 steps', '+4.2 %'."""
from __future__ import annotations

WHOLE_UNITS = {"steps", "score", "commits", "bpm", "kcal", "lines", "floors", ""}


def format_value(value: float | None, unit: str = "") -> str:
    """A value with its unit, minutes as hours and minutes."""
    if value is None:
        return "–"
    if unit == "min":
        return format_minutes(value)
    if unit in WHOLE_UNITS:
        text = f"{round(value):,}"
    else:
        text = f"{value:,.1f}".removesuffix(".0")
    suffix = {"score": "", "": "", "%": " %"}.get(unit, f" {unit}")
    return text + suffix


def format_minutes(value: float) -> str:
    """Minutes as '7 h 25 min' (or '45 min')."""
    minutes = round(value)
    hours, rest = divmod(abs(minutes), 60)
    sign = "-" if minutes < 0 else ""
    return f"{sign}{hours} h {rest:02d} min" if hours else f"{sign}{rest} min"


def format_change(change: float | None, baseline: float | None, unit: str = "") -> str:
    """'+12 min (+5 %) vs 30-day average', or '' without a baseline."""
    if change is None or baseline is None:
        return ""
    sign = "+" if change >= 0 else "−"
    size = format_value(abs(change), unit)
    percent = f" ({sign}{abs(change) / abs(baseline) * 100:.0f} %)" if baseline else ""
    return f"{sign}{size}{percent}"
