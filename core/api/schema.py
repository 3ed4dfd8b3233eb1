"""OpenAPI extensions for our own API classes (loaded from CoreConfig.ready, before any schema is built)."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class JWTScheme(SimpleJWTScheme):
    """Our JWTAuthentication is simplejwt's plus the user's locale: the same Bearer scheme in the schema."""

    target_class = "core.api.authentication.JWTAuthentication"
