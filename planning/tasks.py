"""Celery tasks of Planning: thin wrappers around services (idempotent, JSON-safe arguments)."""

from celery import shared_task


@shared_task(soft_time_limit=50, time_limit=55)
def reminders_due_task() -> int:
    """Every minute (beat): send the deadline and event reminders now due (each one once, see the service)."""
    from planning.services.reminders import reminders_send_due  # local import avoids a service<->task cycle

    return reminders_send_due()


@shared_task(soft_time_limit=5 * 60, time_limit=6 * 60)
def digest_due_task() -> int:
    """Every 15 minutes (beat): the daily digests of overdue tasks whose hour has come (once per local day)."""
    from planning.services.reminders import digests_send_due

    return digests_send_due()
