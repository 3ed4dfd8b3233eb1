"""The live websocket end to end: config.asgi.application (origin check, session auth) + LiveConsumer + Redis."""

from contextlib import suppress

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from config.asgi import application
from core.live import publish
from core.live.consumers import CLOSE_LAYER_DOWN, CLOSE_TWO_FACTOR_REQUIRED, CLOSE_UNAUTHENTICATED
from core.live.registry import register_group, user_group
from tests.factories import UserFactory
from tests.live.helpers import REDIS_DOWN, ws_headers
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db(transaction=True)

register_group("testlive.open", lambda user, key: True)
register_group("testlive.secret", lambda user, key: False)


def socket(headers, groups: str = "") -> WebsocketCommunicator:
    path = "/ws/live/" + (f"?groups={groups}" if groups else "")
    return WebsocketCommunicator(application, path, headers=headers)


async def connect_and_resync(communicator: WebsocketCommunicator) -> str:
    """Connect, and take the first frame: the page's resync (the unread count) that every (re)connection gets."""
    connected, _ = await communicator.connect()
    assert connected
    first = await communicator.receive_from(timeout=5)
    assert 'id="notif-count"' in first
    return first


def test_consumer_resyncs_the_page_on_every_connection():
    """A page whose socket was away (Redis outage) gets the current state as soon as it is back."""
    user = UserFactory()
    NotificationFactory.create_batch(2, recipient=user)
    headers = ws_headers(user)

    async def scenario():
        communicator = socket(headers)
        first = await connect_and_resync(communicator)
        assert ">2<" in first.replace(" ", "").replace("\n", "") and 'hx-swap-oob' in first
        await communicator.disconnect()
        await database_sync_to_async(NotificationFactory)(recipient=user)  # arrives while the page is away
        again = socket(headers)
        assert ">3<" in (await connect_and_resync(again)).replace(" ", "").replace("\n", "")
        await again.disconnect()

    async_to_sync(scenario)()


def test_consumer_refuses_anonymous():
    async def scenario():
        connected, code = await socket(ws_headers()).connect()
        assert (connected, code) == (False, CLOSE_UNAUTHENTICATED)

    async_to_sync(scenario)()


def test_consumer_refuses_inactive_user():
    user = UserFactory()
    headers = ws_headers(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    async def scenario():
        connected, code = await socket(headers).connect()
        assert (connected, code) == (False, CLOSE_UNAUTHENTICATED)

    async_to_sync(scenario)()


def test_consumer_refuses_a_manager_who_has_not_set_up_two_factor(make_user):
    headers = ws_headers(make_user("Manager", totp=False))

    async def scenario():
        connected, code = await socket(headers).connect()
        assert (connected, code) == (False, CLOSE_TWO_FACTOR_REQUIRED)

    async_to_sync(scenario)()


def test_consumer_accepts_a_manager_with_two_factor(make_user):
    headers = ws_headers(make_user("Manager"))

    async def scenario():
        communicator = socket(headers)
        await connect_and_resync(communicator)
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_consumer_refuses_foreign_origin():
    headers = ws_headers(UserFactory(), origin=b"https://evil.example")

    async def scenario():
        connected, _code = await socket(headers).connect()
        assert connected is False

    async_to_sync(scenario)()


def test_consumer_joins_user_group_and_relays_html_publish():
    user = UserFactory()
    headers = ws_headers(user)

    async def scenario():
        communicator = socket(headers)
        await connect_and_resync(communicator)
        await database_sync_to_async(publish)(user_group(user), html='<span id="notif-count">3</span>')
        assert await communicator.receive_from(timeout=5) == '<span id="notif-count">3</span>'
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_consumer_relays_events_without_html_as_json():
    user = UserFactory()
    headers = ws_headers(user)

    async def scenario():
        communicator = socket(headers)
        await connect_and_resync(communicator)
        await database_sync_to_async(publish)(user_group(user), event="deal.moved", data={"id": 4})
        assert await communicator.receive_json_from(timeout=5) == {"event": "deal.moved", "data": {"id": 4}}
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_consumer_joins_only_permitted_groups_and_reports_denied_once():
    user, other = UserFactory(), UserFactory()
    headers = ws_headers(user)
    requested = f"testlive.open.1,testlive.secret.2,nobody.knows,{user_group(other)}"

    async def scenario():
        communicator = socket(headers, requested)
        await connect_and_resync(communicator)
        denied = await communicator.receive_json_from(timeout=5)
        assert denied == {
            "type": "denied",
            "groups": ["testlive.secret.2", "nobody.knows", user_group(other)],
        }
        for group in ("testlive.secret.2", "nobody.knows", user_group(other)):
            await database_sync_to_async(publish)(group, html=f"<p>{group}</p>")
        await database_sync_to_async(publish)("testlive.open.1", html="<p>open</p>")
        assert await communicator.receive_from(timeout=5) == "<p>open</p>"
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()

    async_to_sync(scenario)()


def _publish_then_roll_back(group: str) -> None:
    with suppress(RuntimeError), transaction.atomic():
        publish(group, html="<p>rolled back</p>")
        raise RuntimeError("abort")
    with transaction.atomic():
        publish(group, html="<p>committed</p>")


def test_publish_inside_rolled_back_transaction_sends_nothing():
    user = UserFactory()
    headers = ws_headers(user)

    async def scenario():
        communicator = socket(headers)
        await connect_and_resync(communicator)
        await database_sync_to_async(_publish_then_roll_back)(user_group(user))
        assert await communicator.receive_from(timeout=5) == "<p>committed</p>"
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_consumer_closes_with_1011_when_the_channel_layer_is_down(settings, caplog):
    headers = ws_headers(UserFactory())
    settings.CHANNEL_LAYERS = REDIS_DOWN

    async def scenario():
        connected, code = await socket(headers).connect(timeout=10)
        assert (connected, code) == (False, CLOSE_LAYER_DOWN)

    async_to_sync(scenario)()
    assert "channel layer" in caplog.text
