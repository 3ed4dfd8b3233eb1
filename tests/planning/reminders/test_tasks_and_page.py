"""The Celery side (beat entries, a real worker sending a reminder) and the settings page."""

import time
from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.urls import reverse
from django.utils import timezone

from notifications.kinds import get_kind
from notifications.models import Notification
from planning import tasks
from planning.models import ReminderSettings
from tests.factories import UserFactory
from tests.planning.factories import TaskFactory


def test_reminders_and_digest_are_scheduled():
    from config.celery import app

    reminders = app.conf.beat_schedule["planning-reminders"]
    assert reminders["task"] == "planning.tasks.reminders_due_task"
    assert reminders["schedule"] == crontab(minute="*")
    digest = app.conf.beat_schedule["planning-digest"]
    assert digest["task"] == "planning.tasks.digest_due_task"
    assert digest["schedule"] == crontab(minute="*/15")
    assert {reminders["task"], digest["task"]} <= set(app.tasks)


def test_the_kinds_are_registered_for_notification_settings():
    assert str(get_kind("planning.reminder").label) == "Deadline reminders"
    assert get_kind("planning.digest").default_channel == "both"


@pytest.mark.django_db
def test_the_tasks_call_the_services():
    alice = UserFactory(roles=["Producer"])
    TaskFactory(due_at=timezone.now() + timedelta(minutes=20), assignees=[alice])
    TaskFactory(due_at=timezone.now() - timedelta(days=1), assignees=[alice])
    ReminderSettings.objects.create(user=alice, digest_hour=0)

    assert tasks.reminders_due_task.run() == 1
    assert tasks.reminders_due_task.run() == 0
    assert tasks.digest_due_task.run() == 1
    assert tasks.digest_due_task.run() == 0


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_a_due_reminder_once(celery_worker):
    alice = UserFactory(roles=["Producer"])
    TaskFactory(title="Worker teaser", due_at=timezone.now() + timedelta(minutes=20), assignees=[alice])

    tasks.reminders_due_task.delay()
    tasks.reminders_due_task.delay()  # beat fired twice
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not Notification.objects.filter(recipient=alice).exists():
        time.sleep(0.2)
    time.sleep(1.0)  # let the second run finish too
    [sent] = Notification.objects.filter(recipient=alice, kind="planning.reminder")
    assert sent.verb.startswith("“Worker teaser” is due in 20 minutes")


# --- the settings page ----------------------------------------------------------------------------------------


@pytest.fixture
def producer(make_user, client):
    user = make_user("Producer", language="en")
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_settings_page_shows_the_defaults_and_the_nav(client, producer):
    response = client.get(reverse("planning:reminder-settings"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="1440" id="id_lead_minutes_4" checked' in html
    assert 'value="60" id="id_lead_minutes_2" checked' in html
    assert "1 week" in html and "10 minutes" in html
    assert reverse("planning:reminder-settings") in html  # the sub-navigation links here
    assert reverse("planning:ical-settings") in html  # and so does the page, to the iCal feed
    assert not ReminderSettings.objects.filter(user=producer).exists()  # nothing saved by looking


@pytest.mark.django_db
def test_settings_page_saves_the_choices(client, producer):
    url = reverse("planning:reminder-settings")
    response = client.post(url, {"lead_minutes": ["10", "2880"], "digest_hour": "7"})

    assert response.status_code == 302
    row = ReminderSettings.objects.get(user=producer)
    assert (row.lead_minutes, row.digest, row.digest_hour) == ([2880, 10], False, 7)

    htmx = client.post(
        url, {"lead_minutes": ["60"], "digest": "on", "digest_hour": "9"}, HTTP_HX_REQUEST="true"
    )
    assert htmx.status_code == 200
    assert htmx.content.decode().lstrip().startswith('<form id="reminder-form"')
    assert "Saved." in htmx.content.decode()
    row.refresh_from_db()
    assert (row.lead_minutes, row.digest, row.digest_hour) == ([60], True, 9)


@pytest.mark.django_db
def test_settings_page_refuses_lead_times_off_the_list(client, producer):
    response = client.post(
        reverse("planning:reminder-settings"), {"lead_minutes": ["7"], "digest_hour": "25"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"lead_minutes", "digest_hour"}
    assert not ReminderSettings.objects.filter(user=producer).exists()
