"""Planning's REST API, mounted at /api/planning/ (config/api_urls.py). Names: ``planning-api:<basename>-list``
and ``planning-api:<basename>-detail`` (+ ``board-members``, ``board-member``, ``board-reorder-columns``,
``task-move``, ``event-move``, ``event-occurrences``, ``calendar``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import schema, views  # noqa: F401  (schema: the enum names of the OpenAPI document)

app_name = "planning-api"

router = SimpleRouter()
router.register("boards", views.BoardViewSet, basename="board")
router.register("columns", views.ColumnViewSet, basename="column")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("events", views.EventViewSet, basename="event")

urlpatterns = [
    path("calendar/", views.CalendarFeedApi.as_view(), name="calendar"),
    *router.urls,
]
