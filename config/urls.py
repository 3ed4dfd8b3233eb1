from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from core.js_catalog import CachedJavaScriptCatalog

urlpatterns = [
    path("", include("dashboard.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("notifications.urls")),
    path("audit/", include("audit.urls")),
    path("crm/", include("crm.urls")),
    path("planning/", include("planning.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("jsi18n/", CachedJavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("core.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
