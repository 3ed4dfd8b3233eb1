"""One error shape for every API error.

    {"error": {"status": 400, "code": "invalid", "message": "Human text.", "fields": {"name": ["..."]}}}

- Django ``ValidationError`` raised by a service becomes a 400 whose ``fields`` hold the per-field messages
  (errors not tied to a field are under ``non_field_errors``, and the first one is the ``message``).
- ``PermissionDenied`` → 403, ``Http404`` → 404, ``NotAuthenticated`` / ``AuthenticationFailed`` → 401 (with a
  ``WWW-Authenticate: Bearer`` header, whatever the first authentication class is), ``Throttled`` → 429 with
  ``retry_after`` (seconds) in the body and a ``Retry-After`` header.
- ``code`` is the exception's code: raise ``PermissionDenied("...", code="two_factor_required")`` to give one.
- Anything else is not an API error: it goes on to Django's 500 handling (never swallowed here).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

WWW_AUTHENTICATE = 'Bearer realm="api"'


def exception_handler(exc: Exception, context: dict) -> Response | None:
    exc = _as_api_exception(exc)
    if not isinstance(exc, exceptions.APIException):
        return None  # an unexpected error: DRF re-raises it and Django answers 500
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        # DRF turns these into 403 when the first authentication class (the session) has no header to offer.
        exc.status_code = 401
        exc.auth_header = getattr(exc, "auth_header", None) or WWW_AUTHENTICATE
    response = drf_exception_handler(exc, context)
    if response is None:  # pragma: no cover - DRF handles every APIException
        return None
    response.data = {"error": error_body(exc)}
    return response


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(detail=serializers.as_serializer_error(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    return exc


def error_body(exc: exceptions.APIException) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        fields = _plain(serializers.as_serializer_error(exc))
        if NON_FIELD_ERRORS in fields:  # Django's "__all__" from Model.clean()
            fields.setdefault(api_settings.NON_FIELD_ERRORS_KEY, []).extend(fields.pop(NON_FIELD_ERRORS))
        non_field = fields.get(api_settings.NON_FIELD_ERRORS_KEY) or []
        message = (
            str(non_field[0]) if non_field and isinstance(non_field[0], str) else str(_("Invalid input."))
        )
        return {"status": exc.status_code, "code": "invalid", "message": message, "fields": fields}

    detail = exc.detail
    code = _code(exc)
    if isinstance(detail, Mapping):  # simplejwt: {"detail": ..., "code": ..., "messages": [...]}
        code = str(detail.get("code") or code)
        message = str(detail.get("detail") or exc.default_detail)
    elif isinstance(detail, list):
        message = " ".join(str(item) for item in detail)
    else:
        message = str(detail)
    body: dict[str, Any] = {"status": exc.status_code, "code": code, "message": message, "fields": {}}
    if isinstance(exc, exceptions.Throttled):
        body["retry_after"] = int(exc.wait) if exc.wait is not None else None
    return body


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return str(exc.default_code)


def _plain(value: Any) -> Any:
    """ErrorDetail trees → plain str / list / dict, ready for JSON."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return str(value)


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    retry_after = serializers.IntegerField(required=False, help_text="Seconds to wait (429 only).")


class ErrorSerializer(serializers.Serializer):
    """The body of every API error (for the OpenAPI schema)."""

    error = ErrorDetailSerializer()
