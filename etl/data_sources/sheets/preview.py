"""What the settings page shows before the settings are saved. Pure functions: no I/O."""
from __future__ import annotations

from itertools import islice
from typing import Any

from etl.data_sources.http import BadPayload
from etl.data_sources.sheets.client import SheetValues
from etl.data_sources.sheets.parsing import day_first_hint
from etl.data_sources.sheets.transform import cell_text, locate, parse_rows


def sheet_preview(sheet: SheetValues, settings: dict[str, Any], limit: int = 10) -> dict[str, Any]:
    """Titles and headers always; parsed rows once a date column and columns are chosen.

    Each row is ``{"row", "day": ISO text|None, "values": {slug: value|None}, "category", "error"}``;
    ``problem`` says why there are no rows (a missing choice, a header not in the sheet).
    """
    result: dict[str, Any] = {
        "title": sheet.title, "worksheets": sheet.worksheets, "worksheet": sheet.worksheet,
        "headers": [h.strip() for h in sheet.values[0]] if sheet.values else [],
        "rows": [], "unit_hints": {}, "date_format_hint": None, "problem": None,
    }
    try:
        result["rows"] = preview_rows(sheet.values, settings, limit)
        result["unit_hints"] = unit_hints(sheet.values, settings)
        result["date_format_hint"] = date_format_hint(sheet.values, settings["date_column"])
    except BadPayload as exc:
        result["problem"] = exc.message
    return result


def preview_rows(values: list[list[str]], settings: dict[str, Any], limit: int = 10) -> list[dict[str, Any]]:
    """The first ``limit`` data rows as they would be imported (day as ISO text)."""
    return [
        {"row": r.number, "day": r.day.isoformat() if r.day else None, "values": r.values,
         "category": r.category, "error": r.error}
        for r in islice(parse_rows(values, settings), limit)
    ]


def unit_hints(values: list[list[str]], settings: dict[str, Any], limit: int = 50) -> dict[str, str]:
    """The unit each column's cells show ('%', '€', 'USD'), when the first rows agree on one."""
    seen: dict[str, set[str]] = {}
    for row in islice(parse_rows(values, settings), limit):
        for slug, unit in row.units.items():
            seen.setdefault(slug, set()).add(unit)
    return {slug: units.pop() for slug, units in seen.items() if len(units) == 1 and "" not in units}


def date_format_hint(values: list[list[str]], date_column: str) -> str | None:
    """'eu' or 'us' when the date column's unambiguous dates all read one way, else None."""
    if not values or not date_column:
        return None
    index = locate(values[0], date_column)
    hints = {day_first_hint(cell_text(cells, index)) for cells in values[1:]} - {None}
    return hints.pop() if len(hints) == 1 else None
