"""Writes of Planning's boards: the board itself, its members and roles, its columns (with WIP limits).

Every service locks the board row first, so two owners editing the same board at once are serialised and
column positions stay a clean 0..n-1 sequence. Open boards follow live: a change of the columns or of the
board's settings sends ``board.reload`` (``core.boards.services.board_reload``) after the commit; tasks moved
by a column deletion go out as card changes. Every write is audited (``planning.board.*``).

WIP limits: :func:`wip_check` is what a move (the board spec's ``validate_move``) and a task creation ask. On a
board that refuses, a column at its limit takes no more tasks (``ValidationError`` with a clear message); on a
board that warns, the task goes in and the column header shows the overflow ("6/5").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.boards.services import GAP, board_reload

from ..models import Board, BoardMembership, Column, Task
from ..permissions import forget_board_roles

COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
COLUMN_COLORS = ["#6c757d", "#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384", "#20c997"]
BOARD_FIELDS = ("name", "description", "color", "visibility", "wip_policy")


def _spec():
    from ..boards import TASK_BOARD

    return TASK_BOARD


# --- WIP ------------------------------------------------------------------------------------------------


def wip_check(*, column: Column, adding: int = 1) -> str | None:
    """Whether ``adding`` more tasks may go into ``column``. ``None`` when it has room (or no limit); on a
    board that refuses, ``ValidationError`` when the column would go over its limit; on a board that warns, the
    warning to show. Call it with the column locked (a move holds the lock) to make it exact under races."""
    limit = column.wip_limit
    if not limit or adding <= 0:
        return None
    count = Task.objects.filter(column_id=column.pk).count()
    if count + adding <= limit:
        return None
    policy = Board.objects.filter(pk=column.board_id).values_list("wip_policy", flat=True).first()
    if policy == Board.WipPolicy.REFUSE:
        raise ValidationError(
            _("“%(column)s” is full (%(count)s/%(limit)s): finish or move a task out of it first.")
            % {"column": column.name, "count": count, "limit": limit},
            code="wip_limit",
        )
    return _("“%(column)s” is over its limit (%(count)s/%(limit)s).") % {
        "column": column.name,
        "count": count + adding,
        "limit": limit,
    }


# --- helpers --------------------------------------------------------------------------------------------


def _lock(board: Board) -> Board:
    return Board.objects.select_for_update().get(pk=board.pk)


def _columns(board: Board) -> list[Column]:
    return list(Column.objects.filter(board=board).order_by("position", "pk"))


def _renumber(columns: Sequence[Column]) -> None:
    changed = []
    for position, column in enumerate(columns):
        if column.position != position:
            column.position = position
            changed.append(column)
    if changed:
        Column.objects.bulk_update(changed, ["position"])


def _clean_name(value: Any, *, field: str = "name", max_length: int = 80) -> str:
    name = " ".join(str(value or "").split())
    if not name:
        raise ValidationError({field: _("Give it a name.")})
    if len(name) > max_length:
        raise ValidationError({field: _("Keep the name under %(n)s characters.") % {"n": max_length}})
    return name


def _clean_color(value: Any, *, field: str = "color") -> str:
    color = str(value or "").strip()
    if not COLOR_RE.match(color):
        raise ValidationError({field: _("Pick a colour like #6f42c1.")})
    return color.lower()


def _clean_wip(value: Any) -> int | None:
    if value in (None, "", 0, "0"):
        return None
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"wip_limit": _("A WIP limit is a whole number.")}) from None
    if not 1 <= limit <= 999:
        raise ValidationError({"wip_limit": _("A WIP limit is between 1 and 999 (empty: no limit).")})
    return limit


def _reload(board: Board) -> None:
    spec = _spec()
    transaction.on_commit(lambda: board_reload(spec, board), robust=True)


def _column_name_taken(board: Board, name: str, exclude: int | None = None) -> bool:
    qs = Column.objects.filter(board=board, name__iexact=name)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.exists()


# --- boards ---------------------------------------------------------------------------------------------


def default_columns() -> list[tuple[str, str, bool]]:
    """The columns a new board starts with (name, colour, done), in the creator's language."""
    return [(_("To do"), "#6c757d", False), (_("Doing"), "#0d6efd", False), (_("Done"), "#198754", True)]


@transaction.atomic
def board_create(
    *,
    name: str,
    by: Any,
    description: str = "",
    color: str = "#6f42c1",
    visibility: str = Board.Visibility.TEAM,
    wip_policy: str = Board.WipPolicy.REFUSE,
    columns: Sequence[tuple[str, str, bool]] | None = None,
) -> Board:
    """A new board; ``by`` becomes its owner; it starts with To do / Doing / Done (done) unless ``columns``."""
    board = Board(
        name=_clean_name(name, max_length=120),
        description=(description or "").strip(),
        color=_clean_color(color),
        visibility=visibility,
        wip_policy=wip_policy,
        created_by=by if getattr(by, "pk", None) else None,
    )
    board.full_clean()
    board.save()
    if getattr(by, "pk", None):
        BoardMembership.objects.create(board=board, user=by, role=BoardMembership.Role.OWNER)
        forget_board_roles(by)
    for position, (col_name, col_color, done) in enumerate(columns or default_columns()):
        Column.objects.create(board=board, name=col_name, color=col_color, is_done=done, position=position)
    audit_record(action="planning.board.create", actor=by, target=board, data={"name": board.name})
    return board


@transaction.atomic
def board_update(*, board: Board, by: Any, **fields: Any) -> Board:
    """Change the board's name, description, colour, visibility or WIP policy."""
    unknown = set(fields) - set(BOARD_FIELDS)
    if unknown:
        raise TypeError(f"board_update: unknown fields {sorted(unknown)}")
    board = _lock(board)
    if "name" in fields:
        fields["name"] = _clean_name(fields["name"], max_length=120)
    if "color" in fields:
        fields["color"] = _clean_color(fields["color"])
    if "description" in fields:
        fields["description"] = (fields["description"] or "").strip()
    changed = {}
    for name, value in fields.items():
        if getattr(board, name) != value:
            changed[name] = {"from": getattr(board, name), "to": value}
            setattr(board, name, value)
    if not changed:
        return board
    board.full_clean()
    board.save(update_fields=[*changed, "updated_at"])
    audit_record(action="planning.board.update", actor=by, target=board, data=changed)
    _reload(board)
    return board


@transaction.atomic
def board_archive(*, board: Board, by: Any, archived: bool = True) -> Board:
    board = _lock(board)
    if board.archived != archived:
        board.archived = archived
        board.save(update_fields=["archived", "updated_at"])
        audit_record(
            action="planning.board.archive" if archived else "planning.board.unarchive",
            actor=by,
            target=board,
            data={"name": board.name},
        )
        _reload(board)
    return board


@transaction.atomic
def board_delete(*, board: Board, by: Any) -> None:
    """Delete the board with its columns and tasks (the audit keeps its name and how many tasks went)."""
    board = _lock(board)
    count = Task.objects.filter(board=board).count()
    audit_record(
        action="planning.board.delete", actor=by, target=board, data={"name": board.name, "tasks": count}
    )
    Task.objects.filter(board=board).delete()
    board_id = board.pk
    board.delete()
    spec = _spec()
    transaction.on_commit(lambda: board_reload(spec, Board(pk=board_id)), robust=True)


# --- members --------------------------------------------------------------------------------------------


def _owners(board: Board) -> int:
    return BoardMembership.objects.filter(board=board, role=BoardMembership.Role.OWNER).count()


def _check_role(role: str) -> str:
    if role not in BoardMembership.Role.values:
        raise ValidationError({"role": _("Choose owner, editor or viewer.")})
    return role


@transaction.atomic
def member_add(
    *, board: Board, user: Any, by: Any, role: str = BoardMembership.Role.EDITOR
) -> BoardMembership:
    """Add ``user`` to the board with ``role`` (already a member: their role changes)."""
    board = _lock(board)
    role = _check_role(role)
    membership = BoardMembership.objects.filter(board=board, user=user).first()
    if membership is not None:
        return member_set_role(membership=membership, role=role, by=by)
    membership = BoardMembership.objects.create(board=board, user=user, role=role)
    forget_board_roles(user)
    audit_record(
        action="planning.board.member_add", actor=by, target=board, data={"user": user.pk, "role": role}
    )
    _reload(board)
    return membership


@transaction.atomic
def member_set_role(*, membership: BoardMembership, role: str, by: Any) -> BoardMembership:
    board = _lock(membership.board)
    role = _check_role(role)
    membership = BoardMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == role:
        return membership
    if membership.role == BoardMembership.Role.OWNER and _owners(board) <= 1:
        raise ValidationError(
            {"role": _("A board needs at least one owner: make someone else owner first.")}, code="last_owner"
        )
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    forget_board_roles(membership.user)
    audit_record(
        action="planning.board.member_role",
        actor=by,
        target=board,
        data={"user": membership.user_id, "from": old, "to": role},
    )
    _reload(board)
    return membership


@transaction.atomic
def member_remove(*, membership: BoardMembership, by: Any) -> None:
    board = _lock(membership.board)
    membership = BoardMembership.objects.filter(pk=membership.pk).first()
    if membership is None:
        return
    if membership.role == BoardMembership.Role.OWNER and _owners(board) <= 1:
        raise ValidationError(
            _("A board needs at least one owner: make someone else owner before removing this one."),
            code="last_owner",
        )
    user = membership.user
    membership.delete()
    forget_board_roles(user)
    audit_record(action="planning.board.member_remove", actor=by, target=board, data={"user": user.pk})
    _reload(board)


# --- columns --------------------------------------------------------------------------------------------


@transaction.atomic
def column_create(
    *,
    board: Board,
    name: str,
    by: Any,
    color: str | None = None,
    wip_limit: Any = None,
    is_done: bool = False,
) -> Column:
    """A new column at the right end of the board."""
    board = _lock(board)
    name = _clean_name(name)
    if _column_name_taken(board, name):
        raise ValidationError(
            {"name": _("This board already has a column named “%(name)s”.") % {"name": name}}
        )
    columns = _columns(board)
    column = Column(
        board=board,
        name=name,
        color=_clean_color(color) if color else COLUMN_COLORS[len(columns) % len(COLUMN_COLORS)],
        wip_limit=_clean_wip(wip_limit),
        is_done=bool(is_done),
        position=len(columns),
    )
    column.full_clean()
    try:
        with transaction.atomic():
            column.save()
    except IntegrityError:
        raise ValidationError({"name": _("This board already has a column with that name.")}) from None
    audit_record(action="planning.column.create", actor=by, target=board, data={"column": name})
    _reload(board)
    return column


COLUMN_FIELDS = ("name", "color", "wip_limit", "is_done")


@transaction.atomic
def column_update(*, column: Column, by: Any, **fields: Any) -> Column:
    """Rename, recolour, set the WIP limit (``None``: no limit) or the done flag of ``column``."""
    unknown = set(fields) - set(COLUMN_FIELDS)
    if unknown:
        raise TypeError(f"column_update: unknown fields {sorted(unknown)}")
    board = _lock(column.board)
    column = Column.objects.filter(pk=column.pk, board=board).first()
    if column is None:
        raise ValidationError(_("This column no longer exists."))
    if "name" in fields:
        fields["name"] = _clean_name(fields["name"])
        if _column_name_taken(board, fields["name"], exclude=column.pk):
            raise ValidationError(
                {"name": _("This board already has a column named “%(name)s”.") % {"name": fields["name"]}}
            )
    if "color" in fields:
        fields["color"] = _clean_color(fields["color"])
    if "wip_limit" in fields:
        fields["wip_limit"] = _clean_wip(fields["wip_limit"])
    if "is_done" in fields:
        fields["is_done"] = bool(fields["is_done"])
    changed = {}
    for name, value in fields.items():
        if getattr(column, name) != value:
            changed[name] = {"from": getattr(column, name), "to": value}
            setattr(column, name, value)
    if not changed:
        return column
    column.full_clean()
    column.save(update_fields=list(changed))
    audit_record(
        action="planning.column.update", actor=by, target=board, data={"column": column.pk, **changed}
    )
    _reload(board)
    return column


def column_rename(*, column: Column, name: str, by: Any) -> Column:
    return column_update(column=column, by=by, name=name)


def column_recolour(*, column: Column, color: str, by: Any) -> Column:
    return column_update(column=column, by=by, color=color)


def column_set_wip(*, column: Column, wip_limit: int | None, by: Any) -> Column:
    return column_update(column=column, by=by, wip_limit=wip_limit)


def column_set_done(*, column: Column, is_done: bool, by: Any) -> Column:
    return column_update(column=column, by=by, is_done=is_done)


@transaction.atomic
def column_reorder(*, board: Board, order: Sequence[int | str], by: Any) -> list[Column]:
    """Put the columns of ``board`` in the order of the ids in ``order`` (all of them, each once)."""
    board = _lock(board)
    columns = {column.pk: column for column in _columns(board)}
    try:
        ids = [int(pk) for pk in order]
    except (TypeError, ValueError):
        raise ValidationError(_("The new order is not valid; reload the page and try again.")) from None
    if sorted(ids) != sorted(columns):
        raise ValidationError(
            _("The columns of this board changed meanwhile; reload the page and try again.")
        )
    before = [c.name for c in sorted(columns.values(), key=lambda c: (c.position, c.pk))]
    ordered = [columns[pk] for pk in ids]
    _renumber(ordered)
    after = [c.name for c in ordered]
    if before != after:
        audit_record(
            action="planning.column.reorder", actor=by, target=board, data={"from": before, "to": after}
        )
        _reload(board)
    return ordered


@transaction.atomic
def column_move(*, column: Column, direction: str, by: Any) -> list[Column]:
    """One place ``"left"`` or ``"right"``; at either end nothing changes."""
    if direction not in ("left", "right"):
        raise ValidationError(_("Move a column left or right."))
    board = _lock(column.board)
    columns = _columns(board)
    index = next((i for i, c in enumerate(columns) if c.pk == column.pk), None)
    if index is None:
        raise ValidationError(_("This column no longer exists."))
    other = index - 1 if direction == "left" else index + 1
    if not 0 <= other < len(columns):
        return columns
    columns[index], columns[other] = columns[other], columns[index]
    return column_reorder(board=board, order=[c.pk for c in columns], by=by)


@transaction.atomic
def column_delete(*, column: Column, by: Any, move_to: Column | None = None) -> int:
    """Delete ``column``; its tasks (if any) first move to ``move_to`` (another column of the same board),
    appended at its end in their order. Returns how many tasks moved. The last column cannot go.

    A drag into the deleted column meanwhile is refused by the move endpoint (400, "This column is gone…"),
    and open boards reload."""
    board = _lock(column.board)
    columns = _columns(board)
    column = next((c for c in columns if c.pk == column.pk), None)
    if column is None:
        raise ValidationError(_("This column no longer exists."))
    if len(columns) == 1:
        raise ValidationError(
            _("A board needs at least one column: add another one before deleting this one.")
        )
    target = None
    if move_to is not None:
        target = next((c for c in columns if c.pk == getattr(move_to, "pk", move_to)), None)
    # columns first, then their cards: the order every board move takes (no deadlock with a concurrent move)
    locked = [column.pk] + ([target.pk] if target is not None else [])
    list(
        Column.objects.select_for_update(of=("self",)).filter(pk__in=locked).order_by("pk").values_list("pk")
    )
    tasks = list(
        Task.objects.select_for_update(of=("self",)).filter(column=column).order_by("position", "pk")
    )
    if tasks:
        if move_to is None:
            raise ValidationError({"move_to": _("Choose the column its tasks move to.")})
        if target is None:
            raise ValidationError({"move_to": _("Choose a column of the same board.")})
        if target.pk == column.pk:
            raise ValidationError({"move_to": _("Choose another column than the one you delete.")})
        _move_tasks(tasks, source=column, target=target, by=by)
    name = column.name
    column.delete()
    _renumber([c for c in columns if c is not column])
    audit_record(
        action="planning.column.delete",
        actor=by,
        target=board,
        data={"column": name, "tasks_moved": len(tasks), "moved_to": target.name if tasks else None},
    )
    _reload(board)
    return len(tasks)


def _move_tasks(tasks: list[Task], *, source: Column, target: Column, by: Any) -> None:
    """Append ``tasks`` (in order) at the end of ``target``; done-ness follows the target column (through
    TASKS' ``task_column_changed`` when it exists: completion, the next occurrence of a recurring task)."""
    top = Task.objects.filter(column=target).aggregate(top=Max("position"))["top"] or 0
    for i, task in enumerate(tasks, start=1):
        task.column = target
        task.position = top + i * GAP
    Task.objects.bulk_update(tasks, ["column", "position"])
    Column.objects.filter(pk__in=[source.pk, target.pk]).update(version=F("version") + 1)
    if source.is_done != target.is_done:
        changed = _task_column_changed()
        if changed is None:  # before TASKS' service exists: completion only
            from django.utils import timezone

            done = timezone.now() if target.is_done else None
            Task.objects.filter(pk__in=[t.pk for t in tasks]).update(completed_at=done)
        else:
            for task in tasks:
                changed(task=task, source=source, target=target, by=by)
    # open boards: the board reload sent by the caller redraws every column


def _task_column_changed():
    try:
        from .tasks import task_column_changed
    except ImportError:
        return None
    return task_column_changed
