"""What the board reads for its cards in one query (planning.boards.prepare_cards: counts, assignees, tags and
link kinds as JSON) renders exactly like a task read alone; done columns show a short first page; a move into
or out of a done column saves ``completed_at`` with the move itself."""

import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation

from core.boards.selectors import board_view
from core.boards.services import card_move
from planning.boards import DONE_PAGE, TASK_BOARD, card_filter_attrs, prepare_cards, task_card_html
from planning.models import Attachment, Task, TaskLink
from tests.planning.factories import (
    ChecklistItemFactory,
    CommentFactory,
    EventFactory,
    LabelFactory,
    TaskFactory,
)

from .conftest import columns

pytestmark = pytest.mark.django_db


def card_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-card="(\d+)"', html)]


def test_a_prepared_card_renders_like_a_task_read_alone(board, make_user):
    zoe = make_user("Producer", first_name="Zoé", last_name="<Zed>")
    anna = make_user("Producer", first_name="Anna", last_name="Bel")
    nameless = make_user("Producer", first_name="", last_name="", email="nameless@example.com")
    task = TaskFactory(
        board=board,
        title="Shoot & <edit>",
        assignees=[zoe, nameless, anna],
        labels=[LabelFactory(name="video", color="#d63384"), LabelFactory(name="audio", color="#0b5ed7")],
        recurrence="FREQ=WEEKLY",
    )
    ChecklistItemFactory(task=task, done=True)
    ChecklistItemFactory(task=task)
    CommentFactory(task=task)
    Attachment.objects.create(task=task, file="planning/x.pdf", name="x.pdf")
    event_type = ContentType.objects.get_for_model(EventFactory._meta.model)
    for event in (EventFactory(), EventFactory()):  # two links of one kind: one icon
        TaskLink.objects.create(task=task, content_type=event_type, object_id=event.pk)
    bare = TaskFactory(board=board)

    for one in (task, bare):
        prepared = prepare_cards(Task.objects.filter(pk=one.pk)).get()
        alone = Task.objects.get(pk=one.pk)
        with translation.override("fr"):
            assert task_card_html(prepared) == task_card_html(alone)
        assert card_filter_attrs(prepared) == card_filter_attrs(alone)

    html = task_card_html(prepare_cards(Task.objects.filter(pk=task.pk)).get())
    assert "Shoot &amp; &lt;edit&gt;" in html and "&lt;Zed&gt;" in html
    assert html.index(">NA<") < html.index(">AB<") < html.index(">Z&lt;<")  # by first name ("" first)
    assert html.index(">audio<") < html.index(">video<")
    assert "1/2" in html and "bi-chat-left-text" in html and "bi-paperclip" in html
    assert "bi-arrow-repeat" in html
    assert (
        html.count("task-card-meta") == 5
    )  # checklist, comments, attachments, repeats, one icon for the events
    attrs = card_filter_attrs(prepare_cards(Task.objects.filter(pk=task.pk)).get())
    assert attrs["assignees"] == [nameless.pk, anna.pk, zoe.pk]
    assert card_filter_attrs(prepare_cards(Task.objects.filter(pk=bare.pk)).get())["assignees"] == ["none"]


def test_a_done_column_shows_a_short_first_page_then_show_more(client_as, board):
    client, user = client_as("Producer")
    cols = columns(board)
    done = [TaskFactory(board=board, column=cols["Done"]) for _ in range(DONE_PAGE + 2)]
    todo = [TaskFactory(board=board, column=cols["To do"]) for _ in range(3)]

    view = board_view(spec=TASK_BOARD, board=board, user=user, params={})
    shown = {column.column.name: column for column in view.columns}
    assert [c.pk for c in shown["Done"].cards] == [t.pk for t in done[:DONE_PAGE]]
    assert shown["Done"].has_more and shown["Done"].stats["count"] == DONE_PAGE + 2
    assert [c.pk for c in shown["To do"].cards] == [t.pk for t in todo] and not shown["To do"].has_more

    html = client.get(reverse("planning:board", args=[board.pk])).content.decode()
    column = re.search(rf'data-board-column="{cols["Done"].pk}".*?</section>', html, re.S).group(0)
    assert card_ids(column) == [t.pk for t in done[:DONE_PAGE]]
    assert re.search(r"data-board-more\s*>", column)  # "show more" is offered
    known = re.search(r'data-board-known="([^"]*)"', html).group(1).split()
    assert f'data-card="{done[-1].pk}"' not in html and str(done[-1].pk) in known  # known, not shown

    url = reverse("boards-api:cards", args=[TASK_BOARD.key, board.pk])
    body = client.get(url, {"column": cols["Done"].pk, "after": done[DONE_PAGE - 1].pk}).json()
    assert [c["id"] for c in body["cards"]] == [t.pk for t in done[DONE_PAGE:]] and body["more"] is False

    lanes = board_view(spec=TASK_BOARD, board=board, user=user, params={"lanes": "priority"})
    assert len(next(c for c in lanes.columns if c.pk == cols["Done"].pk).cards) == DONE_PAGE + 2


def test_completion_is_saved_with_the_move_and_in_its_history(board, producer):
    cols = columns(board)
    task = TaskFactory(board=board, column=cols["To do"])

    card_move(spec=TASK_BOARD, card_id=task.pk, board_id=board.pk, to_column_id=cols["Done"].pk, by=producer)
    task.refresh_from_db()
    assert task.completed_at is not None and task.column_id == cols["Done"].pk
    latest = task.history.order_by("-history_id").first()
    assert latest.completed_at == task.completed_at and latest.column_id == cols["Done"].pk

    card_move(
        spec=TASK_BOARD,
        card_id=task.pk,
        board_id=board.pk,
        to_column_id=cols["Doing"].pk,
        by=producer,
        board=board,
    )
    task.refresh_from_db()
    assert task.completed_at is None
    assert task.history.order_by("-history_id").first().completed_at is None


def test_a_recurring_task_moved_to_done_through_the_endpoint_spawns_its_next_occurrence_once(
    client_as, board
):
    client, _user = client_as("Producer")
    cols = columns(board)
    task = TaskFactory(
        board=board, column=cols["To do"], recurrence="FREQ=WEEKLY", due_at=timezone.now() + timedelta(days=1)
    )
    url = reverse("boards-api:move", args=[TASK_BOARD.key, board.pk])
    for column in ("Done", "Doing", "Done"):
        response = client.post(
            url, {"card": task.pk, "column": cols[column].pk}, content_type="application/json"
        )
        assert response.status_code == 200
    task.refresh_from_db()
    assert task.completed_at is not None and task.next_spawned
    assert Task.objects.filter(board=board).count() == 2
