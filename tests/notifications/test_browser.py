"""The live path in Debian's Chromium: daphne + Redis channel layer + htmx-ext-ws, two tabs of one person."""

import pytest
from playwright.sync_api import expect

from notifications.services import notify
from tests.harness.browser import in_thread, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_notification_reaches_every_open_tab_and_reading_it_clears_them_all(signed_in_page, make_user):
    user = make_user("Producer", first_name="Paula")
    first, second = signed_in_page(user), signed_in_page(user)
    for page in (first, second):
        page.goto("/")
        expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")

    in_thread(notify, recipient=user, verb="Contract ready for the Lyon show", url="/notifications/")

    for page in (first, second):
        expect(page.locator("#toasts .toast")).to_contain_text("Contract ready for the Lyon show")
        expect(page.locator("#notif-count")).to_have_text("1")
        expect(page.locator("#notif-count")).to_be_visible()

    first.locator(".notif-bell [data-bs-toggle=dropdown]").click()
    expect(first.locator("#notif-dropdown-list .notif-item")).to_have_count(1)
    screenshot(first, "notifications-bell-live", full_page=False)

    first.locator(".notif-mark-all").click()
    for page in (first, second):
        expect(page.locator("#notif-count")).to_be_hidden()


def test_notifications_page_marks_one_read(signed_in_page, make_user):
    user = make_user("Viewer")
    for verb in ("Rehearsal moved to 4 pm", "New sponsor brief"):
        in_thread(notify, recipient=user, verb=verb)
    page = signed_in_page(user)
    page.goto("/notifications/")
    expect(page.locator(".notif-row.is-unread")).to_have_count(2)
    screenshot(page, "notifications-list")
    page.locator(".notif-row-action button").first.click()
    expect(page.locator(".notif-row.is-unread")).to_have_count(1)
    expect(page.locator("#notif-count")).to_have_text("1")


def test_global_search_finds_my_notifications(signed_in_page, make_user):
    user = make_user("Viewer")
    in_thread(notify, recipient=user, verb="Invoice for the Lyon concert", url="/notifications/")
    page = signed_in_page(user)
    page.goto("/")
    page.locator("#global-search").fill("lyon")
    expect(page.locator("#search-results #search-group-notifications")).to_contain_text(
        "Invoice for the Lyon concert"
    )
    screenshot(page, "search-dropdown", full_page=False)


def test_manager_sends_an_announcement(signed_in_page, make_user):
    manager, producer = make_user("Manager"), make_user("Producer")
    page = signed_in_page(manager)
    page.goto("/notifications/announce/")
    page.locator("input[name=roles][value=Producer]").check()
    page.locator("textarea[name=message]").fill("Studio closed on Friday")
    screenshot(page, "announcement-form")
    page.locator("#announcement-form [type=submit]").click()
    expect(page.locator("#toasts .toast")).to_contain_text("Announcement sent to 1 person.")
    assert producer.notifications.filter(verb="Studio closed on Friday").exists()
