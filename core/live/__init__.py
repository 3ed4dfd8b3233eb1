"""The live path: every app pushes HTML fragments (or small JSON events) to open pages through this module.

``publish`` sends after the surrounding transaction commits, through the channel layer, to every socket that
joined ``group``; it never raises (Redis down is logged, browsers reconnect on their own). Group names and who
may join them: :mod:`core.live.registry`. The socket side: :mod:`core.live.consumers`.
"""

import logging
import time
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.signals import setting_changed
from django.db import transaction
from django.template.loader import render_to_string

logger = logging.getLogger("core.live")

MESSAGE_TYPE = "live.message"  # handled by LiveConsumer.live_message
# After a failed send, skip live messages for this long: a request that publishes to many groups (an
# announcement to 50 people) must not wait for 50 connection timeouts while Redis is away.
PAUSE_AFTER_FAILURE = 5.0
_paused_until = 0.0

__all__ = ["publish", "publish_many", "render_fragment"]


def publish(group: str, *, html: str = "", event: str = "", data: dict | None = None) -> None:
    """Send ``html`` (htmx OOB swaps by id) or ``event``+``data`` (a JSON frame) to ``group`` after commit."""
    publish_many([group], html=html, event=event, data=data)


def publish_many(groups: Iterable[str], *, html: str = "", event: str = "", data: dict | None = None) -> None:
    """``publish`` to several groups with one commit hook."""
    groups = [g for g in dict.fromkeys(groups) if g]
    if not groups:
        return
    message = {"type": MESSAGE_TYPE, "html": html, "event": event, "data": data}
    transaction.on_commit(lambda: _send(groups, message))


def render_fragment(template_name: str, context: dict[str, Any] | None = None) -> str:
    """Render a template or one of its partials (``"app/page.html#partial-name"``) to a string for ``publish``."""
    return render_to_string(template_name, context or {}).strip()


def _send(groups: list[str], message: dict) -> None:
    global _paused_until
    if time.monotonic() < _paused_until:
        logger.info("live publish to %s skipped: the channel layer was unreachable moments ago", groups)
        return
    try:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(_group_send_all)(layer, groups, message)
    except Exception:  # the request (already committed) must never fail because of the live path
        _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
        logger.warning(
            "live publish to %s failed; live messages paused for %ss (pages reload fresh data when they reconnect)",
            groups,
            PAUSE_AFTER_FAILURE,
            exc_info=True,
        )


async def _group_send_all(layer, groups: list[str], message: dict) -> None:
    for group in groups:
        await layer.group_send(group, message)


def _resume(*, setting: str, **kwargs) -> None:
    """A new channel layer configuration (tests, reloads) gets a fresh chance."""
    global _paused_until
    if setting == "CHANNEL_LAYERS":
        _paused_until = 0.0


setting_changed.connect(_resume)
