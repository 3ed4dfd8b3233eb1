"""Celery tasks of notifications: thin wrappers around services (idempotent, JSON-safe arguments)."""

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import selectors
from .services import NotificationEmailDeferred, notification_email_send

logger = logging.getLogger("notifications")

SWEEP_AFTER = timedelta(minutes=2)


@shared_task(
    autoretry_for=(NotificationEmailDeferred,),
    retry_backoff=30,
    retry_backoff_max=15 * 60,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=60,
)
def notification_email_task(*, notification_id: int) -> str:
    return notification_email_send(notification_id=notification_id)


@shared_task(soft_time_limit=60)
def notification_email_sweep_task() -> int:
    """Re-queue the e-mails still pending 2 minutes after their notification (their first queuing failed, the
    worker died, or they are between retries: sending twice is prevented by notification_email_send)."""
    ids = selectors.notification_email_pending_ids(older_than=timezone.now() - SWEEP_AFTER)
    for pk in ids:
        notification_email_task.delay(notification_id=pk)
    if ids:
        logger.info("re-queued %s pending notification e-mails", len(ids))
    return len(ids)
