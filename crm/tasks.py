"""Celery tasks of the CRM: thin wrappers that load by id and call one service (enqueued after commit)."""

from celery import shared_task

# --- scoring ---------------------------------------------------------------------------------------------


@shared_task(soft_time_limit=15 * 60, time_limit=16 * 60)
def artist_score_recompute_task(*, artist_ids: list[int]) -> int:
    """Recompute the scores of these artists (queued by crm.receivers when their inputs change)."""
    from crm.receivers import score_pending_clear
    from crm.services.scoring import artist_score_recompute  # local import avoids a service<->task cycle

    score_pending_clear(artist_ids)  # a change from now on queues a new run
    return artist_score_recompute(artist_ids=artist_ids)


@shared_task(soft_time_limit=30 * 60, time_limit=31 * 60)
def artist_score_recompute_all_task() -> int:
    """Every artist's score: nightly (recency decays, snapshots age) and after the scoring settings change."""
    from crm.services.scoring import artist_score_recompute_all

    return artist_score_recompute_all()


# --- import ----------------------------------------------------------------------------------------------


# No autoretry: a failed import is marked FAILED with its reason (all-or-nothing) and the person retries it.
# acks_late (settings) + the service's claim make a redelivery after a lost worker safe.
@shared_task(soft_time_limit=30 * 60, time_limit=31 * 60)
def import_run_task(*, job_id: int) -> None:
    """Commit a CSV/XLSX import (queued by crm.services.imports.import_commit)."""
    from crm.services.imports import import_run

    import_run(job_id=job_id)
