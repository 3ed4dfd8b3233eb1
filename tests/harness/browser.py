"""Helpers for Playwright tests: sign in through the form or by cookie, screenshots, Django work off the loop."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from playwright.sync_api import Browser, BrowserContext, Page

from tests.harness.processes import ROOT
from tests.harness.sessions import session_cookie

SCREENSHOTS = ROOT / "test-results" / "screenshots"
SIGN_IN_PAGES = re.compile(r"/accounts/(login|2fa/authenticate)/")
T = TypeVar("T")


def _password_default() -> str:
    from tests.factories import DEFAULT_PASSWORD

    return DEFAULT_PASSWORD


def login(page: Page, user, password: str | None = None, totp_secret: str | None = None) -> None:
    """Sign in through the real login form (/accounts/login/: `login`, `password`), then the 2FA code page when
    the account has TOTP on. `user` is a User or an e-mail address; `totp_secret` defaults to `user.totp_secret`
    (set by the `make_user` fixture for Admins and Managers). Returns once the browser left the login pages."""
    from tests.conftest import totp_code

    email = user if isinstance(user, str) else user.email
    totp_secret = totp_secret or getattr(user, "totp_secret", None)
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password or _password_default())
    page.locator("form:has(input[name=password]) [type=submit]").first.click()
    page.wait_for_load_state()
    code = page.locator("input[name=code]")
    if totp_secret and code.count():
        code.fill(totp_code(totp_secret))
        page.locator("form:has(input[name=code]) [type=submit]").first.click()
        page.wait_for_load_state()
    page.wait_for_url(lambda url: not SIGN_IN_PAGES.search(url), timeout=15_000)


def signed_in_context(browser: Browser, user, **context_args: Any) -> BrowserContext:
    """A new browser context already signed in as `user` (a session made with Client.force_login, with the
    password and, when on, TOTP steps recorded). `context_args` go to `browser.new_context` and must include
    `base_url` (take the `browser_context_args` fixture). The session must be committed: use transactional_db."""
    base_url = context_args["base_url"]
    cookie = session_cookie(user)
    context = browser.new_context(**context_args)
    context.add_cookies([{**cookie, "url": base_url, "httpOnly": True, "sameSite": "Lax"}])
    return context


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save test-results/screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def in_thread(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run `function` in a fresh thread and return its result (or raise its error).

    Playwright's sync API keeps an asyncio loop marked as running in the test's thread, and asgiref refuses
    `async_to_sync` there: anything that publishes live messages (`core.live.publish`, `notify`, a service that
    sends on commit) must run through this in a browser test. The thread has its own database connection, so
    it sees only committed rows (browser tests use transactional_db anyway)."""
    from django.db import connections

    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as exc:  # re-raised in the caller
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=target, name="harness-in-thread")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@contextmanager
def page_opener(browser, context_args: dict):
    """``open(user, **overrides) -> Page``: each call opens a new context signed in as ``user`` (no form),
    with ``context_args`` (base URL of the server, viewport…) and the overrides; all closed on exit."""
    contexts = []

    def _open(user, **overrides):
        context = signed_in_context(browser, user, **{**context_args, **overrides})
        contexts.append(context)
        return context.new_page()

    try:
        yield _open
    finally:
        for context in contexts:
            context.close()
