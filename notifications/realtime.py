"""What notifications push to a person's open pages (all of them: the group ``user.<pk>``).

The fragments are htmx OOB swaps matching the shell (templates/layouts/app.html): ``#notif-count`` in the
header, a toast appended to ``#toasts`` and the new item prepended to the bell list ``#notif-dropdown-list``.
They are rendered in the recipient's language and time zone.
"""

import zoneinfo
from contextlib import contextmanager

from django.utils import timezone, translation

from core.live import publish, render_fragment
from core.live.registry import user_group

from .models import Notification

LIVE_TEMPLATE = "notifications/components/live.html"


@contextmanager
def recipient_locale(user):
    """Render for ``user``: their language and time zone."""
    try:
        tz = zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        tz = timezone.get_default_timezone()
    with translation.override(user.language or None), timezone.override(tz):
        yield


def notification_created(*, notification: Notification, unread_count: int) -> None:
    recipient = notification.recipient
    with recipient_locale(recipient):
        html = render_fragment(
            LIVE_TEMPLATE + "#notification-created",
            {"notification": notification, "unread_count": unread_count},
        )
    publish(user_group(recipient), html=html)


def unread_count_changed(*, user, unread_count: int) -> None:
    with recipient_locale(user):
        html = render_fragment(LIVE_TEMPLATE + "#count", {"unread_count": unread_count})
    publish(user_group(user), html=html)


def resync(user, key: str) -> str:
    """Sent by the live socket each time it (re)joins ``user.<pk>``: the current unread count, so a page whose
    socket was away during a change (read in another tab while Redis was down) is right again at once."""
    from .selectors import notification_unread_count

    with recipient_locale(user):
        return render_fragment(LIVE_TEMPLATE + "#count", {"unread_count": notification_unread_count(user=user)})
