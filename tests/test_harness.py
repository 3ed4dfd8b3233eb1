"""The harness itself: a real daphne subprocess, a real Celery worker, e-mails they send, the live websocket."""

import asyncio
import json

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.harness.browser import in_thread
from tests.harness.sessions import session_cookie
from tests.harness.tasks import harness_user_email_task

pytestmark = pytest.mark.django_db(transaction=True)


def test_asgi_server_answers_healthz_and_readyz(asgi_server):
    assert httpx.get(f"{asgi_server.url}/healthz").status_code == 200
    ready = httpx.get(f"{asgi_server.url}/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["postgres"] == "ok"
    assert ready.json()["redis"] == "ok"


def test_asgi_server_reads_the_test_database(asgi_server, make_user):
    user = make_user("Producer")
    cookie = session_cookie(user)

    page = httpx.get(f"{asgi_server.url}/", cookies={cookie["name"]: cookie["value"]})

    assert page.status_code == 200
    assert user.email in page.text or user.first_name in page.text


def test_asgi_server_sends_anonymous_visitors_to_the_login_form(asgi_server):
    page = httpx.get(f"{asgi_server.url}/", follow_redirects=True)

    assert page.url.path == "/accounts/login/"
    assert 'name="login"' in page.text
    assert 'name="password"' in page.text


def test_celery_worker_answers_ping(celery_worker):
    from config.celery import app

    assert app.control.ping(destination=[celery_worker.hostname], timeout=2) == [
        {celery_worker.hostname: {"ok": "pong"}}
    ]


def test_celery_worker_runs_a_task_on_the_test_database(celery_worker, make_user):
    user = make_user("Viewer")

    assert harness_user_email_task.delay(user_id=user.pk).get(timeout=30) == user.email


def test_celery_worker_sends_a_notification_email(celery_worker, mailbox, make_user):
    from notifications.services import notify, preference_set

    user = make_user("Producer")
    preference_set(user=user, kind="system", channel="email")

    notify(recipient=user, verb="The harness says hello", kind="system")  # queues the e-mail on commit

    [message] = mailbox.wait_for(to=user.email, timeout=30)
    assert "The harness says hello" in mailbox.body(message)


def _connect(asgi_server, *, cookie: dict | None = None, groups: str = ""):
    headers = {"Origin": asgi_server.url}
    if cookie is not None:
        headers["Cookie"] = f"{cookie['name']}={cookie['value']}"
    url = f"{asgi_server.ws_url}/ws/live/" + (f"?groups={groups}" if groups else "")
    return websockets.connect(url, additional_headers=headers, open_timeout=10)


def test_live_socket_refuses_a_visitor_without_session(asgi_server):
    async def attempt() -> None:
        async with _connect(asgi_server) as socket:
            await asyncio.wait_for(socket.recv(), timeout=5)

    with pytest.raises((InvalidStatus, ConnectionClosed)) as refused:
        asyncio.run(attempt())
    if isinstance(refused.value, InvalidStatus):
        assert refused.value.response.status_code == 403
    else:
        assert refused.value.rcvd is not None and refused.value.rcvd.code == 4401


def test_live_socket_refuses_another_origin(asgi_server, make_user):
    cookie = session_cookie(make_user("Producer"))

    async def attempt() -> None:
        headers = {"Origin": "http://evil.example", "Cookie": f"{cookie['name']}={cookie['value']}"}
        async with websockets.connect(f"{asgi_server.ws_url}/ws/live/", additional_headers=headers):
            pass

    with pytest.raises(InvalidStatus) as refused:
        asyncio.run(attempt())
    assert refused.value.response.status_code == 403


def test_live_socket_accepts_a_session_and_relays_a_publish(asgi_server, make_user):
    from core.live import publish

    user = make_user("Producer")
    cookie = session_cookie(user)

    async def listen() -> str:
        async with _connect(asgi_server, cookie=cookie) as socket:
            resync = await asyncio.wait_for(socket.recv(), timeout=10)  # every connection starts up to date
            assert 'id="notif-count"' in resync
            # publish uses async_to_sync: from another thread (in_thread also closes its database connection)
            await asyncio.to_thread(
                in_thread, publish, f"user.{user.pk}", event="harness.ping", data={"n": 1}
            )
            return await asyncio.wait_for(socket.recv(), timeout=10)

    message = json.loads(asyncio.run(listen()))

    assert message == {"event": "harness.ping", "data": {"n": 1}}


@pytest.mark.django_db(transaction=False)
def test_env_example_lists_every_variable_the_settings_read():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    read = {
        match.group(1)
        for path in (root / "config").rglob("*.py")
        for match in re.finditer(r'\benv(?:\.\w+)?\(\s*"([A-Z0-9_]+)"', path.read_text())
    }
    listed = set(re.findall(r"^#? ?([A-Z0-9_]+)=", (root / ".env.example").read_text(), flags=re.MULTILINE))

    assert read - listed == set(), "add these to .env.example"
