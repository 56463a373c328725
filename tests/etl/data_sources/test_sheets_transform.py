"""Worksheet values -> daily rows, on values shaped like `get_all_values()` returns them."""
import json
from datetime import date
from pathlib import Path

import pytest

from etl.data_sources.base import Window
from etl.data_sources.http import BadPayload
from etl.data_sources.sheets.transform import import_columns, rows_from_values

FIXTURES = Path(__file__).parent / "fixtures" / "sheets"
WEEK = Window(date(2026, 11, 1), date(2026, 11, 7))
DAILY = {"date_column": "Date", "columns": [{"column": "Weight (kg)"}, {"column": "Steps"}]}
FINANCES = {"date_column": "Datum", "date_format": "eu", "category_column": "Kategorie",
            "columns": [{"column": "Betrag", "slug": "spend"}]}


def values(name):
    """The `values` of a recorded response, padded to a rectangle as gspread pads them."""
    rows = json.loads((FIXTURES / name).read_text()).get("values", [])
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def table(date_texts, amounts, date_format="auto", header=("Date", "Amount")):
    """A two-column sheet, and the day -> value it imports over all of 2026."""
    sheet = [list(header)] + [[d, a] for d, a in zip(date_texts, amounts, strict=True)]
    settings = {"date_column": header[0], "date_format": date_format, "columns": [{"column": header[1]}]}
    rows = rows_from_values(sheet, settings, Window(date(2026, 1, 1), date(2026, 12, 31)))
    return {r["day"]: r["value"] for r in rows.daily}, rows


def by_key(rows):
    return {(r["metric"], r["dimension"], r["day"]): r["value"] for r in rows.daily}


def test_daily_sheet_rows_inside_the_window_become_metrics_per_column():
    rows = rows_from_values(values("values_daily.json"), DAILY, WEEK)
    assert by_key(rows)[("sheets.weight_kg", "", date(2026, 11, 1))] == 72.4
    assert by_key(rows)[("sheets.steps", "", date(2026, 11, 1))] == 10204.0
    assert {r["day"] for r in rows.daily} == {date(2026, 11, d) for d in (1, 2, 6, 7)}
    assert rows.replaces_window is True


def test_rows_outside_the_window_are_neither_returned_nor_counted_as_skipped():
    rows = rows_from_values(values("values_daily.json"), DAILY, Window(date(2026, 11, 8), date(2026, 11, 30)))
    assert rows.daily == []  # 2026-11-08 has only a bad Steps cell
    assert rows.notes == ["4 rows skipped: 1 ambiguous date, choose a date format (sheet row 8), 1 bad date (sheet "
                          "row 12), 1 missing date (sheet row 13), 1 bad number in 'Steps' (sheet row 14)"]
    assert rows.skipped == 4


def test_skipped_rows_are_counted_with_reasons_and_sheet_rows():
    rows = rows_from_values(values("values_daily.json"), DAILY, WEEK)
    assert rows.skipped == 4
    assert rows.notes[0] == ("4 rows skipped: 1 bad number in 'Weight (kg)' (sheet row 7), 1 ambiguous date, "
                             "choose a date format (sheet row 8), 1 bad date (sheet row 12), 1 missing date "
                             "(sheet row 13)")


def test_a_row_with_one_bad_number_is_skipped_whole():
    rows = rows_from_values(values("values_daily.json"), DAILY, WEEK)
    assert not any(r["day"] == date(2026, 11, 4) for r in rows.daily)  # Steps 8,000 is dropped with the row


def test_blank_cells_are_no_value_not_zero_and_not_skipped():
    sheet = [["Date", "Weight", "Steps"], ["2026-11-01", "", "4,000"], ["2026-11-02", "", ""], ["2026-11-03"]]
    rows = rows_from_values(sheet, {"date_column": "Date", "columns": ["Weight", "Steps"]}, WEEK)
    assert by_key(rows) == {("sheets.steps", "", date(2026, 11, 1)): 4000.0}
    assert rows.skipped == 0 and rows.notes == []


def test_several_rows_on_a_day_without_category_are_summed_and_noted():
    rows = rows_from_values(values("values_daily.json"), DAILY, WEEK)
    assert by_key(rows)[("sheets.steps", "", date(2026, 11, 7))] == 7000.0  # "Nov 7, 2026" + "2026-11-07"
    assert by_key(rows)[("sheets.weight_kg", "", date(2026, 11, 7))] == 71.9  # the second row has no weight
    assert rows.notes[1] == "1 day had more than one row; their values were summed"


def test_category_column_sums_each_category_per_day_into_the_dimension():
    rows = rows_from_values(values("values_finances.json"), FINANCES, Window(date(2026, 11, 1), date(2026, 11, 30)))
    assert by_key(rows) == {
        ("sheets.spend", "Food", date(2026, 11, 1)): 15.7,
        ("sheets.spend", "Transport", date(2026, 11, 1)): 2.9,
        ("sheets.spend", "Food", date(2026, 11, 2)): 1234.0,
        ("sheets.spend", "", date(2026, 11, 2)): 5.0,
        ("sheets.spend", "Refund", date(2026, 11, 3)): -10.0,
        ("sheets.spend", "Food", date(2026, 11, 13)): 1.0,
    }
    assert rows.notes == ["1 row skipped: 1 bad number in 'Betrag' (sheet row 9)"]


def test_european_dates_and_decimal_commas_read_with_eu_format():
    days, _ = table(["03/04/2026", "13.04.2026"], ["1.234,5", "72,5"], date_format="eu")
    assert days == {date(2026, 4, 3): 1234.5, date(2026, 4, 13): 72.5}


def test_us_dates_and_thousands_commas_read_with_us_format():
    days, _ = table(["03/04/2026", "12/31/2026"], ["1,234.5", "$72.50"], date_format="us")
    assert days == {date(2026, 3, 4): 1234.5, date(2026, 12, 31): 72.5}


def test_iso_dates_and_serial_numbers_read_with_iso_format():
    days, _ = table(["2026-04-03", "46116"], ["1 234", "45%"], date_format="iso")
    assert days == {date(2026, 4, 3): 1234.0, date(2026, 4, 4): 45.0}


def test_auto_skips_ambiguous_dates_but_reads_unambiguous_ones():
    days, rows = table(["03/04/2026", "13/04/2026", "04/13/2026"], ["1", "2", "3"])
    assert days == {date(2026, 4, 13): 5.0}  # 13/04 and 04/13 are the same day, summed
    assert rows.skipped == 1
    assert rows.notes == ["1 row skipped: 1 ambiguous date, choose a date format (sheet row 2)",
                          "1 day had more than one row; their values were summed"]
    assert "ambiguous date" not in " ".join(table(["03/04/2026"], ["1"], date_format="eu")[1].notes)


def test_currency_percent_and_parenthesised_negatives_are_plain_values():
    days, rows = table(["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"], ["USD 12", "€ 3.50", "45%", "(12.50)"])
    assert days == {date(2026, 1, 1): 12.0, date(2026, 1, 2): 3.5, date(2026, 1, 3): 45.0, date(2026, 1, 4): -12.5}
    assert rows.skipped == 0


def test_skipped_notes_list_reasons_most_frequent_first_and_at_most_five_rows():
    days, rows = table(["x"] * 7 + ["2026-01-01"], ["1"] * 7 + ["?"])
    assert days == {}
    assert rows.notes == ["8 rows skipped: 7 bad date (sheet rows 2, 3, 4, 5, 6, …), 1 bad number in 'Amount' "
                          "(sheet row 9)"]


def test_headers_match_ignoring_case_and_spacing():
    sheet = [[" date ", "STEPS  taken"], ["2026-11-02", "3"]]
    rows = rows_from_values(sheet, {"date_column": "Date", "columns": ["steps taken"]}, WEEK)
    assert by_key(rows) == {("sheets.steps_taken", "", date(2026, 11, 2)): 3.0}


@pytest.mark.parametrize(("settings", "message"), [
    ({**DAILY, "columns": [{"column": "Mood"}]}, r"column 'Mood' is not in the worksheet's header row \(found: 'Date'"),
    ({**DAILY, "date_column": "Day"}, "column 'Day' is not in"),
    ({**DAILY, "category_column": "Category"}, "column 'Category' is not in"),
    ({**DAILY, "date_format": "german"}, "date format must be one of auto, iso, us, eu"),
    ({**DAILY, "date_column": ""}, "choose the column that holds the dates"),
    ({**DAILY, "columns": [{"label": "No header"}]}, "needs the header name"),
])
def test_settings_that_do_not_fit_the_sheet_are_bad_payload(settings, message):
    with pytest.raises(BadPayload, match=message):
        rows_from_values(values("values_daily.json"), settings, WEEK)


def test_empty_worksheet_is_bad_payload_so_the_window_is_not_wiped():
    with pytest.raises(BadPayload, match="no header row"):
        rows_from_values(values("values_empty.json"), DAILY, WEEK)


def test_column_slugs_are_unique_and_may_be_chosen():
    columns = import_columns({"columns": [{"column": "Weight (kg)"}, {"column": "weight kg"},
                                          {"column": "Mood", "slug": "Mood Score!", "label": "Mood", "unit": "1-5"}]})
    assert [(c.slug, c.label, c.unit) for c in columns] == [
        ("weight_kg", "Weight (kg)", ""), ("weight_kg_2", "weight kg", ""), ("mood_score", "Mood", "1-5")]
