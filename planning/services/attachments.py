"""Files attached to tasks: at most ``MAX_BYTES`` each (a clear error beyond), served only through the
permission-checked download view (``planning:task-attachment``), deleted with their file."""

from __future__ import annotations

import os
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from planning.models import Attachment, Task

MAX_BYTES = 25 * 1024 * 1024


def _clean_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip() or "file"
    return base[-200:]


@transaction.atomic
def attachment_add(*, task: Task, file: Any, by: Any) -> Attachment:
    if file is None:
        raise ValidationError({"file": _("Choose a file.")}, code="required")
    if file.size > MAX_BYTES:
        raise ValidationError(
            {
                "file": _("This file is %(size)s; attachments can be at most %(max)s.")
                % {"size": filesizeformat(file.size), "max": filesizeformat(MAX_BYTES)}
            },
            code="too_big",
        )
    name = _clean_name(getattr(file, "name", ""))
    attachment = Attachment(
        task=task,
        name=name,
        size=file.size,
        content_type=(getattr(file, "content_type", "") or "")[:120],
        uploaded_by=by if getattr(by, "pk", None) else None,
    )
    attachment.file.save(name, file, save=False)
    path = attachment.file.name
    try:
        attachment.full_clean()
        attachment.save()
    except Exception:
        attachment.file.storage.delete(path)
        raise
    audit_record(
        action="planning.attachment.add", actor=by, target=task, data={"name": name, "size": attachment.size}
    )
    _changed(task, by)
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment, by: Any) -> None:
    task = attachment.task
    storage, path = attachment.file.storage, attachment.file.name
    audit_record(action="planning.attachment.delete", actor=by, target=task, data={"name": attachment.name})
    attachment.delete()
    if path:
        transaction.on_commit(lambda: storage.delete(path))
    _changed(task, by)


def _changed(task: Task, by: Any) -> None:
    from planning.services.tasks import card_touched, task_touched

    card_touched(task)
    task_touched(task, by=by, section="attachments")
