"""Checklists of tasks and events: add, tick, edit, delete, reorder. Each function takes ``task=`` or
``event=`` (exactly one); the item is looked up within that owner, so an id of another task's item is refused.

A task's checklist shows on its card (progress) and in its panel: after a change, open boards get the card and
open panels reload. An event's page reloads through the calendar's live group (its owner, EVENTS, renders it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from planning.models import ChecklistItem, Event, Task

GAP = 1024


def _owner(task: Task | None, event: Event | None) -> dict[str, Any]:
    if (task is None) == (event is None):
        raise TypeError("Give exactly one of task= or event=")
    return {"task": task} if task is not None else {"event": event}


def _item(owner: dict[str, Any], item_id: Any) -> ChecklistItem:
    try:
        pk = int(item_id)
    except (TypeError, ValueError):
        pk = 0
    item = ChecklistItem.objects.select_for_update().filter(pk=pk, **owner).first()
    if item is None:
        raise ValidationError(_("This checklist item no longer exists."), code="gone")
    return item


def _changed(owner: dict[str, Any], by: Any) -> None:
    task = owner.get("task")
    if task is not None:
        from planning.services.tasks import card_touched, task_touched

        card_touched(task)
        task_touched(task, by=by, section="checklist")
    else:
        from planning.calendar import calendar_changed

        calendar_changed(source="events", item_id=owner["event"].pk, by=by)


def _target(owner: dict[str, Any]) -> Any:
    return owner.get("task") or owner.get("event")


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write what needs doing.")}, code="required")
    return text


@transaction.atomic
def checklist_add(
    *, task: Task | None = None, event: Event | None = None, text: str, by: Any
) -> ChecklistItem:
    owner = _owner(task, event)
    last = ChecklistItem.objects.filter(**owner).aggregate(last=Max("position"))["last"]
    item = ChecklistItem(text=_clean_text(text), position=0 if last is None else last + GAP, **owner)
    item.full_clean()
    item.save()
    audit_record(action="planning.checklist.add", actor=by, target=_target(owner), data={"text": item.text})
    _changed(owner, by)
    return item


@transaction.atomic
def checklist_toggle(
    *, task: Task | None = None, event: Event | None = None, item_id: Any, done: bool | None = None, by: Any
) -> ChecklistItem:
    """Tick (or untick) an item; ``done=None`` flips it."""
    owner = _owner(task, event)
    item = _item(owner, item_id)
    item.done = (not item.done) if done is None else bool(done)
    item.done_by = by if item.done and getattr(by, "pk", None) else None
    item.save(update_fields=["done", "done_by"])
    audit_record(
        action="planning.checklist.toggle",
        actor=by,
        target=_target(owner),
        data={"item": item.pk, "done": item.done},
    )
    _changed(owner, by)
    return item


@transaction.atomic
def checklist_edit(
    *, task: Task | None = None, event: Event | None = None, item_id: Any, text: str, by: Any
) -> ChecklistItem:
    owner = _owner(task, event)
    item = _item(owner, item_id)
    item.text = _clean_text(text)
    item.full_clean()
    item.save(update_fields=["text"])
    audit_record(
        action="planning.checklist.edit",
        actor=by,
        target=_target(owner),
        data={"item": item.pk, "text": item.text},
    )
    _changed(owner, by)
    return item


@transaction.atomic
def checklist_delete(*, task: Task | None = None, event: Event | None = None, item_id: Any, by: Any) -> None:
    owner = _owner(task, event)
    item = _item(owner, item_id)
    audit_record(
        action="planning.checklist.delete", actor=by, target=_target(owner), data={"text": item.text}
    )
    item.delete()
    _changed(owner, by)


@transaction.atomic
def checklist_reorder(
    *, task: Task | None = None, event: Event | None = None, item_ids: Iterable[Any], by: Any
) -> None:
    """Put the items in the order of ``item_ids`` (items not named keep their order, after those named)."""
    owner = _owner(task, event)
    items = list(ChecklistItem.objects.select_for_update().filter(**owner).order_by("position", "pk"))
    wanted = []
    for value in item_ids:
        try:
            wanted.append(int(value))
        except (TypeError, ValueError):
            continue
    by_pk = {item.pk: item for item in items}
    ordered = [by_pk[pk] for pk in dict.fromkeys(wanted) if pk in by_pk]
    ordered += [item for item in items if item not in ordered]
    for index, item in enumerate(ordered):
        item.position = index * GAP
    ChecklistItem.objects.bulk_update(ordered, ["position"])
    _changed(owner, by)


def checklist_progress(items: Iterable[ChecklistItem]) -> dict[str, int]:
    """``{"done": n, "total": n, "percent": n}`` of already loaded items."""
    items = list(items)
    done = sum(1 for item in items if item.done)
    total = len(items)
    return {"done": done, "total": total, "percent": round(100 * done / total) if total else 0}
