"""plotly.js, served by the app from the plotly package's own bundle (never a CDN).

The URL carries the plotly package version, so the file can be cached for a year: a new
plotly release gets a new URL. Browsers that accept gzip get a copy compressed once per process.
"""
from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

import plotly
from flask import Response, abort, request

ONE_YEAR = 365 * 24 * 3600
BUNDLE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def plotly_version() -> str:
    """The version in the plotly.js URL (the Python package's, which pins its bundle)."""
    return plotly.__version__


@cache
def _bundle(compressed: bool) -> bytes:
    data = BUNDLE.read_bytes()
    return gzip.compress(data, compresslevel=6, mtime=0) if compressed else data


def plotly_response(version: str) -> Response:
    """The bundle with year-long immutable caching; 404 for another version's URL."""
    if version != plotly_version():
        abort(404)
    compressed = "gzip" in (request.headers.get("Accept-Encoding") or "")
    response = Response(_bundle(compressed), mimetype="text/javascript")
    if compressed:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response
