from celery import shared_task


@shared_task(soft_time_limit=600)
def audit_prune_task() -> int:
    from audit.services import audit_prune

    return audit_prune()
