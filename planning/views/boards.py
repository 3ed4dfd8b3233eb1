"""Planning's board pages: the boards index (``planning:home``, in :mod:`planning.views.home`), a board
(``/planning/boards/<pk>/``: the shared live board of ``core.boards`` with filters, swimlanes, quick-add and the
task side panel), a new board, and a board's settings (general, columns, members; owners only).

Moves go to ``POST /api/boards/planning.kanban/<pk>/move/`` (shared endpoint). An htmx request on the board page
(filters, the board's own refresh) gets the ``board-area`` partial only. Settings forms post and come back to
the settings page (a message says what happened or what was wrong).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from core.boards.selectors import board_view

from ..boards import TASK_BOARD
from ..forms.boards import BoardForm, ColumnDeleteForm, ColumnForm, MemberForm, MemberRoleForm, QuickAddForm
from ..models import BoardMembership, Column
from ..permissions import can_edit_board, can_manage_board
from ..selectors import boards as selectors
from ..services import boards as services
from ..templatetags.planning_nav import planning_url
from .access import get_board_or_404, planning_read, planning_write


def _errors(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return " ".join(str(m) for msgs in error.message_dict.values() for m in msgs)
    return " ".join(str(m) for m in error.messages)


# --- the board --------------------------------------------------------------------------------------------


def _board_context(request, board, *, quick_add: dict | None = None) -> dict:
    view = board_view(spec=TASK_BOARD, board=board, user=request.user, params=request.GET)
    url = reverse("planning:board", args=[board.pk])
    query = view.filter.query
    panel = planning_url("planning:task-panel", 0)
    return {
        "board": board,
        "board_view": view,
        "form": view.filter.form,
        "refresh_url": f"{url}?{query}" if query else url,
        "board_url": url,
        "lanes": view.lane_key,
        "quick_add_url": reverse("planning:board-quick-add", args=[board.pk]),
        "task_panel_url": panel.replace("/0/", "/{id}/") if panel else "",
        "can_manage": can_manage_board(request.user, board),
        **(quick_add or {}),
    }


@require_GET
@planning_read
@vary_on_headers("HX-Request")
def board_detail(request, pk: int):
    board = get_board_or_404(request.user, pk)
    context = _board_context(request, board)
    # htmx (filters, the board's own refresh) gets the board area; a history restore (Back) gets the whole page
    partial = request.htmx and not request.htmx.history_restore_request
    template = "planning/boards/board_detail.html" + ("#board-area" if partial else "")
    return render(request, template, context)


@require_POST
@planning_read
def board_quick_add(request, pk: int):
    """Enter in a column's quick-add field: a task at the top of that column (it reaches every open board
    live). Answers the field again: empty, or with the title and the reason it was refused (a full column)."""
    board = get_board_or_404(request.user, pk)
    if not board.archived and not can_edit_board(request.user, board):
        raise PermissionDenied
    form = QuickAddForm(request.POST)
    column = None
    if form.is_valid():
        column = Column.objects.filter(board=board, pk=form.cleaned_data["column"]).first()
    error = warning = ""
    title = (request.POST.get("title") or "").strip()
    if board.archived:
        error = _("This board is archived: restore it to add tasks.")
    elif column is None:
        error = (
            _("This column is gone; reload the board.") if form.is_valid() else _("Type a title, then Enter.")
        )
    else:
        from ..services.tasks import task_create

        try:
            task = task_create(
                board=board, column=column, title=form.cleaned_data["title"], by=request.user, at_top=True
            )
        except ValidationError as exc:
            error = _errors(exc)
        else:
            title = ""
            warning = getattr(task, "wip_warning", None) or ""
    if column is None:
        column = Column(pk=form.data.get("column") or 0, board=board, name="")
    context = {
        "board_view": {"editable": True},
        "quick_add_url": reverse("planning:board-quick-add", args=[board.pk]),
        "column": column,
        "quick_add_error": error,
        "quick_add_column": column.pk,
        "quick_add_title": title if error else "",
        "quick_add_warning": warning,
    }
    return render(request, "planning/boards/quick_add.html", context)


# --- a new board ------------------------------------------------------------------------------------------


@planning_write
def board_create(request):
    form = BoardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            board = services.board_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Board “%(name)s” created.") % {"name": board.name})
            return redirect("planning:board", pk=board.pk)
    return render(request, "planning/boards/board_form.html", {"form": form})


# --- settings ---------------------------------------------------------------------------------------------


@planning_read
def board_settings(request, pk: int):
    board = get_board_or_404(request.user, pk, need="manage")
    form = BoardForm(request.POST or None, instance=board)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.board_update(board=board, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Board saved."))
                return redirect("planning:board-settings", pk=board.pk)
        board.refresh_from_db()
    columns = selectors.board_columns(board=board)
    context = {
        "board": board,
        "form": form,
        "columns": columns,
        "column_forms": [
            (
                column,
                ColumnForm(
                    initial={
                        "name": column.name,
                        "color": column.color,
                        "wip_limit": column.wip_limit,
                        "is_done": column.is_done,
                    },
                    prefix=f"c{column.pk}",
                ),
                ColumnDeleteForm(column=column, prefix=f"d{column.pk}"),
            )
            for column in columns
        ],
        "new_column_form": ColumnForm(prefix="new"),
        "members": selectors.board_members(board=board),
        "member_form": MemberForm(board=board, prefix="m"),
        "role_choices": BoardMembership.Role.choices,
    }
    return render(request, "planning/boards/board_settings.html", context)


def _back(board) -> HttpResponse:
    return redirect(reverse("planning:board-settings", args=[board.pk]))


def _done(request, board, call, success: str) -> HttpResponse:
    try:
        call()
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, success)
    return _back(board)


@require_POST
@planning_read
def board_archive(request, pk: int):
    board = get_board_or_404(request.user, pk, need="manage")
    archived = request.POST.get("archived", "1") == "1"
    services.board_archive(board=board, by=request.user, archived=archived)
    messages.success(request, _("Board archived.") if archived else _("Board restored."))
    return redirect("planning:home") if archived else _back(board)


@require_POST
@planning_read
def board_delete(request, pk: int):
    board = get_board_or_404(request.user, pk, need="manage")
    if (request.POST.get("confirm") or "").strip() != board.name:
        messages.error(request, _("Type the board's name to delete it."))
        return _back(board)
    services.board_delete(board=board, by=request.user)
    messages.success(request, _("Board deleted."))
    return redirect("planning:home")


@require_POST
@planning_read
def column_add(request, pk: int):
    board = get_board_or_404(request.user, pk, need="manage")
    form = ColumnForm(request.POST, prefix="new")
    if not form.is_valid():
        messages.error(request, _("Check the new column: %(errors)s") % {"errors": _form_errors(form)})
        return _back(board)
    return _done(
        request,
        board,
        lambda: services.column_create(board=board, by=request.user, **form.cleaned_data),
        _("Column added."),
    )


def _form_errors(form) -> str:
    return " ".join(
        f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errs)}".strip(": ")
        for name, errs in form.errors.items()
    )


def _column(request, pk: int) -> Column:
    column = get_object_or_404(Column.objects.select_related("board"), pk=pk)
    get_board_or_404(request.user, column.board_id, need="manage")
    return column


@require_POST
@planning_read
def column_edit(request, pk: int):
    column = _column(request, pk)
    form = ColumnForm(request.POST, prefix=f"c{column.pk}")
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(column.board)
    return _done(
        request,
        column.board,
        lambda: services.column_update(column=column, by=request.user, **form.cleaned_data),
        _("Column saved."),
    )


@require_POST
@planning_read
def column_move(request, pk: int):
    column = _column(request, pk)
    direction = request.POST.get("direction", "")
    return _done(
        request,
        column.board,
        lambda: services.column_move(column=column, direction=direction, by=request.user),
        _("Column moved."),
    )


@require_POST
@planning_read
def column_delete(request, pk: int):
    column = _column(request, pk)
    form = ColumnDeleteForm(request.POST, column=column, prefix=f"d{column.pk}")
    move_to = form.cleaned_data.get("move_to") if form.is_valid() else None
    if not form.is_valid():
        messages.error(request, _("Choose a column of the same board."))
        return _back(column.board)
    return _done(
        request,
        column.board,
        lambda: services.column_delete(column=column, move_to=move_to, by=request.user),
        _("Column deleted."),
    )


@require_POST
@planning_read
def member_add(request, pk: int):
    board = get_board_or_404(request.user, pk, need="manage")
    form = MemberForm(request.POST, board=board, prefix="m")
    if not form.is_valid():
        messages.error(request, _("Choose a person and a role."))
        return _back(board)
    return _done(
        request,
        board,
        lambda: services.member_add(
            board=board, user=form.cleaned_data["user"], role=form.cleaned_data["role"], by=request.user
        ),
        _("Member added."),
    )


def _membership(request, pk: int) -> BoardMembership:
    membership = get_object_or_404(BoardMembership.objects.select_related("board", "user"), pk=pk)
    get_board_or_404(request.user, membership.board_id, need="manage")
    return membership


@require_POST
@planning_read
def member_role(request, pk: int):
    membership = _membership(request, pk)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose owner, editor or viewer."))
        return _back(membership.board)
    return _done(
        request,
        membership.board,
        lambda: services.member_set_role(
            membership=membership, role=form.cleaned_data["role"], by=request.user
        ),
        _("Role changed."),
    )


@require_POST
@planning_read
def member_remove(request, pk: int):
    membership = _membership(request, pk)
    return _done(
        request,
        membership.board,
        lambda: services.member_remove(membership=membership, by=request.user),
        _("Member removed."),
    )


urlpatterns = [
    path("boards/new/", board_create, name="board-create"),
    path("boards/<int:pk>/", board_detail, name="board"),
    path("boards/<int:pk>/quick-add/", board_quick_add, name="board-quick-add"),
    path("boards/<int:pk>/settings/", board_settings, name="board-settings"),
    path("boards/<int:pk>/archive/", board_archive, name="board-archive"),
    path("boards/<int:pk>/delete/", board_delete, name="board-delete"),
    path("boards/<int:pk>/columns/add/", column_add, name="board-column-add"),
    path("columns/<int:pk>/edit/", column_edit, name="board-column-edit"),
    path("columns/<int:pk>/move/", column_move, name="board-column-move"),
    path("columns/<int:pk>/delete/", column_delete, name="board-column-delete"),
    path("boards/<int:pk>/members/add/", member_add, name="board-member-add"),
    path("memberships/<int:pk>/role/", member_role, name="board-member-role"),
    path("memberships/<int:pk>/remove/", member_remove, name="board-member-remove"),
]
