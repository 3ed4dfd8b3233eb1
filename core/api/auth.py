"""JWT for scripts: ``POST /api/auth/token/`` with email, password and, for accounts with two-factor
authentication, ``otp`` (the current code of the authenticator app).

- wrong e-mail or password → 401 ``no_active_account``
- an Admin or Manager who has not set up two-factor yet → 403 ``two_factor_required`` (sign in on the web first)
- 2FA on and ``otp`` missing → 401 ``otp_required``; wrong or already used → 401 ``otp_invalid``
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import update_last_login
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.throttling import ScopedRateThrottle
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView, TokenVerifyView

from accounts.permissions import needs_two_factor_setup
from audit.services import audit_record
from core.api.errors import ErrorSerializer


def _totp_authenticator(user) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()


def _record(*, action: str, user, data: dict) -> None:
    audit_record(action=action, actor=user, target=user, data=data)


class TokenObtainSerializer(TokenObtainPairSerializer):
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        max_length=16,
        help_text=_("Current code of the authenticator app; required when the account has two-factor on."),
    )
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        super(TokenObtainPairSerializer, self).validate(attrs)  # authenticates only (→ 401 no_active_account)
        user = self.user
        if needs_two_factor_setup(user):
            raise exceptions.PermissionDenied(
                _("Your role requires two-factor authentication: sign in on the website to set it up first."),
                code="two_factor_required",
            )
        authenticator = _totp_authenticator(user)
        if authenticator is not None:
            code = (attrs.get("otp") or "").strip().replace(" ", "")
            if not code:
                raise exceptions.AuthenticationFailed(
                    _("This account uses two-factor authentication: send the current code in “otp”."),
                    code="otp_required",
                )
            if not TOTP(authenticator).validate_code(code):
                _record(
                    action="auth.login_failed", user=user, data={"via": "api_token", "reason": "otp_invalid"}
                )
                raise exceptions.AuthenticationFailed(
                    _("The two-factor code is wrong or was already used."), code="otp_invalid"
                )
            authenticator.record_usage()
        refresh = self.get_token(user)
        if jwt_settings.UPDATE_LAST_LOGIN:
            update_last_login(None, user)
        _record(action="auth.login", user=user, data={"via": "api_token"})
        return {"refresh": str(refresh), "access": str(refresh.access_token)}


_errors = {
    401: OpenApiResponse(ErrorSerializer, description="Wrong credentials, or missing/wrong two-factor code."),
    403: OpenApiResponse(ErrorSerializer, description="The account must set up two-factor authentication."),
    429: OpenApiResponse(ErrorSerializer, description="Too many attempts."),
}


@extend_schema(tags=["auth"], responses={200: TokenObtainSerializer, 400: ErrorSerializer, **_errors})
class TokenObtainApi(TokenObtainPairView):
    """Exchange e-mail, password (and the two-factor code) for an access and a refresh token."""

    serializer_class = TokenObtainSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"


@extend_schema(tags=["auth"], responses={401: ErrorSerializer})
class TokenRefreshApi(TokenRefreshView):
    """Exchange a refresh token for a new access token (and a new refresh token: they rotate)."""


@extend_schema(
    tags=["auth"],
    responses={200: inline_serializer("TokenVerified", fields={}), 401: ErrorSerializer},
)
class TokenVerifyApi(TokenVerifyView):
    """Check that a token is valid (200) or not (401)."""

