"""Planning's calendar: what it registers with the shell (owned by helper CALENDAR): the "tasks" and "events"
calendar sources, the live group every open calendar joins (``planning.calendar``: one JSON frame
``calendar.changed`` per change, the pages refetch) and the dashboard's "Coming up" widget."""

from django.utils.translation import gettext_lazy as _

from core.live.registry import register_group
from dashboard.registry import register_widget
from planning.calendar import LIVE_GROUP
from planning.permissions import can_view_planning


def _can_join_calendar(user, key: str) -> bool:
    return key == "" and can_view_planning(user)


def _coming_up_context(request) -> dict:
    from planning.selectors.calendar import coming_up

    return {"items": coming_up(user=request.user)}


def register() -> None:
    from planning.calendar_sources import register_sources

    register_sources()
    register_group(LIVE_GROUP, _can_join_calendar)
    register_widget(
        "planning-coming-up",
        title=_("Coming up"),
        template="planning/calendar/widget-coming-up.html",
        context=_coming_up_context,
        order=15,
        visible=can_view_planning,
    )
