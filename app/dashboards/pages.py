"""Dashboard views shared by every page: the range from the query string and per-chart JSON endpoints.

A page lists its charts as empty containers; ``static/js/charts.js`` fetches each chart's
figure from ``<blueprint>.chart`` with the page's own query string, so a bookmarked URL
redraws the same view.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go
from flask import Response, jsonify, request, url_for
from flask_login import current_user

from app.dashboards import store
from app.dashboards.figures import to_json
from app.dashboards.ranges import DEFAULT_PRESET, GROUPINGS, PRESET_LABELS, RangeError, View, parse_view
from utils.date_utils import local_today

RANGE_KEYS = ("range", "start", "end", "group")


@dataclass(frozen=True)
class Chart:
    """One chart of a dashboard: ``build(view)`` returns a figure, or None when there is nothing to draw."""

    name: str
    title: str
    build: Callable[[View], go.Figure | None]
    help: str = ""
    empty: str = "No data in this range."
    wide: bool = False


def today_for_user() -> date:
    """Today in the signed-in user's timezone."""
    return local_today(store.zone(current_user.timezone).key)


def current_view(default_preset: str = DEFAULT_PRESET) -> tuple[View, str | None]:
    """The signed-in user's view from the query string, or the default view and the error message."""
    user, today = current_user, today_for_user()
    try:
        return parse_view(request.args, user_id=user.id, timezone=user.timezone, today=today,
                          default_preset=default_preset), None
    except RangeError as exc:
        return parse_view({}, user_id=user.id, timezone=user.timezone, today=today,
                          default_preset=default_preset), str(exc)


def range_control(view: View) -> dict:
    """What the range form needs: preset links that keep the other parameters, and hidden fields."""
    others = {k: v for k, v in request.args.items() if k not in RANGE_KEYS}
    group = {"group": view.group_choice} if view.group_choice != "auto" else {}
    presets = [(key, PRESET_LABELS[key], url_for(request.endpoint, **request.view_args, **others, **group, range=key),
                key == view.preset) for key in ("7d", "30d", "90d", "1y")]
    return {"presets": presets, "hidden": others, "groupings": ("auto", *GROUPINGS), "view": view,
            "labels": PRESET_LABELS}


def chart_response(charts: Sequence[Chart], name: str, default_preset: str = DEFAULT_PRESET) -> Response:
    """One chart's figure as JSON: ``{"figure": ...}``, ``{"empty": message}`` or ``{"error": message}``."""
    chart = next((c for c in charts if c.name == name), None)
    if chart is None:
        return _json_error(404, "There is no such chart.")
    view, error = current_view(default_preset)
    if error:
        return _json_error(400, error)
    try:
        figure = chart.build(view)
    except RangeError as exc:
        return _json_error(400, str(exc))
    if figure is None:
        response = jsonify(empty=chart.empty)
    else:
        response = Response('{"figure": ' + to_json(figure) + "}", mimetype="application/json")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _json_error(status: int, message: str) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    return response
