"""The settings-page preview, built from a worksheet's values (no HTTP here)."""
import json
from pathlib import Path

from etl.data_sources.sheets.client import SheetValues
from etl.data_sources.sheets.preview import sheet_preview

FIXTURES = Path(__file__).parent / "fixtures" / "sheets"
FINANCES = {"date_column": "Datum", "date_format": "eu", "category_column": "Kategorie",
            "columns": [{"column": "Betrag", "slug": "spend"}]}


def finances_sheet():
    values = json.loads((FIXTURES / "values_finances.json").read_text())["values"]
    return SheetValues("Health log 2026", ["Daily", "Finances"], "Finances", values)


def test_preview_rows_keep_sheet_row_numbers_category_and_currency_unit():
    result = sheet_preview(finances_sheet(), FINANCES, limit=3)
    assert result["rows"] == [
        {"row": 2, "day": "2026-11-01", "values": {"spend": 12.5}, "category": "Food", "error": None},
        {"row": 3, "day": "2026-11-01", "values": {"spend": 3.2}, "category": "Food", "error": None},
        {"row": 4, "day": "2026-11-01", "values": {"spend": 2.9}, "category": "Transport", "error": None},
    ]
    assert result["unit_hints"] == {}  # "5" and "€…" disagree among the first rows
    assert result["date_format_hint"] == "eu"
    assert result["problem"] is None


def test_preview_shows_an_unparseable_row_with_its_cell():
    rows = sheet_preview(finances_sheet(), FINANCES, limit=20)["rows"]
    assert rows[-1] == {"row": 9, "day": "2026-11-03", "values": {"spend": None}, "category": "Food",
                        "error": "bad number in 'Betrag': 'zwölf'"}
    assert len(rows) == 8


def test_preview_names_a_header_that_is_not_in_the_sheet():
    result = sheet_preview(finances_sheet(), {**FINANCES, "columns": [{"column": "Amount"}]})
    assert result["headers"] == ["Datum", "Kategorie", "Betrag"]
    assert result["rows"] == []
    assert result["problem"] == ("column 'Amount' is not in the worksheet's header row "
                                 "(found: 'Datum', 'Kategorie', 'Betrag')")


def test_preview_of_an_empty_worksheet_has_no_headers_and_says_so():
    result = sheet_preview(SheetValues("Empty", ["Sheet1"], "Sheet1", [[]]), FINANCES)
    assert result["headers"] == []
    assert result["problem"] == "the worksheet has no header row (is it empty?)"
