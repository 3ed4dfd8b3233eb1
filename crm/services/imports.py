"""Importing artists, sponsors and contacts from CSV or XLSX: upload → map columns → preview and decide →
commit (a Celery task, all-or-nothing) → log.

Where the steps keep their state (:class:`crm.models.ImportJob`):
- ``headers``, ``mapping`` (guessed at upload, edited by the person), ``decisions`` (``{"row": choice}``, plus
  ``"*"``: the choice for every duplicate);
- before the commit, ``log`` holds the preview's findings: a summary entry (new genres and tags) and one entry
  per row needing attention (errors, duplicate of a record, duplicate of an earlier row);
- after the commit, ``log`` is the import log: one entry per row (created, updated, skipped, error).

Progress of the commit is written outside its transaction (see :mod:`crm.importing.progress`).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from crm.importing import live
from crm.importing.checking import ALL_DUPLICATES, DECISIONS, RowChecker, decision_for, options
from crm.importing.fields import check_mapping, guess_mapping, kind_spec
from crm.importing.progress import ProgressReporter
from crm.importing.reading import MAX_UPLOAD_BYTES, FileInfo, FileProblem, inspect_file
from crm.importing.writing import ImportAborted, Writer
from crm.models import Artist, ImportJob
from crm.signals import score_inputs_changed

logger = logging.getLogger(__name__)

Status = ImportJob.Status
# a run that has not finished after this long died with its worker: it may be started again
STALE_RUN = timedelta(hours=1)
PROGRESS_INTERVAL = 0.5  # seconds between two progress writes (and live pushes) of a running import


def max_upload_bytes() -> int:
    return int(getattr(settings, "CRM_IMPORT_MAX_BYTES", MAX_UPLOAD_BYTES))


def too_large_message() -> str:
    from django.template.defaultfilters import filesizeformat

    size = filesizeformat(max_upload_bytes()).replace(".0\xa0", "\xa0")  # "100 MB", "9.8 KB"
    return _("The file is larger than %(size)s. Split it into smaller files and import them one by one.") % {
        "size": size
    }


# --- the file --------------------------------------------------------------------------------------------


@contextmanager
def job_file(job: ImportJob) -> Iterator[Path]:
    """A local path to the job's file (a temporary copy when the storage is not a local disk)."""
    try:
        local = job.file.path
    except NotImplementedError:
        local = None
    if local:
        yield Path(local)
        return
    with tempfile.NamedTemporaryFile(suffix=f".{job.file_format}") as copy, job.file.open("rb") as source:
        shutil.copyfileobj(source, copy)
        copy.flush()
        yield Path(copy.name)


def file_info(job: ImportJob) -> FileInfo:
    return FileInfo(
        format=job.file_format,
        encoding=job.encoding,
        delimiter=job.delimiter,
        headers=list(job.headers),
        total_rows=job.total_rows,
    )


def checker_for(job: ImportJob, path: Path, *, compare: bool = True) -> RowChecker:
    return RowChecker(kind=job.kind, path=path, info=file_info(job), mapping=job.mapping, compare=compare)


# --- upload ----------------------------------------------------------------------------------------------


def import_upload(*, by: Any, kind: str, file: Any) -> ImportJob:
    """Stores the file, recognises it (format, encoding, delimiter, columns, rows) and guesses the mapping.
    A file that cannot be read raises a ValidationError on ``file`` and leaves nothing behind."""
    kind_spec(kind)
    if file is None:
        raise ValidationError({"file": [_("Choose a CSV or XLSX file.")]})
    if (getattr(file, "size", 0) or 0) > max_upload_bytes():
        raise FileProblem(too_large_message())
    original = Path(getattr(file, "name", "") or "import").name[:255]
    job = ImportJob(owner=by, kind=kind, original_name=original)
    job.file.save(f"{uuid.uuid4().hex}{Path(original).suffix.lower()[:8]}", file, save=False)
    try:
        with job_file(job) as path:
            info = inspect_file(path)
        job.file_format, job.encoding, job.delimiter = info.format, info.encoding, info.delimiter
        job.headers, job.total_rows = info.headers, info.total_rows
        job.mapping = guess_mapping(info.headers, kind)
        job.save()
    except BaseException:
        job.file.delete(save=False)
        raise
    return job


# --- mapping and preview ---------------------------------------------------------------------------------


def _require(job: ImportJob, *statuses: str) -> None:
    if job.status not in statuses:
        raise ValidationError(
            _("This import is %(status)s: that step is no longer possible.")
            % {"status": job.get_status_display().lower()}
        )


def import_set_mapping(*, job: ImportJob, by: Any, mapping: dict[str, str]) -> ImportJob:
    """Checks the mapping (every required field has a column, no field twice), then every row: values,
    errors, duplicates. Keeps what needs attention for the preview. Changing the mapping resets decisions."""
    _require(job, Status.UPLOADED, Status.MAPPED, Status.FAILED)
    mapping = check_mapping(job.headers, mapping, job.kind)
    if mapping != job.mapping:
        job.decisions = {}
    job.mapping = mapping
    with job_file(job) as path:
        checker = checker_for(job, path)
        issues = [result.issue() for result in checker.rows() if result.needs_attention]
    summary = {
        "row": 0,
        "outcome": "summary",
        "new_genres": sorted(checker.genres.new.values(), key=str.lower),
        "new_tags": sorted(checker.tags.new.values(), key=str.lower),
    }
    job.log = [summary, *({**issue, "outcome": "issue"} for issue in issues)]
    job.error_count = sum(1 for issue in issues if issue["errors"])
    job.status = Status.MAPPED
    job.processed_rows = 0
    job.error = ""
    job.save(
        update_fields=["mapping", "decisions", "log", "error_count", "status", "processed_rows", "error"]
    )
    return job


def import_recheck(*, job: ImportJob, by: Any) -> ImportJob:
    """After a failed commit (or to see changes made meanwhile in the CRM): check every row again."""
    _require(job, Status.MAPPED, Status.FAILED)
    return import_set_mapping(job=job, by=by, mapping=job.mapping)


def preview_issues(job: ImportJob) -> list[dict]:
    """The rows the preview flagged (empty once the import has run)."""
    if job.status not in (Status.MAPPED, Status.QUEUED, Status.RUNNING, Status.FAILED):
        return []
    return [entry for entry in job.log or [] if entry.get("outcome") == "issue"]


def preview_summary(job: ImportJob) -> dict:
    """Counts of what the commit will do, from the flagged rows and the decisions."""
    issues = preview_issues(job)
    decisions = job.decisions or {}
    counts = {"create": job.total_rows - len(issues), "update": 0, "skip": 0, "error": 0}
    duplicates = 0
    for issue in issues:
        counts[decision_for(issue, decisions)] += 1
        duplicates += bool(issue.get("match") or issue.get("twin"))
    meta = next((e for e in job.log or [] if e.get("outcome") == "summary"), {})
    return {
        **counts,
        "total": job.total_rows,
        "duplicates": duplicates,
        "errors": sum(1 for i in issues if i.get("errors")),
        "to_write": counts["create"] + counts["update"],
        "new_genres": meta.get("new_genres", []),
        "new_tags": meta.get("new_tags", []),
        "all_duplicates": decisions.get(ALL_DUPLICATES, ""),
    }


@transaction.atomic
def import_set_decisions(
    *, job: ImportJob, by: Any, decisions: dict[Any, str] | None = None, all_duplicates: str | None = None
) -> ImportJob:
    """Records skip / create / update for rows (``{row: choice}``), or one choice for every duplicate
    (``all_duplicates``, which also replaces the duplicates' own choices)."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)  # two tabs deciding at once: no lost choice
    _require(job, Status.MAPPED)
    issues = {issue["row"]: issue for issue in preview_issues(job)}
    current = dict(job.decisions or {})
    if all_duplicates is not None:
        if all_duplicates not in DECISIONS:
            raise ValidationError({"all_duplicates": _("Choose skip, create or update.")})
        current[ALL_DUPLICATES] = all_duplicates
        for row, issue in issues.items():
            if issue.get("match") or issue.get("twin"):
                current.pop(str(row), None)
    for row, choice in (decisions or {}).items():
        try:
            issue = issues.get(int(row))
        except (TypeError, ValueError):
            issue = None
        if issue is None:
            raise ValidationError({"row": _("Row %(row)s needs no decision.") % {"row": row}})
        allowed = options(issue)
        if choice not in allowed:
            raise ValidationError(
                {"decision": _("Row %(row)s cannot be “%(choice)s”.") % {"row": row, "choice": choice}}
            )
        current[str(int(row))] = choice
    job.decisions = current
    job.save(update_fields=["decisions"])
    return job


# --- commit and run --------------------------------------------------------------------------------------


@transaction.atomic
def import_commit(*, job: ImportJob, by: Any) -> ImportJob:
    """Queues the import (the Celery task starts after this transaction commits)."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    _require(job, Status.MAPPED)
    if preview_summary(job)["to_write"] == 0:
        raise ValidationError(_("Nothing to import: every row is skipped or has errors."))
    job.status = Status.QUEUED
    job.processed_rows = 0
    job.error = ""
    job.save(update_fields=["status", "processed_rows", "error"])
    job_id = job.pk
    transaction.on_commit(lambda: _enqueue(job_id))
    return job


def _enqueue(job_id: int) -> None:
    from crm.tasks import import_run_task

    try:
        import_run_task.delay(job_id=job_id)
    except Exception:  # the broker is away: say so rather than leave the job queued forever
        logger.exception("import %s: could not queue the task", job_id)
        ImportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
            status=Status.FAILED,
            error=_("The task queue is unavailable, so nothing was imported. Try again in a minute."),
            finished_at=timezone.now(),
        )


def _claim(job_id: int) -> ImportJob | None:
    """QUEUED → RUNNING (or a RUNNING job whose worker died); None when someone else runs it or it is over."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=now, processed_rows=0
    )
    if not claimed:
        claimed = ImportJob.objects.filter(
            pk=job_id, status=Status.RUNNING, started_at__lt=now - STALE_RUN
        ).update(started_at=now, processed_rows=0)
    if not claimed:
        return None
    return ImportJob.objects.select_related("owner").get(pk=job_id)


def _publish_progress(job_id: int) -> None:
    job = (
        ImportJob.objects.select_related("owner")
        .defer("log", "headers", "mapping", "decisions")
        .get(pk=job_id)
    )
    live.publish_step(job)


def import_run(*, job_id: int) -> ImportJob | None:
    """Writes the import in ONE transaction: every decided row, or nothing (the job then says why)."""
    job = _claim(job_id)
    if job is None:
        return ImportJob.objects.filter(pk=job_id).first()
    live.publish_step(job)  # "importing…" (outside any transaction: sent at once)
    owner = job.owner
    try:
        reporter = ProgressReporter(
            job_id=job.pk, on_change=lambda _n: _publish_progress(job_id), interval=PROGRESS_INTERVAL
        )
        with job_file(job) as path, reporter, transaction.atomic():
            writer = Writer(job=job, checker=checker_for(job, path), by=owner, report=reporter.report)
            writer.run()
            reporter.stop()  # before this transaction locks the job row (the reporter writes to it)
            _finish(job, writer)
    except ImportAborted as error:
        return _fail(job, str(error))
    except Exception as error:  # a database refusal, a file gone…: nothing was written
        logger.exception("import %s failed", job_id)
        return _fail(
            job,
            _("The import stopped on an unexpected error, so nothing was written: %(error)s")
            % {"error": str(error).splitlines()[0][:300] if str(error) else type(error).__name__},
        )
    return job


def _finish(job: ImportJob, writer: Writer) -> None:
    counts = writer.counts
    job.status = Status.DONE
    job.processed_rows = job.total_rows
    job.created_count = counts["created"]
    job.updated_count = counts["updated"]
    job.skipped_count = counts["skipped"]
    job.error_count = counts["error"]
    job.log = writer.log
    job.finished_at = timezone.now()
    job.save()
    audit_record(
        action="crm.import",
        actor=job.owner,
        target=job,
        data={
            "kind": job.kind,
            "file": job.original_name,
            "rows": job.total_rows,
            "created": job.created_count,
            "updated": job.updated_count,
            "skipped": job.skipped_count,
            "errors": job.error_count,
        },
    )
    if job.kind == ImportJob.Kind.ARTISTS:
        # one signal for the whole import (artists whose audience changed got theirs from the audience refresh)
        ids = sorted(writer.touched_artists - writer.snapshot_artists)
        if ids:
            transaction.on_commit(lambda: score_inputs_changed.send(sender=Artist, artist_ids=ids))
    job_id = job.pk
    transaction.on_commit(lambda: _publish_progress(job_id))


def _fail(job: ImportJob, reason: str) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(status=Status.FAILED, error=reason, finished_at=timezone.now())
    job.refresh_from_db()
    audit_record(
        action="crm.import.failed",
        actor=job.owner,
        target=job,
        data={"file": job.original_name, "reason": reason},
    )
    live.publish_step(job)
    return job


# --- discard ---------------------------------------------------------------------------------------------


@transaction.atomic
def import_discard(*, job: ImportJob, by: Any) -> None:
    """Drops an import that was not committed (its file too)."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    _require(job, Status.UPLOADED, Status.MAPPED, Status.FAILED)
    name = job.file.name
    job.delete()
    transaction.on_commit(lambda: job.file.storage.delete(name))
