"""A Google Sheet the simulated person keeps (morning weight, expenses by category), through the real transform."""
from __future__ import annotations

from etl.data_sources.base import Rows, Window
from etl.data_sources.sheets import transform
from etl.demo.person import Day

HEADERS = ["Date", "Weight (kg)", "Category", "Amount", "Note"]
SETTINGS = {
    "spreadsheet": "https://docs.google.com/spreadsheets/d/demo-spreadsheet/edit",
    "worksheet": "Log",
    "date_column": "Date",
    "date_format": "iso",
    "category_column": "Category",
    "columns": [{"column": "Weight (kg)", "slug": "weight_kg", "label": "Weight", "unit": "kg"},
                {"column": "Amount", "slug": "expenses", "label": "Expenses", "unit": "€"}],
}


def values(days: list[Day]) -> list[list[str]]:
    """``Worksheet.get_all_values()``: a weigh-in row most mornings, one row per expense."""
    found = [HEADERS]
    for d in days:
        if d.weight is not None:
            found.append([d.day.isoformat(), f"{d.weight:.1f}", "", "", "morning weigh-in"])
        found += [[d.day.isoformat(), "", category, f"€{amount:,.2f}", note] for category, amount, note in d.expenses]
    return found


def rows(days: list[Day]) -> Rows:
    """Rows from the real transform; like every sheet sync, they replace the window's stored rows."""
    return transform.rows_from_values(values(days), SETTINGS, Window(days[0].day, days[-1].day))
