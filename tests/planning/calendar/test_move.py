"""The move endpoint (planning:calendar-move): a drag or a resize of a task or an event saves through their
services and tells every open calendar; bad dates are refused with the data unchanged; who may move what;
recurring occurrences (this one / the whole series); double bookings come back as warnings."""

import json
from unittest import mock

import pytest
from django.urls import reverse

from planning.models import Board, BoardMembership, Event, Task
from tests.planning.factories import BoardFactory, EventFactory, MembershipFactory, TaskFactory

from .conftest import utc

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    """The live frames sent to the calendar group (after commit)."""
    with mock.patch("core.live._send") as send:
        yield lambda: [
            m for groups, m in (c.args for c in send.call_args_list) if "planning.calendar" in groups
        ]


def test_a_task_dragged_to_another_day_keeps_its_length(client_as, move, published):
    client, producer = client_as("Producer")
    task = TaskFactory(title="Mix", start_at=utc(2026, 7, 6, 8), due_at=utc(2026, 7, 8, 16))

    status, data = move(
        client,
        source="tasks",
        id=str(task.pk),
        start="2026-07-13T10:00:00",
        end="2026-07-15T18:00:00",
        all_day=False,
    )

    assert status == 200, data
    task.refresh_from_db()
    assert (task.start_at, task.due_at) == (utc(2026, 7, 13, 8), utc(2026, 7, 15, 16))  # Paris wall-clock
    assert data["item"]["start"] == "2026-07-13T10:00:00" and data["item"]["id"] == f"tasks:{task.pk}"
    assert data["warnings"] == []
    frames = published()
    assert frames and frames[-1]["event"] == "calendar.changed" and frames[-1]["data"]["source"] == "tasks"
    assert frames[-1]["data"]["by"] == producer.pk


def test_a_due_task_moved_to_the_all_day_row_becomes_an_all_day_task(client_as, move):
    client, _user = client_as("Manager", time_zone="America/New_York")
    task = TaskFactory(title="Pitch", due_at=utc(2026, 7, 9, 14))

    status, data = move(client, source="tasks", id=str(task.pk), start="2026-07-10", end=None, all_day=True)

    assert status == 200, data
    task.refresh_from_db()
    # all-day tasks are due at midnight in the site's zone (Paris), whatever the mover's zone
    assert task.all_day is True and task.due_at == utc(2026, 7, 9, 22) and task.start_at is None
    assert data["item"]["start"] == "2026-07-10" and data["item"]["allDay"] is True


def test_an_event_dragged_to_another_day_is_saved(client_as, move, published):
    client, _user = client_as("Producer")
    event = EventFactory(title="Shoot", starts_at=utc(2026, 7, 3, 9), ends_at=utc(2026, 7, 3, 11))

    status, data = move(
        client, source="events", id=str(event.pk), start="2026-07-04T11:00:00", end="2026-07-04T13:30:00"
    )

    assert status == 200, data
    event.refresh_from_db()
    assert (event.starts_at, event.ends_at) == (utc(2026, 7, 4, 9), utc(2026, 7, 4, 11, 30))
    assert data["item"]["end"] == "2026-07-04T13:30:00"
    assert published()[-1]["data"]["source"] == "events"


@pytest.mark.parametrize("source", ["tasks", "events"])
def test_an_end_before_the_start_is_refused_and_nothing_changes(client_as, move, source):
    client, _user = client_as("Producer")
    if source == "tasks":
        item = TaskFactory(start_at=utc(2026, 7, 6, 8), due_at=utc(2026, 7, 8, 16))
        before = (item.start_at, item.due_at)
    else:
        item = EventFactory(starts_at=utc(2026, 7, 3, 9), ends_at=utc(2026, 7, 3, 11))
        before = (item.starts_at, item.ends_at)

    status, data = move(
        client, source=source, id=str(item.pk), start="2026-07-10T10:00:00", end="2026-07-10T09:00:00"
    )

    assert status == 400
    assert data == {"error": "The end is before the start."}
    item.refresh_from_db()
    after = (item.start_at, item.due_at) if source == "tasks" else (item.starts_at, item.ends_at)
    assert after == before


def test_readers_may_not_move_anything(client_as, move):
    client, _user = client_as("Viewer")
    task = TaskFactory(due_at=utc(2026, 7, 9, 10))
    event = EventFactory(starts_at=utc(2026, 7, 3, 9))

    for source, pk in (("tasks", task.pk), ("events", event.pk)):
        response = client.post(
            reverse("planning:calendar-move"),
            json.dumps({"source": source, "id": str(pk), "start": "2026-07-10T10:00:00"}),
            content_type="application/json",
        )
        assert response.status_code == 403
    assert Task.objects.get(pk=task.pk).due_at == utc(2026, 7, 9, 10)
    assert Event.objects.get(pk=event.pk).starts_at == utc(2026, 7, 3, 9)


def test_board_roles_decide_for_tasks(client_as, move):
    client, producer = client_as("Producer")
    private = BoardFactory(visibility=Board.Visibility.MEMBERS)
    hidden = TaskFactory(board=private, due_at=utc(2026, 7, 9, 10))

    status, data = move(client, source="tasks", id=str(hidden.pk), start="2026-07-10T10:00:00")
    assert status == 404 and data == {"error": "This item no longer exists."}

    MembershipFactory(board=private, user=producer, role=BoardMembership.Role.VIEWER)
    status, data = move(client, source="tasks", id=str(hidden.pk), start="2026-07-10T10:00:00")
    assert status == 403 and data == {"error": "You are not allowed to move this."}
    assert Task.objects.get(pk=hidden.pk).due_at == utc(2026, 7, 9, 10)


def test_bad_bodies_get_clear_messages(client_as, move):
    client, _user = client_as("Producer")
    event = EventFactory(starts_at=utc(2026, 7, 3, 9))

    assert move(client, source="nope", id="1", start="2026-07-10T10:00:00") == (
        400,
        {"error": "This calendar item cannot be moved."},
    )
    assert move(client, source="events", id=str(event.pk), start="soon") == (
        400,
        {"error": "“start” is not a date: “soon”."},
    )
    assert move(client, source="events", id="999999", start="2026-07-10T10:00:00")[0] == 404
    assert move(client, source="events", id="abc@def", start="2026-07-10T10:00:00")[0] == 404


def test_one_occurrence_of_a_series_moves_alone_or_the_whole_series_moves(client_as, move):
    client, _user = client_as("Producer")
    weekly = EventFactory(
        title="Rehearsal",
        starts_at=utc(2026, 7, 1, 18),
        ends_at=utc(2026, 7, 1, 20),
        recurrence="FREQ=WEEKLY;COUNT=4",
        time_zone="Europe/Paris",
    )
    second = f"{weekly.pk}@2026-07-08T18:00:00Z"

    status, data = move(
        client,
        source="events",
        id=second,
        start="2026-07-09T20:00:00",
        end="2026-07-09T22:00:00",
        scope="one",
    )

    assert status == 200, data
    weekly.refresh_from_db()
    assert weekly.exdates == [utc(2026, 7, 8, 18)] and weekly.starts_at == utc(2026, 7, 1, 18)
    detached = Event.objects.get(series_root=weekly)
    assert (detached.starts_at, detached.recurrence) == (utc(2026, 7, 9, 18), "")
    assert data["item"]["id"] == f"events:{detached.pk}"

    third = f"{weekly.pk}@2026-07-15T18:00:00Z"
    status, data = move(
        client,
        source="events",
        id=third,
        start="2026-07-15T21:00:00",
        end="2026-07-15T23:00:00",
        scope="series",
    )
    assert status == 200, data
    weekly.refresh_from_db()
    assert weekly.starts_at == utc(2026, 7, 1, 19)  # every date one hour later
    assert data["item"]["id"] == f"events:{weekly.pk}@2026-07-15T19:00:00Z"


def test_a_double_booking_is_saved_with_a_warning(client_as, move, make_user):
    client, _user = client_as("Producer")
    lea = make_user("Producer", first_name="Léa", last_name="Martin")
    EventFactory(title="Shoot", starts_at=utc(2026, 7, 4, 9), ends_at=utc(2026, 7, 4, 12), members=[lea])
    meeting = EventFactory(
        title="Meeting", starts_at=utc(2026, 7, 3, 9), ends_at=utc(2026, 7, 3, 10), members=[lea]
    )

    status, data = move(
        client, source="events", id=str(meeting.pk), start="2026-07-04T12:00:00", end="2026-07-04T13:00:00"
    )

    assert status == 200
    assert data["warnings"] == ["Léa Martin is already booked: Shoot (Sat 4 Jul 11:00)"]
    meeting.refresh_from_db()
    assert meeting.starts_at == utc(2026, 7, 4, 10)


def test_get_is_not_allowed(client_as):
    client, _user = client_as("Producer")
    assert client.get(reverse("planning:calendar-move")).status_code == 405
