"""Writes of the audit trail. Every write service of the project calls audit_record()."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from . import context
from .models import AuditEvent

logger = logging.getLogger(__name__)

REDACTED = "[redacted]"
SENSITIVE_KEY_PARTS = ("password", "token", "secret", "otp", "code")
LABEL_MAX = 255
PRUNE_BATCH = 5000


def _is_sensitive(key: Any) -> bool:
    lowered = str(key).lower()
    return any(part in lowered for part in SENSITIVE_KEY_PARTS)


def redact(value: Any) -> Any:
    """A copy of `value` where every mapping entry whose key mentions a password, token, secret, OTP or code is
    replaced by a marker, at any depth."""
    if isinstance(value, dict):
        return {k: (REDACTED if _is_sensitive(k) else redact(v)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [redact(v) for v in value]
    return value


def _user_or_none(user: Any) -> Any:
    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return None
    return user


def _actor_label(actor: Any) -> str:
    if actor is None:
        return ""
    email = getattr(actor, "email", "")
    name = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    label = f"{name} <{email}>" if name and email else (email or name or str(actor))
    return label[:LABEL_MAX]


def audit_record(
    *,
    action: str,
    actor: Any = None,
    target: models.Model | None = None,
    data: dict | None = None,
) -> None:
    """Record that `actor` (default: the signed-in user of the current request) did `action` to `target`.

    Runs inside the caller's transaction, so the entry disappears if the change it describes is rolled back.
    Keys that look like secrets are redacted from `data`.
    """
    ctx = context.current()
    actor = _user_or_none(actor)
    if actor is None and ctx is not None and ctx.request is not None:
        actor = _user_or_none(getattr(ctx.request, "user", None))
    event = AuditEvent(
        action=action,
        actor=actor,
        actor_label=_actor_label(actor),
        data=redact(data or {}),
        ip=ctx.ip if ctx else None,
        user_agent=ctx.user_agent if ctx else "",
    )
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        event.target_id = str(target.pk) if target.pk is not None else ""
        event.target_repr = str(target)[:LABEL_MAX]
    event.save()


def audit_prune(*, days: int | None = None) -> int:
    """Delete the entries older than `days` (default settings.AUDIT_RETENTION_DAYS), in batches so no long lock
    is held. Returns how many were deleted."""
    days = settings.AUDIT_RETENTION_DAYS if days is None else days
    if days <= 0:
        return 0
    cutoff = timezone.now() - timedelta(days=days)
    old = AuditEvent.objects.filter(created_at__lt=cutoff)
    deleted = 0
    while True:
        batch = list(old.values_list("pk", flat=True)[:PRUNE_BATCH])
        if not batch:
            break
        deleted += AuditEvent.objects.filter(pk__in=batch).delete()[0]
    if deleted:
        logger.info("audit: pruned %s entries older than %s days", deleted, days)
        audit_record(action="audit.prune", data={"deleted": deleted, "retention_days": days})
    return deleted
