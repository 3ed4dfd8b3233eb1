"""Reads of the audit trail."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AuditEvent


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_event_list(*, filters: dict[str, Any] | None = None) -> QuerySet[AuditEvent]:
    """Newest first. Filters: actor (User), action (prefix), date_from / date_to (dates, in the current time
    zone, both inclusive), q (free text over action, actor, target and IP)."""
    filters = filters or {}
    qs = AuditEvent.objects.select_related("actor", "target_type")
    if filters.get("actor"):
        qs = qs.filter(actor=filters["actor"])
    if filters.get("action"):
        qs = qs.filter(action__startswith=filters["action"].strip())
    if filters.get("date_from"):
        qs = qs.filter(created_at__gte=_start_of(filters["date_from"]))
    if filters.get("date_to"):
        qs = qs.filter(created_at__lt=_start_of(filters["date_to"] + timedelta(days=1)))
    text = (filters.get("q") or "").strip()
    if text:
        qs = qs.filter(
            Q(action__icontains=text)
            | Q(actor_label__icontains=text)
            | Q(target_repr__icontains=text)
            | Q(user_agent__icontains=text)
            | Q(ip__icontains=text)
        )
    return qs.order_by("-created_at", "-pk")


def audit_event_get(*, pk: int) -> AuditEvent | None:
    return AuditEvent.objects.select_related("actor", "target_type").filter(pk=pk).first()


def audit_actions(*, recent: int = 5000) -> list[str]:
    """Action names seen among the latest `recent` entries (suggestions for the filter; cheap on a big table)."""
    latest = AuditEvent.objects.order_by("-created_at").values_list("action", flat=True)[:recent]
    return sorted(set(latest))
