"""iCal: one event exported, the private feed fetched like a calendar application does (no session), revoked
tokens, the settings page, query counts."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from planning.models import CalendarFeed
from planning.services.events import event_create, event_delete
from planning.services.feeds import feed_create_or_get, feed_revoke, token_digest
from tests.planning.factories import BoardFactory, EventFactory, TaskFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def producer(make_user):
    return make_user("Producer", time_zone="Europe/Paris")


def feed_url(user) -> str:
    return reverse("planning:ical-feed", args=[feed_create_or_get(user=user).token.reveal()])


def components(body: bytes, name="VEVENT"):
    return list(Calendar.from_ical(body).walk(name))


def test_event_ics_export_with_rrule_exdate_and_time_zone(client, producer):
    event = event_create(
        by=producer,
        title="Weekly show",
        starts_at=datetime(2025, 10, 2, 20, tzinfo=PARIS),
        ends_at=datetime(2025, 10, 2, 22, tzinfo=PARIS),
        recurrence="FREQ=WEEKLY;COUNT=10",
        venue="Studio",
    )
    event_delete(event=event, by=producer, occurrence_start=datetime(2025, 10, 30, 20, tzinfo=PARIS))
    client.force_login(producer)
    response = client.get(reverse("planning:event-ics", args=[event.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert 'filename="weekly-show.ics"' in response["Content-Disposition"]
    (vevent,) = components(response.content)
    assert str(vevent["UID"]) == f"event-{event.pk}@mona-spark"
    assert vevent["DTSTART"].dt == datetime(2025, 10, 2, 20, tzinfo=PARIS)
    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
    assert vevent["RRULE"]["FREQ"] == ["WEEKLY"] and vevent["RRULE"]["COUNT"] == [10]
    assert vevent["EXDATE"].dts[0].dt == datetime(2025, 10, 30, 20, tzinfo=PARIS)  # winter time, still 20:00
    assert "DTSTAMP" in vevent and int(vevent["SEQUENCE"]) > 0
    assert components(response.content, "VTIMEZONE")[0]["TZID"] == "Europe/Paris"
    # a change raises the sequence
    before = int(vevent["SEQUENCE"])
    event.title = "Weekly show!"
    event.save()
    again = components(client.get(reverse("planning:event-ics", args=[event.pk])).content)[0]
    assert int(again["SEQUENCE"]) >= before


def test_feed_as_a_subscriber_sees_events_and_due_tasks(producer, make_user):
    other = make_user("Viewer")
    mine = EventFactory(title="My concert", members=[producer])
    EventFactory(title="Not mine", members=[other])
    all_day = event_create(
        by=producer,
        title="Release day",
        all_day=True,
        starts_at=datetime(2030, 5, 1, tzinfo=PARIS),
        ends_at=datetime(2030, 5, 2, tzinfo=PARIS),
        members=[producer],
    )
    board = BoardFactory()
    due = TaskFactory(
        board=board, title="Mix the single", due_at=timezone.now() + timedelta(days=2), assignees=[producer]
    )
    TaskFactory(board=board, title="No date", assignees=[producer])
    TaskFactory(
        board=board,
        title="Done already",
        due_at=timezone.now(),
        completed_at=timezone.now(),
        assignees=[producer],
    )
    subscriber = Client()  # no session, no cookie
    response = subscriber.get(feed_url(producer))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "max-age" in response["Cache-Control"]
    events = {str(c["UID"]): c for c in components(response.content)}
    assert set(events) == {
        f"event-{mine.pk}@mona-spark",
        f"event-{all_day.pk}@mona-spark",
        f"task-{due.pk}@mona-spark",
    }
    release = events[f"event-{all_day.pk}@mona-spark"]
    assert release["DTSTART"].dt == date(2030, 5, 1) and release["DTEND"].dt == date(2030, 5, 2)
    assert release["DTSTART"].params.get("VALUE") == "DATE"
    assert "Mix the single" in str(events[f"task-{due.pk}@mona-spark"]["SUMMARY"])


def test_feed_touches_last_used_at_at_most_once_a_minute(producer):
    url = feed_url(producer)
    Client().get(url)
    feed = CalendarFeed.objects.get(user=producer)
    first = feed.last_used_at
    assert first is not None
    Client().get(url)
    feed.refresh_from_db()
    assert feed.last_used_at == first
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=first - timedelta(minutes=2))
    Client().get(url)
    feed.refresh_from_db()
    assert feed.last_used_at > first - timedelta(minutes=2)


def test_revoked_or_unknown_token_is_404(producer):
    old = feed_url(producer)
    feed = feed_revoke(user=producer, by=producer)
    assert Client().get(old).status_code == 404
    assert Client().get(reverse("planning:ical-feed", args=["nope"])).status_code == 404
    assert Client().get(reverse("planning:ical-feed", args=[feed.token.reveal()])).status_code == 200
    assert feed.token_hash == token_digest(feed.token.reveal())
    assert feed.token.reveal() not in feed.token_hash


def test_feed_of_someone_without_planning_access_is_404(make_user):
    nobody = make_user(None)
    assert Client().get(feed_url(nobody)).status_code == 404


def test_settings_page_shows_the_url_and_revoke_replaces_it(client, producer):
    client.force_login(producer)
    page = client.get(reverse("planning:ical-settings"))
    url = page.context["feed_url"]
    assert url in page.content.decode() and page.context["webcal_url"].startswith("webcal://")
    response = client.post(reverse("planning:ical-revoke"))
    assert response.status_code == 302
    assert client.get(reverse("planning:ical-settings")).context["feed_url"] != url


def test_feed_query_count_is_constant(producer, django_assert_num_queries):
    url = feed_url(producer)
    board = BoardFactory()

    def make(n):
        for _ in range(n):
            EventFactory(members=[producer])
            EventFactory(members=[producer], recurrence="FREQ=WEEKLY")
            TaskFactory(board=board, due_at=timezone.now() + timedelta(days=1), assignees=[producer])

    make(2)
    Client().get(url)  # (touches last_used_at)
    with django_assert_num_queries(4):  # feed + user, roles, events, tasks
        small = Client().get(url)
    make(20)
    with django_assert_num_queries(4):
        big = Client().get(url)
    assert len(components(small.content)) == 6 and len(components(big.content)) == 66


def test_all_day_ics_uses_dates(client, producer):
    event = EventFactory(
        all_day=True,
        starts_at=datetime(2031, 1, 1, tzinfo=UTC),
        ends_at=datetime(2031, 1, 2, tzinfo=UTC),
        time_zone="UTC",
    )
    client.force_login(producer)
    (vevent,) = components(client.get(reverse("planning:event-ics", args=[event.pk])).content)
    assert vevent["DTSTART"].dt == date(2031, 1, 1)
