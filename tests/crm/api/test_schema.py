"""The CRM's part of /api/docs/: it builds without a warning, and every endpoint documents its request and
response bodies and its errors."""

import pytest
from django.urls import include, path, reverse
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

WRITES = ("post", "put", "patch")


@pytest.fixture(scope="module")
def crm_schema():
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/crm/", include("crm.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    problems = dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    return schema, problems


def test_the_crm_schema_builds_valid_and_without_warnings(crm_schema):
    schema, problems = crm_schema
    assert problems == {}
    validate_schema(schema)


def test_every_operation_is_documented(crm_schema):
    schema, _ = crm_schema
    paths = schema["paths"]
    assert len(paths) >= 26
    for route, operations in paths.items():
        for method, operation in operations.items():
            where = f"{method.upper()} {route}"
            assert operation.get("summary"), where
            assert operation["tags"][0].startswith("crm"), where
            codes = set(operation["responses"])
            assert codes & {"200", "201", "204"}, where
            assert {"401", "403"} <= codes, where
            if method in WRITES:
                assert "requestBody" in operation, where
                assert "400" in codes, where
            if "{id}" in route:
                assert "404" in codes, where


def test_the_move_action_is_documented(crm_schema):
    schema, _ = crm_schema
    operation = schema["paths"]["/api/crm/deals/{id}/move/"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "404", "409"}
    body = schema["components"]["schemas"]["DealMoveRequest"]
    assert set(body["properties"]) == {"stage", "after", "before", "lost_reason"}
    assert body["required"] == ["stage"]


def test_list_filters_are_documented(crm_schema):
    schema, _ = crm_schema
    names = {p["name"] for p in schema["paths"]["/api/crm/artists/"]["get"]["parameters"]}
    assert {
        "q",
        "status",
        "genre",
        "tag",
        "manager",
        "country",
        "score_min",
        "score_max",
        "ordering",
        "page",
    } <= names
    names = {p["name"] for p in schema["paths"]["/api/crm/deals/"]["get"]["parameters"]}
    assert {"pipeline", "stage", "outcome", "owner", "value_min", "value_max", "artist", "sponsor"} <= names


@pytest.mark.django_db
def test_the_api_index_lists_the_crm_endpoints(client, make_user):
    client.force_login(make_user("Viewer"))
    body = client.get(reverse("api-root")).json()
    for name in (
        "artist",
        "sponsor",
        "contact",
        "deal",
        "pipeline",
        "stage",
        "campaign",
        "interaction",
        "tag",
    ):
        assert body[f"crm-api:{name}-list"].endswith(f"/api/crm/{name}s/"), name
