import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from . import permissions, roles


def apply_user_preferences(request, user) -> None:
    """Activate `user`'s language and time zone for the rest of this request. Called by the middleware below for
    session users, and by the API's base permission once token (JWT) authentication has found the user."""
    if user is None or not user.is_authenticated:
        return
    if user.language:
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language
    try:
        timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.deactivate()


class UserPreferencesMiddleware:
    """Activates the signed-in user's language and time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.deactivate()  # nothing left over from an earlier request served by this thread
        apply_user_preferences(request, getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class RequireTwoFactorMiddleware:
    """Members of a role in settings.TWO_FACTOR_REQUIRED_ROLES who have no TOTP authenticator are sent to set one
    up before they can do anything else. Pages: redirect with a message; htmx: HX-Redirect; API: 403 JSON."""

    EXEMPT_PATH_PREFIXES = ("/jsi18n/", "/healthz", "/readyz", "/metrics", "/favicon.ico")
    EXEMPT_URL_NAMES = frozenset(
        {"account_logout", "account_reauthenticate", "accounts:language", "javascript-catalog"}
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def _exempt(self, request) -> bool:
        path = request.path_info
        static_prefixes = tuple(p for p in (settings.STATIC_URL, settings.MEDIA_URL) if p and p != "/")
        if path.startswith(self.EXEMPT_PATH_PREFIXES + static_prefixes):
            return True
        match = request.resolver_match
        name = match.view_name if match else ""
        return name in self.EXEMPT_URL_NAMES or (
            match is not None and (match.url_name or "").startswith("mfa_")
        )

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or self._exempt(request):
            return None
        if not permissions.needs_two_factor_setup(user):
            return None
        message = _(
            "Your role (%(roles)s) requires two-factor authentication. Set it up with an authenticator app to "
            "continue."
        ) % {
            "roles": ", ".join(str(roles.ROLE_LABELS.get(r, r)) for r in sorted(permissions.role_names(user)))
        }
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"error": {"status": 403, "code": "two_factor_required", "message": str(message), "fields": {}}},
                status=403,
            )
        url = reverse("mfa_activate_totp")
        messages.warning(request, message, fail_silently=True)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)
