"""Filters of Planning's API lists (``?board=…&assignee=…&overdue=true``…)."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from planning.models import Board, Column, Event, Task


class BoardFilter(filters.FilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))

    class Meta:
        model = Board
        fields = ["q", "archived", "visibility"]


class ColumnFilter(filters.FilterSet):
    board = filters.NumberFilter(field_name="board_id", label=_("Board id"))

    class Meta:
        model = Column
        fields = ["board", "is_done"]


class TaskFilter(filters.FilterSet):
    board = filters.NumberFilter(field_name="board_id", label=_("Board id"))
    column = filters.NumberFilter(field_name="column_id", label=_("Column id"))
    assignee = filters.NumberFilter(method="filter_assignee", label=_("Assignee id"))
    label = filters.NumberFilter(method="filter_label", label=_("Tag id"))
    priority = filters.MultipleChoiceFilter(choices=Task.Priority.choices, label=_("Priority"))
    due_before = filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="lt", label=_("Due before"))
    due_after = filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="gte", label=_("Due from"))
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("Overdue (open and past due)"))
    open = filters.BooleanFilter(field_name="completed_at", lookup_expr="isnull", label=_("Open (not done)"))
    q = filters.CharFilter(method="filter_q", label=_("Search in title and description"))

    class Meta:
        model = Task
        fields = [
            "board",
            "column",
            "assignee",
            "label",
            "priority",
            "due_before",
            "due_after",
            "overdue",
            "open",
            "q",
        ]

    # one row per task even when a task matches through several assignees / tags: filter with a subquery
    def filter_assignee(self, queryset: QuerySet, name: str, value) -> QuerySet:
        through = Task.assignees.through.objects.filter(user_id=value).values("task_id")
        return queryset.filter(pk__in=through)

    def filter_label(self, queryset: QuerySet, name: str, value) -> QuerySet:
        through = Task.labels.through.objects.filter(label_id=value).values("task_id")
        return queryset.filter(pk__in=through)

    def filter_overdue(self, queryset: QuerySet, name: str, value) -> QuerySet:
        overdue = Q(completed_at__isnull=True, due_at__lt=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


class EventFilter(filters.FilterSet):
    q = filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))
    kind = filters.MultipleChoiceFilter(choices=Event.Kind.choices, label=_("Type"))
    status = filters.MultipleChoiceFilter(choices=Event.Status.choices, label=_("Status"))
    artist = filters.NumberFilter(method="filter_artist", label=_("Artist id"))
    member = filters.NumberFilter(method="filter_member", label=_("Team member id"))
    starts_after = filters.IsoDateTimeFilter(
        field_name="starts_at", lookup_expr="gte", label=_("Starts from")
    )
    starts_before = filters.IsoDateTimeFilter(
        field_name="starts_at", lookup_expr="lt", label=_("Starts before")
    )

    class Meta:
        model = Event
        fields = ["q", "kind", "status", "artist", "member", "starts_after", "starts_before"]

    def filter_artist(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(
            pk__in=Event.artists.through.objects.filter(artist_id=value).values("event_id")
        )

    def filter_member(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(pk__in=Event.members.through.objects.filter(user_id=value).values("event_id"))
