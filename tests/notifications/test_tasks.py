from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditEvent
from notifications.models import Notification
from notifications.services import MAX_EMAIL_ATTEMPTS, NotificationEmailDeferred
from notifications.tasks import notification_email_sweep_task, notification_email_task
from tests.factories import UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

EmailStatus = Notification.EmailStatus


def pending(**kwargs) -> Notification:
    return NotificationFactory(email_status=EmailStatus.PENDING, **kwargs)


def test_email_task_sends_once_even_when_run_twice():
    notification = pending(verb="Your contract is ready", url="/deals/4/")
    assert notification_email_task(notification_id=notification.pk) == EmailStatus.SENT
    assert notification_email_task(notification_id=notification.pk) == "skipped"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [notification.recipient.email]
    assert "Your contract is ready" in message.subject
    assert "Your contract is ready" in message.body
    assert "http://localhost:8000/deals/4/" in message.body
    assert "/notifications/preferences/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Your contract is ready" in html
    notification.refresh_from_db()
    assert (notification.email_status, notification.email_attempts) == (EmailStatus.SENT, 1)
    assert notification.emailed_at is not None


def test_email_is_written_in_the_recipients_language():
    notification = pending(recipient=UserFactory(language="fr"))
    notification_email_task(notification_id=notification.pk)
    html, _ = mail.outbox[0].alternatives[0]
    assert '<html lang="fr">' in html


@pytest.mark.parametrize("status", [EmailStatus.NOT_WANTED, EmailStatus.SENT, EmailStatus.FAILED])
def test_email_task_ignores_what_is_not_pending(status):
    notification = NotificationFactory(email_status=status)
    assert notification_email_task(notification_id=notification.pk) == "skipped"
    assert mail.outbox == []


def test_email_task_ignores_deleted_notifications():
    assert notification_email_task(notification_id=999_999) == "skipped"


def test_email_task_retries_then_gives_up_after_five_attempts(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FailingBackend"
    notification = pending()
    notification_email_task.apply(kwargs={"notification_id": notification.pk})  # eager: retries run at once
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.FAILED
    assert notification.email_attempts == MAX_EMAIL_ATTEMPTS
    assert AuditEvent.objects.filter(action="notification.email_failed").count() == 1


def test_email_task_keeps_it_pending_after_one_failure(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FailingBackend"
    notification = pending()
    with pytest.raises(NotificationEmailDeferred, match="connection unexpectedly closed"):
        notification_email_task(
            notification_id=notification.pk
        )  # called directly: no retry, the error surfaces
    notification.refresh_from_db()
    assert (notification.email_status, notification.email_attempts) == (EmailStatus.PENDING, 1)


def test_sweep_requeues_only_pending_emails_older_than_two_minutes(queued):
    old = pending()
    recent = pending()
    sent = NotificationFactory(email_status=EmailStatus.SENT)
    Notification.objects.filter(pk__in=[old.pk, sent.pk]).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    assert notification_email_sweep_task() == 1
    assert queued == [{"notification_id": old.pk}]
    assert recent.pk not in [call["notification_id"] for call in queued]
