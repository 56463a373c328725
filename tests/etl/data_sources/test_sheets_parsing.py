"""Reading formatted cell text: dates, numbers and header slugs."""
from datetime import date

import pytest

from etl.data_sources.sheets.parsing import CellError, Number, day_first_hint, parse_date, parse_number, slugify


@pytest.mark.parametrize(("text", "date_format", "day"), [
    ("2026-04-03", "auto", date(2026, 4, 3)),
    ("2026/4/3", "iso", date(2026, 4, 3)),
    ("2026-04-03T08:15:00Z", "eu", date(2026, 4, 3)),
    ("20260403", "iso", date(2026, 4, 3)),
    ("03/04/2026", "us", date(2026, 3, 4)),
    ("03/04/2026", "eu", date(2026, 4, 3)),
    ("03.04.2026", "eu", date(2026, 4, 3)),
    ("4/3/26", "us", date(2026, 4, 3)),
    ("4/3/2026 14:30:00", "us", date(2026, 4, 3)),
    ("13/04/2026", "auto", date(2026, 4, 13)),
    ("04/13/2026", "auto", date(2026, 4, 13)),
    ("04/04/2026", "auto", date(2026, 4, 4)),
    ("46115", "auto", date(2026, 4, 3)),
    ("46115.75", "us", date(2026, 4, 3)),
    ("Apr 3, 2026", "auto", date(2026, 4, 3)),
    ("Friday, April 3, 2026", "eu", date(2026, 4, 3)),
    ("3 Apr 2026", "us", date(2026, 4, 3)),
    ("03-Apr-2026", "auto", date(2026, 4, 3)),
])
def test_dates_are_read_in_iso_us_european_serial_and_month_name_forms(text, date_format, day):
    assert parse_date(text, date_format) == day


def test_ambiguous_date_in_auto_is_not_guessed():
    with pytest.raises(CellError) as raised:
        parse_date("03/04/2026", "auto")
    assert raised.value.reason == "ambiguous date, choose a date format"


@pytest.mark.parametrize(("text", "date_format"), [
    ("2026-02-30", "auto"),
    ("31/02/2026", "eu"),
    ("13/04/2026", "us"),
    ("13/13/2026", "auto"),
    ("03/04/2026", "iso"),
    ("2026", "auto"),
    ("yesterday", "auto"),
])
def test_impossible_or_unreadable_dates_are_bad_dates(text, date_format):
    with pytest.raises(CellError) as raised:
        parse_date(text, date_format)
    assert raised.value.reason == "bad date"


@pytest.mark.parametrize(("text", "date_format", "expected"), [
    ("72.5", "auto", Number(72.5, "")),
    ("72.5", "eu", Number(72.5, "")),
    ("1,234.5", "us", Number(1234.5, "")),
    ("1.234,5", "eu", Number(1234.5, "")),
    ("1,234,567", "auto", Number(1234567.0, "")),
    ("1 234", "auto", Number(1234.0, "")),
    ("1\u202f234,50", "eu", Number(1234.5, "")),
    ("1,234", "us", Number(1234.0, "")),
    ("1,234", "eu", Number(1.234, "")),
    ("1.234", "eu", Number(1234.0, "")),
    ("1.234", "auto", Number(1.234, "")),
    ("1,5", "auto", Number(1.5, "")),
    ("0,125", "us", Number(0.125, "")),
    ("$12", "auto", Number(12.0, "$")),
    ("€12,50", "eu", Number(12.5, "€")),
    ("12,50 €", "eu", Number(12.5, "€")),
    ("£1,200.00", "us", Number(1200.0, "£")),
    ("¥1,000", "auto", Number(1000.0, "¥")),
    ("USD 12", "auto", Number(12.0, "USD")),
    ("12 EUR", "auto", Number(12.0, "EUR")),
    ("US$5", "auto", Number(5.0, "US$")),
    ("45%", "auto", Number(45.0, "%")),
    ("18.1 %", "auto", Number(18.1, "%")),
    ("-5%", "auto", Number(-5.0, "%")),
    ("(12.50)", "auto", Number(-12.5, "")),
    ("($1,200.00)", "us", Number(-1200.0, "$")),
    ("$(3)", "auto", Number(-3.0, "$")),
    ("-$7", "auto", Number(-7.0, "$")),
    ("\u22124", "auto", Number(-4.0, "")),
    ("$ -", "us", Number(0.0, "$")),
    ("1.5E+03", "auto", Number(1500.0, "")),
    ("TRUE", "auto", Number(1.0, "")),
    ("false", "auto", Number(0.0, "")),
])
def test_numbers_with_separators_currency_percent_and_parentheses(text, date_format, expected):
    assert parse_number(text, date_format) == expected


@pytest.mark.parametrize("text", ["", "   ", "\u00a0"])
def test_blank_cell_is_no_number_not_zero(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ["7o", "-", "--5", "(-5)", "12.34.56", "1,2,3", "N/A", "#DIV/0!", "12 apples"])
def test_unreadable_numbers_are_bad_numbers(text):
    with pytest.raises(CellError) as raised:
        parse_number(text)
    assert raised.value.reason == "bad number"


@pytest.mark.parametrize(("header", "slug"), [
    ("Weight (kg)", "weight_kg"),
    ("  Net  Spend ", "net_spend"),
    ("Café au lait", "cafe_au_lait"),
    ("Sleep-Score%", "sleep_score"),
    ("€", "column"),
])
def test_headers_slugify_to_lower_case_ascii_with_underscores(header, slug):
    assert slugify(header) == slug


@pytest.mark.parametrize(("text", "hint"), [("13/04/2026", "eu"), ("04/13/2026", "us"), ("03/04/2026", None),
                                            ("2026-04-13", None)])
def test_day_first_hint_only_from_dates_that_read_one_way(text, hint):
    assert day_first_hint(text) == hint
