"""The API's own views: the endpoint index at /api/, the current user, and the CSP-safe documentation."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module

from django.urls import NoReverseMatch, URLPattern, URLResolver
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from core.api.permissions import IsStaffUser
from core.api.serializers import MeSerializer


def _url_names(patterns, namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


class ApiRootView(APIView):
    """Every endpoint of the API that takes no argument: routers' list routes, auth, schema and docs.

    It reads the URLconf (``config/api_urls.py`` and everything it includes), so an app's API shows up here as
    soon as its urls are included. Apps include a ``SimpleRouter`` (a ``DefaultRouter`` would bring a second
    root view).
    """

    permission_classes = [AllowAny]
    urlconf = "config.api_urls"
    name = "MONA × SPARK API"

    @extend_schema(exclude=True)
    def get(self, request: Request, *args, **kwargs) -> Response:
        endpoints: dict[str, str] = {}
        for name in _url_names(import_module(self.urlconf).urlpatterns):
            if name == "api-root" or name in endpoints:
                continue
            try:
                endpoints[name] = reverse(name, request=request, format=kwargs.get("format"))
            except NoReverseMatch:  # needs arguments (detail routes)
                continue
        return Response(endpoints)


class MeApi(APIView):
    """The signed-in user, with roles, language and time zone."""

    permission_classes = [IsStaffUser]

    @extend_schema(tags=["me"], responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


class SwaggerDocsView(SpectacularSwaggerSplitView):
    """Swagger UI under the strict CSP: no inline script (the init script is a separate response) and every
    script and style tag carries the request's nonce."""

    template_name = "core/api/swagger_ui.html"
    permission_classes = [IsStaffUser]


class RedocDocsView(SpectacularRedocView):
    """ReDoc under the strict CSP: started by static/core/js/redoc-init.js, which hands ReDoc the nonce so
    the styles it injects are allowed."""

    template_name = "core/api/redoc.html"
    permission_classes = [IsStaffUser]
