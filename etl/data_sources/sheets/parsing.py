"""Reading spreadsheet cells as the user typed them: dates, numbers and header slugs.

Cells arrive as the sheet shows them (formatted text), so everything here is forgiving
but never guesses: a value that could mean two things is an error the user resolves.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import NamedTuple

DATE_FORMATS = ("auto", "iso", "us", "eu")
AMBIGUOUS_DATE = "ambiguous date, choose a date format"
BAD_DATE = "bad date"

_SERIAL_EPOCH = date(1899, 12, 30)  # Google Sheets (and Lotus/Excel) day zero
_MAX_SERIAL = (date(9999, 12, 31) - _SERIAL_EPOCH).days
_YEAR_FIRST = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?")
_COMPACT_ISO = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DAY_MONTH = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?:[ T].*)?")
_SERIAL = re.compile(r"\d{5,7}(?:\.\d+)?")  # 5+ digits: from 1927 on; a bare "2026" is no date
_WEEKDAY = re.compile(r"(?i)(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+")
_NAMED_MONTH_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y",
                        "%d-%b-%Y", "%d-%b-%y", "%d %b, %Y")

_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2009\u2007"), " ")
_CURRENCY = r"(?:[A-Z]{3}|[A-Z]{0,2}[$€£¥₹₩₽₺₪₫฿¢])"
_CURRENCY_START = re.compile(rf"({_CURRENCY})\s*")
_CURRENCY_END = re.compile(rf"\s*({_CURRENCY})$")
_DASHES = {"-", "–", "—"}
_NUMBER_BODY = re.compile(r"\d[\d.,' ]*|[.,]\d+")
_SCIENTIFIC = re.compile(r"\d+(?:\.\d+)?[eE][+-]?\d+")


class CellError(Exception):
    """A cell that cannot be read; ``reason`` is the short text shown to the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Number(NamedTuple):
    """A parsed number and the unit its cell showed ('%', '€', 'USD' or '')."""

    value: float
    unit: str


def slugify(text: str) -> str:
    """Lower-case ASCII with underscores: 'Weight (kg)' -> 'weight_kg', 'Café' -> 'cafe'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:60].rstrip("_")
    return slug or "column"


def parse_date(text: str, date_format: str = "auto") -> date:
    """A day from ISO, US (MM/DD/YYYY), European (DD/MM/YYYY), month-name or serial-number text."""
    text = text.strip().translate(_SPACES)
    try:
        if match := _YEAR_FIRST.fullmatch(text) or _COMPACT_ISO.fullmatch(text):
            return date(*map(int, match.groups()))
        if _SERIAL.fullmatch(text) and float(text) <= _MAX_SERIAL:
            return _SERIAL_EPOCH + timedelta(days=int(float(text)))
        if match := _DAY_MONTH.fullmatch(text):
            return _day_month_year(*match.groups(), date_format)
    except ValueError:  # e.g. 2026-02-30
        raise CellError(BAD_DATE) from None
    return _named_month(text)


def _day_month_year(first: str, second: str, year: str, date_format: str) -> date:
    """Order the two leading numbers by the chosen format; refuse to guess in 'auto'."""
    a, b, y = int(first), int(second), int(year) + (2000 if len(year) == 2 else 0)
    if date_format == "us" or (date_format == "auto" and b > 12 >= a):
        return date(y, a, b)
    if date_format == "eu" or (date_format == "auto" and a > 12 >= b):
        return date(y, b, a)
    if date_format == "auto" and a == b:
        return date(y, a, b)
    raise CellError(AMBIGUOUS_DATE if date_format == "auto" and 0 < a <= 12 and 0 < b <= 12 else BAD_DATE)


def _named_month(text: str) -> date:
    """Dates with an English month name ('Apr 3, 2026', 'Friday, 3 April 2026')."""
    text = _WEEKDAY.sub("", text, count=1)
    for pattern in _NAMED_MONTH_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(BAD_DATE)


def day_first_hint(text: str) -> str | None:
    """'eu' or 'us' when a slash date can only be read one way (13/04/2026 -> 'eu'), else None."""
    match = _DAY_MONTH.fullmatch(text.strip())
    if not match:
        return None
    a, b = int(match.group(1)), int(match.group(2))
    return "eu" if a > 12 >= b else "us" if b > 12 >= a else None


def parse_number(text: str, date_format: str = "auto") -> Number | None:
    """A number from formatted text; None for a blank cell. Raises CellError('bad number').

    Accepts thousands separators ('1,234.5', '1 234'; '1.234,5' too), currency symbols and
    codes ('$12', '12 €', 'USD 12'), percent ('45%' -> 45), negatives as '-12' or '(12.50)',
    checkboxes (TRUE/FALSE -> 1/0). A lone '1,234' or '1.234' is read with the decimal mark of
    ``date_format`` ('eu': comma; otherwise point).
    """
    text = text.strip().translate(_SPACES).replace("\u2212", "-")
    if not text:
        return None
    if text.upper() in ("TRUE", "FALSE"):
        return Number(float(text.upper() == "TRUE"), "")
    body, negative, unit = _peel(text)
    if body in _DASHES and unit and unit != "%":
        return Number(0.0, unit)  # accounting format shows zero as "$ -"
    value = _to_float(body, decimal_comma=date_format == "eu")
    return Number(-value if negative else value, unit)


def _peel(text: str) -> tuple[str, bool, str]:
    """Strip parentheses, signs, percent and currency around the digits."""
    negations, unit = 0, ""
    while True:
        before = text
        if len(text) > 2 and text[0] == "(" and text[-1] == ")":
            text, negations = text[1:-1].strip(), negations + 1
        if len(text) > 1 and text[0] in "+-":
            text, negations = text[1:].strip(), negations + (text[0] == "-")
        if len(text) > 1 and "%" in (text[0], text[-1]):
            text, unit = text.strip("%").strip(), "%"
        if not unit:
            text, unit = _strip_currency(text)
        if text == before:
            break
    if negations > 1:
        raise CellError("bad number")
    return text, negations == 1, unit


def _strip_currency(text: str) -> tuple[str, str]:
    """Remove one leading or trailing currency symbol or ISO code; return (rest, currency)."""
    if (match := _CURRENCY_START.match(text)) and match.end() < len(text):
        return text[match.end():], match.group(1)
    if (match := _CURRENCY_END.search(text)) and match.start() > 0:
        return text[:match.start()], match.group(1)
    return text, ""


def _to_float(body: str, decimal_comma: bool) -> float:
    """Digits with thousands separators and one decimal mark -> float."""
    if _SCIENTIFIC.fullmatch(body):
        return float(body)
    if not _NUMBER_BODY.fullmatch(body):
        raise CellError("bad number")
    decimal = _decimal_mark(body, decimal_comma)
    whole, _, fraction = body.rpartition(decimal) if decimal else (body, "", "")
    whole = whole or "0"
    groups = re.split(r"[.,' ]", whole)
    if len(groups) > 1 and not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        raise CellError("bad number")
    if not fraction.isdigit() and decimal:
        raise CellError("bad number")
    return float("".join(groups) + ("." + fraction if decimal else ""))


def _decimal_mark(body: str, decimal_comma: bool) -> str:
    """Which of ',' and '.' is the decimal mark in ``body`` ('' when none)."""
    marks = [c for c in body if c in ",."]
    if not marks:
        return ""
    if len(set(marks)) == 2:
        return marks[-1]
    mark = marks[0]
    if len(marks) > 1:
        return ""  # '1,234,567': the repeated mark groups thousands
    whole, fraction = body.split(mark)
    if len(fraction) != 3 or whole.strip("0 '") == "":
        return mark  # '1,5', '72.5', '0,125' cannot be thousands
    return mark if (mark == ",") == decimal_comma else ""
