"""Reads of the board pages: the boards index (with its figures) and a board's settings."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import Board, BoardMembership, Column, Task
from ..permissions import boards_visible_to


def _count(qs: QuerySet, field: str = "board_id") -> Coalesce:
    rows = (
        qs.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")[:1]
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def board_list(*, user: Any, archived: bool = False) -> list[Board]:
    """The boards ``user`` sees (archived ones when ``archived``), each with ``n_columns``, ``n_open`` (not
    completed, not in a done column), ``n_overdue`` and ``n_members`` (one query)."""
    now = timezone.now()
    boards = list(
        boards_visible_to(user)
        .filter(archived=archived)
        .annotate(
            n_columns=_count(Column.objects.all()),
            n_open=_count(Task.objects.filter(completed_at__isnull=True, column__is_done=False)),
            n_overdue=_count(
                Task.objects.filter(completed_at__isnull=True, column__is_done=False, due_at__lt=now)
            ),
            n_members=_count(BoardMembership.objects.all()),
        )
        .order_by("name", "pk")
    )
    return boards


def archived_count(*, user: Any) -> int:
    return boards_visible_to(user).filter(archived=True).count()


def board_members(*, board: Board) -> list[BoardMembership]:
    return list(
        BoardMembership.objects.filter(board=board)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__email")
    )


def board_columns(*, board: Board) -> list[Column]:
    """The board's columns with ``n_tasks`` each (the settings page's columns editor)."""
    return list(
        Column.objects.filter(board=board).annotate(n_tasks=Count("tasks")).order_by("position", "pk")
    )


def owners_count(*, board: Board) -> int:
    return BoardMembership.objects.filter(board=board, role=BoardMembership.Role.OWNER).count()
