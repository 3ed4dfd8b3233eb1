"""Planning's reminders: what it registers with the shell (owned by helper REMINDERS): the notification kinds
people choose how to receive (Notifications settings)."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from notifications.kinds import register_kind

    register_kind("planning.reminder", _("Deadline reminders"))
    register_kind("planning.digest", _("Daily digest of overdue tasks"))
