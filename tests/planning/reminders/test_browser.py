"""A reminder due now reaches the person's open page as a toast (daphne + Redis + Chromium), and the settings
page on a desktop and a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from planning.models import ReminderSettings
from planning.services.reminders import reminders_send_due
from tests.harness.browser import in_thread, screenshot
from tests.planning.factories import TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_reminder_due_now_pops_up_on_the_open_page(signed_in_page, make_user):
    user = make_user("Producer", first_name="Paula")
    ReminderSettings.objects.create(user=user, lead_minutes=[60])
    TaskFactory(title="Shoot teaser", due_at=timezone.now() + timedelta(minutes=30), assignees=[user])
    page = signed_in_page(user)
    page.goto("/planning/reminders/")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")

    assert in_thread(reminders_send_due) == 1

    expect(page.locator("#toasts .toast")).to_contain_text("“Shoot teaser” is due in 30 minutes")
    screenshot(page, "planning-reminder-toast", full_page=False)
    expect(page.locator("#notif-count")).to_have_text("1")
    assert in_thread(reminders_send_due) == 0  # the next minute: nothing twice


def test_reminder_settings_page_on_desktop_and_phone(signed_in_page, make_user):
    user = make_user("Viewer")
    page = signed_in_page(user)
    page.goto("/planning/reminders/")
    page.get_by_label("10 minutes").check()
    page.get_by_label("1 day").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#reminder-form [role=status]")).to_contain_text("Saved.")
    assert sorted(ReminderSettings.objects.get(user=user).lead_minutes) == [10, 60]
    screenshot(page, "planning-reminder-settings")

    phone = signed_in_page(user, viewport=PHONE)
    phone.goto("/planning/reminders/")
    expect(phone.locator("#reminder-form")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "planning-reminder-settings-phone")
