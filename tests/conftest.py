"""Shared fixtures. App-specific fixtures go in tests/<app>/conftest.py."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.conf import settings
from django.core.cache import cache

from tests.factories import DEFAULT_PASSWORD, UserFactory

ROLE_NAMES = ["Admin", "Manager", "Producer", "Streamer", "Viewer"]


def enable_totp(user) -> str:
    """Turn on TOTP two-factor for `user`; returns the base32 secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str, offset: int = 0) -> str:
    """The TOTP code of the current 30-second window (+ `offset` windows). The server accepts only the current
    window, so for the current code this waits out the last seconds of a window rather than hand out a code
    that expires before the request reaches the server."""
    import time

    if offset == 0 and 30 - time.time() % 30 < 4:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


@pytest.fixture(autouse=True)
def live_publish_unpaused():
    """A test that made a live publish fail (Redis away on purpose) pauses publishing for a few seconds in its
    process (core.live.PAUSE_AFTER_FAILURE); the next test starts with the live path open."""
    import core.live

    core.live._paused_until = 0.0
    yield


@pytest.fixture
def fresh_cache():
    """allauth keeps rate-limit counters and used TOTP codes in the cache (this worker's own Redis database)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def english_client(client):
    """Signed-out pages follow the browser (French by default): tests that read English texts use this."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def password() -> str:
    return DEFAULT_PASSWORD


@pytest.fixture
def make_user(db):
    """make_user("Manager") -> a user holding that role (2FA already on for Admin and Manager unless totp=False)."""

    def _make(role: str | None = None, *, totp: bool | None = None, **kwargs):
        user = UserFactory(roles=[role] if role else [], **kwargs)
        if totp is None:
            totp = role in ("Admin", "Manager")
        if totp:
            user.totp_secret = enable_totp(user)
        return user

    return _make


@pytest.fixture
def has_totp():
    return lambda user: Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


# --- Test harness (tests/harness/: asgi_server, celery_worker, mailbox, Playwright) and the no-skip rule --------

pytest_plugins = ["tests.harness.fixtures"]

_NOT_RUN: list[str] = []


def pytest_runtest_logreport(report) -> None:
    if hasattr(report, "wasxfail"):
        _NOT_RUN.append(f"{report.nodeid}: xfail ({report.wasxfail or 'no reason'})")
    elif report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _NOT_RUN.append(f"{report.nodeid}: skipped ({reason})")


def pytest_collectreport(report) -> None:
    if report.skipped:
        _NOT_RUN.append(f"{report.nodeid}: skipped at collection")


def pytest_sessionfinish(session, exitstatus) -> None:
    """Every test must run: a skip or an xfail fails the run (decided on the xdist controller, which receives
    every worker's reports, or in the only process without xdist)."""
    if hasattr(session.config, "workerinput") or not _NOT_RUN:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.ensure_newline()
        reporter.write_sep("=", f"{len(_NOT_RUN)} test(s) did not run: skips and xfails fail the suite", red=True)
        for line in _NOT_RUN:
            reporter.write_line(line)
    if session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
