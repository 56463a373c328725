"""Worksheet values -> daily rows. Pure functions: no I/O.

``values`` is what ``Worksheet.get_all_values()`` returns: a list of rows of cell text, the
first row being the headers. Each imported column becomes the metric ``sheets.<slug>``.
Several rows for the same day (and category, when a category column is set) are SUMMED into
one value, with or without a category column; without one, a note says how many days that
happened to. A blank cell is no value (never zero) and is not counted as skipped; a row whose
imported cells are all blank is ignored. A row with an unreadable date or number is skipped
whole and counted, with the reasons summarised in ``Rows.notes``.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from etl.data_sources.base import Rows, Window
from etl.data_sources.http import BadPayload
from etl.data_sources.sheets.parsing import DATE_FORMATS, CellError, parse_date, parse_number, slugify

MISSING_DATE = "missing date"
MAX_DIMENSION = 191


@dataclass(frozen=True)
class Column:
    """One imported column: its header, the metric slug and the user's label and unit."""

    header: str
    slug: str
    label: str
    unit: str = ""


@dataclass
class ParsedRow:
    """One sheet row as read; ``reason`` is set when it cannot be imported."""

    number: int  # the sheet's row number (the header is row 1)
    day: date | None
    category: str | None
    values: dict[str, float | None]
    units: dict[str, str] = field(default_factory=dict)
    reason: str | None = None
    cell: str = ""  # the cell text that could not be read

    def fail(self, reason: str, cell: str) -> None:
        """Record the first problem found in this row."""
        if self.reason is None:
            self.reason, self.cell = reason, cell

    @property
    def error(self) -> str | None:
        """The problem in plain words, quoting the cell, or None."""
        if self.reason is None:
            return None
        return f"{self.reason}: '{self.cell}'" if self.cell else self.reason


@dataclass(frozen=True)
class Layout:
    """Where the configured columns are in this worksheet."""

    date_index: int
    date_format: str
    category_index: int | None
    columns: tuple[tuple[Column, int], ...]


def import_columns(settings: dict[str, Any]) -> list[Column]:
    """The columns to import from ``settings["columns"]``, each with a unique slug."""
    columns, seen = [], Counter()
    for entry in settings.get("columns") or []:
        entry = entry if isinstance(entry, dict) else {"column": entry}
        header = str(entry.get("column") or "").strip()
        if not header:
            raise BadPayload("every imported column needs the header name of a sheet column")
        slug = slugify(str(entry.get("slug") or header))
        seen[slug] += 1
        slug = slug if seen[slug] == 1 else f"{slug}_{seen[slug]}"
        columns.append(Column(header, slug, str(entry.get("label") or header), str(entry.get("unit") or "")))
    return columns


def date_format_of(settings: dict[str, Any]) -> str:
    """The chosen date format ('auto' unless set)."""
    value = str(settings.get("date_format") or "auto").strip().lower()
    if value not in DATE_FORMATS:
        raise BadPayload(f"date format must be one of {', '.join(DATE_FORMATS)}, not '{value}'")
    return value


def check_settings(settings: dict[str, Any]) -> list[Column]:
    """Refuse settings that cannot import anything (no date column, no columns, bad format)."""
    if not str(settings.get("date_column") or "").strip():
        raise BadPayload("choose the column that holds the dates")
    columns = import_columns(settings)
    if not columns:
        raise BadPayload("choose at least one column to import")
    date_format_of(settings)
    return columns


def layout_of(headers: list[str], settings: dict[str, Any]) -> Layout:
    """Find the configured columns in the header row; BadPayload names any that are missing."""
    columns = check_settings(settings)
    if not any(str(h).strip() for h in headers):
        raise BadPayload("the worksheet has no header row (is it empty?)")
    category = str(settings.get("category_column") or "").strip()
    return Layout(
        date_index=locate(headers, str(settings["date_column"]).strip()),
        date_format=date_format_of(settings),
        category_index=locate(headers, category) if category else None,
        columns=tuple((c, locate(headers, c.header)) for c in columns),
    )


def locate(headers: list[str], name: str) -> int:
    """Index of the header ``name`` (exact first, then ignoring case and spacing)."""
    cleaned = [str(h).strip() for h in headers]
    if name in cleaned:
        return cleaned.index(name)
    folded = [" ".join(h.split()).casefold() for h in cleaned]
    wanted = " ".join(name.split()).casefold()
    if wanted in folded:
        return folded.index(wanted)
    found = ", ".join(f"'{h}'" for h in [h for h in cleaned if h][:20])
    raise BadPayload(f"column '{name}' is not in the worksheet's header row (found: {found})")


def parse_rows(values: list[list[str]], settings: dict[str, Any]) -> Iterator[ParsedRow]:
    """Every data row that has at least one imported value, parsed."""
    layout = layout_of(values[0] if values else [], settings)
    for number, cells in enumerate(values[1:], start=2):
        row = _parse_row(cells, layout, number)
        if row is not None:
            yield row


def cell_text(cells: list[str], index: int | None) -> str:
    """The text of one cell ('' past the end of a short row)."""
    return str(cells[index]).strip() if index is not None and index < len(cells) else ""


def _parse_row(cells: list[str], layout: Layout, number: int) -> ParsedRow | None:
    """Parse one row; None when all of its imported cells are blank."""
    texts = {column.slug: cell_text(cells, index) for column, index in layout.columns}
    if not any(texts.values()):
        return None
    category = None
    if layout.category_index is not None:  # the store keys dimensions on at most 191 characters
        category = " ".join(cell_text(cells, layout.category_index).split())[:MAX_DIMENSION]
    row = ParsedRow(number, None, category, dict.fromkeys(texts))
    date_text = cell_text(cells, layout.date_index)
    if not date_text:
        row.fail(MISSING_DATE, "")
    else:
        try:
            row.day = parse_date(date_text, layout.date_format)
        except CellError as exc:
            row.fail(exc.reason, date_text)
    for column, _ in layout.columns:
        try:
            number_read = parse_number(texts[column.slug], layout.date_format)
        except CellError:
            row.fail(f"bad number in '{column.header}'", texts[column.slug])
            continue
        if number_read is not None:
            row.values[column.slug] = number_read.value
            row.units[column.slug] = number_read.unit
    return row


def rows_from_values(values: list[list[str]], settings: dict[str, Any], window: Window) -> Rows:
    """Daily rows for the days in ``window``; the sheet replaces the store's rows in that window."""
    rows = Rows(replaces_window=True)
    totals: dict[tuple[str, str, date], float] = {}
    counts: Counter[tuple[str, str, date]] = Counter()
    skipped: dict[str, list[int]] = {}
    for row in parse_rows(values, settings):
        if row.day is not None and not window.start <= row.day <= window.end:
            continue
        if row.reason is not None:
            skipped.setdefault(row.reason, []).append(row.number)
            continue
        for slug, value in row.values.items():
            if value is not None:
                key = (f"sheets.{slug}", row.category or "", row.day)
                totals[key] = totals.get(key, 0.0) + value
                counts[key] += 1
    rows.daily = [{"metric": metric, "dimension": dimension, "day": day, "value": round(total, 9)}
                  for (metric, dimension, day), total in sorted(totals.items())]
    rows.skipped = sum(len(numbers) for numbers in skipped.values())
    rows.notes = _notes(skipped, counts, has_category=bool(settings.get("category_column")))
    return rows


def _notes(skipped: dict[str, list[int]], counts: Counter, has_category: bool) -> list[str]:
    """Plain-words remarks: skipped rows by reason, and days whose rows were summed."""
    notes = []
    if skipped:
        total = sum(len(n) for n in skipped.values())
        by_count = sorted(skipped.items(), key=lambda item: -len(item[1]))
        parts = [f"{len(numbers)} {reason} ({_row_list(numbers)})" for reason, numbers in by_count]
        notes.append(f"{total} row{'s' if total != 1 else ''} skipped: {', '.join(parts)}")
    summed_days = {day for (_, _, day), count in counts.items() if count > 1}
    if summed_days and not has_category:
        notes.append(f"{len(summed_days)} day{'s' if len(summed_days) != 1 else ''} had more than one row; "
                     "their values were summed")
    return notes


def _row_list(numbers: list[int], shown: int = 5) -> str:
    """'sheet rows 4, 9' (the first few)."""
    listed = ", ".join(map(str, numbers[:shown])) + (", …" if len(numbers) > shown else "")
    return f"sheet row{'s' if len(numbers) != 1 else ''} {listed}"
