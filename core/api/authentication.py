"""The API's token authentication (settings REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]).

Kept apart from core.api.auth (the token views): DRF imports authentication classes while rest_framework.views
is still loading, so this module must not import any view."""

from rest_framework_simplejwt.authentication import JWTAuthentication as BaseJWTAuthentication

from accounts.middleware import apply_user_preferences


class JWTAuthentication(BaseJWTAuthentication):
    """simplejwt's Bearer authentication, then the user's language and time zone for the rest of the request:
    the session middleware did this for cookie users, but a token's user is only known here."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            apply_user_preferences(request, result[0])
        return result
