"""Events in the global search (dashboard.search): by title, venue or address; coming ones first (soonest
first), then past ones (latest first). Registered by :mod:`planning.shell_parts.events`."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy

from dashboard.search import SearchResult, register_search
from planning.permissions import events_visible_to
from planning.templatetags.planning_events import KIND_ICONS


def event_matches(user: Any, query: str, limit: int):
    text = (query or "").strip()
    if not text:
        return events_visible_to(user).none()
    now = timezone.now()
    condition = Q(title__icontains=text) | Q(venue__icontains=text) | Q(location__icontains=text)
    coming = Case(
        When(Q(ends_at__gte=now) | ~Q(recurrence=""), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    starts = Case(When(title__istartswith=text, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        events_visible_to(user)
        .filter(condition)
        .alias(coming=coming, starts=starts)
        .order_by("coming", "starts", "starts_at", "pk")[:limit]
    )


def search_events(user: Any, query: str, limit: int) -> list[SearchResult]:
    results = []
    for event in event_matches(user, query, limit):
        when = formats.date_format(timezone.localtime(event.starts_at), "SHORT_DATETIME_FORMAT")
        details = [event.get_kind_display(), when]
        if event.venue:
            details.append(event.venue)
        url = reverse("planning:event-detail", args=[event.pk])
        results.append(
            SearchResult(
                event.title, url, " · ".join(str(d) for d in details), KIND_ICONS.get(event.kind, "")
            )
        )
    return results


def register() -> None:
    register_search("planning-events", label=gettext_lazy("Events"), search=search_events)
