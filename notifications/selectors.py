"""Reads of notifications and preferences, scoped to the person asking."""

from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet

from . import kinds
from .models import Notification, NotificationPreference
from .permissions import notifications_visible_to

BELL_SIZE = 8


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    qs = notifications_visible_to(user).select_related("actor")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def notification_latest(*, user, limit: int = BELL_SIZE) -> list[Notification]:
    return list(notification_list(user=user)[:limit])


def notification_get(*, user, pk) -> Notification | None:
    return notifications_visible_to(user).select_related("actor").filter(pk=pk).first()


def notification_unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return notifications_visible_to(user).filter(read_at__isnull=True).count()


def notification_unread_counts(*, user_ids: list[int]) -> dict[int, int]:
    """Unread counts of several people in one query (for fan-out after an announcement)."""
    rows = (
        Notification.objects.filter(recipient_id__in=user_ids, in_app=True, read_at__isnull=True)
        .values("recipient_id")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(user_ids, 0)
    counts.update({row["recipient_id"]: row["n"] for row in rows})
    return counts


def notification_search(*, user, query: str, limit: int) -> list[Notification]:
    return list(notification_list(user=user).filter(verb__icontains=query)[:limit])


def notification_email_pending_ids(*, older_than, limit: int = 500) -> list[int]:
    """Notifications whose e-mail is still waiting although it should have gone (the sweep re-queues them)."""
    return list(
        Notification.objects.filter(email_status=Notification.EmailStatus.PENDING, created_at__lt=older_than)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def preference_channels(*, user) -> dict[str, str]:
    """kind key -> channel for every registered kind (the kind's default where the user chose nothing)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind.key: chosen.get(kind.key, kind.default_channel) for kind in kinds.all_kinds()}


def preference_channel_map(*, user_ids: list[int], kind: str) -> dict[int, str]:
    """user pk -> channel for one kind, for several people in one query."""
    default = kinds.get_kind(kind).default_channel
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind).values_list(
            "user_id", "channel"
        )
    )
    return {pk: chosen.get(pk, default) for pk in user_ids}


def announcement_recipients(*, roles: list[str] | None = None, recipients=None, exclude=None) -> list:
    """Active people holding any of ``roles`` plus ``recipients`` (each once), minus ``exclude``."""
    User = get_user_model()
    ids = set()
    if roles:
        ids |= set(User.objects.filter(is_active=True, groups__name__in=roles).values_list("pk", flat=True))
        if exclude is not None:
            ids.discard(exclude.pk)
    ids |= {user.pk for user in recipients or [] if user.is_active}
    return list(User.objects.filter(pk__in=ids).order_by("pk"))
