"""Planning's view guards, built on :mod:`planning.permissions` (the same predicates serve the API, live groups
and the calendar). Signed-out visitors go to the sign-in page; signed-in people without the right get 403;
a board or task the person may not see is a 404 (its existence is not revealed)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from planning.permissions import (
    boards_visible_to,
    can_edit_board,
    can_manage_board,
    can_plan,
    can_view_planning,
    tasks_visible_to,
)


def _guard(predicate: Callable) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


planning_read = _guard(can_view_planning)
planning_write = _guard(can_plan)


def get_board_or_404(user, pk, *, need: str = "view"):
    """The board ``pk`` as ``user`` may see it; 404 when hidden, 403 when seen but ``need`` ("edit",
    "manage") is not granted."""
    board = boards_visible_to(user).filter(pk=pk).first()
    if board is None:
        raise Http404
    if need == "edit" and not can_edit_board(user, board):
        raise PermissionDenied
    if need == "manage" and not can_manage_board(user, board):
        raise PermissionDenied
    return board


def get_task_or_404(user, pk, *, need: str = "view", queryset=None):
    task = (
        (queryset if queryset is not None else tasks_visible_to(user))
        .filter(pk=pk)
        .select_related("board", "column")
        .first()
    )
    if task is None:
        raise Http404
    if need == "edit" and not can_edit_board(user, task.board):
        raise PermissionDenied
    return task
