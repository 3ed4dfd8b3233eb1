"""The shell in Debian's Chromium, served by daphne: strict CSP holds, the live socket connects, keyboard
shortcuts, toasts (MS.toast, htmx errors, live notifications), the unread count in the title, the phone menu."""

import re

import pytest
from playwright.sync_api import expect

from tests.harness.browser import in_thread, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_console(page) -> list[str]:
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    return messages


def csp_violations(messages: list[str]) -> list[str]:
    return [m for m in messages if "Content Security Policy" in m or m.startswith("pageerror")]


def test_shell_keyboard_toasts_and_live_updates(signed_in_page, make_user):
    from notifications.services import notify

    user = make_user("Producer", first_name="Paula", last_name="Prod")
    page = signed_in_page(user)
    console = watch_console(page)
    page.goto("/")

    expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")
    search = page.locator("#global-search")
    page.keyboard.press("/")
    expect(search).to_be_focused()
    page.keyboard.press("Escape")
    expect(search).not_to_be_focused()
    page.keyboard.press("Control+k")
    expect(search).to_be_focused()
    search.type("zzqq", delay=20)
    expect(page.locator("#search-results")).to_contain_text("zzqq")
    page.keyboard.press("Escape")
    expect(page.locator("#search-results")).to_be_hidden()

    page.evaluate("MS.toast('Saved from a test', 'success')")
    expect(page.locator("#toasts .toast.show.toast-success", has_text="Saved from a test")).to_be_visible()
    page.evaluate("htmx.ajax('GET', '/no/such/page/', {target: '#search-results', swap: 'none'})")
    expect(page.locator("#toasts .toast.toast-error")).to_be_visible()

    in_thread(notify, recipient=user, verb="Your release is live", level="success")
    expect(page.locator("#notif-count")).to_have_text("1")
    expect(page.locator("#notif-count")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^\(1\) "))
    expect(page.locator("#toasts .toast.show", has_text="Your release is live")).to_be_visible()
    screenshot(page, "frontend-shell-1366", full_page=False)

    assert csp_violations(console) == []


def test_bell_user_menu_and_confirm(signed_in_page, make_user):
    page = signed_in_page(make_user("Viewer"))
    console = watch_console(page)
    page.goto("/")

    page.locator(".notif-bell > button").click()
    expect(page.locator("#notif-dropdown .notif-loading")).to_have_count(0)  # lazily loaded on open
    page.keyboard.press("Escape")
    page.locator(".user-menu-toggle").click()
    expect(page.locator(".user-menu .dropdown-menu")).to_be_visible()
    expect(page.locator(".user-menu form[action='/accounts/logout/'] button")).to_be_visible()

    # data-confirm: a dismissed confirm() keeps the form from being sent
    page.evaluate(
        """() => {
          const form = document.createElement('form');
          form.method = 'get'; form.action = '/notifications/'; form.id = 'confirm-test';
          form.setAttribute('data-confirm', 'Really?');
          const button = document.createElement('button'); button.type = 'submit'; button.textContent = 'Go';
          form.appendChild(button); document.getElementById('main').appendChild(form);
        }"""
    )
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.locator("#confirm-test button").click()
    page.wait_for_function("document.getElementById('confirm-test') !== null")
    assert asked == ["Really?"]
    assert page.url.endswith("/")

    assert csp_violations(console) == []


def test_phone_sidebar_is_an_offcanvas(signed_in_page, make_user):
    page = signed_in_page(
        make_user("Viewer"), viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    console = watch_console(page)
    page.goto("/")

    sidebar = page.locator("#sidebar")
    expect(sidebar).not_to_be_visible()
    expect(page.locator("#global-search")).to_be_visible()
    page.locator(".sidebar-toggle").click()
    expect(sidebar).to_be_visible()
    expect(sidebar.locator(".sidebar-user")).to_be_visible()
    screenshot(page, "frontend-shell-390-menu", full_page=False)
    sidebar.locator("[data-bs-dismiss='offcanvas']").click()
    expect(sidebar).not_to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows sideways

    assert csp_violations(console) == []
