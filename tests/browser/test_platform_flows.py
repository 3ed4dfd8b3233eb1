"""End-to-end platform flows in Debian's Chromium against the real daphne, Redis and PostgreSQL: signing in with
two-factor (and setting it up on the way), switching the language, and a live toast sent from another session."""

import re
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from notifications.services import notify
from tests.conftest import totp_code
from tests.factories import DEFAULT_PASSWORD
from tests.harness.browser import in_thread, login, screenshot, signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def path_of(page) -> str:
    return urlsplit(page.url).path


def submit_password_form(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state()


def a_wrong_code(secret: str) -> str:
    """Six digits that no window TOTP accepts around now would produce (the code and its neighbours)."""
    valid = {totp_code(secret, offset) for offset in (-1, 0, 1)}
    return next(code for code in ("000000", "123456", "987654", "111111") if code not in valid)


# --- 1. signing in with two-factor ---------------------------------------------------------------------------


def test_manager_with_totp_signs_in_with_the_code_after_a_wrong_one(page, make_user):
    manager = make_user("Manager", first_name="Mona", last_name="Lisa")

    submit_password_form(page, manager.email)

    assert path_of(page) == "/accounts/2fa/authenticate/"
    code = page.locator("input[name=code]")
    expect(code).to_be_visible()
    code.fill(a_wrong_code(manager.totp_secret))
    page.locator("form:has(input[name=code]) [type=submit]").click()
    page.wait_for_load_state()
    assert path_of(page) == "/accounts/2fa/authenticate/"
    expect(page.locator(".ms-field-error")).to_contain_text("Incorrect code.")
    screenshot(page, "platform-2fa-wrong-code")

    page.locator("input[name=code]").fill(totp_code(manager.totp_secret))
    page.locator("form:has(input[name=code]) [type=submit]").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/")

    expect(page.locator(".app-title")).to_have_text("Dashboard")
    expect(page.locator(".user-menu-name")).to_have_text("Mona")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")


def test_manager_without_totp_sets_it_up_before_reaching_the_dashboard(page, make_user, has_totp):
    manager = make_user("Manager", totp=False)

    submit_password_form(page, manager.email)

    # the role requires two-factor: sent to set it up, which allauth guards with "confirm your password"
    # (a sign-in a second ago does not count as a reauthentication)
    assert path_of(page) == "/accounts/reauthenticate/"
    assert urlsplit(page.url).query == "next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    screenshot(page, "platform-2fa-setup-confirm-password")
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state()

    # the set-up page, with the QR code and the secret
    assert path_of(page) == "/accounts/2fa/totp/activate/"
    expect(page.locator("img.totp-qr")).to_be_visible()
    assert page.locator("img.totp-qr").get_attribute("src").startswith("data:image/svg+xml;base64,")
    expect(page.locator(".alert-warning")).to_contain_text("requires two-factor authentication")
    secret = page.locator("#authenticator_secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    screenshot(page, "platform-2fa-setup")

    # anywhere else sends them back here until it is done
    page.goto("/notifications/")
    assert path_of(page) == "/accounts/2fa/totp/activate/"
    secret = page.locator("#authenticator_secret").inner_text().strip()  # a new page may show a new secret

    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("form:has(input[name=code]) [type=submit]").click()
    page.wait_for_load_state()

    assert path_of(page) == "/accounts/2fa/recovery-codes/"
    codes = page.locator("#recovery_codes li code")
    expect(codes).to_have_count(10)
    assert all(re.fullmatch(r"[0-9a-z]{8}", text) for text in codes.all_inner_texts())
    screenshot(page, "platform-2fa-recovery-codes")
    assert has_totp(manager)
    assert Authenticator.objects.filter(user=manager, type=Authenticator.Type.RECOVERY_CODES).exists()

    page.get_by_role("link", name="Continue to the dashboard").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
    expect(page.locator(".app-title")).to_have_text("Dashboard")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")


# --- 2. the language, from the user menu -------------------------------------------------------------------


def choose_language(page, code: str) -> None:
    page.locator(".user-menu-toggle").click()
    button = page.locator(f".user-menu .language-switch button[value={code}]")
    expect(button).to_be_visible()
    with page.expect_navigation():
        button.click()


def test_language_switch_from_the_user_menu_is_saved_on_the_account(
    page, browser, browser_context_args, make_user
):
    viewer = make_user("Viewer", first_name="Victor")
    login(page, viewer)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".app-title")).to_have_text("Dashboard")

    choose_language(page, "fr")

    assert path_of(page) == "/"  # back on the page it was switched from
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator(".app-title")).to_have_text("Tableau de bord")
    page.locator(".user-menu-toggle").click()
    expect(page.locator(".user-menu .language-switch button[value=fr]")).to_have_attribute(
        "aria-pressed", "true"
    )
    screenshot(page, "platform-language-fr-menu", full_page=False)
    viewer.refresh_from_db()
    assert viewer.language == "fr"

    # signing out keeps French on the sign-in page (language cookie)...
    with page.expect_navigation():
        page.locator(".user-menu form[action='/accounts/logout/'] button").click()
    assert path_of(page) == "/accounts/login/"
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    # ...and a browser that never saw the switch (English Accept-Language, no cookie) gets French once signed in
    fresh = browser.new_context(**browser_context_args)
    try:
        other = fresh.new_page()
        other.goto("/accounts/login/")
        expect(other.locator("html")).to_have_attribute("lang", "en")
        login(other, viewer)
        assert path_of(other) == "/"
        expect(other.locator("html")).to_have_attribute("lang", "fr")
        expect(other.locator(".app-title")).to_have_text("Tableau de bord")
        screenshot(other, "platform-language-fr-dashboard")

        choose_language(other, "en")
        expect(other.locator("html")).to_have_attribute("lang", "en")
        expect(other.locator(".app-title")).to_have_text("Dashboard")
    finally:
        fresh.close()
    viewer.refresh_from_db()
    assert viewer.language == "en"


# --- 3. a live toast sent from another session --------------------------------------------------------------


def test_announcement_from_a_manager_reaches_the_open_dashboard_of_a_viewer(
    browser, browser_context_args, make_user
):
    manager = make_user("Manager", first_name="Mona")
    viewer = make_user("Viewer", first_name="Victor", last_name="Vue")
    for verb in ("Rehearsal moved to 4 pm", "New sponsor brief"):
        in_thread(notify, recipient=viewer, verb=verb)

    viewer_context = signed_in_context(browser, viewer, **browser_context_args)
    manager_context = signed_in_context(browser, manager, **browser_context_args)
    try:
        dashboard = viewer_context.new_page()
        dashboard.goto("/")
        second_tab = viewer_context.new_page()
        second_tab.goto("/notifications/")
        for tab in (dashboard, second_tab):
            expect(tab.locator("#live-status")).to_have_attribute("data-state", "connected")
            expect(tab.locator("#notif-count")).to_have_text("2")
        dashboard.evaluate("window.__notReloaded = true")

        announce = manager_context.new_page()
        announce.goto("/notifications/announce/")
        announce.select_option("select[name=recipients]", str(viewer.pk))
        announce.fill("textarea[name=message]", "Team meeting moved to Thursday 10:00")
        announce.locator("#announcement-form [type=submit]").click()
        expect(announce.locator("#toasts .toast")).to_contain_text("Announcement sent to 1 person.")

        toast = dashboard.locator(
            "#toasts .toast.show:not(.showing)", has_text="Team meeting moved to Thursday 10:00"
        )
        expect(toast).to_be_visible()
        expect(toast).to_have_css("opacity", "1")  # faded in, for the picture
        screenshot(dashboard, "platform-live-announcement-toast", full_page=False)
        for tab in (dashboard, second_tab):
            expect(tab.locator("#notif-count")).to_have_text("3")
        expect(dashboard).to_have_title(re.compile(r"^\(3\) "))
        assert dashboard.evaluate("window.__notReloaded") is True

        dashboard.locator(".notif-bell > button").click()
        items = dashboard.locator("#notif-dropdown-list .notif-item")
        expect(items).to_have_count(3)
        expect(items.first).to_contain_text("Team meeting moved to Thursday 10:00")
        dashboard.locator(".notif-mark-all").click()

        for tab in (dashboard, second_tab):
            expect(tab.locator("#notif-count")).to_be_hidden()
        expect(second_tab).not_to_have_title(re.compile(r"^\("))
        assert dashboard.evaluate("window.__notReloaded") is True
        screenshot(dashboard, "platform-live-all-read", full_page=False)
    finally:
        viewer_context.close()
        manager_context.close()
    assert not viewer.notifications.filter(read_at__isnull=True).exists()
