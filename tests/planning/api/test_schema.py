"""Planning's part of /api/docs/: it builds without a warning, and every endpoint documents its bodies and
errors."""

import pytest
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

WRITES = ("post", "put", "patch")


@pytest.fixture(scope="module")
def planning_schema():
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/planning/", include("planning.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    problems = dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    return schema, problems


def test_the_planning_schema_builds_valid_and_without_warnings(planning_schema):
    schema, problems = planning_schema
    assert problems == {}
    validate_schema(schema)


def test_every_operation_is_documented(planning_schema):
    schema, _ = planning_schema
    paths = schema["paths"]
    assert {
        "/api/planning/boards/",
        "/api/planning/boards/{id}/members/",
        "/api/planning/boards/{id}/members/{user_id}/",
        "/api/planning/boards/{id}/reorder-columns/",
        "/api/planning/columns/{id}/",
        "/api/planning/tasks/{id}/move/",
        "/api/planning/events/occurrences/",
        "/api/planning/events/{id}/move/",
        "/api/planning/calendar/",
    } <= set(paths)
    for route, operations in paths.items():
        for method, operation in operations.items():
            where = f"{method.upper()} {route}"
            assert operation.get("summary"), where
            assert operation["tags"][0].startswith("planning"), where
            codes = set(operation["responses"])
            assert codes & {"200", "201", "204"}, where
            assert {"401", "403"} <= codes, where
            if method in WRITES and not route.endswith("/members/{user_id}/"):
                assert "requestBody" in operation, where
                assert "400" in codes, where
            if "{id}" in route:
                assert "404" in codes, where


def test_the_move_and_filters_are_documented(planning_schema):
    schema, _ = planning_schema
    operation = schema["paths"]["/api/planning/tasks/{id}/move/"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "404", "409"}
    body = schema["components"]["schemas"]["TaskMoveRequest"]
    assert set(body["properties"]) == {"column", "after", "before"}
    names = {p["name"] for p in schema["paths"]["/api/planning/tasks/"]["get"]["parameters"]}
    assert {
        "board",
        "column",
        "assignee",
        "label",
        "priority",
        "due_before",
        "due_after",
        "overdue",
        "q",
    } <= names
