"""Writes of notifications: the one way any app tells a person something (``notify``), reading them, the
per-kind preferences, announcements, and delivering the e-mails (called by the Celery tasks)."""

import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import URLValidator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import ROLES
from audit.services import audit_record

from . import kinds, realtime, selectors
from .models import Notification, NotificationPreference
from .permissions import can_change_notification, can_send_announcement, notifications_visible_to

logger = logging.getLogger("notifications")

Channel = NotificationPreference.Channel
EmailStatus = Notification.EmailStatus

MAX_EMAIL_ATTEMPTS = 5
ANNOUNCEMENT_MAX_LENGTH = 1000
EMAIL_ERRORS = (smtplib.SMTPException, OSError)


class NotificationEmailDeferred(Exception):
    """The e-mail could not be sent this time; the task retries it later."""


# --- creating ----------------------------------------------------------------------------------------------


def notify(
    *,
    recipient,
    verb: str,
    kind: str = "system",
    target=None,
    actor=None,
    url: str = "",
    level: str = "info",
) -> Notification | None:
    """Tell ``recipient`` something, the way they chose for ``kind`` (in the app, by e-mail, both or not at all).

    In the app: stored, then (after commit) the bell count, a toast and the bell list of their open pages are
    updated live. By e-mail: queued on Celery after commit. Returns None when the recipient wants nothing.
    """
    created = _notify_many(
        recipients=[recipient], verb=verb, kind=kind, target=target, actor=actor, url=url, level=level
    )
    return created[0] if created else None


@transaction.atomic
def _notify_many(
    *, recipients: Iterable, verb: str, kind: str, target=None, actor=None, url: str = "", level: str = "info"
) -> list[Notification]:
    """``notify`` for several people at once: one preference query, one insert, one count query."""
    kinds.get_kind(kind)  # raises LookupError for an unregistered kind
    _validate_message(verb=verb, url=url, level=level)
    recipients = [user for user in recipients if user.is_active]
    channels = selectors.preference_channel_map(user_ids=[user.pk for user in recipients], kind=kind)
    content_type = ContentType.objects.get_for_model(target) if target is not None else None
    rows = []
    for user in recipients:
        channel = channels[user.pk]
        in_app = channel in (Channel.IN_APP, Channel.BOTH)
        by_email = channel in (Channel.EMAIL, Channel.BOTH) and bool(user.email)
        if not (in_app or by_email):
            continue
        rows.append(
            Notification(
                recipient=user,
                actor=actor,
                kind=kind,
                verb=verb,
                level=level,
                url=url,
                content_type=content_type,
                object_id=str(target.pk) if target is not None else "",
                in_app=in_app,
                email_status=EmailStatus.PENDING if by_email else EmailStatus.NOT_WANTED,
            )
        )
    created = Notification.objects.bulk_create(rows)

    shown = [n for n in created if n.in_app]
    counts = selectors.notification_unread_counts(user_ids=[n.recipient_id for n in shown]) if shown else {}
    for notification in shown:
        realtime.notification_created(
            notification=notification, unread_count=counts[notification.recipient_id]
        )
    email_ids = [n.pk for n in created if n.email_status == EmailStatus.PENDING]
    if email_ids:
        transaction.on_commit(lambda: _enqueue_emails(email_ids))
    return created


def _validate_message(*, verb: str, url: str, level: str) -> None:
    errors = {}
    if not verb or not verb.strip():
        errors["verb"] = _("A notification needs a message.")
    if level not in Notification.Level.values:
        errors["level"] = _("Unknown level.")
    if url and not _is_safe_link(url):
        errors["url"] = _("Enter a path on this site (/…) or an http(s) address.")
    if errors:
        raise ValidationError(errors)


def _is_safe_link(url: str) -> bool:
    if len(url) > Notification._meta.get_field("url").max_length:
        return False
    if url.startswith("/") and not url.startswith("//"):
        return True
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return True


def _enqueue_emails(notification_ids: list[int]) -> None:
    from .tasks import notification_email_task  # local import avoids a service<->task cycle

    for pk in notification_ids:
        try:
            notification_email_task.delay(notification_id=pk)
        except Exception:  # broker (Redis) down: the sweep task sends them later
            logger.warning(
                "could not queue notification e-mails %s; the sweep will", notification_ids, exc_info=True
            )
            return


# --- reading -----------------------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, notification: Notification, user) -> Notification:
    if not can_change_notification(user, notification):
        raise PermissionDenied
    now = timezone.now()
    if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now):
        notification.read_at = now
        audit_record(action="notification.mark_read", actor=user, target=notification)
        _publish_count(user)
    return notification


@transaction.atomic
def notification_mark_all_read(*, user) -> int:
    """Mark every unread notification of ``user`` read; returns how many changed."""
    changed = notifications_visible_to(user).filter(read_at__isnull=True).update(read_at=timezone.now())
    if changed:
        audit_record(action="notification.mark_all_read", actor=user, data={"count": changed})
        _publish_count(user)
    return changed


def _publish_count(user) -> None:
    realtime.unread_count_changed(user=user, unread_count=selectors.notification_unread_count(user=user))


# --- preferences -------------------------------------------------------------------------------------------


@transaction.atomic
def preference_set(*, user, kind: str, channel: str) -> NotificationPreference:
    try:
        kinds.get_kind(kind)
    except LookupError:
        raise ValidationError({"kind": _("Unknown kind of notification.")}) from None
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose in the app, by e-mail, both or never.")})
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"channel": channel}
    )
    audit_record(action="notification.preference_set", actor=user, data={"kind": kind, "channel": channel})
    return preference


@transaction.atomic
def preferences_update(*, user, channels: dict[str, str]) -> list[str]:
    """Set several kinds at once (the preferences page); returns the kinds that changed."""
    current = selectors.preference_channels(user=user)
    changed = [kind for kind, channel in channels.items() if current.get(kind) != channel]
    for kind in changed:
        preference_set(user=user, kind=kind, channel=channels[kind])
    return changed


# --- announcements -----------------------------------------------------------------------------------------


@transaction.atomic
def announcement_send(
    *, sender, message: str, url: str = "", roles: list[str] | None = None, recipients=None
) -> list[Notification]:
    """Send ``message`` to everyone holding one of ``roles`` and to ``recipients`` (not to the sender unless
    picked by name). Admins and Managers only."""
    if not can_send_announcement(sender):
        raise PermissionDenied(_("You may not send announcements."))
    message = (message or "").strip()
    roles = list(roles or [])
    errors = {}
    if not message:
        errors["message"] = _("Write a message.")
    elif len(message) > ANNOUNCEMENT_MAX_LENGTH:
        errors["message"] = _("Keep it under %(n)s characters.") % {"n": ANNOUNCEMENT_MAX_LENGTH}
    if unknown := [role for role in roles if role not in ROLES]:
        errors["roles"] = _("Unknown roles: %(roles)s") % {"roles": ", ".join(unknown)}
    if errors:
        raise ValidationError(errors)
    people = selectors.announcement_recipients(roles=roles, recipients=recipients, exclude=sender)
    if not people:
        raise ValidationError(
            {"recipients": _("Nobody to send it to: choose a role with members, or people.")}
        )
    created = _notify_many(recipients=people, verb=message, kind="announcement", actor=sender, url=url)
    audit_record(
        action="notification.announce",
        actor=sender,
        data={"roles": roles, "recipients": len(people), "message": message[:200], "url": url},
    )
    return created


# --- e-mail delivery (Celery) ------------------------------------------------------------------------------


def notification_email_send(*, notification_id: int) -> str:
    """Send the e-mail of one notification if it is still pending; returns the resulting e-mail status
    ("skipped" when there was nothing to do). Safe to run twice: the row is locked and re-checked.
    Raises NotificationEmailDeferred when sending failed but may be retried."""
    error: Exception | None = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient", "actor")
            .filter(pk=notification_id, email_status=EmailStatus.PENDING)
            .first()
        )
        if notification is None:  # sent already, not wanted, deleted, or another worker holds it
            return "skipped"
        notification.email_attempts += 1
        try:
            _send_email(notification)
        except EMAIL_ERRORS as exc:
            error = exc
            if notification.email_attempts >= MAX_EMAIL_ATTEMPTS:
                notification.email_status = EmailStatus.FAILED
                audit_record(
                    action="notification.email_failed",
                    target=notification,
                    data={"attempts": notification.email_attempts, "error": str(exc)[:200]},
                )
        else:
            notification.email_status = EmailStatus.SENT
            notification.emailed_at = timezone.now()
        notification.save(update_fields=["email_status", "email_attempts", "emailed_at"])
    if error is not None:
        if notification.email_status == EmailStatus.PENDING:
            raise NotificationEmailDeferred(f"notification {notification_id}: {error}") from error
        logger.error(
            "gave up e-mailing notification %s after %s attempts: %s",
            notification_id,
            notification.email_attempts,
            error,
        )
    return notification.email_status


def _send_email(notification: Notification) -> None:
    recipient = notification.recipient
    with realtime.recipient_locale(recipient):
        context = {
            "notification": notification,
            "recipient": recipient,
            "link": _absolute(notification.url) if notification.url else "",
            "site_url": settings.SITE_URL,
            "preferences_url": _absolute(reverse("notifications:preferences")),
        }
        subject = render_to_string("notifications/email/notification_subject.txt", context)
        body = render_to_string("notifications/email/notification_body.txt", context)
        html = render_to_string("notifications/email/notification_body.html", context)
    subject = " ".join(subject.split())
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    send_mail(prefix + subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email], html_message=html)


def _absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url if url.startswith("/") else url
