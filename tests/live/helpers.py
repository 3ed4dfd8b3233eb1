"""Test helpers for the live path: listen to a group on the real channel layer, open sockets with a session."""

import asyncio

from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import channel_layers
from django.conf import settings
from django.test import Client

ORIGIN = b"http://localhost"
# CHANNEL_LAYERS pointing at a closed port: Redis is down
REDIS_DOWN = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{"address": "redis://127.0.0.1:1/0", "socket_connect_timeout": 1}]},
    }
}


class GroupListener:
    """A channel of the real (Redis) channel layer that joined ``group``; ``messages()`` drains what arrived.
    Use it as a context manager (``with GroupListener("user.4") as listener:``) so its loop is closed.

    It has its own layer instance and event loop (a receive buffer belongs to one loop), so the code under test
    publishes through the project's layer exactly as in production."""

    def __init__(self, group: str):
        self.loop = asyncio.new_event_loop()
        self.layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
        self.group = group
        self.channel = self.loop.run_until_complete(self.layer.new_channel())
        self.loop.run_until_complete(self.layer.group_add(group, self.channel))

    def messages(self, wait: float = 0.5) -> list[dict]:
        async def drain() -> list[dict]:
            received = []
            while True:
                try:
                    received.append(await asyncio.wait_for(self.layer.receive(self.channel), timeout=wait))
                except TimeoutError:
                    return received

        return self.loop.run_until_complete(drain())

    def close(self) -> None:
        self.loop.run_until_complete(self.layer.group_discard(self.group, self.channel))
        self.loop.close()

    def __enter__(self) -> "GroupListener":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def html(self, wait: float = 0.5) -> list[str]:
        return [m["html"] for m in self.messages(wait)]


def ws_headers(user=None, *, origin: bytes = ORIGIN) -> list[tuple[bytes, bytes]]:
    """Headers of a browser socket: the Origin, plus the session cookie of ``user`` when given."""
    headers = [(b"origin", origin)]
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        headers.append((b"cookie", cookie.encode()))
    return headers
