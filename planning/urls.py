"""Planning's pages. Each feature module of ``planning.views`` declares its own ``urlpatterns``."""

from django.urls import path

from .views import boards, calendar, events, home, reminders, tasks

app_name = "planning"

urlpatterns = [
    path("", home.planning_home, name="home"),
    *boards.urlpatterns,
    *tasks.urlpatterns,
    *calendar.urlpatterns,
    *events.urlpatterns,
    *reminders.urlpatterns,
]
