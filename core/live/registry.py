"""Live group names and who may join them.

A group name is ``<prefix>`` or ``<prefix>.<key>`` (e.g. ``"crm.deal.42"`` with prefix ``"crm.deal"`` and key
``"42"``). Apps register a prefix with a ``can_join(user, key) -> bool`` predicate (from their permissions.py);
the live consumer joins a requested group only when that predicate says yes. Unknown prefixes are refused.
"""

import logging
import re
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("core.live")

USER_PREFIX = "user"
# what the channel layers accept as a group name
_VALID_NAME = re.compile(r"^[a-zA-Z0-9\-._]{1,99}$")

CanJoin = Callable[[Any, str], bool]
Resync = Callable[[Any, str], str]
_groups: dict[str, CanJoin] = {}
_resyncs: dict[str, list[Resync]] = {}


def register_group(prefix: str, can_join: CanJoin) -> None:
    """Declare the group family ``prefix`` (``"crm.deal"``); ``can_join(user, key)`` guards every join."""
    if not _VALID_NAME.match(prefix):
        raise ValueError(f"Invalid live group prefix: {prefix!r}")
    _groups[prefix] = can_join


def register_resync(prefix: str, render: Resync) -> None:
    """Declare how to bring a page up to date for group family ``prefix``: ``render(user, key) -> html`` (htmx OOB
    fragments). The live socket sends it each time it joins such a group, so a page whose socket was away (Redis
    outage, network drop, laptop asleep) shows the current state again as soon as it reconnects."""
    _resyncs.setdefault(prefix, []).append(render)


def resync_html(user: Any, groups: list[str]) -> list[str]:
    """The fragments that bring ``user``'s page up to date for the ``groups`` its socket has just joined."""
    fragments = []
    for group in groups:
        prefix, key = _split(group)
        for render in _resyncs.get(prefix or "", []):
            try:
                html = render(user, key)
            except Exception:
                logger.exception("live resync for %s failed", group)
                continue
            if html:
                fragments.append(html)
    return fragments


def user_group(user_or_pk: Any) -> str:
    """The group every socket of a user joins: ``"user.<pk>"``."""
    pk = getattr(user_or_pk, "pk", user_or_pk)
    return f"{USER_PREFIX}.{pk}"


def is_valid_group_name(group: str) -> bool:
    return bool(_VALID_NAME.match(group))


def can_join(user: Any, group: str) -> bool:
    """True when ``user`` (active, signed in) may join ``group``. Unknown prefixes and errors give False."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not is_valid_group_name(group):
        return False
    prefix, key = _split(group)
    if prefix is None:
        return False
    try:
        return bool(_groups[prefix](user, key))
    except Exception:
        logger.exception("live can_join check for %s failed", group)
        return False


def _split(group: str) -> tuple[str | None, str]:
    """The longest registered prefix of ``group`` and the rest (the key, "" when the group is the prefix)."""
    candidate = group
    while True:
        if candidate in _groups:
            return candidate, group[len(candidate) + 1 :]
        if "." not in candidate:
            return None, ""
        candidate = candidate.rsplit(".", 1)[0]


def _can_join_user_group(user: Any, key: str) -> bool:
    return key == str(user.pk)


register_group(USER_PREFIX, _can_join_user_group)
