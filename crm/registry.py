"""Tabs that other modules add to the artist detail page ("one place shows everything about an artist").

The CRM shows its own tabs (profile, deals, campaigns, timeline, analytics, score, matches). Content, Planning
and Streaming add theirs from their ``shell.register()``::

    from crm.registry import register_artist_tab

    register_artist_tab("tasks", label=_("Tasks"), icon="check2-square", url_name="planning:artist-tasks",
                        order=40, visible=can_view_planning)

The tab's body is loaded with ``hx-get`` on ``reverse(url_name, args=[artist.pk])`` the first time it is shown;
the view returns an HTML fragment (it gets ``HX-Request``). ``visible(user)`` hides the tab from people who may
not read that module. A tab whose URL does not resolve (its app is not installed) is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

Visible = Callable[[Any], bool]

# keys the CRM's own tabs use: a module cannot take them
RESERVED_KEYS = frozenset(
    {"profile", "deals", "campaigns", "timeline", "analytics", "score", "matches", "activity"}
)


def _always(user: Any) -> bool:
    return True


@dataclass(frozen=True)
class ArtistTab:
    key: str
    label: str
    icon: str  # a bootstrap-icons name without "bi-"
    url_name: str  # reversed with the artist's pk
    order: int = 100
    visible: Visible = _always


@dataclass(frozen=True)
class ShownTab:
    """A registered tab as the artist page renders it."""

    key: str
    label: str
    icon: str
    url: str


_artist_tabs: dict[str, ArtistTab] = {}


def register_artist_tab(
    key: str,
    label: str,
    icon: str,
    url_name: str,
    order: int = 100,
    visible: Visible = _always,
) -> None:
    """Add (or replace) the artist page tab ``key``; see the module docstring."""
    if key in RESERVED_KEYS:
        raise ValueError(f"The artist tab key {key!r} is the CRM's own")
    if not key.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"Invalid artist tab key: {key!r}")
    _artist_tabs[key] = ArtistTab(key, label, icon, url_name, order, visible)


def unregister_artist_tab(key: str) -> None:
    _artist_tabs.pop(key, None)


def artist_tabs(user: Any, artist_pk: int) -> list[ShownTab]:
    """The registered tabs ``user`` may see on artist ``artist_pk``'s page, in order (no database query)."""
    shown = []
    for tab in sorted(_artist_tabs.values(), key=lambda t: (t.order, t.key)):
        try:
            if not tab.visible(user):
                continue
            url = reverse(tab.url_name, args=[artist_pk])
        except NoReverseMatch:
            continue
        shown.append(ShownTab(tab.key, str(tab.label), tab.icon, url))
    return shown


# --- live timelines (the hook crm.services.records calls after an interaction or event is written) -------------


def interaction_published(*, interaction_id: int) -> None:
    """Push the new timeline entry to the open pages of the records it belongs to (crm.views.records_live)."""
    from crm.views.records_live import interaction_published as publish

    publish(interaction_id=interaction_id)


def register_live_groups() -> None:
    """``crm.artist.<pk>``, ``crm.sponsor.<pk>``, ``crm.contact.<pk>``, ``crm.deal.<pk>`` (called by crm.shell)."""
    from crm.views.records_live import register

    register()
