"""The OpenAPI document is true: every /api/v1 route is in it and vice versa, and fuzzing it finds no 500."""
from __future__ import annotations

import re
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.blueprints.api.entries import FIELDS
from app.blueprints.api.openapi import DOCUMENT
from tests.api.conftest import bearer, store_daily

PREFIX = "/api/v1"
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _routes(app) -> set[tuple[str, str]]:
    """(method, OpenAPI-style path) of every /api/v1 route Flask serves."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len(PREFIX):])
            routes |= {(method, path) for method in rule.methods - IGNORED_METHODS}
    return routes


def _documented() -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, operations in DOCUMENT["paths"].items() for method in operations}


def test_every_api_route_is_documented_and_every_documented_route_exists(app):
    assert DOCUMENT["servers"] == [{"url": PREFIX}]
    assert _routes(app) == _documented()


def test_documented_path_parameters_match_the_routes():
    for path, operations in DOCUMENT["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for operation in operations.values():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, path


def test_the_entry_schema_lists_exactly_the_accepted_fields():
    assert set(DOCUMENT["components"]["schemas"]["EntryInput"]["properties"]) == set(FIELDS)


def test_the_served_document_is_the_documented_one(client):
    assert client.get("/api/v1/openapi.json").get_json() == DOCUMENT


@pytest.fixture
def fuzz_token(app, user, token):
    """Alice's token, with a little data so some generated requests find something."""
    store_daily(app, user, "manual.mood", {date(2026, 1, 1): 3.0, date(2026, 1, 8): 4.0})
    return token


FUZZ = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_fuzzing_the_api_from_its_own_document_finds_no_server_error(app, fuzz_token):
    # Driven by hand rather than @schema.parametrize: the lazy pytest loader of schemathesis 4.32
    # reads a node attribute that pytest 9 no longer has.
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    # schemathesis leaves out the document's own endpoint
    assert {op.label for op in operations} == {f"{m} {p}" for m, p in _documented()} - {"GET /openapi.json"}
    for operation in operations:
        @FUZZ
        @given(case=operation.as_strategy())
        def valid(case):
            case.call_and_validate(headers=bearer(fuzz_token), checks=CHECKS)

        @FUZZ
        @given(case=operation.as_strategy(GenerationMode.NEGATIVE))
        def invalid(case):
            case.call_and_validate(headers=bearer(fuzz_token), checks=[not_a_server_error])

        valid()
        invalid()
