"""Test-only API views: one per kind of error, to check the single error shape."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from core.api.permissions import IsStaffUser, predicate_permission


class NameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=5)


class ServiceValidationErrorApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        # what a service raises: Django's ValidationError, per field and not tied to a field
        raise ValidationError({"name": ["Already taken."], "__all__": ["Dates overlap."]})


class SerializerValidationErrorApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        serializer = NameSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)


class ForbiddenApi(APIView):
    permission_classes = [IsStaffUser]

    def get(self, request):
        raise PermissionDenied("Not for you.")


class MissingApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise Http404("nothing here")


class StaffOnlyApi(APIView):
    def get(self, request):  # default permission classes: IsStaffUser
        return Response({"ok": True})


class OnePerMinuteThrottle(AnonRateThrottle):
    rate = "1/min"
    scope = "testapp"


class ThrottledApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [OnePerMinuteThrottle]

    def get(self, request):
        return Response({"ok": True})


class CrashApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("boom")


def can_view_thing(user, obj=None) -> bool:
    return obj is None or obj.get("owner") == user.pk or user.has_role("Admin")


def can_edit_thing(user, obj=None) -> bool:
    return user.has_role("Admin", "Manager")


class ThingApi(APIView):
    permission_classes = [predicate_permission(read=can_view_thing, write=can_edit_thing)]

    def get(self, request, owner: int):
        thing = {"owner": owner}
        self.check_object_permissions(request, thing)
        return Response(thing)

    def post(self, request, owner: int):
        return Response({"created": True}, status=201)
