"""Writes of tasks: create, edit, delete, what a change of column means (done / reopened, the next occurrence
of a recurring task), and "mark done".

Every function is keyword-only and atomic, validates with ``full_clean()`` (field-keyed ``ValidationError``s
with messages for people), writes the audit trail, and leaves side effects to after the commit: open boards get
the card (:func:`core.boards.services.card_changed`), open calendars refetch when a dated task changed
(:func:`planning.calendar.calendar_changed`), and open task panels reload (live group ``planning.task.<pk>``).

Many-to-many fields (``assignees``, ``labels``) take iterables of objects or primary keys.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.boards import services as board_services
from planning import recurrence
from planning.calendar import calendar_changed
from planning.models import Board, ChecklistItem, Column, Label, Task, TaskLink

KEY = "planning.kanban"
GAP = board_services.GAP
TASK_GROUP_PREFIX = "planning.task"

SCALAR_FIELDS = (
    *("title", "description", "priority", "start_at", "due_at", "all_day", "estimate_hours"),
    *("responsible", "responsible_id", "accountable", "accountable_id", "recurrence"),
)
M2M_FIELDS = ("assignees", "labels")


# --- helpers shared with the other task services -------------------------------------------------------------


def board_spec():
    """The Kanban board spec (registered by ``planning.boards``); looked up lazily, so this module imports
    before it exists."""
    from core.boards.registry import get_board_spec

    return get_board_spec(KEY)


def task_group(task_or_pk: Any) -> str:
    """The live group of one task's open panels: ``planning.task.<pk>``."""
    return f"{TASK_GROUP_PREFIX}.{int(getattr(task_or_pk, 'pk', task_or_pk))}"


def task_touched(task: Task, *, by: Any = None, section: str = "") -> None:
    """After the commit, open panels of ``task`` reload: on its own page (group ``planning.task.<pk>``) and in
    the side panel of its board's page (which listens on the board's group)."""
    from core.live import publish_many

    publish_many(
        [task_group(task), f"board.{KEY}.{task.board_id}"],
        event="planning.task.changed",
        data={"task": task.pk, "section": section, "by": getattr(by, "pk", None)},
    )


def card_touched(task: Task, *, created: bool = False, previous_column_id: int | None = None) -> None:
    """Open boards get the task's card (inside the caller's transaction; sent after the commit)."""
    try:
        spec = board_spec()
    except LookupError:  # the board is not registered (a unit test of a service without the shell)
        return
    board_services.card_changed(spec, task, created=created, previous_column_id=previous_column_id)


def series_time_zone(task: Task) -> str:
    """The time zone a task's recurrence is counted in: its creator's, else the site's."""
    creator = task.created_by if task.created_by_id else None
    return getattr(creator, "time_zone", "") or settings.TIME_ZONE


def first_open_column(board: Board) -> Column | None:
    columns = Column.objects.filter(board=board).order_by("position", "pk")
    return columns.filter(is_done=False).first() or columns.first()


def first_done_column(board: Board) -> Column | None:
    return Column.objects.filter(board=board, is_done=True).order_by("position", "pk").first()


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(SCALAR_FIELDS) - set(M2M_FIELDS)
    if unknown:
        raise TypeError(f"Task services take no field(s) {sorted(unknown)}")


def _validate_dates(task: Task) -> None:
    if task.start_at and task.due_at and task.start_at > task.due_at:
        raise ValidationError(
            {"start_at": _("The start must be on or before the due date.")}, code="start_after_due"
        )


def _validate_recurrence(task: Task) -> None:
    if not (task.recurrence or "").strip():
        task.recurrence = ""
        return
    if task.due_at is None:
        raise ValidationError(
            {"recurrence": _("Give the task a due date to make it repeat.")}, code="recurrence_needs_due"
        )
    root = task.series_root if task.series_root_id else None
    start = root.due_at if root is not None and root.due_at else task.due_at
    try:
        task.recurrence = recurrence.normalize_rrule(
            task.recurrence, start=start, tz_name=series_time_zone(task)
        )
    except ValidationError as exc:
        raise ValidationError({"recurrence": exc.messages}, code="rrule") from exc


def _clean(task: Task) -> None:
    _validate_dates(task)
    _validate_recurrence(task)
    task.full_clean(exclude=["position"])


def _audit_data(fields: dict[str, Any], m2m: dict[str, list]) -> dict[str, Any]:
    data = {name: "" if value is None else str(getattr(value, "pk", value)) for name, value in fields.items()}
    data.update({name: [getattr(v, "pk", v) for v in values] for name, values in m2m.items()})
    return data


def _dated(task: Task) -> bool:
    return bool(task.due_at or task.start_at)


# --- create, update, delete -----------------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    board: Board,
    column: Column | None = None,
    title: str,
    by: Any,
    at_top: bool = False,
    **fields: Any,
) -> Task:
    """A new task on ``board``, in ``column`` (default: the first column that is not a done one), at the top of
    the column with ``at_top`` else at its end. The board's WIP policy applies: a full column refuses
    (``ValidationError`` on ``column``) or accepts with a warning (``task.wip_warning``)."""
    return _create(board=board, column=column, title=title, by=by, at_top=at_top, check_wip=True, **fields)


def _create(
    *,
    board: Board,
    column: Column | None,
    title: str,
    by: Any,
    at_top: bool,
    check_wip: bool,
    series_root: Task | None = None,
    **fields: Any,
) -> Task:
    _check_fields(fields)
    m2m = {name: list(fields.pop(name)) for name in M2M_FIELDS if name in fields}
    if column is None:
        column = first_open_column(board)
    if column is None:
        raise ValidationError({"column": _("This board has no column yet.")}, code="no_column")
    if column.board_id != board.pk:
        raise ValidationError({"column": _("This column belongs to another board.")}, code="wrong_column")
    warning = None
    if check_wip:
        # the column's row lock (the one moves take) serialises additions: two quick-adds cannot both take the
        # last free place of a WIP-limited column. Not for a spawned occurrence: that happens inside a move,
        # which already holds its own columns' locks (taking another one out of pk order could deadlock).
        column = Column.objects.select_for_update(of=("self",)).get(pk=column.pk)
        from planning.services.boards import wip_check

        warning = wip_check(column=column, adding=1)
    creator = by if getattr(by, "pk", None) else None
    task = Task(
        board=board,
        column=column,
        title=(title or "").strip(),
        created_by=creator,
        series_root=series_root,
        **fields,
    )
    if column.is_done:
        task.completed_at = timezone.now()
    _clean(task)
    task.position = _edge_position(column, top=at_top)
    task.save()
    for name, values in m2m.items():
        getattr(task, name).set(values)
    audit_record(
        action="planning.task.create",
        actor=creator,
        target=task,
        data={"board": board.pk, "column": column.pk, "title": task.title, **_audit_data(fields, m2m)},
    )
    card_touched(task, created=at_top)
    if _dated(task):
        calendar_changed(source="tasks", item_id=task.pk, by=creator)
    task.wip_warning = warning
    return task


def _edge_position(column: Column, *, top: bool) -> int:
    """Above the first card or below the last (no column lock: the board renumbers when a gap runs out)."""
    tasks = Task.objects.filter(column=column)
    if top:
        low = tasks.aggregate(low=Min("position"))["low"]
        return 0 if low is None else low - GAP
    high = tasks.aggregate(high=Max("position"))["high"]
    return 0 if high is None else high + GAP


@transaction.atomic
def task_update(*, task: Task, by: Any, **fields: Any) -> Task:
    """Change ``fields`` of ``task`` (only those are saved: a concurrent move is never undone). The column is
    changed by a move (:func:`core.boards.services.card_move`), not here."""
    _check_fields(fields)
    m2m = {name: list(fields.pop(name)) for name in M2M_FIELDS if name in fields}
    was_dated = _dated(task)
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
    for name, value in fields.items():
        setattr(task, name, value)
    _clean(task)
    update_fields = {
        f.name for f in Task._meta.concrete_fields if f.name in fields or f.attname in fields
    } | ({"recurrence"} if "due_at" in fields else set())
    if update_fields:
        task.save(update_fields=sorted(update_fields | {"updated_at"}))
    for name, values in m2m.items():
        getattr(task, name).set(values)
    audit_record(action="planning.task.update", actor=by, target=task, data=_audit_data(fields, m2m))
    card_touched(task)
    if was_dated or _dated(task):  # the title, the dates or the priority show on the calendar
        calendar_changed(source="tasks", item_id=task.pk, by=by)
    task_touched(task, by=by)
    return task


@transaction.atomic
def task_delete(*, task: Task, by: Any) -> None:
    with contextlib.suppress(LookupError):  # the board is not registered (a unit test without the shell)
        board_services.card_removed(board_spec(), task)
    dated = _dated(task)
    task_id = task.pk
    audit_record(
        action="planning.task.delete",
        actor=by,
        target=task,
        data={"title": task.title, "board": task.board_id},
    )
    task.delete()
    if dated:
        calendar_changed(source="tasks", item_id=task_id, by=by)
    from core.live import publish

    publish(
        task_group(task_id),
        event="planning.task.deleted",
        data={"task": task_id, "by": getattr(by, "pk", None)},
    )


# --- moves: done, reopened, the next occurrence ---------------------------------------------------------------


def task_completion(*, task: Task, source: Column, target: Column) -> list[str]:
    """Set (not save) ``completed_at`` for a move of ``task`` from ``source`` to ``target``: now when it enters
    a done column, cleared when it leaves the done columns. Returns the names of the fields it changed (what
    the board's ``apply_move`` saves with the move)."""
    if source.pk == target.pk or source.is_done == target.is_done:
        return []
    task.completed_at = timezone.now() if target.is_done else None
    return ["completed_at"]


def task_column_changed(
    *, task: Task, source: Column, target: Column, by: Any, saved: bool = False
) -> list[str]:
    """What a task entering ``target`` from ``source`` means (called by the board's move, inside its
    transaction, after or before the task's own save): entering a done column completes it (``completed_at``)
    and, for a recurring task, creates the next occurrence once; leaving the done columns reopens it.

    Sets and saves ``completed_at`` itself, unless ``saved`` (the board's move already set it with
    :func:`task_completion` and saved it with the task); returns the names of the fields it changed."""
    if source.pk == target.pk or source.is_done == target.is_done:
        return []
    if not saved:
        task_completion(task=task, source=source, target=target)
        Task.objects.filter(pk=task.pk).update(completed_at=task.completed_at)
    if target.is_done and task.recurrence:
        task_spawn_next(task=task, by=by)
    task_touched(task, by=by)
    if _dated(task):
        calendar_changed(source="tasks", item_id=task.pk, by=by)
    return ["completed_at"]


def next_due(task: Task) -> datetime | None:
    """When the next occurrence of ``task`` is due (None: not recurring, no due date, or the rule ended)."""
    if not task.recurrence or task.due_at is None:
        return None
    root = task.series_root if task.series_root_id else None
    start = root.due_at if root is not None and root.due_at else task.due_at
    if start > task.due_at:
        start = task.due_at
    return recurrence.next_occurrence(
        task.recurrence, start=start, tz_name=series_time_zone(task), after=task.due_at
    )


@transaction.atomic
def task_spawn_next(*, task: Task, by: Any) -> Task | None:
    """Create the next occurrence of the recurring ``task`` (once: the row lock and ``next_spawned`` make a
    second call, concurrent or not, a no-op). It goes at the end of the board's first open column, due at the
    next date of the rule (its start shifted by the same amount), with the same people, tags, links and
    checklist (unchecked). Returns it, or None."""
    locked = (
        Task.objects.select_for_update(of=("self",))
        .select_related("series_root", "created_by")
        .filter(pk=task.pk)
        .first()
    )
    if locked is None or locked.next_spawned or not locked.recurrence:
        return None
    due = next_due(locked)
    if due is None:
        return None
    locked.next_spawned = True
    Task.objects.filter(pk=locked.pk).update(next_spawned=True)
    task.next_spawned = True
    column = first_open_column(locked.board)
    start = due - (locked.due_at - locked.start_at) if locked.start_at else None
    fields = {
        name: getattr(locked, name)
        for name in ("description", "priority", "all_day", "estimate_hours", "recurrence")
    }
    fields.update(responsible_id=locked.responsible_id, accountable_id=locked.accountable_id)
    fields.update(
        assignees=list(locked.assignees.values_list("pk", flat=True)),
        labels=list(locked.labels.values_list("pk", flat=True)),
    )
    following = _create(
        board=locked.board,
        column=column,
        title=locked.title,
        by=locked.created_by,
        at_top=False,
        check_wip=False,
        series_root=locked.series_root or locked,
        start_at=start,
        due_at=due,
        **fields,
    )
    TaskLink.objects.bulk_create(
        [
            TaskLink(task=following, content_type_id=ct, object_id=oid)
            for ct, oid in locked.links.values_list("content_type_id", "object_id")
        ]
    )
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(task=following, text=text, position=position, done=False)
            for text, position in locked.checklist.values_list("text", "position")
        ]
    )
    audit_record(
        action="planning.task.recur",
        actor=by,
        target=following,
        data={"previous": locked.pk, "due_at": due.isoformat()},
    )
    return following


def task_mark_done(*, task: Task, by: Any) -> Task:
    """Move ``task`` to its board's first done column (the shared move: WIP limits, live boards, and
    :func:`task_column_changed` through the board's move hooks). Already done: nothing happens."""
    if task.column.is_done:
        return task
    column = first_done_column(task.board)
    if column is None:
        raise ValidationError({"column": _("This board has no done column.")}, code="no_done_column")
    board_services.card_move(
        spec=board_spec(), card_id=task.pk, board_id=task.board_id, to_column_id=column.pk, by=by
    )
    return Task.objects.select_related("board", "column").get(pk=task.pk)


def task_reopen(*, task: Task, by: Any) -> Task:
    """Move a done ``task`` back to its board's first open column."""
    if not task.column.is_done:
        return task
    column = first_open_column(task.board)
    if column is None or column.is_done:
        raise ValidationError({"column": _("This board has no open column.")}, code="no_open_column")
    board_services.card_move(
        spec=board_spec(), card_id=task.pk, board_id=task.board_id, to_column_id=column.pk, by=by
    )
    return Task.objects.select_related("board", "column").get(pk=task.pk)


def labels_for_names(*, names: list[str], by: Any) -> list[Label]:
    """The tags called ``names`` (case-insensitive), created when new."""
    found = []
    for name in names:
        name = name.strip()[:50]
        if not name:
            continue
        label = Label.objects.filter(name__iexact=name).first()
        if label is None:
            with transaction.atomic():
                label, _created = Label.objects.get_or_create(name=name)
            audit_record(action="planning.label.create", actor=by, target=label, data={"name": name})
        found.append(label)
    return found
