import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation
from django.views.i18n import JavaScriptCatalog

from core import js_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    js_catalog.clear_cache()
    yield
    js_catalog.clear_cache()


def _django_catalog(language: str):
    with translation.override(language):
        return JavaScriptCatalog.as_view()(RequestFactory().get("/jsi18n/"))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_js_catalog_sends_djangos_catalog_with_an_etag(client, language):
    client.cookies["django_language"] = language

    response = client.get(reverse("javascript-catalog"))

    assert response.status_code == 200
    django = _django_catalog(language)
    assert response.content == django.content
    assert response["Content-Type"] == django["Content-Type"]
    assert response["ETag"].startswith(f'"{language}-')


def test_js_catalog_revalidation_gets_a_304_without_a_body(client, django_assert_num_queries):
    etag = client.get(reverse("javascript-catalog"))["ETag"]

    with django_assert_num_queries(0):
        response = client.get(reverse("javascript-catalog"), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_js_catalog_etag_changes_with_the_language(client):
    french = client.get(reverse("javascript-catalog"))["ETag"]
    client.cookies["django_language"] = "en"

    response = client.get(reverse("javascript-catalog"), HTTP_IF_NONE_MATCH=french)

    assert response.status_code == 200
    assert response["ETag"] != french
    assert response.content == _django_catalog("en").content


def test_js_catalog_cache_is_emptied_when_settings_change(client):
    client.get(reverse("javascript-catalog"))
    assert js_catalog._catalogs

    with override_settings(LANGUAGE_CODE="en"):
        assert not js_catalog._catalogs
