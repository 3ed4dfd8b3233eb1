"""Tasks (CRUD, filters, the board move with its WIP refusal and conflicts), events (CRUD, conflicts,
occurrences of a series, move), and the calendar feed, over the API."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from planning.models import Board, Event, Task
from tests.crm.factories import ArtistFactory
from tests.planning.factories import BoardFactory, EventFactory, LabelFactory, TaskFactory

pytestmark = pytest.mark.django_db

TASKS = "/api/planning/tasks/"
EVENTS = "/api/planning/events/"


def test_tasks_are_created_updated_and_deleted(producer, make_user):
    board = BoardFactory()
    alice = make_user("Producer")
    label = LabelFactory(name="video")
    due = "2026-12-01T18:00:00Z"

    response = producer.post(
        TASKS,
        {
            "board": board.pk,
            "title": " Shoot teaser ",
            "assignees": [alice.pk],
            "labels": [label.pk],
            "due_at": due,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["title"] == "Shoot teaser" and body["column_name"] == "To do"
    assert [a["id"] for a in body["assignees"]] == [alice.pk] and body["labels"][0]["name"] == "video"

    url = f"{TASKS}{body['id']}/"
    bad = producer.patch(url, {"start_at": "2026-12-02T00:00:00Z"}, format="json")
    assert bad.status_code == 400 and "start_at" in bad.json()["error"]["fields"]
    rule = producer.patch(url, {"recurrence": "FREQ=HOURLY"}, format="json")
    assert rule.status_code == 400 and "recurrence" in rule.json()["error"]["fields"]
    ok = producer.patch(url, {"priority": 3, "recurrence": "FREQ=WEEKLY"}, format="json")
    assert ok.status_code == 200 and ok.json()["priority"] == 3 and ok.json()["recurrence"] == "FREQ=WEEKLY"

    assert producer.delete(url).status_code == 204
    assert not Task.objects.filter(pk=body["id"]).exists()


def test_a_column_of_another_board_is_refused(producer):
    board, other = BoardFactory(), BoardFactory()
    response = producer.post(
        TASKS, {"board": board.pk, "column": other.columns.first().pk, "title": "X"}, format="json"
    )
    assert response.status_code == 400 and "column" in response.json()["error"]["fields"]


def test_task_filters(producer, make_user):
    now = timezone.now()
    board, other = BoardFactory(), BoardFactory()
    alice = make_user("Producer")
    tag = LabelFactory(name="press")
    late = TaskFactory(board=board, title="Late invoice", due_at=now - timedelta(days=1), assignees=[alice])
    soon = TaskFactory(
        board=board, title="Press kit", due_at=now + timedelta(days=2), labels=[tag], priority=3
    )
    done = TaskFactory(
        board=board, column=board.columns.get(is_done=True), due_at=now - timedelta(days=3), completed_at=now
    )
    elsewhere = TaskFactory(board=other, description="mention of invoice", assignees=[alice])

    def ids(query):
        response = producer.get(f"{TASKS}?{query}")
        assert response.status_code == 200, response.json()
        return {t["id"] for t in response.json()["results"]}

    assert ids(f"board={board.pk}") == {late.pk, soon.pk, done.pk}
    assert ids(f"assignee={alice.pk}") == {late.pk, elsewhere.pk}
    assert ids(f"label={tag.pk}") == {soon.pk}
    assert ids("priority=3") == {soon.pk}
    assert ids("overdue=true") == {late.pk}
    assert ids(f"column={board.columns.get(is_done=True).pk}") == {done.pk}
    assert ids(f"due_after={(now + timedelta(days=1)).isoformat().replace('+00:00', 'Z')}") == {soon.pk}
    assert ids(f"due_before={now.isoformat().replace('+00:00', 'Z')}") == {late.pk, done.pk}
    assert ids("q=invoice") == {late.pk, elsewhere.pk}
    assert ids("open=true") == {late.pk, soon.pk, elsewhere.pk}
    assert producer.get(f"{TASKS}?due_after=tomorrow").status_code == 400


def test_move_places_the_task_completes_it_and_maps_errors(producer):
    board = BoardFactory()
    todo, doing, done = board.columns.order_by("position")
    first, second = TaskFactory(board=board), TaskFactory(board=board)
    url = f"{TASKS}{first.pk}/move/"

    moved = producer.post(url, {"column": doing.pk}, format="json")
    assert moved.status_code == 200, moved.json()
    assert moved.json()["column"] == doing.pk
    to_done = producer.post(f"{TASKS}{second.pk}/move/", {"column": done.pk}, format="json")
    assert to_done.json()["completed_at"] is not None

    # a column of another board, a full column, stale anchors, a task deleted meanwhile
    wrong = producer.post(url, {"column": BoardFactory().columns.first().pk}, format="json")
    assert wrong.status_code == 400 and "column" in wrong.json()["error"]["fields"]
    todo.wip_limit = 1
    todo.save(update_fields=["wip_limit"])
    TaskFactory(board=board, column=todo)
    full = producer.post(url, {"column": todo.pk}, format="json")
    assert full.status_code == 400 and "is full" in full.json()["error"]["message"]
    stale = producer.post(url, {"column": done.pk, "after": 999999, "before": 999998}, format="json")
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale"
    Task.objects.filter(pk=first.pk).delete()
    assert producer.post(url, {"column": done.pk}, format="json").status_code == 404


def test_events_crud_with_conflicts_and_bad_dates(producer, make_user):
    alice = make_user("Producer", first_name="Alice", last_name="Martin")
    artist = ArtistFactory(stage_name="Nova")
    EventFactory(
        title="Rehearsal",
        starts_at=datetime(2026, 12, 5, 18, tzinfo=UTC),
        ends_at=datetime(2026, 12, 5, 21, tzinfo=UTC),
        members=[alice],
    )
    body = {
        "kind": "concert",
        "title": "Nova live",
        "starts_at": "2026-12-05T19:00:00Z",
        "ends_at": "2026-12-05T22:00:00Z",
        "members": [alice.pk],
        "artists": [artist.pk],
        "venue": "La Cigale",
    }
    created = producer.post(EVENTS, body, format="json")
    assert created.status_code == 201, created.json()
    event = created.json()
    assert event["artists"] == [{"id": artist.pk, "stage_name": "Nova"}]
    assert len(event["conflicts"]) == 1 and "Rehearsal" in event["conflicts"][0]

    backwards = producer.patch(f"{EVENTS}{event['id']}/", {"ends_at": "2026-12-05T18:00:00Z"}, format="json")
    assert backwards.status_code == 400
    assert (
        producer.patch(f"{EVENTS}{event['id']}/", {"status": "cancelled"}, format="json").status_code == 200
    )
    assert producer.delete(f"{EVENTS}{event['id']}/").status_code == 204


def test_viewers_cannot_write_events(viewer):
    event = EventFactory()
    assert viewer.get(f"{EVENTS}{event.pk}/").status_code == 200
    assert viewer.patch(f"{EVENTS}{event.pk}/", {"title": "X"}, format="json").status_code == 403
    assert viewer.post(f"{EVENTS}{event.pk}/move/", {}, format="json").status_code == 403


def test_occurrences_expand_a_series_across_dst_and_move_one(producer):
    start = datetime(2026, 10, 20, 18, tzinfo=UTC)  # Tuesdays 20:00 in Paris
    series = EventFactory(
        title="Weekly live",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        recurrence="FREQ=WEEKLY;COUNT=4",
        time_zone="Europe/Paris",
    )
    response = producer.get(f"{EVENTS}occurrences/?start=2026-10-19T00:00:00Z&end=2026-11-30T00:00:00Z")
    assert response.status_code == 200, response.json()
    starts = [o["start"] for o in response.json()]
    assert starts == [
        "2026-10-20T20:00:00+02:00",
        "2026-10-27T20:00:00+01:00",
        "2026-11-03T20:00:00+01:00",
        "2026-11-10T20:00:00+01:00",
    ] or starts == [
        "2026-10-20T18:00:00Z",
        "2026-10-27T19:00:00Z",
        "2026-11-03T19:00:00Z",
        "2026-11-10T19:00:00Z",
    ]
    assert response.json()[1]["id"] == f"{series.pk}@2026-10-27T19:00:00Z"

    moved = producer.post(
        f"{EVENTS}{series.pk}/move/",
        {
            "occurrence_start": "2026-10-27T19:00:00Z",
            "start": "2026-10-28T19:00:00Z",
            "end": "2026-10-28T20:00:00Z",
            "scope": "one",
        },
        format="json",
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["series_root"] == series.pk and moved.json()["id"] != series.pk
    assert producer.get(f"{EVENTS}occurrences/?start=2026-11-30&end=2026-11-01").status_code == 400
    assert producer.get(f"{EVENTS}occurrences/").status_code == 400


def test_calendar_feed_lists_tasks_and_events_by_source(producer):
    board = BoardFactory()
    TaskFactory(board=board, title="Deliver master", due_at=datetime(2026, 12, 3, 12, tzinfo=UTC))
    EventFactory(
        title="Shoot",
        starts_at=datetime(2026, 12, 4, 9, tzinfo=UTC),
        ends_at=datetime(2026, 12, 4, 12, tzinfo=UTC),
    )
    url = "/api/planning/calendar/?start=2026-12-01&end=2026-12-31"

    items = producer.get(url).json()
    assert {(i["source"], i["title"]) for i in items} >= {("tasks", "Deliver master"), ("events", "Shoot")}
    only_events = producer.get(url + "&sources=events").json()
    assert {i["source"] for i in only_events} == {"events"}
    assert producer.get("/api/planning/calendar/?start=2026-12-31&end=2026-12-01").status_code == 400


def test_hidden_boards_tasks_stay_out_of_the_calendar(producer):
    hidden = BoardFactory(visibility=Board.Visibility.MEMBERS)
    TaskFactory(board=hidden, title="Secret", due_at=datetime(2026, 12, 3, 12, tzinfo=UTC))
    items = producer.get("/api/planning/calendar/?start=2026-12-01&end=2026-12-31").json()
    assert "Secret" not in {i["title"] for i in items}
    assert Event.objects.count() == 0
