"""Board, member and column services (planning/services/boards.py) and the WIP rule of moves."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from core.boards.services import card_move
from planning.boards import TASK_BOARD
from planning.models import Board, BoardMembership, Task
from planning.permissions import can_edit_board
from planning.services import boards as services
from tests.planning.factories import BoardFactory, TaskFactory

from .conftest import columns, member

pytestmark = pytest.mark.django_db


def move(task, column, by, **kwargs):
    return card_move(
        spec=TASK_BOARD, card_id=task.pk, board_id=task.board_id, to_column_id=column.pk, by=by, **kwargs
    )


def test_board_create_makes_the_creator_owner_with_three_columns(producer):
    board = services.board_create(name="  Season  launch ", by=producer)
    assert board.name == "Season launch"
    assert [(c.name, c.is_done, c.position) for c in board.columns.order_by("position")] == [
        ("To do", False, 0),
        ("Doing", False, 1),
        ("Done", True, 2),
    ]
    assert BoardMembership.objects.get(board=board).role == "owner"
    assert AuditEvent.objects.filter(action="planning.board.create").exists()


def test_board_update_and_archive(producer, django_capture_on_commit_callbacks):
    board = services.board_create(name="A", by=producer)
    with django_capture_on_commit_callbacks(execute=True):
        services.board_update(
            board=board, by=producer, name="B", wip_policy=Board.WipPolicy.WARN, color="#112233"
        )
    board.refresh_from_db()
    assert (board.name, board.wip_policy, board.color) == ("B", "warn", "#112233")
    services.board_archive(board=board, by=producer)
    assert Board.objects.get(pk=board.pk).archived
    with pytest.raises(ValidationError):
        services.board_update(board=board, by=producer, color="red")


def test_board_delete_takes_its_tasks(producer):
    board = services.board_create(name="A", by=producer)
    TaskFactory(board=board)
    services.board_delete(board=board, by=producer)
    assert not Board.objects.filter(name="A").exists()
    assert not Task.objects.exists()


# --- WIP --------------------------------------------------------------------------------------------------


def test_wip_check_refuses_a_full_column_with_a_clear_message(board):
    doing = columns(board)["Doing"]
    doing.wip_limit = 2
    doing.save()
    assert services.wip_check(column=doing) is None
    TaskFactory(board=board, column=doing)
    assert services.wip_check(column=doing) is None
    TaskFactory(board=board, column=doing)
    with pytest.raises(ValidationError) as error:
        services.wip_check(column=doing)
    assert error.value.messages == ["“Doing” is full (2/2): finish or move a task out of it first."]


def test_wip_check_warns_on_a_warn_board(board):
    board.wip_policy = Board.WipPolicy.WARN
    board.save()
    doing = columns(board)["Doing"]
    doing.wip_limit = 1
    doing.save()
    TaskFactory(board=board, column=doing)
    assert services.wip_check(column=doing) == "“Doing” is over its limit (2/1)."


def test_a_move_into_a_full_column_is_refused_and_nothing_changes(board, producer):
    cols = columns(board)
    cols["Doing"].wip_limit = 1
    cols["Doing"].save()
    TaskFactory(board=board, column=cols["Doing"])
    task = TaskFactory(board=board, column=cols["To do"])
    with pytest.raises(ValidationError, match="is full"):
        move(task, cols["Doing"], producer)
    task.refresh_from_db()
    assert task.column == cols["To do"]


def test_a_warn_board_lets_the_move_in_and_the_header_shows_the_overflow(board, producer):
    board.wip_policy = Board.WipPolicy.WARN
    board.save()
    cols = columns(board)
    cols["Doing"].wip_limit = 1
    cols["Doing"].save()
    TaskFactory(board=board, column=cols["Doing"])
    task = TaskFactory(board=board, column=cols["To do"])
    outcome = move(task, cols["Doing"], producer)
    assert outcome.changed
    header = next(c for c in outcome.data["columns"] if c["id"] == cols["Doing"].pk)["header"]["en"]
    assert "2/1" in header and "is-over" in header


def test_a_reorder_inside_a_full_column_is_allowed(board, producer):
    cols = columns(board)
    cols["Doing"].wip_limit = 2
    cols["Doing"].save()
    first = TaskFactory(board=board, column=cols["Doing"])
    second = TaskFactory(board=board, column=cols["Doing"])
    assert move(second, cols["Doing"], producer, before_id=first.pk).changed


def test_moving_into_a_done_column_completes_the_task(board, producer):
    cols = columns(board)
    task = TaskFactory(board=board, column=cols["To do"])
    move(task, cols["Done"], producer)
    task.refresh_from_db()
    assert task.completed_at is not None
    move(task, cols["Doing"], producer)
    task.refresh_from_db()
    assert task.completed_at is None


# --- board roles ----------------------------------------------------------------------------------------


def test_a_board_viewer_cannot_move(board, producer):
    board.visibility = Board.Visibility.MEMBERS
    board.save()
    member(board, producer, BoardMembership.Role.VIEWER)
    task = TaskFactory(board=board)
    with pytest.raises(PermissionDenied):
        move(task, columns(board)["Doing"], producer)


# --- members --------------------------------------------------------------------------------------------


def test_members_add_change_remove_and_the_last_owner_stays(producer, make_user):
    board = services.board_create(name="A", by=producer)
    other = make_user("Producer")
    membership = services.member_add(board=board, user=other, role="viewer", by=producer)
    assert membership.role == "viewer"
    services.member_set_role(membership=membership, role="owner", by=producer)
    mine = BoardMembership.objects.get(board=board, user=producer)
    services.member_set_role(membership=mine, role="editor", by=producer)  # another owner remains
    last = BoardMembership.objects.get(board=board, user=other)
    with pytest.raises(ValidationError, match="at least one owner"):
        services.member_set_role(membership=last, role="viewer", by=producer)
    with pytest.raises(ValidationError, match="at least one owner"):
        services.member_remove(membership=last, by=producer)
    services.member_remove(membership=mine, by=producer)
    assert list(BoardMembership.objects.filter(board=board).values_list("user_id", flat=True)) == [other.pk]
    with pytest.raises(ValidationError):
        services.member_add(board=board, user=producer, role="boss", by=producer)


# --- columns --------------------------------------------------------------------------------------------


def test_column_create_rename_recolour_wip_done_reorder(board, producer):
    column = services.column_create(board=board, name="Review", by=producer, wip_limit="3")
    assert (column.position, column.wip_limit) == (3, 3)
    with pytest.raises(ValidationError, match="already has a column"):
        services.column_create(board=board, name="review", by=producer)
    services.column_rename(column=column, name="QA", by=producer)
    services.column_recolour(column=column, color="#AABBCC", by=producer)
    services.column_set_wip(column=column, wip_limit=None, by=producer)
    services.column_set_done(column=column, is_done=True, by=producer)
    column.refresh_from_db()
    assert (column.name, column.color, column.wip_limit, column.is_done) == ("QA", "#aabbcc", None, True)
    with pytest.raises(ValidationError):
        services.column_set_wip(column=column, wip_limit=0.5, by=producer)
    cols = columns(board)
    order = [cols["QA"].pk, cols["Done"].pk, cols["Doing"].pk, cols["To do"].pk]
    services.column_reorder(board=board, order=order, by=producer)
    assert list(board.columns.order_by("position").values_list("pk", flat=True)) == order
    with pytest.raises(ValidationError):
        services.column_reorder(board=board, order=order[:2], by=producer)
    services.column_move(column=cols["QA"], direction="right", by=producer)
    assert list(board.columns.order_by("position").values_list("name", flat=True)) == [
        "Done",
        "QA",
        "Doing",
        "To do",
    ]


def test_column_delete_moves_its_tasks_to_the_end_of_the_target_in_order(board, producer):
    cols = columns(board)
    kept = TaskFactory(board=board, column=cols["Doing"])
    moving = [TaskFactory(board=board, column=cols["To do"]) for _ in range(3)]
    with pytest.raises(ValidationError, match="Choose the column its tasks move to"):
        services.column_delete(column=cols["To do"], by=producer)
    with pytest.raises(ValidationError, match="another column"):
        services.column_delete(column=cols["To do"], move_to=cols["To do"], by=producer)
    other = BoardFactory()
    with pytest.raises(ValidationError, match="same board"):
        services.column_delete(column=cols["To do"], move_to=other.columns.first(), by=producer)
    assert services.column_delete(column=cols["To do"], move_to=cols["Doing"], by=producer) == 3
    order = list(Task.objects.filter(column=cols["Doing"]).order_by("position").values_list("pk", flat=True))
    assert order == [kept.pk, *[t.pk for t in moving]]
    assert list(board.columns.order_by("position").values_list("name", "position")) == [
        ("Doing", 0),
        ("Done", 1),
    ]
    assert AuditEvent.objects.filter(action="planning.column.delete", data__tasks_moved=3).exists()


def test_column_delete_into_a_done_column_completes_the_tasks(board, producer):
    cols = columns(board)
    task = TaskFactory(board=board, column=cols["Doing"])
    services.column_delete(column=cols["Doing"], move_to=cols["Done"], by=producer)
    task.refresh_from_db()
    assert task.completed_at is not None


def test_an_empty_column_is_deleted_without_target_but_not_the_last_one(producer):
    board = BoardFactory(columns=["Only", "Other"])
    cols = columns(board)
    services.column_delete(column=cols["Other"], by=producer)
    with pytest.raises(ValidationError, match="at least one column"):
        services.column_delete(column=cols["Only"], by=producer)


def test_a_drag_into_a_column_deleted_meanwhile_is_refused_clearly(board, producer):
    cols = columns(board)
    task = TaskFactory(board=board, column=cols["To do"])
    gone = cols["Doing"]
    services.column_delete(column=gone, by=producer)
    with pytest.raises(ValidationError) as error:
        move(task, gone, producer)
    assert "This column is gone" in str(error.value)


def test_column_changes_reload_open_boards(board, producer, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr("core.boards.live.broadcast_reload", lambda spec, pk: sent.append(pk))
    with django_capture_on_commit_callbacks(execute=True):
        services.column_create(board=board, name="New", by=producer)
    assert sent == [board.pk]


def test_an_archived_board_refuses_moves(board, producer):
    task = TaskFactory(board=board)
    services.board_archive(board=board, by=producer)
    board.refresh_from_db()
    task.refresh_from_db()
    # read-only for everybody (planning.permissions.can_edit_board), so the panel and the API refuse too
    assert not can_edit_board(producer, board)
    with pytest.raises(PermissionDenied):
        move(task, columns(board)["Doing"], producer)
