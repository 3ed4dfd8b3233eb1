"""What Planning's API accepts (input serializers): shapes, types and choices. The rules (WIP limits, dates in
order, repeat rules, last owner…) live in the services (:mod:`planning.services`), whose ``ValidationError``
becomes the same 400 error shape. Related records are given by id."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.models import Artist
from planning.models import Board, BoardMembership, Event, Label, Task
from planning.permissions import boards_visible_to


def _people():
    return get_user_model().objects.filter(is_active=True)


@extend_schema_field(OpenApiTypes.INT)
class VisibleBoardField(serializers.PrimaryKeyRelatedField):
    """A board the caller sees (another id is "does not exist", as if it had none)."""

    def get_queryset(self):
        return boards_visible_to(self.context["request"].user)


# --- boards and columns ---------------------------------------------------------------------------------------


class BoardInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Board
        fields = ["name", "description", "color", "visibility", "wip_policy"]
        extra_kwargs = {"description": {"required": False}, "color": {"required": False}}


class BoardUpdateSerializer(BoardInputSerializer):
    class Meta(BoardInputSerializer.Meta):
        fields = [*BoardInputSerializer.Meta.fields, "archived"]


class MemberInputSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=_people(), help_text="Id of an active person.")
    role = serializers.ChoiceField(choices=BoardMembership.Role.choices, default=BoardMembership.Role.EDITOR)


class ColumnCreateSerializer(serializers.Serializer):
    board = VisibleBoardField()
    name = serializers.CharField(max_length=80)
    color = serializers.CharField(max_length=7, required=False, allow_blank=True)
    wip_limit = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    is_done = serializers.BooleanField(required=False, default=False)


class ColumnUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80, required=False)
    color = serializers.CharField(max_length=7, required=False)
    wip_limit = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    is_done = serializers.BooleanField(required=False)


class ColumnOrderSerializer(serializers.Serializer):
    order = serializers.ListField(
        child=serializers.IntegerField(),
        allow_empty=False,
        help_text="Every column id of the board, in order.",
    )


# --- tasks ---------------------------------------------------------------------------------------------------


class TaskInputSerializer(serializers.ModelSerializer):
    assignees = serializers.PrimaryKeyRelatedField(many=True, queryset=_people(), required=False)
    labels = serializers.PrimaryKeyRelatedField(many=True, queryset=Label.objects.all(), required=False)
    responsible = serializers.PrimaryKeyRelatedField(queryset=_people(), required=False, allow_null=True)
    accountable = serializers.PrimaryKeyRelatedField(queryset=_people(), required=False, allow_null=True)

    class Meta:
        model = Task
        fields = [
            "title",
            "description",
            "priority",
            "assignees",
            "labels",
            "start_at",
            "due_at",
            "all_day",
            "estimate_hours",
            "responsible",
            "accountable",
            "recurrence",
        ]
        extra_kwargs = {
            "title": {"required": True},
            "recurrence": {"help_text": "An RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO (needs a due date)."},
        }


class TaskCreateSerializer(TaskInputSerializer):
    board = VisibleBoardField()
    column = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Id of a column of that board (default: its first open one).",
    )
    at_top = serializers.BooleanField(
        required=False, default=False, help_text="Put it at the top of the column."
    )

    class Meta(TaskInputSerializer.Meta):
        fields = ["board", "column", "at_top", *TaskInputSerializer.Meta.fields]


class TaskMoveSerializer(serializers.Serializer):
    """Where the task goes: a column of its board and, inside it, between two cards (give one or both; none
    puts it at the bottom). The same move as the board's drag and drop."""

    column = serializers.IntegerField(help_text="Id of the target column (same board).")
    after = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Id of the task it goes right after."
    )
    before = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Id of the task it goes right before."
    )


# --- events --------------------------------------------------------------------------------------------------


class EventInputSerializer(serializers.ModelSerializer):
    artists = serializers.PrimaryKeyRelatedField(many=True, queryset=Artist.objects.all(), required=False)
    members = serializers.PrimaryKeyRelatedField(many=True, queryset=_people(), required=False)

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "all_day",
            "time_zone",
            "venue",
            "location",
            "status",
            "notes",
            "artists",
            "members",
            "recurrence",
        ]
        extra_kwargs = {
            "time_zone": {"required": False, "help_text": "IANA name (default: yours)."},
            "recurrence": {"help_text": "An RFC 5545 RRULE with UNTIL or COUNT, or none (never ends)."},
        }


class EventMoveSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    all_day = serializers.BooleanField(required=False, allow_null=True, default=None)
    occurrence_start = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="In a series: the start of the occurrence moved.",
    )
    scope = serializers.ChoiceField(
        choices=[("series", "series"), ("one", "one")],
        default="series",
        help_text="`series`: shift the whole series; `one`: take this occurrence out and move it alone.",
    )
