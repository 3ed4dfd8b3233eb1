"""Planning's REST endpoints, under /api/planning/ (see planning.api.urls). Same rights as the web pages:
everyone on staff reads planning; Admin, Manager and Producer create boards and events; on a board, its owners
manage it (settings, columns, members) and its editors change tasks, its viewers read (403 on writes). A board
that is for members only is a 404 for everybody else, and so are its columns and tasks.

Writes go through the services of :mod:`planning.services`; their ``ValidationError`` is the API's 400 shape, a
board move's conflicts are 404 / 409 (the same answers as the board's own move endpoint)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.errors import ErrorSerializer
from core.api.permissions import predicate_permission
from core.api.viewsets import ERRORS, INVALID, NOT_FOUND, ServiceViewSet, crud_schema
from core.boards.api import board_errors
from core.boards.registry import get_board_spec
from core.boards.services import card_move
from planning.boards import KEY
from planning.calendar_sources import user_zone
from planning.models import BoardMembership, Column
from planning.permissions import (
    boards_visible_to,
    can_edit_board,
    can_edit_events,
    can_manage_board,
    can_move_task,
    can_view_board,
    can_view_planning,
    events_visible_to,
    prime_board_roles,
    tasks_visible_to,
)
from planning.selectors.calendar import chosen_sources, parse_range
from planning.selectors.events import events_between, with_people
from planning.services import boards as board_services
from planning.services import events as event_services
from planning.services import tasks as task_services

from . import filters, inputs
from . import serializers as out

TAG_BOARDS, TAG_TASKS, TAG_EVENTS = "planning boards", "planning tasks", "planning events"
CONFLICTS = {
    404: OpenApiResponse(ErrorSerializer, description="No such task (or it was just deleted)."),
    409: OpenApiResponse(
        ErrorSerializer,
        description="The column changed meanwhile (`stale`) or the task is now on another board "
        "(`card_elsewhere`): reload and try again.",
    ),
}
RANGE = [
    OpenApiParameter(
        "start",
        OpenApiTypes.STR,
        required=True,
        description="ISO date or date-time (a date: midnight, yours).",
    ),
    OpenApiParameter("end", OpenApiTypes.STR, required=True, description="ISO date or date-time, exclusive."),
]


def _column_board(predicate):
    def check(user, column=None) -> bool:
        return predicate(user, column.board if column is not None else None)

    check.__name__ = f"{predicate.__name__}_of_column"
    return check


def _task_board(predicate):
    def check(user, task=None) -> bool:
        return predicate(user, task.board if task is not None else None)

    check.__name__ = f"{predicate.__name__}_of_task"
    return check


BoardPermission = predicate_permission(read=can_view_board, write=can_manage_board)
ColumnPermission = predicate_permission(
    read=_column_board(can_view_board), write=_column_board(can_manage_board)
)
TaskPermission = predicate_permission(read=_task_board(can_view_board), write=can_move_task)
EventPermission = predicate_permission(read=can_view_planning, write=can_edit_events)


class PlanningViewSet(ServiceViewSet):
    """The suite's read endpoints and write helpers (core.api.viewsets), with Planning's permissions."""

    keep = ("wip_warning", "conflicts")  # what a service sets on the instance for the caller

    def answer(self, instance, *, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().filter(pk=instance.pk).first()
        if fresh is None:  # pragma: no cover - a write made it invisible to its author
            raise exceptions.NotFound
        for name in self.keep:
            if hasattr(instance, name):
                setattr(fresh, name, getattr(instance, name))
        return Response(self.get_serializer(fresh).data, status=code)


def _int_param(request: Request, name: str) -> int | None:
    value = request.query_params.get(name)
    if not value:
        return None
    if not value.isdigit():
        raise exceptions.ValidationError({name: [_("Give the id of a column.")]})
    return int(value)


# --- boards --------------------------------------------------------------------------------------------------


@crud_schema(
    tag=TAG_BOARDS,
    noun="board",
    output=out.BoardSerializer,
    write=inputs.BoardInputSerializer,
    update=inputs.BoardUpdateSerializer,
)
class BoardViewSet(PlanningViewSet):
    """Boards with their columns (in order) and members. Anyone who plans creates one (and owns it); its owners
    change, archive (``archived``) or delete it and manage its members."""

    serializer_class = out.BoardSerializer
    filterset_class = filters.BoardFilter
    ordering_fields = ["name", "created_at", "updated_at"]
    permission_classes = [BoardPermission]

    def get_queryset(self) -> QuerySet:
        members = BoardMembership.objects.select_related("user").order_by(
            "user__first_name", "user__last_name", "user__email"
        )
        return (
            boards_visible_to(self.request.user)
            .prefetch_related(
                Prefetch("columns", queryset=Column.objects.order_by("position", "pk")),
                Prefetch("memberships", queryset=members),
            )
            .order_by("archived", "name", "pk")
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        prime_board_roles(request.user, page)  # everybody's role on the page's boards: one query
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request: Request, *args, **kwargs) -> Response:
        fields = self.validated(inputs.BoardInputSerializer)
        board = board_services.board_create(by=request.user, **fields)
        return self.answer(board, code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, partial: bool = False, **kwargs) -> Response:
        board = self.get_object()
        fields = self.validated(inputs.BoardUpdateSerializer, instance=board, partial=partial)
        archived = fields.pop("archived", None)
        if fields:
            board = board_services.board_update(board=board, by=request.user, **fields)
        if archived is not None:
            board = board_services.board_archive(board=board, by=request.user, archived=archived)
        return self.answer(board)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        board_services.board_delete(board=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        tags=[TAG_BOARDS],
        summary="Add a member to a board (or change their role)",
        request=inputs.MemberInputSerializer,
        responses={200: out.BoardSerializer, **INVALID, **ERRORS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def members(self, request: Request, pk=None) -> Response:
        board = self.get_object()
        data = self.validated(inputs.MemberInputSerializer)
        board_services.member_add(board=board, user=data["user"], role=data["role"], by=request.user)
        return self.answer(board)

    @extend_schema(
        tags=[TAG_BOARDS],
        summary="Remove a member from a board",
        request=None,
        responses={200: out.BoardSerializer, **INVALID, **ERRORS, **NOT_FOUND},
    )
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<user_id>\d+)", url_name="member")
    def remove_member(self, request: Request, pk=None, user_id=None) -> Response:
        board = self.get_object()
        membership = BoardMembership.objects.filter(board=board, user_id=int(user_id)).first()
        if membership is None:
            raise exceptions.NotFound(_("This person is not a member of the board."))
        board_services.member_remove(membership=membership, by=request.user)
        return self.answer(board)

    @extend_schema(
        tags=[TAG_BOARDS],
        summary="Reorder the columns of a board",
        request=inputs.ColumnOrderSerializer,
        responses={200: out.BoardSerializer, **INVALID, **ERRORS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="reorder-columns")
    def reorder_columns(self, request: Request, pk=None) -> Response:
        board = self.get_object()
        data = self.validated(inputs.ColumnOrderSerializer)
        board_services.column_reorder(board=board, order=data["order"], by=request.user)
        return self.answer(board)


# --- columns -------------------------------------------------------------------------------------------------


@crud_schema(
    tag=TAG_BOARDS,
    noun="column",
    output=out.ColumnSerializer,
    write=inputs.ColumnCreateSerializer,
    update=inputs.ColumnUpdateSerializer,
)
class ColumnViewSet(PlanningViewSet):
    """The columns of the boards you see (``?board=<id>``). A board's owners add, rename, recolour, limit
    (``wip_limit``), mark done and delete them; deleting a column that holds tasks needs ``?move_to=<column
    id>`` (same board): its tasks go to the end of that column."""

    serializer_class = out.ColumnSerializer
    filterset_class = filters.ColumnFilter
    ordering_fields = ["position", "name"]
    permission_classes = [ColumnPermission]

    def get_queryset(self) -> QuerySet:
        return (
            Column.objects.filter(board__in=boards_visible_to(self.request.user).values("pk"))
            .select_related("board")
            .order_by("board", "position", "pk")
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        fields = self.validated(inputs.ColumnCreateSerializer)
        if not can_manage_board(request.user, fields["board"]):
            raise exceptions.PermissionDenied
        column = board_services.column_create(by=request.user, **fields)
        return self.answer(column, code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, partial: bool = False, **kwargs) -> Response:
        column = self.get_object()
        fields = self.validated(inputs.ColumnUpdateSerializer, partial=partial)
        column = board_services.column_update(column=column, by=request.user, **fields)
        return self.answer(column)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "move_to",
                OpenApiTypes.INT,
                description="Column (same board) that receives the tasks of this one.",
            )
        ]
    )
    def destroy(self, request: Request, *args, **kwargs) -> Response:
        column = self.get_object()
        move_to = _int_param(request, "move_to")
        target = None
        if move_to is not None:
            target = Column.objects.filter(pk=move_to, board_id=column.board_id).first()
            if target is None:
                raise exceptions.ValidationError({"move_to": [_("Choose a column of the same board.")]})
        board_services.column_delete(column=column, by=request.user, move_to=target)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- tasks ---------------------------------------------------------------------------------------------------


@crud_schema(
    tag=TAG_TASKS,
    noun="task",
    output=out.TaskSerializer,
    write=inputs.TaskCreateSerializer,
    update=inputs.TaskInputSerializer,
)
class TaskViewSet(PlanningViewSet):
    """Tasks of the boards you see. Filters: ``board``, ``column``, ``assignee``, ``label``, ``priority``
    (several allowed), ``due_before`` / ``due_after``, ``overdue``, ``open``, ``q``. A task changes column
    through ``move`` (the board's drag and drop: WIP limits, done columns, live boards), not through PATCH."""

    serializer_class = out.TaskSerializer
    filterset_class = filters.TaskFilter
    ordering_fields = ["position", "due_at", "priority", "title", "created_at", "updated_at"]
    permission_classes = [TaskPermission]

    def get_queryset(self) -> QuerySet:
        return (
            tasks_visible_to(self.request.user)
            .select_related("column", "responsible", "accountable")
            .prefetch_related("assignees", "labels")
            .order_by("board", "column__position", "position", "pk")
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        fields = self.validated(inputs.TaskCreateSerializer)
        board = fields.pop("board")
        if not can_edit_board(request.user, board):
            raise exceptions.PermissionDenied
        column_id = fields.pop("column", None)
        column = None
        if column_id is not None:
            column = Column.objects.filter(pk=column_id, board=board).first()
            if column is None:
                raise exceptions.ValidationError({"column": [_("Choose a column of this board.")]})
        task = task_services.task_create(board=board, column=column, by=request.user, **fields)
        return self.answer(task, code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, partial: bool = False, **kwargs) -> Response:
        task = self.get_object()
        fields = self.validated(inputs.TaskInputSerializer, instance=task, partial=partial)
        task = task_services.task_update(task=task, by=request.user, **fields)
        return self.answer(task)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        task_services.task_delete(task=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        tags=[TAG_TASKS],
        summary="Move a task to a column and a place in it (the board's drag and drop)",
        request=inputs.TaskMoveSerializer,
        responses={200: out.TaskSerializer, **INVALID, **ERRORS, **CONFLICTS},
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk=None) -> Response:
        task = self.get_object()
        data = self.validated(inputs.TaskMoveSerializer)
        with board_errors():
            card_move(
                spec=get_board_spec(KEY),
                card_id=task.pk,
                board_id=task.board_id,
                to_column_id=data["column"],
                after_id=data["after"],
                before_id=data["before"],
                by=request.user,
            )
        return self.answer(task)


# --- events --------------------------------------------------------------------------------------------------


@crud_schema(tag=TAG_EVENTS, noun="event", output=out.EventSerializer, write=inputs.EventInputSerializer)
class EventViewSet(PlanningViewSet):
    """Events (a series is one event with its ``recurrence``; ``occurrences`` expands them). Writes answer the
    event with ``conflicts``: double bookings of its artists and members, a warning. ``DELETE
    ?occurrence=<start>`` on a series removes that one occurrence."""

    serializer_class = out.EventSerializer
    filterset_class = filters.EventFilter
    ordering_fields = ["starts_at", "ends_at", "title", "created_at"]
    permission_classes = [EventPermission]

    def get_queryset(self) -> QuerySet:
        return with_people(events_visible_to(self.request.user)).order_by("starts_at", "pk")

    def create(self, request: Request, *args, **kwargs) -> Response:
        fields = self.validated(inputs.EventInputSerializer)
        event = event_services.event_create(by=request.user, **fields)
        return self.answer(event, code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, partial: bool = False, **kwargs) -> Response:
        event = self.get_object()
        fields = self.validated(inputs.EventInputSerializer, instance=event, partial=partial)
        event = event_services.event_update(event=event, by=request.user, **fields)
        return self.answer(event)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "occurrence",
                OpenApiTypes.DATETIME,
                description="In a series: the start of the one occurrence to remove (the rest stays).",
            )
        ]
    )
    def destroy(self, request: Request, *args, **kwargs) -> Response:
        event = self.get_object()
        occurrence = request.query_params.get("occurrence")
        start = None
        if occurrence:
            try:
                start = datetime.fromisoformat(occurrence.replace(" ", "+"))
            except ValueError:
                raise exceptions.ValidationError(
                    {"occurrence": [_("Give the start of an occurrence.")]}
                ) from None
            if start.tzinfo is None:
                start = start.replace(tzinfo=user_zone(request.user))
        event_services.event_delete(event=event, by=request.user, occurrence_start=start)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        tags=[TAG_EVENTS],
        summary="Move or resize an event, a whole series or one occurrence of it",
        request=inputs.EventMoveSerializer,
        responses={200: out.EventSerializer, **INVALID, **ERRORS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk=None) -> Response:
        event = self.get_object()
        data = self.validated(inputs.EventMoveSerializer)
        moved = event_services.event_move(
            event=event,
            start=data["start"],
            end=data["end"],
            all_day=data["all_day"],
            occurrence_start=data["occurrence_start"],
            scope=data["scope"],
            by=request.user,
        )
        return self.answer(moved)

    @extend_schema(
        tags=[TAG_EVENTS],
        summary="Occurrences between two dates (series expanded in their time zone)",
        parameters=RANGE,
        responses={200: out.OccurrenceSerializer(many=True), **INVALID, **ERRORS},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def occurrences(self, request: Request) -> Response:
        start, end = _range(request)
        found = events_between(user=request.user, start=start, end=end, params=request.query_params)
        return Response(out.OccurrenceSerializer(found, many=True).data)


def _range(request: Request) -> tuple[datetime, datetime]:
    try:
        return parse_range(request.query_params, user_zone(request.user))
    except ValidationError as exc:
        raise exceptions.ValidationError({"start": exc.messages}) from None


# --- the calendar feed ---------------------------------------------------------------------------------------


class CalendarFeedApi(APIView):
    """Every item of the calendar between two dates: tasks with dates, events (occurrences), and what later
    modules add (``sources=tasks,events``…; default: every source you may see). Items in UTC."""

    permission_classes = [predicate_permission(read=can_view_planning)]

    @extend_schema(
        tags=["planning calendar"],
        summary="The calendar's items between two dates",
        parameters=[
            *RANGE,
            OpenApiParameter(
                "sources", OpenApiTypes.STR, description="Comma-separated source keys (default: all yours)."
            ),
        ],
        responses={200: out.CalendarItemSerializer(many=True), **INVALID, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        start, end = _range(request)
        items = []
        for source in chosen_sources(request.user, request.query_params.get("sources")):
            for item in source.items(request.user, start, end, request.query_params):
                items.append(
                    {
                        "source": source.key,
                        "id": item.id,
                        "title": item.title,
                        "start": item.start,
                        "end": item.end,
                        "all_day": item.all_day,
                        "url": item.url,
                        "color": item.color or source.color,
                        "editable": item.editable,
                        "extra": item.extra,
                    }
                )
        items.sort(key=lambda i: (i["start"], i["source"], i["id"]))
        return Response(out.CalendarItemSerializer(items, many=True).data)
