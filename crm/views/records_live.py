"""Live timelines of the record pages.

An artist page joins ``crm.artist.<pk>`` (a sponsor page ``crm.sponsor.<pk>``, a contact page
``crm.contact.<pk>``, a deal page ``crm.deal.<pk>``). When an interaction or a system event is written
(``crm.services.records`` calls :func:`crm.registry.interaction_published` after commit), every page of a record it
belongs to gets a tiny fragment that makes the browser fetch the entry (``crm:interaction-detail``), so each
reader sees it in their own language and time zone, and only if they may. On a reconnection the page reloads
its first timeline page (resync), so nothing written while the socket was away is missed.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.html import format_html

from core.live import publish
from core.live.registry import register_group, register_resync
from crm.models import Deal, Interaction
from crm.permissions import (
    artists_visible_to,
    can_view_crm,
    contacts_visible_to,
    deals_visible_to,
    sponsors_visible_to,
)

# group prefix -> (detail URL name, visible queryset)
RECORD_GROUPS = {
    "crm.artist": ("crm:artist-detail", artists_visible_to),
    "crm.sponsor": ("crm:sponsor-detail", sponsors_visible_to),
    "crm.contact": ("crm:contact-detail", contacts_visible_to),
    "crm.deal": ("crm:deal-detail", deals_visible_to),
}
LIVE_BOX = "crm-timeline-live"  # the hidden box inside a loaded timeline (crm/components/timeline.html)
TIMELINE_LIST = "crm-timeline-list"
TIMELINE_FEED = "crm-timeline-feed"


def record_group(kind: str, pk: int) -> str:
    """``record_group("artist", 5)`` → ``"crm.artist.5"``."""
    return f"crm.{kind}.{pk}"


def _can_join(prefix: str):
    visible = RECORD_GROUPS[prefix][1]

    def can_join(user: Any, key: str) -> bool:
        return can_view_crm(user) and key.isdigit() and visible(user).filter(pk=int(key)).exists()

    return can_join


def _resync(prefix: str):
    url_name = RECORD_GROUPS[prefix][0]

    def render(user: Any, key: str) -> str:
        if not key.isdigit():
            return ""
        url = reverse(url_name, args=[int(key)]) + "?tab=timeline&feed=1"
        return format_html(
            '<div id="{}" hx-swap-oob="beforeend"><span hidden hx-get="{}" hx-trigger="load" hx-target="#{}" '
            'hx-swap="outerHTML" data-live-refresh></span></div>',
            LIVE_BOX,
            url,
            TIMELINE_FEED,
        )

    return render


def register() -> None:
    for prefix in RECORD_GROUPS:
        register_group(prefix, _can_join(prefix))
        register_resync(prefix, _resync(prefix))


def groups_of(interaction: Interaction) -> list[str]:
    """Every record page that shows ``interaction`` on its timeline."""
    groups = []
    if interaction.artist_id:
        groups.append(record_group("artist", interaction.artist_id))
    if interaction.sponsor_id:
        groups.append(record_group("sponsor", interaction.sponsor_id))
    if interaction.contact_id:
        groups.append(record_group("contact", interaction.contact_id))
        if interaction.contact.sponsor_id:
            groups.append(record_group("sponsor", interaction.contact.sponsor_id))
    if interaction.deal_id:
        groups.append(record_group("deal", interaction.deal_id))
        if interaction.deal.sponsor_id:
            groups.append(record_group("sponsor", interaction.deal.sponsor_id))
        artist_ids = Deal.artists.through.objects.filter(deal_id=interaction.deal_id).values_list(
            "artist_id", flat=True
        )
        groups.extend(record_group("artist", pk) for pk in artist_ids)
    people = Interaction.people.through.objects.filter(interaction_id=interaction.pk).values_list(
        "contact_id", flat=True
    )
    groups.extend(record_group("contact", pk) for pk in people)
    return list(dict.fromkeys(groups))


def interaction_published(*, interaction_id: int) -> None:
    """Tell the open pages of every record ``interaction_id`` belongs to (runs after commit)."""
    interaction = Interaction.objects.select_related("contact", "deal").filter(pk=interaction_id).first()
    if interaction is None:
        return
    url = reverse("crm:interaction-detail", args=[interaction.pk])
    for group in groups_of(interaction):
        _, kind, pk = group.split(".")
        html = format_html(
            '<div id="{}" hx-swap-oob="beforeend"><span hidden hx-get="{}?on={}-{}" hx-trigger="load" hx-target="#{}" '
            'hx-swap="afterbegin" data-live-entry="{}"></span></div>',
            LIVE_BOX,
            url,
            kind,
            pk,
            TIMELINE_LIST,
            interaction.pk,
        )
        publish(group, html=html)
