"""What Planning adds to the shell: its sidebar module, then each feature's own pieces (board spec and live
groups, calendar sources and live group, link kinds, search providers, dashboard widgets, notification kinds,
artist tab), registered by the ``register()`` of its module in :mod:`planning.shell_parts`."""

from django.utils.translation import gettext_lazy as _

from dashboard.registry import register_module

from .permissions import can_view_planning


def register() -> None:
    from .shell_parts import boards, calendar, events, reminders, tasks

    register_module(
        "planning",
        label=_("Planning"),
        icon="calendar3",
        url_name="planning:home",
        order=30,
        visible=can_view_planning,
        description=_("calendar, shoots, tasks"),
    )
    boards.register()
    tasks.register()
    events.register()
    calendar.register()
    reminders.register()
