"""Smoke test in Debian's Chromium: a Producer signs in through the form and sees the dashboard."""

from urllib.parse import urlsplit

import pytest

from tests.harness.browser import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_producer_signs_in_and_sees_the_dashboard(page, make_user):
    user = make_user("Producer", first_name="Paula", last_name="Prod")

    login(page, user)

    assert urlsplit(page.url).path == "/"  # dashboard:home
    assert page.locator("#notif-count").count() == 1  # the shell's bell
    screenshot(page, "smoke-dashboard-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    screenshot(page, "smoke-dashboard-390")


def test_signed_in_page_opens_the_dashboard_without_the_form(signed_in_page, make_user):
    page = signed_in_page(make_user("Viewer"))

    response = page.goto("/")

    assert response is not None and response.status == 200
    assert "/accounts/login/" not in page.url
