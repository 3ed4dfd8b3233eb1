"""pytest plugin of the harness (see tests/harness/__init__.py). Registered from tests/conftest.py."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.harness.mail import Mailbox
from tests.harness.processes import (
    RUNNING,
    ManagedProcess,
    database_url,
    free_port,
    http_answers,
    python_module,
)

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PLAYWRIGHT_FIXTURES = {"page", "context", "browser", "new_context", "signed_in_page"}
LOG_OFFSETS = pytest.StashKey[dict]()


def _xdist_worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "gw0")


# --- collection: browser tests share one xdist group (one Chromium) ----------------------------------------


@pytest.hookimpl(tryfirst=True)  # before xdist turns xdist_group marks into node ids
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_dir = Path(__file__).resolve().parent.parent / "browser"
    for item in items:
        uses_playwright = PLAYWRIGHT_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        in_browser_dir = browser_dir in item.path.parents
        if (uses_playwright or in_browser_dir) and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("browser") is not None and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group("browser"))


# --- server logs in failure reports ------------------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[LOG_OFFSETS] = {process.name: process.log_size() for process in RUNNING}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        offsets = item.stash.get(LOG_OFFSETS, {})
        for process in RUNNING:
            text = process.log_since(offsets.get(process.name, 0))
            if text.strip():
                report.sections.append((f"{process.name} log ({process.log_path})", text))


# --- subprocesses ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def harness_env(django_db_setup, tmp_path_factory) -> dict[str, str]:
    """Environment of the harness subprocesses: this worker's test database, Redis database and key prefix,
    a file-based e-mail backend (read by `mailbox`) and collected static files."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings

    mail_dir = tmp_path_factory.mktemp("mail")
    # whitenoise serves STATIC_ROOT (as in production); symlinks make collecting it take a moment
    static_root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=static_root):
        call_command("collectstatic", interactive=False, link=True, verbosity=0)
    # DJANGO_ALLOW_ASYNC_UNSAFE is set for browser tests in this process only (pytest_runtest_protocol below)
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.test"),
        "DATABASE_URL": database_url(connection.settings_dict),
        "DATABASE_CONN_MAX_AGE": "0",
        "TEST_REDIS_URL": settings.REDIS_URL,
        "PYTEST_XDIST_WORKER": _xdist_worker(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }


@dataclass
class AsgiServer:
    url: str
    port: int
    process: ManagedProcess

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://", 1)


def start_asgi_server(name: str, env: dict, log_path) -> AsgiServer:
    """daphne serving config.asgi:application with `env`, on a free port (tried again if another process took the
    port first); returns once it answers /healthz."""
    for attempt in range(3):
        port = free_port()
        argv = python_module(
            "daphne",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--access-log",
            "-",
            "config.asgi:application",
        )
        process = ManagedProcess(name, argv, env=env, log_path=log_path)
        process.start()
        url = f"http://127.0.0.1:{port}"
        try:
            process.wait_until(
                lambda url=url: http_answers(f"{url}/healthz"), timeout=60, what="GET /healthz"
            )
            return AsgiServer(url=url, port=port, process=process)
        except RuntimeError:
            process.stop()
            if attempt == 2 or "Address already in use" not in process.log_tail():
                raise
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def asgi_server(harness_env, tmp_path_factory) -> Iterator[AsgiServer]:
    """daphne serving config.asgi:application on the test database; `.url` is http://127.0.0.1:<port>."""
    server = start_asgi_server("daphne", harness_env, tmp_path_factory.mktemp("logs") / "daphne.log")
    yield server
    server.process.stop()


@dataclass
class CeleryWorker:
    hostname: str
    queue: str
    process: ManagedProcess


@pytest.fixture(scope="session")
def celery_worker(harness_env, tmp_path_factory) -> Iterator[CeleryWorker]:
    """A Celery worker (threads pool, 2 threads) consuming this xdist worker's test queue, with the project's
    tasks and tests/harness/tasks.py loaded. Tasks the test process queues run there, on committed data."""
    from django.conf import settings

    from config.celery import app

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    hostname = f"harness-{_xdist_worker()}-{os.getpid()}@{socket.gethostname()}"
    process = ManagedProcess(
        "celery",
        python_module(
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=threads",
            "--concurrency=2",
            "-Q",
            queue,
            "--hostname",
            hostname,
            "--include",
            "tests.harness.tasks",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ),
        env=harness_env,
        log_path=tmp_path_factory.mktemp("logs") / "celery.log",
    )
    process.start()
    process.wait_until(
        lambda: bool(app.control.ping(destination=[hostname], timeout=0.5)), timeout=90, what="control ping"
    )
    yield CeleryWorker(hostname=hostname, queue=queue, process=process)
    process.stop(timeout=30)


@pytest.fixture
def mailbox(harness_env) -> Mailbox:
    """E-mails sent by asgi_server and celery_worker in this test (the folder is emptied first)."""
    box = Mailbox(Path(harness_env["EMAIL_FILE_PATH"]))
    box.clear()
    return box


# --- Playwright on Debian's Chromium -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args) -> dict:
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*CHROMIUM_ARGS, *browser_type_launch_args.get("args", [])],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, asgi_server) -> dict:
    return {
        **browser_context_args,
        "base_url": asgi_server.url,
        "viewport": {"width": 1366, "height": 860},
        "locale": "en-GB",
        "timezone_id": "Europe/Paris",
    }


@pytest.fixture(scope="session")
def delete_output_dir() -> None:
    """pytest-playwright empties test-results/ when each xdist worker starts, which would drop screenshots the
    other worker already took: keep it (files are overwritten run after run)."""


@pytest.fixture
def signed_in_page(browser, browser_context_args, transactional_db):
    """signed_in_page(user) -> a Page in a new context already signed in as `user` (no login form)."""
    from tests.harness.browser import page_opener

    with page_opener(browser, browser_context_args) as open_page:
        yield open_page


@pytest.fixture(scope="session")
def playwright(django_db_setup, playwright):
    """pytest-playwright's, started after the test database exists (its set-up uses the ORM, which refuses to
    run once Playwright's loop is marked running), and stopped with its loop visible again."""
    yield playwright
    asyncio.events._set_running_loop(playwright._loop)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem):
    """Playwright's sync API keeps its asyncio loop marked as running in the test thread from its start to the
    end of the session. Browser tests run with DJANGO_ALLOW_ASYNC_UNSAFE so the ORM works there; every other
    test runs with the mark removed, exactly as if Playwright had never started (it is put back afterwards)."""
    if item.get_closest_marker("browser") is not None:
        previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
        return
    loop = asyncio.events._get_running_loop()
    if loop is not None:
        asyncio.events._set_running_loop(None)
    try:
        yield
    finally:
        if loop is not None and not loop.is_closed():
            asyncio.events._set_running_loop(loop)
