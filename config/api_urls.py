"""Every API URL, under /api/. An app adds its API with one include (its api/urls.py holds a SimpleRouter):

    path("crm/", include("crm.api.urls")),
    path("planning/", include("planning.api.urls")),

/api/ (``api-root``) lists every endpoint below that takes no argument.
"""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from core.api.auth import TokenObtainApi, TokenRefreshApi, TokenVerifyApi
from core.api.permissions import IsStaffUser
from core.api.views import ApiRootView, MeApi, RedocDocsView, SwaggerDocsView

urlpatterns = [
    path("", ApiRootView.as_view(), name="api-root"),
    path("auth/token/", TokenObtainApi.as_view(), name="api-token"),
    path("auth/token/refresh/", TokenRefreshApi.as_view(), name="api-token-refresh"),
    path("auth/token/verify/", TokenVerifyApi.as_view(), name="api-token-verify"),
    path("me/", MeApi.as_view(), name="api-me"),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsStaffUser]), name="api-schema"),
    # the HTML documentation sends signed-out visitors to the login page
    path("docs/", login_required(SwaggerDocsView.as_view(url_name="api-schema")), name="api-docs"),
    path("redoc/", login_required(RedocDocsView.as_view(url_name="api-schema")), name="api-redoc"),
    path("notifications/", include("notifications.api.urls")),
    path("crm/", include("crm.api.urls")),
    path("planning/", include("planning.api.urls")),
    path("boards/", include("core.boards.urls")),
]
