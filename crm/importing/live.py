"""The live group of one import (``crm.import.<pk>``): its wizard page joins it and receives the progress step
as it changes; a page that (re)connects gets the current step at once (resync). Who may join: whoever sees the
import (its owner, Admins)."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from core.live import publish, render_fragment
from core.live.registry import register_group, register_resync

PREFIX = "crm.import"
STEP_TEMPLATE = "crm/import_detail.html#import-step"


def group(job_id: int) -> str:
    return f"{PREFIX}.{job_id}"


def _job(user: Any, key: str):
    from crm.permissions import imports_visible_to

    if not key.isdigit():
        return None
    return imports_visible_to(user).filter(pk=int(key)).select_related("owner").first()


def can_join(user: Any, key: str) -> bool:
    return _job(user, key) is not None


def render_step(job, *, language: str | None = None) -> str:
    """The wizard's current step as an htmx fragment (replaces ``#import-step``)."""
    from crm.importing.presenting import step_context

    with translation.override(language or translation.get_language()):
        return render_fragment(STEP_TEMPLATE, step_context(job, live=True))


def resync(user: Any, key: str) -> str:
    """The progress, for a page whose socket (re)connects while the import runs. Nothing otherwise: a page
    opened on a finished import is already up to date, and one that missed the end polls it within 2 s."""
    job = _job(user, key)
    if job is None or job.status not in (job.Status.QUEUED, job.Status.RUNNING):
        return ""
    return render_step(job, language=getattr(user, "language", None))


def publish_step(job) -> None:
    """Send the job's current step to its page(s); in the owner's language (Admins watching see the same)."""
    publish(group(job.pk), html=render_step(job, language=getattr(job.owner, "language", None)))


def register() -> None:
    register_group(PREFIX, can_join)
    register_resync(PREFIX, resync)
