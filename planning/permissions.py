"""Who may see and change what in Planning. Views, the API, live groups, the calendar feed and templates all
ask these.

Suite roles first: everyone on staff reads planning (Streamers run the lives it schedules); Admin, Manager and
Producer create boards and events. Then board roles on top (``BoardMembership.Role``): on a board, a person's
role is their membership's, or, on a board open to everyone in planning, the default of their suite role
(Manager and Producer edit, Streamer and Viewer read), whichever is higher, and never more than their suite
role allows (a suite Viewer reads, whatever the board says). Admin owns every board. A board for members only
is invisible to non-members (Admin excepted).

``board_role`` is cached per request on the user object, like the suite roles.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts import roles
from accounts.permissions import has_any_role, is_admin

READ_ROLES = (roles.ADMIN, roles.MANAGER, roles.PRODUCER, roles.STREAMER, roles.VIEWER)
WRITE_ROLES = (roles.ADMIN, roles.MANAGER, roles.PRODUCER)

OWNER, EDITOR, VIEWER = "owner", "editor", "viewer"
_RANK = {None: 0, VIEWER: 1, EDITOR: 2, OWNER: 3}
_CACHE_ATTR = "_planning_board_roles"


def can_view_planning(user: Any, obj: Any = None) -> bool:
    return has_any_role(user, *READ_ROLES)


def can_plan(user: Any, obj: Any = None) -> bool:
    """Create boards and events; edit and move events; edit tasks on boards where they are editors."""
    return has_any_role(user, *WRITE_ROLES)


def _ceiling(user: Any) -> str | None:
    if is_admin(user):
        return OWNER
    if has_any_role(user, roles.MANAGER, roles.PRODUCER):
        return OWNER
    if has_any_role(user, roles.STREAMER, roles.VIEWER):
        return VIEWER
    return None


def _team_default(user: Any) -> str | None:
    if is_admin(user):
        return OWNER
    if has_any_role(user, roles.MANAGER, roles.PRODUCER):
        return EDITOR
    if has_any_role(user, roles.STREAMER, roles.VIEWER):
        return VIEWER
    return None


def _role(user: Any, board: Any, member: str | None, ceiling: str | None) -> str | None:
    """The rule of the module docstring, from the person's membership role on ``board`` (or None)."""
    from .models import Board

    if ceiling is None:
        return None
    if is_admin(user):
        return OWNER
    default = _team_default(user) if board.visibility == Board.Visibility.TEAM else None
    role = max(member, default, key=lambda r: _RANK[r])
    return ceiling if _RANK[role] > _RANK[ceiling] else role


def _cache(user: Any) -> dict:
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    return cache


def board_role(user: Any, board: Any) -> str | None:
    """``"owner"``, ``"editor"``, ``"viewer"`` or None (cannot see the board)."""
    if board is None or not getattr(user, "is_authenticated", False):
        return None
    cache = _cache(user)
    if board.pk not in cache:
        prime_board_roles(user, [board])
    return cache[board.pk]


def prime_board_roles(user: Any, boards: Any) -> None:
    """Work out ``user``'s role on every board of ``boards`` in (at most) one query and keep it in the
    per-request cache ``board_role`` reads, so ``can_edit_board`` costs nothing per item afterwards."""
    if not getattr(user, "is_authenticated", False):
        return
    cache = _cache(user)
    missing = {board.pk: board for board in boards if board.pk not in cache}
    if not missing:
        return
    ceiling = _ceiling(user)
    member: dict[int, str] = {}
    if ceiling is not None and not is_admin(user):
        from .models import BoardMembership

        member = dict(
            BoardMembership.objects.filter(user_id=user.pk, board_id__in=list(missing)).values_list(
                "board_id", "role"
            )
        )
    for pk, board in missing.items():
        cache[pk] = _role(user, board, member.get(pk), ceiling)


def forget_board_roles(user: Any) -> None:
    """After a membership change in the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def can_view_board(user: Any, board: Any = None) -> bool:
    if board is None:
        return can_view_planning(user)
    return board_role(user, board) is not None


def can_edit_board(user: Any, board: Any = None) -> bool:
    """Create, edit, move, delete tasks on ``board`` (``None``: on some board at all)."""
    if board is None:
        return can_plan(user)
    if getattr(board, "archived", False):  # an archived board is read-only for everybody
        return False
    return _RANK[board_role(user, board)] >= _RANK[EDITOR]


def can_manage_board(user: Any, board: Any = None) -> bool:
    """Settings, columns, members, archive, delete."""
    if board is None:
        return can_plan(user)
    return board_role(user, board) == OWNER


def can_move_task(user: Any, task: Any = None) -> bool:
    if task is None:
        return can_plan(user)
    return can_edit_board(user, task.board)


def can_edit_events(user: Any, event: Any = None) -> bool:
    return can_plan(user)


def boards_visible_to(user: Any) -> QuerySet:
    from .models import Board, BoardMembership

    if not can_view_planning(user):
        return Board.objects.none()
    if is_admin(user):
        return Board.objects.all()
    mine = BoardMembership.objects.filter(user_id=user.pk).values("board_id")
    return Board.objects.filter(Q(visibility=Board.Visibility.TEAM) | Q(pk__in=mine))


def tasks_visible_to(user: Any) -> QuerySet:
    from .models import Task

    if not can_view_planning(user):
        return Task.objects.none()
    if is_admin(user):
        return Task.objects.all()
    return Task.objects.filter(board__in=boards_visible_to(user).values("pk"))


def events_visible_to(user: Any) -> QuerySet:
    from .models import Event

    return Event.objects.all() if can_view_planning(user) else Event.objects.none()


def sees_task_q(*, task: str = "task", user: str = "user") -> Q:
    """A condition on rows that hold a task (``<task>__…``) and a person (``<user>_id``), true when that
    person may see that task: the same rule as :func:`tasks_visible_to`, for queries over many people at
    once (reminders, digests): a planning role, and the board open to the team, or a membership, or Admin."""
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef

    from .models import Board, BoardMembership

    groups = get_user_model().groups.through.objects.filter(user_id=OuterRef(f"{user}_id"))
    return Exists(groups.filter(group__name__in=READ_ROLES)) & (
        Q(**{f"{task}__board__visibility": Board.Visibility.TEAM})
        | Exists(
            BoardMembership.objects.filter(
                board_id=OuterRef(f"{task}__board_id"), user_id=OuterRef(f"{user}_id")
            )
        )
        | Exists(groups.filter(group__name=roles.ADMIN))
    )
