"""Reactions to the CRM's signals (connected when crm.shell registers). Kept thin: they queue Celery tasks.

``score_inputs_changed(artist_ids=[...])`` → :func:`crm.tasks.artist_score_recompute_task`, after the commit
and de-duplicated twice: within one transaction (one task for every artist it touched), and across requests
while a recomputation of the artist is still waiting in the queue (a key per artist in the cache, cleared by the
task when it starts, so a change made while it runs queues the next one).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver

from crm.signals import score_inputs_changed

logger = logging.getLogger(__name__)

TASK_CHUNK = 2000  # artists per task
DEDUPE_UP_TO = 200  # bigger sets (imports, bulk edits) are queued as they are
PENDING_TIMEOUT = 10 * 60  # a queued task that never ran stops blocking new ones after this


def _pending_key(pk: int) -> str:
    return f"crm:score-pending:{pk}"


def score_pending_clear(artist_ids: Iterable[int]) -> None:
    ids = list(artist_ids)
    if len(ids) <= DEDUPE_UP_TO:
        cache.delete_many([_pending_key(pk) for pk in ids])


def _not_pending(ids: list[int]) -> list[int]:
    if len(ids) > DEDUPE_UP_TO:
        return ids
    # add() is False when the key exists; None when the cache is down (then queue anyway)
    return [pk for pk in ids if cache.add(_pending_key(pk), 1, timeout=PENDING_TIMEOUT) is not False]


def _enqueue(artist_ids: set[int]) -> None:
    from crm.tasks import artist_score_recompute_task

    ids = _not_pending(sorted(artist_ids))
    for start in range(0, len(ids), TASK_CHUNK):
        chunk = ids[start : start + TASK_CHUNK]
        try:
            artist_score_recompute_task.delay(artist_ids=chunk)
        except Exception:  # broker down: the nightly recomputation catches up
            score_pending_clear(chunk)
            logger.warning(
                "could not queue the score of %s artists; the nightly run will", len(chunk), exc_info=True
            )


class _Batch:
    """The artists one transaction changed, queued once when it commits."""

    def __init__(self) -> None:
        self.ids: set[int] = set()

    def flush(self) -> None:
        ids, self.ids = self.ids, set()
        if ids:
            _enqueue(ids)


@receiver(score_inputs_changed, dispatch_uid="crm.receivers.score_inputs_changed")
def score_inputs_changed_receiver(sender, *, artist_ids: Iterable[int] = (), **kwargs) -> None:
    ids = {int(pk) for pk in artist_ids if pk}
    if not ids:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:  # the usual case: services send after their commit
        _enqueue(ids)
        return
    batch = getattr(connection, "_crm_score_batch", None)
    # a batch whose hook was dropped (rolled back) or already ran is not reused
    if batch is None or not any(hook[1] == batch.flush for hook in connection.run_on_commit):
        batch = _Batch()
        connection._crm_score_batch = batch
        transaction.on_commit(batch.flush)
    batch.ids |= ids
