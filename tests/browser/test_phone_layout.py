"""Every signed-in page fits a phone: nothing makes the whole page scroll sideways (wide tables scroll inside
their own box), and the header's buttons stay on screen."""

import pytest
from django.urls import reverse

from tests.harness.browser import screenshot
from tests.notifications.factories import NotificationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PAGES = [
    "dashboard:home",
    "notifications:list",
    "notifications:preferences",
    "notifications:announce",
    "accounts:profile",
    "accounts:team",
    "audit:list",
    "mfa_index",
    "account_change_password",
]


def test_no_page_scrolls_sideways_on_a_phone(signed_in_page, make_user):
    admin = make_user("Admin", is_staff=True, first_name="Maximilienne", last_name="de La Tour-Aubervilliers")
    NotificationFactory.create_batch(3, recipient=admin, verb="Un message assez long pour remplir une ligne entière.")
    page = signed_in_page(admin, viewport=PHONE)

    for name in PAGES:
        response = page.goto(reverse(name))
        assert response is not None and response.status == 200, name
        scroll, client = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll <= client, f"{name}: the page is {scroll}px wide on a {client}px screen"
        for button in page.locator(".page-actions .btn").all():
            box = button.bounding_box()
            assert box is not None and box["x"] + box["width"] <= client, f"{name}: a header button is off screen"
    screenshot(page, "phone-change-password-390")
