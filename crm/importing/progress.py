"""Progress of a running import, visible while its all-or-nothing transaction is still open.

The import writes every record inside ONE transaction, so nothing it does there is visible to anyone until the
commit — including a progress counter saved on the job. :class:`ProgressReporter` therefore writes the counter
from its own thread: Django gives each thread its own database connection, which is in autocommit, so the
``UPDATE crm_importjob SET processed_rows = …`` is committed at once and any page (polling) reads it. The same
thread publishes the live fragment (``core.live.publish`` sends immediately when not inside a transaction, and
that thread never is). It writes at most every ``interval`` seconds, so 50,000 rows cost a handful of updates.

The import must stop the reporter (``stop()``) before its transaction touches the job row itself, or the two
connections would wait on each other.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import connections

logger = logging.getLogger(__name__)


class ProgressReporter:
    def __init__(self, *, job_id: int, on_change: Callable[[int], None] | None = None, interval: float = 0.5):
        self.job_id = job_id
        self.on_change = on_change  # called from the reporter's thread after each write (live publish)
        self.interval = interval
        self._value = 0
        self._written = -1
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name=f"import-progress-{job_id}", daemon=True)

    def __enter__(self) -> ProgressReporter:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def report(self, processed: int) -> None:
        """Cheap: records the number; the thread writes it."""
        with self._lock:
            self._value = processed

    def stop(self) -> None:
        """Writes the last value and ends the thread (idempotent)."""
        if not self._thread.is_alive():
            return
        self._stopping = True
        self._wake.set()
        self._thread.join(timeout=30)

    def _loop(self) -> None:
        try:
            while True:
                self._wake.wait(self.interval)
                self._flush()
                if self._stopping:
                    return
        finally:
            connections.close_all()  # this thread's connections only

    def _flush(self) -> None:
        with self._lock:
            value = self._value
        if value == self._written:
            return
        from crm.models import ImportJob

        try:
            ImportJob.objects.filter(pk=self.job_id).update(processed_rows=value)
            self._written = value
            if self.on_change is not None:
                self.on_change(value)
        except Exception:  # progress must never break the import itself
            logger.warning("import %s: could not record progress", self.job_id, exc_info=True)
