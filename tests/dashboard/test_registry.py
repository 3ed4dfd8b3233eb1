import pytest
from django.contrib.auth.models import AnonymousUser

from dashboard import registry, search
from dashboard.search import SearchResult, register_search, search_all
from tests.factories import UserFactory


@pytest.fixture
def clean_registries():
    saved = dict(registry._modules), dict(registry._widgets), dict(search._providers)
    yield
    for live, copy in zip((registry._modules, registry._widgets, search._providers), saved, strict=True):
        live.clear()
        live.update(copy)


def test_a_slot_never_replaces_a_registered_module(clean_registries):
    registry.register_module("crm", label="CRM", icon="people", url_name="dashboard:home", order=10)
    registry.declare_slot("crm", label="CRM", icon="people", order=10)
    [crm] = [m for m in registry.modules_for(AnonymousUser()) if m.key == "crm"]
    assert crm.available and crm.url == "/"


def test_register_module_replaces_the_slot_and_marks_the_active_one(clean_registries):
    registry.register_module(
        "planning", label="Planning", icon="calendar3", url_name="dashboard:search", order=30
    )
    modules = {m.key: m for m in registry.modules_for(AnonymousUser(), current_namespace="dashboard")}
    assert modules["planning"].url == "/search/" and modules["planning"].active
    assert modules["streaming"].url is None and not modules["streaming"].active


def test_invisible_or_broken_modules_are_left_out(clean_registries):
    def broken(user):
        raise RuntimeError("boom")

    registry.register_module("secret", label="S", icon="x", url_name=None, visible=lambda u: False)
    registry.register_module("broken", label="B", icon="x", url_name=None, visible=broken)
    keys = [m.key for m in registry.modules_for(AnonymousUser())]
    assert "secret" not in keys and "broken" not in keys


@pytest.mark.django_db
def test_search_all_groups_by_provider_and_skips_failing_and_empty_ones(clean_registries):
    def people(user, query, limit):
        return [SearchResult(title=f"{query} {i}", url=f"/p/{i}/") for i in range(10)]

    def broken(user, query, limit):
        raise RuntimeError("index down")

    register_search("people", label="People", search=people)
    register_search("broken", label="Broken", search=broken)
    register_search("empty", label="Empty", search=lambda user, query, limit: [])
    groups = {g.key: g for g in search_all(UserFactory(), " ab ", limit_per_provider=3)}
    assert [r.title for r in groups["people"].results] == ["ab 0", "ab 1", "ab 2"]
    assert "broken" not in groups and "empty" not in groups


def test_search_all_needs_two_characters_and_a_user(clean_registries):
    register_search("people", label="People", search=lambda user, query, limit: [SearchResult("x", "/")])
    assert search_all(AnonymousUser(), "abc") == []
