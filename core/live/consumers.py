"""The one websocket of every signed-in page: joins the user's own group plus the permitted groups the page
asks for (``/ws/live/?groups=a.b.1,c.d``) and relays what ``core.live.publish`` sends."""

import asyncio
import json
import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from redis.exceptions import RedisError

from accounts.permissions import needs_two_factor_setup

from . import registry

logger = logging.getLogger("core.live")

CLOSE_UNAUTHENTICATED = 4401
CLOSE_TWO_FACTOR_REQUIRED = 4403  # an Admin/Manager who has not set up 2FA yet gets nothing live either
# Refused during the handshake because Redis is down: daphne turns any close before accept into an HTTP 403,
# the browser sees 1006, and htmx-ext-ws reconnects by itself (it does on 1006/1011/1012/1013).
CLOSE_LAYER_DOWN = 1011
MAX_GROUPS = 30

# what a channel layer raises when its backend (Redis) is away
LAYER_ERRORS = (RedisError, OSError, asyncio.TimeoutError)


def requested_groups(query_string: bytes) -> list[str]:
    values = parse_qs(query_string.decode("latin-1")).get("groups", [])
    names = [name.strip() for value in values for name in value.split(",")]
    return list(dict.fromkeys(name for name in names if name))[:MAX_GROUPS]


def _partition(user, groups: list[str]) -> tuple[list[str], list[str]]:
    allowed = [g for g in groups if registry.can_join(user, g)]
    return allowed, [g for g in groups if g not in allowed]


class LiveConsumer(AsyncWebsocketConsumer):
    joined: list[str]

    async def __call__(self, scope, receive, send):
        self.joined = []
        try:
            await super().__call__(scope, receive, send)
        except LAYER_ERRORS:
            # The channel layer's receive loop lost Redis. Re-raise: daphne then ends the socket with 1011
            # (a code it refuses to send on the application's behalf), and htmx-ext-ws reconnects on 1011.
            logger.warning("live socket lost the channel layer; closing with 1011", exc_info=True)
            raise

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            return await self.close(code=CLOSE_UNAUTHENTICATED)
        if await database_sync_to_async(needs_two_factor_setup)(user):
            return await self.close(code=CLOSE_TWO_FACTOR_REQUIRED)
        wanted = requested_groups(self.scope.get("query_string", b""))
        allowed, denied = await database_sync_to_async(_partition)(user, wanted)
        try:
            for group in [registry.user_group(user), *allowed]:
                await self.channel_layer.group_add(group, self.channel_name)
                self.joined.append(group)
        except LAYER_ERRORS:
            logger.warning("live socket could not join its groups (channel layer down)", exc_info=True)
            return await self.close(code=CLOSE_LAYER_DOWN)
        await self.accept()
        for html in await database_sync_to_async(registry.resync_html)(user, self.joined):
            await self.send(text_data=html)
        if denied:
            await self.send(text_data=json.dumps({"type": "denied", "groups": denied}))

    async def disconnect(self, code):
        for group in self.joined:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except LAYER_ERRORS:
                break  # Redis is away; the group memberships expire on their own
        self.joined = []

    async def receive(self, text_data=None, bytes_data=None):
        """The browser never talks back on this socket; writes go through HTTP."""

    async def live_message(self, event):
        if event.get("html"):
            await self.send(text_data=event["html"])
        else:
            await self.send(
                text_data=json.dumps({"event": event.get("event", ""), "data": event.get("data")})
            )
