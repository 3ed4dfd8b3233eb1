"""Links from tasks to records of other modules (kinds declared in :mod:`planning.links`): add one the person
may see, remove one."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from planning.links import get_link_kind
from planning.models import Task, TaskLink


@transaction.atomic
def task_link_add(*, task: Task, kind: str, object_id: Any, by: Any) -> TaskLink:
    try:
        link_kind = get_link_kind(kind)
    except LookupError:
        raise ValidationError({"kind": _("Choose what to link.")}, code="kind") from None
    try:
        pk = int(object_id)
    except (TypeError, ValueError):
        pk = 0
    target = link_kind.visible(by).filter(pk=pk).first()
    if target is None:
        raise ValidationError({"object_id": _("Choose a record you can see.")}, code="target")
    content_type = ContentType.objects.get_for_model(target)
    existing = TaskLink.objects.filter(task=task, content_type=content_type, object_id=pk).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            link = TaskLink.objects.create(task=task, content_type=content_type, object_id=pk)
    except IntegrityError:  # linked meanwhile by someone else
        return TaskLink.objects.get(task=task, content_type=content_type, object_id=pk)
    audit_record(action="planning.task.link", actor=by, target=task, data={"kind": kind, "object_id": pk})
    _changed(task, by)
    return link


@transaction.atomic
def task_link_remove(*, task: Task, link_id: Any, by: Any) -> None:
    try:
        pk = int(link_id)
    except (TypeError, ValueError):
        pk = 0
    link = TaskLink.objects.filter(task=task, pk=pk).first()
    if link is None:
        return
    audit_record(
        action="planning.task.unlink",
        actor=by,
        target=task,
        data={"content_type": link.content_type_id, "object_id": link.object_id},
    )
    link.delete()
    _changed(task, by)


def _changed(task: Task, by: Any) -> None:
    from planning.services.tasks import card_touched, task_touched

    card_touched(task)
    task_touched(task, by=by, section="links")
