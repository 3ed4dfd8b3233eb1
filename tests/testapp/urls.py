"""The project's URLs plus the test-only API views (``@pytest.mark.urls("tests.testapp.urls")``)."""

from django.urls import include, path

from tests.testapp import api

urlpatterns = [
    path("test-api/service-error/", api.ServiceValidationErrorApi.as_view()),
    path("test-api/serializer-error/", api.SerializerValidationErrorApi.as_view()),
    path("test-api/forbidden/", api.ForbiddenApi.as_view()),
    path("test-api/missing/", api.MissingApi.as_view()),
    path("test-api/staff-only/", api.StaffOnlyApi.as_view()),
    path("test-api/throttled/", api.ThrottledApi.as_view()),
    path("test-api/crash/", api.CrashApi.as_view()),
    path("test-api/things/<int:owner>/", api.ThingApi.as_view()),
    path("", include("config.urls")),
]
