"""The shape every module's REST endpoints share (the CRM's, Planning's…): scoped querysets, separate input and
output serializers, stable ordering, and writes that go through one service each. A module's base viewset
adds its permission predicates (``permission_classes``), e.g. ``crm.api.base.CrmViewSet``.

A viewset names its services (``create_service = staticmethod(artist_create)``…, called as
``service(by=user, **fields)`` / ``service(<instance_kwarg>=obj, by=user, **fields)``); the service validates
and its ``ValidationError`` becomes the API's 400 error shape (core.api.errors).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.errors import ErrorSerializer

ERRORS = {
    401: OpenApiResponse(
        ErrorSerializer, description="Not signed in (no session and no valid Bearer token)."
    ),
    403: OpenApiResponse(
        ErrorSerializer, description="Your role may not do this (or two-factor is not set up)."
    ),
}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="No such record, or not visible to you.")}
INVALID = {400: OpenApiResponse(ErrorSerializer, description="Invalid input: `fields` says what to fix.")}


def crud_schema(
    *,
    tag: str,
    noun: str,
    output,
    detail=None,
    write=None,
    update=None,
    writes: tuple[str, ...] = ("create", "update", "partial_update", "destroy"),
) -> Callable:
    """``extend_schema_view`` for a CRM resource: summaries, request and response bodies, error answers."""
    detail = detail or output
    update = update or write
    views: dict[str, Any] = {
        "list": extend_schema(
            tags=[tag], summary=f"List {noun}s", responses={200: output(many=True), **ERRORS}
        ),
        "retrieve": extend_schema(
            tags=[tag], summary=f"One {noun}", responses={200: detail, **ERRORS, **NOT_FOUND}
        ),
    }
    if "create" in writes:
        views["create"] = extend_schema(
            tags=[tag],
            summary=f"Create a {noun}",
            request=write,
            responses={201: detail, **INVALID, **ERRORS},
        )
    if "update" in writes:
        views["update"] = extend_schema(
            tags=[tag],
            summary=f"Replace a {noun}",
            request=update,
            responses={200: detail, **INVALID, **ERRORS, **NOT_FOUND},
        )
    if "partial_update" in writes:
        views["partial_update"] = extend_schema(
            tags=[tag],
            summary=f"Change some fields of a {noun}",
            request=update,
            responses={200: detail, **INVALID, **ERRORS, **NOT_FOUND},
        )
    if "destroy" in writes:
        views["destroy"] = extend_schema(
            tags=[tag],
            summary=f"Delete a {noun}",
            responses={204: None, **INVALID, **ERRORS, **NOT_FOUND},
        )
    return extend_schema_view(**views)


class StableOrderingFilter(OrderingFilter):
    """``?ordering=`` plus the primary key as the last key, so pages never repeat or skip rows."""

    def filter_queryset(self, request, queryset: QuerySet, view) -> QuerySet:
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        keys = [key for key in ordering if key.lstrip("-") != "pk"]
        return queryset.order_by(*keys, "pk")


class ServiceViewSet(viewsets.GenericViewSet):
    """Read endpoints: list (filters, ``ordering``, ``page``/``page_size``) and retrieve. Subclasses set
    ``permission_classes`` (their module's predicates)."""

    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    lookup_value_regex = r"\d+"
    detail_serializer_class = None
    input_serializer_class = None
    update_serializer_class = None
    instance_kwarg = ""

    def get_serializer_class(self):
        if self.action != "list" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class

    def list(self, request: Request, *args, **kwargs) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    # --- helpers for writes

    def validated(self, serializer_class, *, instance=None, partial: bool = False) -> dict[str, Any]:
        serializer = serializer_class(
            instance=instance, data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def answer(self, instance, *, code: int = status.HTTP_200_OK) -> Response:
        """The record as a GET would show it (fresh, with its relations)."""
        fresh = self.get_queryset().filter(pk=instance.pk).first()
        if fresh is None:  # pragma: no cover - a write made it invisible to its author
            raise exceptions.NotFound
        return Response(self.get_serializer(fresh).data, status=code)


class ServiceCreateMixin:
    create_service: Callable[..., Any]

    def create(self, request: Request, *args, **kwargs) -> Response:
        fields = self.validated(self.input_serializer_class)
        instance = self.create_service(by=request.user, **fields)
        return self.answer(instance, code=status.HTTP_201_CREATED)


class ServiceUpdateMixin:
    update_service: Callable[..., Any]

    def update(self, request: Request, *args, partial: bool = False, **kwargs) -> Response:
        instance = self.get_object()
        fields = self.validated(
            self.update_serializer_class or self.input_serializer_class, instance=instance, partial=partial
        )
        instance = self.update_service(**{self.instance_kwarg: instance}, by=request.user, **fields)
        return self.answer(instance)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        return self.update(request, *args, partial=True, **kwargs)


class ServiceDestroyMixin:
    delete_service: Callable[..., Any]

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        instance = self.get_object()
        self.delete_service(**{self.instance_kwarg: instance}, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ServiceModelViewSet(ServiceCreateMixin, ServiceUpdateMixin, ServiceDestroyMixin, ServiceViewSet):
    """Full CRUD, every write through a service."""
