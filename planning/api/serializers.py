"""What Planning's API answers (output serializers). Related records come as small objects so a script needs
no second request; the viewsets prefetch them, so a page costs a fixed number of queries. What the API accepts
is in :mod:`planning.api.inputs`."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# the same small references as the CRM's (one OpenAPI component each)
from crm.api.serializers import ArtistRefSerializer, UserRefSerializer
from planning.models import Board, BoardMembership, Column, Event, Label, Task
from planning.permissions import board_role


class LabelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Label
        fields = ["id", "name", "color"]


class ColumnSerializer(serializers.ModelSerializer):
    class Meta:
        model = Column
        fields = ["id", "board", "name", "position", "color", "wip_limit", "is_done"]
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer):
    user = UserRefSerializer(read_only=True)

    class Meta:
        model = BoardMembership
        fields = ["user", "role", "added_at"]
        read_only_fields = fields


class BoardSerializer(serializers.ModelSerializer):
    columns = ColumnSerializer(many=True, read_only=True)
    members = MembershipSerializer(source="memberships", many=True, read_only=True)
    my_role = serializers.SerializerMethodField(help_text="Your role on this board: owner, editor or viewer.")

    class Meta:
        model = Board
        fields = [
            "id",
            "name",
            "description",
            "color",
            "visibility",
            "wip_policy",
            "archived",
            "my_role",
            "columns",
            "members",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_my_role(self, board) -> str:
        request = self.context.get("request")
        return board_role(request.user, board) or "" if request else ""


class TaskSerializer(serializers.ModelSerializer):
    column_name = serializers.CharField(source="column.name", read_only=True)
    assignees = UserRefSerializer(many=True, read_only=True)
    labels = LabelSerializer(many=True, read_only=True)
    responsible = UserRefSerializer(read_only=True, allow_null=True)
    accountable = UserRefSerializer(read_only=True, allow_null=True)
    wip_warning = serializers.SerializerMethodField(
        help_text="Set when the column is over its WIP limit and the board only warns."
    )

    class Meta:
        model = Task
        fields = [
            "id",
            "board",
            "column",
            "column_name",
            "position",
            "title",
            "description",
            "priority",
            "assignees",
            "labels",
            "start_at",
            "due_at",
            "all_day",
            "estimate_hours",
            "completed_at",
            "responsible",
            "accountable",
            "recurrence",
            "series_root",
            "wip_warning",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_wip_warning(self, task) -> str | None:
        warning = getattr(task, "wip_warning", None)
        return str(warning) if warning else None


class EventSerializer(serializers.ModelSerializer):
    artists = ArtistRefSerializer(many=True, read_only=True)
    members = UserRefSerializer(many=True, read_only=True)
    exdates = serializers.ListField(child=serializers.DateTimeField(), read_only=True)
    conflicts = serializers.SerializerMethodField(
        help_text="After a write: the double bookings of its artists and team members (a warning, not a refusal)."
    )

    class Meta:
        model = Event
        fields = [
            "id",
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
            "exdates",
            "series_root",
            "conflicts",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_conflicts(self, event) -> list[str]:
        from planning.conflicts import describe

        return describe(getattr(event, "conflicts", None) or [])


class OccurrenceSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="`<event id>` or, in a series, `<event id>@<start in UTC>`.")
    event = serializers.IntegerField(source="event.pk")
    title = serializers.CharField()
    kind = serializers.CharField(source="event.kind")
    status = serializers.CharField(source="event.status")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    all_day = serializers.BooleanField()
    recurring = serializers.BooleanField()


class CalendarItemSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="The source's key: `tasks`, `events`, or a later module's.")
    id = serializers.CharField(help_text="Unique within its source.")
    title = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(allow_null=True)
    all_day = serializers.BooleanField()
    url = serializers.CharField(help_text="The item's page.")
    color = serializers.CharField()
    editable = serializers.BooleanField(help_text="Whether you may move it.")
    extra = serializers.DictField(help_text="What the source adds (kind, status, artists…).")
