"""Task services: create (WIP, position, dates, recurrence rule), update, delete, completion and the next
occurrence of a recurring task (once, even when asked twice or concurrently), mark done."""

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from core.boards.registry import get_board_spec
from planning.models import Task, TaskLink
from planning.services import tasks as services
from planning.services.checklist import checklist_add, checklist_toggle
from tests.crm.factories import ArtistFactory
from tests.planning.factories import LabelFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_task_create_goes_to_the_first_open_column_at_the_end(board, columns, editor):
    first = services.task_create(board=board, title="  Book the studio ", by=editor)
    second = services.task_create(board=board, title="Mix", by=editor)
    top = services.task_create(board=board, title="Urgent", by=editor, at_top=True)
    assert first.column == columns["To do"] and first.title == "Book the studio"
    assert first.position < second.position
    assert top.position < first.position
    assert first.created_by == editor and first.completed_at is None


def test_task_create_with_fields_and_people(board, columns, editor):
    label = LabelFactory(name="press")
    due = datetime(2026, 12, 1, 17, tzinfo=UTC)
    task = services.task_create(
        board=board,
        column=columns["Doing"],
        title="Press kit",
        by=editor,
        priority=Task.Priority.HIGH,
        due_at=due,
        estimate_hours=Decimal("2.5"),
        assignees=[editor],
        labels=[label],
        responsible=editor,
    )
    task.refresh_from_db()
    assert task.column == columns["Doing"] and task.due_at == due and task.priority == Task.Priority.HIGH
    assert list(task.assignees.all()) == [editor] and list(task.labels.all()) == [label]
    assert task.responsible == editor


def test_task_create_refused_by_a_full_column(board, columns, editor):
    column = columns["To do"]
    column.wip_limit = 1
    column.save()
    services.task_create(board=board, title="One", by=editor)
    with pytest.raises(ValidationError):
        services.task_create(board=board, title="Two", by=editor)
    assert Task.objects.filter(board=board).count() == 1


def test_task_create_warns_when_the_board_only_warns(board, columns, editor):
    board.wip_policy = board.WipPolicy.WARN
    board.save()
    column = columns["To do"]
    column.wip_limit = 1
    column.save()
    services.task_create(board=board, title="One", by=editor)
    second = services.task_create(board=board, title="Two", by=editor)
    assert second.pk and second.wip_warning


def test_task_create_in_a_column_of_another_board_is_refused(board, editor):
    other = TaskFactory().board
    with pytest.raises(ValidationError) as caught:
        services.task_create(board=board, column=other.columns.first(), title="x", by=editor)
    assert "column" in caught.value.message_dict


def test_start_after_due_is_a_clear_error_on_the_start(board, editor):
    due = datetime(2026, 12, 1, 10, tzinfo=UTC)
    with pytest.raises(ValidationError) as caught:
        services.task_create(board=board, title="x", by=editor, start_at=due + timedelta(hours=1), due_at=due)
    assert caught.value.message_dict == {"start_at": ["The start must be on or before the due date."]}
    task = services.task_create(board=board, title="x", by=editor, due_at=due)
    with pytest.raises(ValidationError) as caught:
        services.task_update(task=task, by=editor, start_at=due + timedelta(days=1))
    assert "start_at" in caught.value.message_dict
    task.refresh_from_db()
    assert task.start_at is None


def test_a_bad_or_dateless_recurrence_is_refused_on_its_field(board, editor):
    with pytest.raises(ValidationError) as caught:
        services.task_create(board=board, title="x", by=editor, recurrence="FREQ=WEEKLY")
    assert "recurrence" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.task_create(
            board=board,
            title="x",
            by=editor,
            recurrence="FREQ=HOURLY",
            due_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
    assert "recurrence" in caught.value.message_dict
    task = services.task_create(
        board=board,
        title="x",
        by=editor,
        recurrence="rrule:freq=weekly;byday=mo",
        due_at=datetime(2026, 1, 5, tzinfo=UTC),
    )
    assert task.recurrence == "FREQ=WEEKLY;BYDAY=MO"


def test_task_update_saves_only_what_changed_and_tells_the_board(
    board, editor, django_capture_on_commit_callbacks
):
    task = services.task_create(board=board, title="Old", by=editor)
    with django_capture_on_commit_callbacks() as callbacks:
        services.task_update(task=task, by=editor, title="New", priority=Task.Priority.URGENT)
    task.refresh_from_db()
    assert task.title == "New" and task.priority == Task.Priority.URGENT
    assert callbacks  # the board's live frame and the panel's, after the commit


def test_task_update_takes_no_column(board, editor):
    task = services.task_create(board=board, title="x", by=editor)
    with pytest.raises(TypeError):
        services.task_update(task=task, by=editor, column=board.columns.last())


def test_task_delete(board, editor):
    task = services.task_create(board=board, title="x", by=editor)
    services.task_delete(task=task, by=editor)
    assert not Task.objects.filter(pk=task.pk).exists()


# --- completion and recurrence -----------------------------------------------------------------------------


def _recurring(board, editor, **extra):
    due = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)  # a Monday, 18:00 in Paris
    task = services.task_create(
        board=board,
        title="Weekly report",
        by=editor,
        recurrence="FREQ=WEEKLY;BYDAY=MO",
        start_at=due - timedelta(hours=3),
        due_at=due,
        assignees=[editor],
        labels=[LabelFactory(name="report")],
        **extra,
    )
    checklist_add(task=task, text="Collect figures", by=editor)
    item = checklist_add(task=task, text="Send", by=editor)
    checklist_toggle(task=task, item_id=item.pk, by=editor)
    artist = ArtistFactory()
    TaskLink.objects.create(task=task, content_type_id=_ct(artist), object_id=artist.pk)
    return task


def _ct(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def test_entering_a_done_column_completes_and_spawns_the_next_occurrence_once(board, columns, editor):
    task = _recurring(board, editor)
    changed = services.task_column_changed(
        task=task, source=columns["To do"], target=columns["Done"], by=editor
    )
    assert changed == ["completed_at"]
    task.refresh_from_db()
    assert task.completed_at is not None and task.next_spawned
    following = Task.objects.exclude(pk=task.pk).get(board=board)
    assert following.due_at == datetime(2026, 3, 9, 17, 0, tzinfo=UTC)
    assert following.start_at == following.due_at - timedelta(hours=3)
    assert following.column == columns["To do"] and following.series_root == task
    assert following.recurrence == task.recurrence and following.completed_at is None
    assert list(following.assignees.all()) == [editor]
    assert [label.name for label in following.labels.all()] == ["report"]
    assert following.links.count() == 1
    assert list(following.checklist.values_list("text", "done")) == [
        ("Collect figures", False),
        ("Send", False),
    ]
    # asked again (a second move into done, a retry): nothing more
    assert services.task_spawn_next(task=task, by=editor) is None
    services.task_column_changed(task=task, source=columns["Done"], target=columns["To do"], by=editor)
    services.task_column_changed(task=task, source=columns["To do"], target=columns["Done"], by=editor)
    assert Task.objects.filter(board=board).count() == 2


def test_leaving_the_done_column_reopens(board, columns, editor):
    task = services.task_create(board=board, title="x", by=editor)
    services.task_column_changed(task=task, source=columns["To do"], target=columns["Done"], by=editor)
    services.task_column_changed(task=task, source=columns["Done"], target=columns["Doing"], by=editor)
    task.refresh_from_db()
    assert task.completed_at is None


def test_the_next_occurrence_keeps_local_time_across_daylight_saving(board, columns, editor):
    due = datetime(2026, 3, 23, 17, 0, tzinfo=UTC)  # Monday 18:00 in Paris (winter time)
    editor.time_zone = "Europe/Paris"
    editor.save()
    task = services.task_create(board=board, title="x", by=editor, recurrence="FREQ=WEEKLY", due_at=due)
    following = services.task_spawn_next(task=task, by=editor)
    assert following.due_at == datetime(2026, 3, 30, 16, 0, tzinfo=UTC)  # still 18:00 in Paris (summer time)


def test_a_finished_series_spawns_nothing(board, editor):
    due = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    task = services.task_create(
        board=board, title="x", by=editor, recurrence="FREQ=DAILY;COUNT=2", due_at=due
    )
    second = services.task_spawn_next(task=task, by=editor)
    assert second is not None and second.series_root == task
    assert services.task_spawn_next(task=second, by=editor) is None


def test_mark_done_moves_to_the_done_column_and_spawns(board, columns, editor):
    task = _recurring(board, editor)
    done = services.task_mark_done(task=task, by=editor)
    assert done.column == columns["Done"] and done.completed_at is not None
    assert Task.objects.filter(board=board, series_root=task).count() == 1
    assert services.task_mark_done(task=done, by=editor).column == columns["Done"]
    reopened = services.task_reopen(task=done, by=editor)
    assert reopened.column == columns["To do"] and reopened.completed_at is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_completions_spawn_one_occurrence(board, columns, editor):
    task = _recurring(board, editor)
    barrier = threading.Barrier(2)
    results = []

    def complete():
        try:
            barrier.wait()
            results.append(services.task_spawn_next(task=Task.objects.get(pk=task.pk), by=editor))
        finally:
            connection.close()

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(1 for r in results if r is not None) == 1
    assert Task.objects.filter(series_root=task).count() == 1


def test_the_board_spec_is_planning_kanban():
    assert get_board_spec(services.KEY).card_model is Task
