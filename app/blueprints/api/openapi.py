"""The OpenAPI 3 document of this API, served at /api/v1/openapi.json (a test keeps it true)."""
from __future__ import annotations

from flask import jsonify

from app.blueprints.api import bp
from app.blueprints.api.entries import MAX_ABS_VALUE
from app.blueprints.api.metrics import MAX_DAILY_DAYS, MAX_INTRADAY_DAYS, MAX_TREND_DAYS
from app.blueprints.api.params import MAX_DIMENSION
from app.blueprints.api.stats import PERIODS
from etl.data_sources.registry import SOURCES

ERRORS = {400: "A parameter is invalid (named in error.parameter)", 401: "No valid session or API token",
          403: "Session call without a valid X-CSRFToken header", 404: "Not found (or not yours)",
          409: "The integration must be reconnected first", 422: "A body field is invalid (named in error.parameter)"}
NULLABLE_NUMBER = {"type": "number", "nullable": True}
DAY = {"type": "string", "format": "date"}
TIMESTAMP = {"type": "string", "format": "date-time"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": properties, "required": list(properties) if required is None
            else required}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _path(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


def _operation(summary: str, ok: dict, errors: tuple[int, ...], parameters: list | None = None, **extra) -> dict:
    responses = {str(status): ({"description": description} if schema is None else
                               {"description": description, "content": {"application/json": {"schema": schema}}})
                 for status, (description, schema) in ok.items()}
    responses.update({str(status): {"description": ERRORS[status], "content": {
        "application/json": {"schema": _ref("Error")}}} for status in (401, *errors)})
    return {"summary": summary, "parameters": parameters or [], "responses": responses, **extra}


KEY = _path("key", {"type": "string", "maxLength": 200}, "Metric key, e.g. fitbit.steps or manual.mood")
DIMENSION = _query("dimension", {"type": "string", "maxLength": MAX_DIMENSION},
                   "Repository, category, ...; empty (default) = the metric's total series")
START = _query("start", DAY, "First local day (YYYY-MM-DD)")
END = _query("end", DAY, "Last local day (YYYY-MM-DD); default today in the user's timezone")
DESCRIBED = {"metric": {"type": "string"}, "source": {"type": "string"},
             "kind": {"type": "string", "enum": ["daily", "intraday"]}, "label": {"type": "string"},
             "unit": {"type": "string"}, "dimension": {"type": "string"}}

SCHEMAS = {
    "Error": _obj({"error": _obj({"code": {"type": "integer"}, "message": {"type": "string"},
                                  "parameter": {"type": "string"}}, ["code", "message"])}),
    "Metric": _obj({"key": {"type": "string"}, "label": {"type": "string"}, "unit": {"type": "string"},
                    "aggregation": {"type": "string"}, "source": {"type": "string"},
                    "kind": {"type": "string", "enum": ["daily", "intraday"]},
                    "dimensions": {"type": "array", "items": {"type": "string"}},
                    "first_day": {**DAY, "nullable": True}, "last_day": {**DAY, "nullable": True}}),
    "Series": _obj({**DESCRIBED, "start": DAY, "end": DAY, "points": {"type": "array", "items": _obj(
        {"day": DAY, "ts": TIMESTAMP, "value": {"type": "number"}}, ["value"])}}),
    "Period": _obj({"start": DAY, "end": DAY, "count": {"type": "integer"}, "min": {"type": "number"},
                    "max": {"type": "number"}, "mean": {"type": "number"}, "median": {"type": "number"}}),
    "Aggregate": _obj({**DESCRIBED, "period": {"type": "string", "enum": list(PERIODS)}, "start": DAY, "end": DAY,
                       "periods": {"type": "array", "items": _ref("Period")}}),
    "PeriodValue": _obj({"start": DAY, "end": DAY, "value": NULLABLE_NUMBER, "count": {"type": "integer"}}),
    "Trend": _obj({**DESCRIBED, "days": {"type": "integer"}, "aggregation": {"type": "string"},
                   "current": _ref("PeriodValue"), "previous": _ref("PeriodValue"), "change": NULLABLE_NUMBER,
                   "percent_change": NULLABLE_NUMBER}),
    "EntryInput": {**_obj({
        "metric": {"type": "string", "pattern": r"^(manual\.)?[a-z][a-z0-9_]{0,63}$",
                   "description": "Stored as manual.<name>"},
        "day": DAY,
        "value": {"type": "number", "minimum": -MAX_ABS_VALUE, "maximum": MAX_ABS_VALUE},
        "dimension": {"type": "string", "maxLength": MAX_DIMENSION, "pattern": r"^[^\u0000-\u001f]*$"},
    }, ["metric", "day", "value"]), "additionalProperties": False},
    "Entry": _obj({"entry": _obj({"id": {"type": "integer"}, "metric": {"type": "string"},
                                  "source": {"type": "string", "enum": ["manual"]},
                                  "dimension": {"type": "string"}, "day": DAY, "value": {"type": "number"}})}),
    "SyncRun": _obj({"id": {"type": "integer"}, "source": {"type": "string"}, "trigger": {"type": "string"},
                     "status": {"type": "string"}, "started_at": TIMESTAMP,
                     "finished_at": {**TIMESTAMP, "nullable": True}, "window_start": {**DAY, "nullable": True},
                     "window_end": {**DAY, "nullable": True}, "rows_written": {"type": "integer"},
                     "error": {"type": "string", "nullable": True}}),
    "Job": _obj({"job": _obj({
        "id": {"type": "string"}, "source": {"type": "string"}, "trigger": {"type": "string"},
        "status": {"type": "string", "enum": ["queued", "running", "ok", "failed", "deferred", "skipped"]},
        "rows": {"type": "integer"}, "message": {"type": "string", "nullable": True}, "created_at": TIMESTAMP,
        "started_at": {**TIMESTAMP, "nullable": True}, "finished_at": {**TIMESTAMP, "nullable": True},
        "url": {"type": "string"}})}),
}

PATHS = {
    "/metrics": {"get": _operation(
        "The user's metric catalog: declared by their sources, plus everything stored (incl. manual)",
        {200: ("Catalog", _obj({"metrics": {"type": "array", "items": _ref("Metric")}}))}, ())},
    "/metrics/{key}/series": {"get": _operation(
        f"Daily values (up to {MAX_DAILY_DAYS} days) or intraday samples (up to {MAX_INTRADAY_DAYS} days)",
        {200: ("Series", _ref("Series"))}, (400, 404), [KEY, START, END, DIMENSION])},
    "/metrics/{key}/aggregate": {"get": _operation(
        "min, max, mean, median and count per local day, week (Monday first) or month; default the last year",
        {200: ("Aggregates", _ref("Aggregate"))}, (400, 404),
        [KEY, _query("period", {"type": "string", "enum": list(PERIODS)}, "Default week"), START, END,
         DIMENSION])},
    "/metrics/{key}/trend": {"get": _operation(
        "The last N days up to today against the N days before, with the metric's own aggregation",
        {200: ("Trend", _ref("Trend"))}, (400, 404),
        [KEY, _query("days", {"type": "integer", "minimum": 1, "maximum": MAX_TREND_DAYS}, "Default 7"),
         DIMENSION])},
    "/entries": {"post": _operation(
        "Record a manual value (source 'manual'); the same metric, dimension and day is overwritten",
        {200: ("Updated", _ref("Entry")), 201: ("Created", _ref("Entry"))}, (400, 403, 422),
        requestBody={"required": True, "content": {"application/json": {"schema": _ref("EntryInput")}}})},
    "/entries/{entry_id}": {"delete": _operation(
        "Delete one manual value", {204: ("Deleted", None)}, (403, 404),
        [_path("entry_id", {"type": "integer", "minimum": 1}, "Entry id")])},
    "/sync-runs": {"get": _operation(
        "The user's syncs, newest first", {200: ("Sync runs", _obj({"sync_runs": {
            "type": "array", "items": _ref("SyncRun")}}))}, (400,),
        [_query("source", {"type": "string", "enum": sorted(SOURCES)}, "Only this source"),
         _query("limit", {"type": "integer", "minimum": 1, "maximum": 500}, "Default 50")])},
    "/integrations/{source}/sync": {"post": _operation(
        "Start a background sync (202, or 200 with the job already queued or running); poll the job's url",
        {200: ("Already running", _ref("Job")), 202: ("Started", _ref("Job"))}, (403, 404, 409),
        [_path("source", {"type": "string", "maxLength": 32}, "Source key, e.g. oura")])},
    "/jobs/{job_id}": {"get": _operation(
        "A background sync job", {200: ("Job", _ref("Job"))}, (404,),
        [_path("job_id", {"type": "string", "maxLength": 64}, "Job id")])},
    "/export": {"get": _operation(
        "Everything stored for the user (no credentials), streamed: json, or csv = a ZIP of one CSV per table",
        {200: ("The export file", None)}, (400,),
        [_query("format", {"type": "string", "enum": ["json", "csv"]}, "Default json")])},
    "/openapi.json": {"get": {"summary": "This document", "security": [],
                              "responses": {"200": {"description": "OpenAPI 3 document"}}}},
}

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "Personal Health Dashboard API", "version": "1",
             "description": "The signed-in user's own data. Authenticate with a personal API token from the "
                            "account page (Authorization: Bearer phd_...) or the session cookie; session "
                            "calls that change something send the page's CSRF token as X-CSRFToken. Errors are "
                            '{"error": {"code": <HTTP status>, "message": "...", "parameter": "..."}}.'},
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearerAuth": []}, {"cookieAuth": []}],
    "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"},
                                       "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session"}},
                   "schemas": SCHEMAS},
    "paths": PATHS,
}


@bp.get("/openapi.json")
def openapi_document():
    """This API's OpenAPI 3 document (public: it describes, it holds no data)."""
    return jsonify(DOCUMENT)
