"""Error pages: friendly, translatable, a way back, strict-CSP clean; 500 renders without request or database."""

import pytest
from django.core.exceptions import SuspiciousOperation
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.views.defaults import bad_request, server_error

from tests.frontend.markup import csp_nonce, csp_problems, parse

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.frontend.urls")]


def assert_friendly(response, status: int, heading: str) -> None:
    assert response.status_code == status
    html = response.content.decode()
    assert heading in html
    markup = parse(html)
    assert csp_problems(markup, csp_nonce(response.headers.get("Content-Security-Policy", ""))) == []
    assert any(a.attrs.get("href") in ("/", reverse("dashboard:home")) for a in markup.all("a")), "a way back"


def test_404_for_a_missing_url(client, settings):
    assert settings.DEBUG is False

    response = client.get("/this/page/does/not/exist/")

    assert_friendly(response, 404, "We can’t find that page")
    assert "404.html" in [t.name for t in response.templates]


def test_404_for_a_signed_in_user(client, make_user):
    client.force_login(make_user("Viewer"))

    response = client.get("/nothing-here/")

    assert_friendly(response, 404, "We can’t find that page")


def test_403_when_a_view_denies(client, make_user):
    client.force_login(make_user("Viewer"))

    response = client.get("/__frontend__/forbidden/")

    assert_friendly(response, 403, "You don’t have access to this")


def test_400_for_a_bad_host(client):
    response = client.get("/", HTTP_HOST="not-allowed.example")

    assert_friendly(response, 400, "We couldn’t understand that request")


def test_400_and_500_render_without_a_request(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        bad = bad_request(rf.get("/"), SuspiciousOperation("x"))
        error = server_error(rf.get("/"))

    assert bad.status_code == 400 and "We couldn’t understand that request" in bad.content.decode()
    assert error.status_code == 500 and "Something went wrong on our side" in error.content.decode()


def test_500_template_renders_standalone_with_no_scripts(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = get_template("500.html").render()

    markup = parse(html)
    assert markup.all("script") == []
    assert csp_problems(markup, None) == []
    assert any(a.attrs.get("href") == "/" for a in markup.all("a"))
    assert "/static/css/app.css" in html


def test_500_from_a_crashing_view(client):
    client.raise_request_exception = False

    response = client.get("/__frontend__/boom/")

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_429_page(client):
    response = client.get("/__frontend__/error/429/")

    assert_friendly(response, 429, "Slow down a little")


def test_csrf_failure_page():
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")

    response = client.post(reverse("account_login"), {"login": "a@b.test", "password": "x"})

    assert_friendly(response, 403, "This form has expired")
    assert "csrf_failure.html" in [t.name for t in response.templates]
    assert response["X-CSRF-Failure"] == "1"  # app.js tells an expired form from a refusal by it


def test_error_pages_are_translated():
    with translation.override("fr"):
        html = get_template("404.html").render()
    with translation.override("en"):
        english = get_template("404.html").render()

    assert '<html lang="fr">' in html
    assert '<html lang="en">' in english
