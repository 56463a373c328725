"""The one place that lists the sources. Adding a source = one line here."""
from __future__ import annotations

from etl.data_sources import fitbit, github, oura, rize, sheets, whoop
from etl.data_sources.base import Source

SOURCES: dict[str, Source] = {
    source.manifest.key: source
    for source in (
        oura.SOURCE,
        whoop.SOURCE,
        fitbit.SOURCE,
        rize.SOURCE,
        github.SOURCE,
        sheets.SOURCE,
    )
}


def all_sources() -> list[Source]:
    """Every registered source, in display order."""
    return list(SOURCES.values())


def get_source(key: str) -> Source | None:
    """The source registered under ``key``, or None."""
    return SOURCES.get(key)
