"""PostgreSQL drops the connections of the web process (a restart, a failover, an idle-connection reaper): the
next requests get fresh connections from psycopg's pool (checked at checkout, CONN_HEALTH_CHECKS) — no 500 —
and signed-in people stay signed in (sessions are rows, not connections)."""

from urllib.parse import urlsplit

import httpx
import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.faults.conftest import FAULT_APP_NAME, wait_until
from tests.harness.browser import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def server_backends() -> set[int]:
    """Server-side pids of fault_server's connections to the test database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [FAULT_APP_NAME],
        )
        return {pid for (pid,) in cursor.fetchall()}


def terminate_server_backends() -> set[int]:
    """pg_terminate_backend every connection of fault_server (only those: the test process and the shared
    harness servers keep theirs) and wait until PostgreSQL has dropped them. Returns their pids."""
    targets = sorted(server_backends())  # chosen first: SQL does not promise to filter before it terminates
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM unnest(%s::int[]) AS pid WHERE pid <> pg_backend_pid() AND pg_terminate_backend(pid)",
            [targets],
        )
        killed = {pid for (pid,) in cursor.fetchall()}
    assert killed, "fault_server had no database connection to kill"
    wait_until(lambda: not (server_backends() & killed), timeout=10, what="the killed connections are gone")
    return killed


def test_a_signed_in_page_survives_its_database_connections_being_killed(fault_page, make_user):
    user = make_user("Producer", first_name="Paula")
    page = fault_page(user)
    assert page.goto("/").status == 200

    for path in ("/notifications/", "/accounts/profile/", "/"):
        killed = terminate_server_backends()

        response = page.goto(path)

        assert response is not None and response.status == 200, path
        assert urlsplit(page.url).path == path  # not sent to the sign-in page
        expect(page.locator(".user-menu-name")).to_have_text("Paula")
        # new connections replaced the dead ones
        assert server_backends() and not (server_backends() & killed)
    expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")
    screenshot(page, "faults-postgres-connections-killed")


def test_an_http_client_gets_no_error_after_the_connections_are_killed(
    fault_server, fault_cookies, make_user
):
    user = make_user("Viewer")
    paths = ["/", "/notifications/", "/accounts/profile/", "/notifications/bell/", "/readyz"]
    with httpx.Client(base_url=fault_server.url, cookies=fault_cookies(user), timeout=15) as client:
        assert client.get("/").status_code == 200

        for _round in range(3):
            terminate_server_backends()
            statuses = [(path, client.get(path).status_code) for path in paths for _ in range(2)]

            # every one answered, none sent to the sign-in page (a redirect would be 302)
            assert statuses == [(path, 200) for path in paths for _ in range(2)]
