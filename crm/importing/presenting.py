"""What the import wizard's templates show, prepared once here: the step, the mapping table, the first rows,
the rows needing a decision, the log. The same step context serves the page, its polling and the live push."""

from __future__ import annotations

from functools import cache
from itertools import islice
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.models import ImportJob

from .checking import CREATE, SKIP, UPDATE, decision_for, key_label, options
from .fields import kind_spec
from .reading import DELIMITER_LABELS, ENCODING_LABELS

Status = ImportJob.Status
RUNNING_STATES = (Status.QUEUED, Status.RUNNING)
FIRST_ROWS = 10

OUTCOMES = {
    "created": (gettext_lazy("Created"), "success", "plus-circle"),
    "updated": (gettext_lazy("Updated"), "info", "arrow-repeat"),
    "skipped": (gettext_lazy("Skipped"), "neutral", "skip-forward"),
    "error": (gettext_lazy("Error"), "danger", "exclamation-triangle"),
}
STATUS_TONES = {
    Status.UPLOADED: ("neutral", "upload"),
    Status.MAPPED: ("primary", "list-check"),
    Status.QUEUED: ("warning", "hourglass-split"),
    Status.RUNNING: ("warning", "arrow-repeat"),
    Status.DONE: ("success", "check-circle"),
    Status.FAILED: ("danger", "x-octagon"),
}
KIND_ICONS = {"artists": "person-badge", "sponsors": "building", "contacts": "person-lines-fill"}
RECORD_URLS = {
    "artists": "crm:artist-detail",
    "sponsors": "crm:sponsor-detail",
    "contacts": "crm:contact-detail",
}


def decision_labels() -> dict[str, str]:
    return {
        SKIP: _("Skip"),
        CREATE: _("Create a new record"),
        UPDATE: _("Update the existing record"),
    }


@cache
def _url_pattern(kind: str) -> str:
    """``/crm/artists/0/`` with a placeholder, or "" when that page does not exist (yet)."""
    try:
        return reverse(RECORD_URLS[kind], args=[0]).replace("/0/", "/{}/")
    except NoReverseMatch:
        return ""


def record_url(kind: str, pk: int | None) -> str:
    pattern = _url_pattern(kind)
    return pattern.format(pk) if pattern and pk else ""


def percent(job: ImportJob) -> int:
    if job.status == Status.DONE:
        return 100
    if not job.total_rows:
        return 0
    return min(100, int(job.processed_rows * 100 / job.total_rows))


def step_name(job: ImportJob, *, requested: str = "") -> str:
    if job.status in (Status.UPLOADED,) or (
        requested == "mapping" and job.status in (Status.MAPPED, Status.FAILED)
    ):
        return "mapping"
    if job.status == Status.MAPPED:
        return "preview"
    if job.status in RUNNING_STATES:
        return "progress"
    return "done" if job.status == Status.DONE else "failed"


def duration(job: ImportJob) -> str:
    """How long the commit took: "42 s", "3 min 5 s"."""
    if not (job.started_at and job.finished_at):
        return ""
    seconds = max(1, round((job.finished_at - job.started_at).total_seconds()))
    minutes, seconds = divmod(seconds, 60)
    if not minutes:
        return _("%(s)s s") % {"s": seconds}
    return _("%(m)s min %(s)s s") % {"m": minutes, "s": seconds}


def step_context(job: ImportJob, *, live: bool = False, requested: str = "") -> dict[str, Any]:
    return {
        "duration": duration(job),
        "job": job,
        "step": step_name(job, requested=requested),
        "live": live,
        "oob": False,
        "percent": percent(job),
        "kind_label": kind_spec(job.kind).label,
        "status_tone": STATUS_TONES.get(job.status, ("neutral", "circle"))[0],
        "status_icon": STATUS_TONES.get(job.status, ("neutral", "circle"))[1],
    }


def file_description(job: ImportJob) -> str:
    if job.file_format == "xlsx":
        return _("Excel workbook, first sheet")
    separator = DELIMITER_LABELS.get(job.delimiter, job.delimiter)
    separator = _("tab") if separator == "tab" else f"“{separator}”"
    return _("CSV, %(encoding)s, columns separated by %(separator)s") % {
        "encoding": ENCODING_LABELS.get(job.encoding, job.encoding),
        "separator": separator,
    }


# --- mapping ---------------------------------------------------------------------------------------------


def field_groups(kind: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The mapping select's options, grouped: record fields, social profiles, audience."""
    spec = kind_spec(kind)
    groups: dict[str, list[tuple[str, str]]] = {}
    names = {"social": _("Social profiles"), "audience": _("Audience (today's figures)")}
    for field in spec.fields:
        group = names.get(field.kind, _("Fields"))
        label = capfirst(field.label)
        if field.required:
            label = f"{label} *"
        if field.help:
            label = f"{label} ({field.help})"
        groups.setdefault(group, []).append((field.name, label))
    return list(groups.items())


def mapping_rows(job: ImportJob, samples: list[list[str]], mapping: dict[str, str]) -> list[dict]:
    rows = []
    for index, header in enumerate(job.headers):
        values = [row[index] for row in samples if index < len(row) and row[index]][:3]
        rows.append(
            {
                "index": index,
                "header": header,
                "samples": [v if len(v) <= 60 else v[:57] + "…" for v in values],
                "selected": mapping.get(header, ""),
            }
        )
    return rows


def required_labels(kind: str) -> list[str]:
    spec = kind_spec(kind)
    return [
        _(" or ").join(str(capfirst(spec.by_name[n].label)) for n in group)
        for group in spec.required_groups()
    ]


# --- preview ---------------------------------------------------------------------------------------------


def _display(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):  # a social profile
        return f"@{value.get('handle', '')}"
    return str(value)


def first_rows(
    job: ImportJob, checker, issues: dict[int, dict], limit: int = FIRST_ROWS
) -> tuple[list[str], list[dict]]:
    """Column titles and the first rows as the import will read them (values, or the error in their place),
    with what the commit will do with each. ``checker`` need not compare (``issues`` has the findings)."""
    spec = kind_spec(job.kind)
    # in the file's column order (the stored mapping's keys come back sorted by the database)
    fields = [spec.by_name[job.mapping[h]] for h in job.headers if job.mapping.get(h) in spec.by_name]
    decisions = job.decisions or {}
    rows = []
    for result in islice(checker.rows(), limit):
        cells = []
        for field in fields:
            value = result.values.get(field.name)
            cells.append(
                {
                    "value": "" if value in (None, "") else _display(value),
                    "error": result.errors.get(field.name, ""),
                }
            )
        issue = issues.get(result.number)
        rows.append(
            {
                "number": result.number,
                "cells": cells,
                "decision": decision_for(issue, decisions),
                "duplicate": bool(issue and (issue.get("match") or issue.get("twin"))),
            }
        )
    return [str(capfirst(f.label)) for f in fields], rows


def issue_rows(job: ImportJob, issues: list[dict]) -> list[dict]:
    spec = kind_spec(job.kind)
    labels = decision_labels()
    decisions = job.decisions or {}
    rows = []
    for issue in issues:
        match = issue.get("match")
        twin = issue.get("twin")
        allowed = options(issue)
        rows.append(
            {
                "row": issue["row"],
                "label": issue.get("label") or "—",
                "errors": [
                    (str(capfirst(spec.by_name[f].label)) if f in spec.by_name else f, message)
                    for f, message in (issue.get("errors") or {}).items()
                ],
                "blocked": issue.get("blocked", False),
                "match": match
                and {
                    "label": match["label"],
                    "url": record_url(job.kind, match["id"]),
                    "keys": ", ".join(key_label(k) for k in match["keys"]),
                },
                "twin": twin and {"row": twin["row"], "keys": ", ".join(key_label(k) for k in twin["keys"])},
                "decision": decision_for(issue, decisions),
                "options": [(value, labels[value]) for value in allowed],
                "has_errors": bool(issue.get("errors")),
            }
        )
    return rows


# --- log ---------------------------------------------------------------------------------------------------


def log_rows(job: ImportJob, entries: list[dict]) -> list[dict]:
    rows = []
    for entry in entries:
        label, tone, icon = OUTCOMES.get(entry.get("outcome"), (entry.get("outcome", ""), "neutral", "dot"))
        rows.append(
            {
                "row": entry.get("row"),
                "outcome": entry.get("outcome"),
                "outcome_label": label,
                "tone": tone,
                "icon": icon,
                "label": entry.get("label", ""),
                "message": entry.get("message", ""),
                "url": record_url(job.kind, entry.get("id")),
            }
        )
    return rows


def log_entries(job: ImportJob, outcome: str = "") -> list[dict]:
    entries = [e for e in job.log or [] if e.get("outcome") in OUTCOMES]
    return [e for e in entries if e.get("outcome") == outcome] if outcome else entries
