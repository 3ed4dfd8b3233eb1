"""Operations URLs at the site root, open without signing in (see core/health.py)."""

from django.urls import path

from core import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
]
