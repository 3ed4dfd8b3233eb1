"""The calendar feed (planning:calendar-feed): both sources in FullCalendar's format, the source and item
filters, who sees what (a members-only board's tasks), times in the viewer's zone (a user in New York), the
range checks, and a constant number of queries whatever the number of items."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from crm.models import Artist
from planning.models import Board, BoardMembership, Event, TaskLink
from tests.crm.factories import ArtistFactory
from tests.planning.factories import BoardFactory, EventFactory, MembershipFactory, TaskFactory

from .conftest import utc

pytestmark = pytest.mark.django_db

JULY = ("2026-06-29T00:00:00", "2026-08-10T00:00:00")


def by_id(items):
    return {item["id"]: item for item in items}


def test_the_feed_has_dated_tasks_and_events_in_fullcalendar_format(client_as, feed):
    client, manager = client_as("Manager")
    board = BoardFactory(name="Tour", color="#123456")
    ranged = TaskFactory(
        board=board, title="Mix the EP", start_at=utc(2026, 7, 6, 8), due_at=utc(2026, 7, 8, 16)
    )
    due_only = TaskFactory(board=board, title="Send the press kit", due_at=utc(2026, 7, 9, 10))
    all_day = TaskFactory(
        board=board, title="Deadline", due_at=utc(2026, 7, 14, 22), all_day=True
    )  # 15 Jul Paris
    TaskFactory(board=board, title="Undated")
    TaskFactory(board=board, title="Next year", due_at=utc(2027, 7, 9, 10))
    concert = EventFactory(
        title="Olympia", kind=Event.Kind.CONCERT, starts_at=utc(2026, 7, 10, 18), ends_at=utc(2026, 7, 10, 21)
    )

    status, items = feed(client, *JULY)

    assert status == 200
    found = by_id(items)
    assert set(found) == {
        f"tasks:{ranged.pk}",
        f"tasks:{due_only.pk}",
        f"tasks:{all_day.pk}",
        f"events:{concert.pk}",
    }
    task = found[f"tasks:{ranged.pk}"]
    # Paris is UTC+2 in July: wall-clock strings without an offset, in the viewer's zone
    assert task["start"] == "2026-07-06T10:00:00" and task["end"] == "2026-07-08T18:00:00"
    # lean: what FullCalendar takes by default is left out (not all-day; editable with its duration)
    assert "allDay" not in task and task["editable"] is True and "durationEditable" not in task
    assert task["extendedProps"] == {"board": "Tour", "column": task["extendedProps"]["column"]}
    assert task["color"] == "#6f42c1"
    assert task["url"] == reverse("planning:task-panel", args=[ranged.pk])
    point = found[f"tasks:{due_only.pk}"]
    assert (
        point["start"] == "2026-07-09T12:00:00" and "end" not in point and point["durationEditable"] is False
    )
    assert point["editable"] is True
    day = found[f"tasks:{all_day.pk}"]
    assert day["allDay"] is True and day["start"] == "2026-07-15" and "end" not in day
    event = found[f"events:{concert.pk}"]
    assert event["start"] == "2026-07-10T20:00:00" and event["end"] == "2026-07-10T23:00:00"
    assert event["color"] == "#d63384"  # the concert colour
    assert event["extendedProps"] == {
        "kind": "concert",
        "kindLabel": "Concert",
        "status": "confirmed",
        "statusLabel": "Confirmed",
    }  # what the page reads, set (no venue, artists or people here); due, done, priority… stay server-side
    assert event["url"] == reverse("planning:event-detail", args=[concert.pk])
    assert "ms-cal-kind-concert" in event["classNames"] and "ms-cal-source-events" in event["classNames"]


def test_a_recurring_event_shows_each_occurrence_with_its_own_id(client_as, feed):
    client, _user = client_as("Producer")
    weekly = EventFactory(
        title="Rehearsal",
        starts_at=utc(2026, 7, 1, 18),
        ends_at=utc(2026, 7, 1, 20),
        recurrence="FREQ=WEEKLY;COUNT=4",
        time_zone="Europe/Paris",
    )

    _status, items = feed(client, *JULY, sources="events")

    assert [item["id"] for item in items] == [
        f"events:{weekly.pk}@2026-07-01T18:00:00Z",
        f"events:{weekly.pk}@2026-07-08T18:00:00Z",
        f"events:{weekly.pk}@2026-07-15T18:00:00Z",
        f"events:{weekly.pk}@2026-07-22T18:00:00Z",
    ]
    assert all(item["extendedProps"]["recurring"] for item in items)
    page = reverse("planning:event-detail", args=[weekly.pk])
    assert items[1]["url"] == f"{page}?at=2026-07-08T18:00:00Z"  # the page of that date


def test_sources_and_filters_narrow_the_feed(client_as, feed, make_user):
    client, producer = client_as("Producer")
    lea = make_user("Producer", first_name="Léa")
    zoe = ArtistFactory(stage_name="Zoé Lune")
    mine = TaskFactory(title="Mine", due_at=utc(2026, 7, 9, 10), assignees=[producer])
    TaskLink.objects.create(
        task=mine, content_type=ContentType.objects.get_for_model(Artist), object_id=zoe.pk
    )
    TaskFactory(title="Léa's", due_at=utc(2026, 7, 9, 10), assignees=[lea])
    shoot = EventFactory(title="Shoot", kind=Event.Kind.SHOOT, starts_at=utc(2026, 7, 3, 9), artists=[zoe])
    meeting = EventFactory(title="Meeting", starts_at=utc(2026, 7, 3, 9), members=[producer])

    def titles(**params):
        status, items = feed(client, *JULY, **params)
        assert status == 200
        return sorted(item["title"] for item in items)

    assert titles() == ["Léa's", "Meeting", "Mine", "Shoot"]
    assert titles(sources="events") == ["Meeting", "Shoot"]
    assert titles(sources="tasks,unknown") == ["Léa's", "Mine"]
    assert titles(sources="") == []
    assert titles(kind="shoot") == ["Shoot"]  # an event type leaves the tasks out
    assert titles(kind="shoot,task") == ["Léa's", "Mine", "Shoot"]
    assert titles(artist=str(zoe.pk), sources="events") == ["Shoot"]
    assert titles(artist=str(zoe.pk)) == ["Mine", "Shoot"]  # tasks linked to the artist
    assert titles(member="me") == ["Meeting", "Mine"]
    assert titles(member=str(lea.pk)) == ["Léa's"]
    assert shoot.pk and meeting.pk


def test_a_members_only_board_is_hidden_from_others_and_viewers_cannot_drag(client_as, feed, make_user):
    client, producer = client_as("Producer")
    private = BoardFactory(name="Label secrets", visibility=Board.Visibility.MEMBERS)
    secret = TaskFactory(board=private, title="Secret signing", due_at=utc(2026, 7, 9, 10))
    team = BoardFactory(name="Team")
    open_task = TaskFactory(board=team, title="Open task", due_at=utc(2026, 7, 9, 10))

    _status, items = feed(client, *JULY)
    assert [item["title"] for item in items] == ["Open task"]

    MembershipFactory(board=private, user=producer, role=BoardMembership.Role.VIEWER)
    _status, items = feed(client, *JULY)
    found = by_id(items)
    assert "editable" not in found[f"tasks:{secret.pk}"]  # a viewer on that board: the calendar's default
    assert found[f"tasks:{open_task.pk}"]["editable"] is True

    viewer = make_user("Viewer")
    client.force_login(viewer)
    EventFactory(title="Gig", starts_at=utc(2026, 7, 3, 9))
    _status, items = feed(client, *JULY)
    assert sorted(item["title"] for item in items) == ["Gig", "Open task"]
    assert not any(item.get("editable") for item in items)


def test_times_are_in_the_viewers_zone_and_the_range_is_read_there(client_as, feed):
    client, _user = client_as("Producer", time_zone="America/New_York")
    late = EventFactory(
        title="Late show", starts_at=utc(2026, 7, 11, 2), ends_at=utc(2026, 7, 11, 3)
    )  # 22:00 NY
    EventFactory(
        title="Before the day", starts_at=utc(2026, 7, 10, 3), ends_at=utc(2026, 7, 10, 3, 30)
    )  # 23:00 NY 9th
    deadline = TaskFactory(
        title="Paris deadline", due_at=utc(2026, 7, 9, 22), all_day=True
    )  # 10 July in Paris
    trip = EventFactory(
        title="Festival",
        all_day=True,
        time_zone="Europe/Paris",
        starts_at=utc(2026, 7, 9, 22),  # 10 July 00:00 Paris
        ends_at=utc(2026, 7, 10, 22),  # 11 July 00:00 Paris (exclusive)
    )

    status, items = feed(client, "2026-07-10T00:00:00", "2026-07-11T00:00:00")

    assert status == 200
    found = by_id(items)
    assert set(found) == {f"events:{late.pk}", f"tasks:{deadline.pk}", f"events:{trip.pk}"}
    assert found[f"events:{late.pk}"]["start"] == "2026-07-10T22:00:00"
    assert found[f"events:{late.pk}"]["end"] == "2026-07-10T23:00:00"
    # all-day items keep their date wherever the viewer is
    assert found[f"tasks:{deadline.pk}"]["start"] == "2026-07-10"
    assert (
        found[f"events:{trip.pk}"]["start"] == "2026-07-10"
        and found[f"events:{trip.pk}"]["end"] == "2026-07-11"
    )

    # an explicit offset is honoured as well
    _status, items = feed(client, "2026-07-10T04:00:00Z", "2026-07-11T04:00:00Z", sources="events")
    assert f"events:{late.pk}" in by_id(items)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "“start” is missing."),
        ({"start": "2026-07-01"}, "“end” is missing."),
        ({"start": "yesterday", "end": "2026-07-02"}, "“start” is not a date: “yesterday”."),
        ({"start": "2026-07-02", "end": "2026-07-01"}, "The end of the range must be after its start."),
        ({"start": "2026-01-01", "end": "2027-02-10"}, "Ask for at most 400 days at a time."),
    ],
)
def test_bad_ranges_are_refused_with_a_clear_message(client_as, params, message):
    client, _user = client_as("Viewer")
    response = client.get(reverse("planning:calendar-feed"), params)
    assert response.status_code == 400
    assert response.json() == {"error": message}


def test_the_feed_is_compact_json_gzipped_for_browsers_that_take_it(client_as):
    import gzip
    import json

    client, _user = client_as("Producer")
    for day in range(1, 29):
        TaskFactory(title=f"Task of the {day}th", due_at=utc(2026, 7, day, 10))
    url = reverse("planning:calendar-feed")

    plain = client.get(url, {"start": JULY[0], "end": JULY[1]})
    packed = client.get(url, {"start": JULY[0], "end": JULY[1]}, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in plain["Vary"] and "Accept-Encoding" in packed["Vary"]
    body = gzip.decompress(packed.content)
    assert body == plain.content and int(packed["Content-Length"]) == len(packed.content) < len(body)
    assert b'", "' not in body  # compact separators
    assert len(json.loads(body)) == 28


def test_a_year_is_fine(client_as, feed):
    client, _user = client_as("Viewer")
    status, items = feed(client, "2026-01-01", "2027-01-01")
    assert status == 200 and items == []


def _fill(count: int, producer) -> None:
    boards = [BoardFactory(), BoardFactory(visibility=Board.Visibility.MEMBERS)]
    MembershipFactory(board=boards[1], user=producer)
    zoe = ArtistFactory()
    for n in range(count):
        day = utc(2026, 7, 1 + n % 28, 9)
        TaskFactory(
            board=boards[n % 2], due_at=day, start_at=day - timedelta(hours=n % 3), assignees=[producer]
        )
        EventFactory(starts_at=day, ends_at=day + timedelta(hours=2), artists=[zoe], members=[producer])
    EventFactory(starts_at=utc(2026, 7, 1, 18), recurrence=f"FREQ=DAILY;COUNT={count}")


@pytest.mark.parametrize("count", [3, 30])
def test_the_feed_runs_a_constant_number_of_queries(client_as, feed, count, django_assert_num_queries):
    client, producer = client_as("Producer")
    _fill(count, producer)
    client.get(
        reverse("planning:calendar-feed"), {"start": "2026-06-01", "end": "2026-06-02"}
    )  # session warm

    # session, user, roles (3); tasks, their assignees, the viewer's board memberships (3);
    # events: plain, series, then artists and members of both (4)
    with django_assert_num_queries(10):
        status, items = feed(client, *JULY)

    assert status == 200
    assert len(items) == count * 3  # tasks, events, occurrences of the daily series
