import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.permissions import predicate_permission

from .. import kinds, selectors, services
from ..models import Notification
from ..permissions import can_change_notification, can_view_notification, notifications_visible_to
from .serializers import MarkAllReadSerializer, NotificationSerializer, PreferenceSerializer


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="Only unread")

    class Meta:
        model = Notification
        fields = ["unread", "kind", "level"]


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your own notifications, newest first. `?unread=true` lists only the unread ones."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = ["created_at"]
    search_fields = ["verb"]
    lookup_value_regex = r"\d+"
    permission_classes = [
        predicate_permission(
            read=can_view_notification,
            actions={"mark_read": can_change_notification, "mark_all_read": can_change_notification},
        )
    ]

    def get_queryset(self):
        return (
            notifications_visible_to(self.request.user).select_related("actor").order_by("-created_at", "-pk")
        )

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"], url_path="mark-read")
    def mark_read(self, request: Request, pk=None) -> Response:
        notification = services.notification_mark_read(notification=self.get_object(), user=request.user)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=MarkAllReadSerializer)
    @action(detail=False, methods=["post"], url_path="mark-all-read")
    def mark_all_read(self, request: Request) -> Response:
        return Response({"marked": services.notification_mark_all_read(user=request.user)})


class NotificationPreferenceViewSet(viewsets.ViewSet):
    """How you receive each kind of notification: `in_app`, `email`, `both` or `none`."""

    serializer_class = PreferenceSerializer
    lookup_field = "kind"
    lookup_value_regex = r"[\w.-]+"

    def _rows(self, user) -> list[dict]:
        channels = selectors.preference_channels(user=user)
        return [{"kind": k.key, "label": str(k.label), "channel": channels[k.key]} for k in kinds.all_kinds()]

    @extend_schema(responses=PreferenceSerializer(many=True))
    def list(self, request: Request) -> Response:
        return Response(PreferenceSerializer(self._rows(request.user), many=True).data)

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    def update(self, request: Request, kind: str | None = None) -> Response:
        try:
            kinds.get_kind(kind)
        except LookupError:
            raise NotFound from None
        serializer = PreferenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.preference_set(user=request.user, kind=kind, channel=serializer.validated_data["channel"])
        row = next(r for r in self._rows(request.user) if r["kind"] == kind)
        return Response(PreferenceSerializer(row).data)

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    def partial_update(self, request: Request, kind: str | None = None) -> Response:
        return self.update(request, kind=kind)
