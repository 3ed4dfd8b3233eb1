"""Who may see and do what with notifications (views, API and live groups all ask these)."""

from django.db.models import QuerySet

from .models import Notification

SEND_ANNOUNCEMENT = "notifications.send_announcement"


def notifications_visible_to(user) -> QuerySet[Notification]:
    """A person sees only their own in-app notifications."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user, in_app=True)


def can_view_notification(user, obj: Notification | None = None) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return obj is None or (obj.recipient_id == user.pk and obj.in_app)


def can_change_notification(user, obj: Notification | None = None) -> bool:
    """Marking read: only the recipient."""
    return can_view_notification(user, obj)


def can_send_announcement(user, obj=None) -> bool:
    """Admins and Managers (the roles holding notifications.send_announcement, see accounts.roles)."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.has_perm(SEND_ANNOUNCEMENT)
    )
