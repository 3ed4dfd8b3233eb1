"""Cookies altered in the browser: a tampered session cookie means "signed out" (the sign-in page, never a 500),
and a tampered CSRF cookie costs one friendly 403 at most, after which signing in works."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD
from tests.harness.browser import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAMPERINGS = {
    "one-character-changed": lambda key: key[:-1] + ("a" if key[-1] != "a" else "b"),
    "truncated": lambda key: key[:12],
    "random-text": lambda key: "not-a-session-at-all",
    "sql-and-path": lambda key: "x'%20OR%20'1'='1--/../../etc/passwd",
    "oversized": lambda key: key * 100,  # 3,200 characters: still a cookie the browser keeps (< 4 KB)
}


def watch_server_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    return errors


def set_cookie(context, base_url: str, name: str, value: str) -> None:
    context.clear_cookies(name=name)
    context.add_cookies(
        [{"name": name, "value": value, "url": base_url, "httpOnly": True, "sameSite": "Lax"}]
    )


@pytest.mark.parametrize("tampering", TAMPERINGS, ids=list(TAMPERINGS))
def test_a_tampered_session_cookie_means_signed_out(fault_page, fault_context_args, make_user, tampering):
    user = make_user("Producer", first_name="Paula")
    page = fault_page(user)
    errors = watch_server_errors(page)
    assert page.goto("/notifications/").status == 200
    [cookie] = [c for c in page.context.cookies() if c["name"] == "sessionid"]

    set_cookie(
        page.context, fault_context_args["base_url"], "sessionid", TAMPERINGS[tampering](cookie["value"])
    )
    response = page.goto("/notifications/")

    assert response is not None and response.status == 200
    url = urlsplit(page.url)
    assert url.path == "/accounts/login/"
    assert parse_qs(url.query) == {"next": ["/notifications/"]}
    expect(page.locator("input[name=login]")).to_be_visible()
    expect(page.locator(".user-menu")).to_have_count(0)
    if tampering == "one-character-changed":
        screenshot(page, "faults-tampered-session-cookie")

    # signing in again, on that page, works and goes back where the person was going
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()
    assert urlsplit(page.url).path == "/notifications/"
    expect(page.locator(".user-menu-name")).to_have_text("Paula")
    assert errors == []


def test_a_tampered_csrf_cookie_costs_one_friendly_403_at_most(
    browser, fault_context_args, make_user, transactional_db
):
    user = make_user("Viewer", first_name="Victor")
    base_url = fault_context_args["base_url"]
    context = browser.new_context(**fault_context_args)
    try:
        page = context.new_page()
        errors = watch_server_errors(page)

        # a malformed cookie before the sign-in page: the page hands out a fresh one, signing in just works
        set_cookie(context, base_url, "csrftoken", "tampered!")
        login(page, user)
        assert urlsplit(page.url).path == "/"
        page.locator(".user-menu-toggle").click()
        with page.expect_navigation():
            page.locator(".user-menu form[action='/accounts/logout/'] button").click()

        # a well-formed but different cookie under an open sign-in form: the friendly 403 page, no 500
        page.goto("/accounts/login/")
        page.fill("input[name=login]", user.email)
        page.fill("input[name=password]", DEFAULT_PASSWORD)
        set_cookie(context, base_url, "csrftoken", "A" * 32)
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.locator("form:has(input[name=password]) [type=submit]").click()
        assert posted.value.status == 403
        expect(page.locator("body")).to_contain_text("This form has expired")
        screenshot(page, "faults-tampered-csrf-cookie-login")

        # as the page says: reload the form and send it again
        login(page, user)
        assert urlsplit(page.url).path == "/"

        # the same under an htmx form (profile): a 403 the page reports in a toast, nothing saved
        page.goto("/accounts/profile/")
        page.fill("input[name=job_title]", "Head of tampering")
        set_cookie(context, base_url, "csrftoken", "B" * 32)
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.locator("#profile-form [type=submit]").click()
        assert posted.value.status == 403
        error_toast = page.locator("#toasts .toast.toast-error.show:not(.showing)")
        expect(error_toast).to_be_visible()
        expect(error_toast).to_have_css("opacity", "1")  # faded in, for the picture
        screenshot(page, "faults-tampered-csrf-cookie-htmx", full_page=False)
        user.refresh_from_db()
        assert user.job_title != "Head of tampering"

        page.goto("/accounts/profile/")
        page.fill("input[name=job_title]", "Head of tampering")
        page.locator("#profile-form [type=submit]").click()
        expect(page.locator("#toasts .toast")).to_contain_text("Your profile has been saved.")
        user.refresh_from_db()
        assert user.job_title == "Head of tampering"
        assert errors == []
    finally:
        context.close()
