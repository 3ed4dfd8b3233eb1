"""Planning in the back office: every model's pages open, and saves go through Planning's services (owner and
default columns of a new board, WIP and done columns through the board's move, audit trail, mentions), with
history on tasks and events."""

from datetime import UTC, datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from audit.models import AuditEvent
from planning.models import (
    Board,
    BoardMembership,
    ChecklistItem,
    Column,
    Comment,
    Event,
    ReminderSettings,
    Task,
)
from tests.permission_matrix import (
    ADMIN_OBJECTS,
    Ctx,
)  # the merged table (it loads tests/planning/matrix_api.py)
from tests.planning.factories import (
    BoardFactory,
    ChecklistItemFactory,
    CommentFactory,
    EventFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db

PLANNING_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "planning"),
    key=lambda m: m._meta.model_name,
)


@pytest.fixture
def boss(client, make_user):
    user = make_user("Admin", is_staff=True, first_name="Claire", last_name="Moreau")
    client.force_login(user)
    return user


def management(prefix: str, total: int = 0, initial: int = 0) -> dict[str, int]:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


TASK_INLINES = {
    **management("checklist"),
    **management("comments"),
    **management("attachments"),
    **management("links"),
}


def errors(response):
    return response.context["adminform"].form.errors if response.context else response


def test_every_planning_model_is_in_the_back_office():
    names = {model._meta.model_name for model in PLANNING_MODELS}
    assert names == {
        "label", "board", "column", "boardmembership", "task", "checklistitem", "comment", "attachment",
        "tasklink", "event", "remindersettings", "remindersent", "calendarfeed",
    }  # fmt: skip


@pytest.mark.parametrize("model", PLANNING_MODELS, ids=lambda m: m._meta.model_name)
def test_changelist_add_and_change_pages_open_with_rows(client, boss, model):
    obj = ADMIN_OBJECTS[model._meta.label_lower](Ctx(boss, other=boss))
    name = f"admin:planning_{model._meta.model_name}"
    assert client.get(reverse(f"{name}_changelist")).status_code == 200
    assert client.get(reverse(f"{name}_changelist"), {"q": "a"}).status_code == 200
    add = client.get(reverse(f"{name}_add"))
    assert add.status_code == (403 if model._meta.model_name in ("remindersent", "calendarfeed") else 200)
    assert client.get(reverse(f"{name}_change", args=[obj.pk])).status_code == 200


def test_adding_a_board_makes_the_admin_its_owner_with_default_columns(client, boss, make_user):
    guest = make_user("Viewer")
    response = client.post(
        reverse("admin:planning_board_add"),
        {
            "name": "  Summer tour ",
            "description": "",
            "color": "#6f42c1",
            "visibility": "members",
            "wip_policy": "warn",
            **management("memberships", total=1),
            "memberships-0-user": guest.pk,
            "memberships-0-role": "viewer",
        },
    )
    assert response.status_code == 302, errors(response)
    board = Board.objects.get()
    assert board.name == "Summer tour"
    assert [c.name for c in board.columns.order_by("position")] == ["To do", "Doing", "Done"]
    assert dict(board.memberships.values_list("user_id", "role")) == {boss.pk: "owner", guest.pk: "viewer"}
    assert AuditEvent.objects.filter(action="planning.board.create", actor=boss).exists()


def test_columns_are_added_on_the_board_page_and_full_ones_cannot_be_deleted_alone(client, boss):
    board = BoardFactory(columns=["To do", "Done"])
    columns = list(board.columns.order_by("position"))
    data = {
        "name": board.name,
        "description": "",
        "color": board.color,
        "visibility": board.visibility,
        "wip_policy": board.wip_policy,
        **management("columns", total=3, initial=2),
        **management("memberships"),
    }
    for index, column in enumerate(columns):
        data.update(
            {
                f"columns-{index}-id": column.pk,
                f"columns-{index}-board": board.pk,
                f"columns-{index}-name": column.name,
                f"columns-{index}-color": column.color,
                f"columns-{index}-wip_limit": "3" if index == 0 else "",
                f"columns-{index}-is_done": "on" if column.is_done else "",
            }
        )
    data.update({"columns-2-board": board.pk, "columns-2-name": "Review", "columns-2-color": "#0d6efd"})
    response = client.post(reverse("admin:planning_board_change", args=[board.pk]), data)
    assert response.status_code == 302, errors(response)
    assert list(board.columns.order_by("position").values_list("name", "wip_limit")) == [
        ("To do", 3),
        ("Done", None),
        ("Review", None),
    ]
    TaskFactory(board=board, column=columns[0])
    assert client.get(reverse("admin:planning_column_delete", args=[columns[0].pk])).status_code == 403
    empty = client.post(reverse("admin:planning_column_delete", args=[columns[1].pk]), {"post": "yes"})
    assert empty.status_code == 302
    assert not Column.objects.filter(pk=columns[1].pk).exists()


def _task_form(task: Task, **changes) -> dict:
    data = {
        "board": task.board_id,
        "column": task.column_id,
        "title": task.title,
        "description": task.description,
        "priority": task.priority,
        "recurrence": "",
        **TASK_INLINES,
    }
    return {**data, **changes}


def test_a_task_is_added_and_a_column_change_is_a_board_move(client, boss, make_user):
    board = BoardFactory()
    todo, _doing, done = board.columns.order_by("position")
    alice = make_user("Producer", first_name="Alice")
    response = client.post(
        reverse("admin:planning_task_add"),
        {
            "board": board.pk,
            "column": todo.pk,
            "title": "Shoot teaser",
            "description": "",
            "priority": 2,
            "assignees": [alice.pk],
            "due_at_0": "2026-12-01",
            "due_at_1": "18:00:00",
            "recurrence": "",
            **TASK_INLINES,
        },
    )
    assert response.status_code == 302, errors(response)
    task = Task.objects.get()
    assert (task.column, list(task.assignees.all()), task.created_by) == (todo, [alice], boss)

    response = client.post(
        reverse("admin:planning_task_change", args=[task.pk]),
        _task_form(
            task,
            column=done.pk,
            assignees=[alice.pk],
            **management("checklist", total=1),
            **{"checklist-0-text": "Book the studio", "checklist-0-task": task.pk},
            **management("comments", total=1),
            **{"comments-0-body": "Ready @alice", "comments-0-task": task.pk},
        ),
    )
    assert response.status_code == 302, errors(response)
    task.refresh_from_db()
    assert task.column == done and task.completed_at is not None  # through the board's move
    assert list(ChecklistItem.objects.filter(task=task).values_list("text", flat=True)) == ["Book the studio"]
    assert Comment.objects.get(task=task).author == boss
    assert AuditEvent.objects.filter(action="planning.task.move").exists()
    assert task.history.count() >= 2
    assert client.get(reverse("admin:planning_task_history", args=[task.pk])).status_code == 200


def test_a_column_of_another_board_is_refused(client, boss):
    task = TaskFactory()
    other = BoardFactory().columns.first()
    response = client.post(
        reverse("admin:planning_task_change", args=[task.pk]), _task_form(task, column=other.pk)
    )
    assert response.status_code == 200
    assert "column" in response.context["adminform"].form.errors


def test_an_event_is_saved_through_the_service_with_history(client, boss, make_user):
    alice = make_user("Producer")
    response = client.post(
        reverse("admin:planning_event_add"),
        {
            "kind": "concert",
            "title": "Nova live",
            "status": "confirmed",
            "starts_at_0": "2026-12-05",
            "starts_at_1": "20:00:00",
            "ends_at_0": "2026-12-05",
            "ends_at_1": "23:00:00",
            "time_zone": "Europe/Paris",
            "members": [alice.pk],
            "recurrence": "",
            **management("checklist", total=1),
            "checklist-0-text": "Sound check",
        },
    )
    assert response.status_code == 302, errors(response)
    event = Event.objects.get()
    assert event.starts_at == datetime(2026, 12, 5, 19, tzinfo=UTC)  # the admin's time zone: Paris
    assert list(event.members.all()) == [alice]
    assert event.checklist.get().text == "Sound check"
    assert AuditEvent.objects.filter(action="planning.event.create", actor=boss).exists()
    assert event.history.count() == 1

    backwards = client.post(
        reverse("admin:planning_event_change", args=[event.pk]),
        {
            "kind": "concert",
            "title": "Nova live",
            "status": "confirmed",
            "starts_at_0": "2026-12-05",
            "starts_at_1": "20:00:00",
            "ends_at_0": "2026-12-05",
            "ends_at_1": "19:00:00",
            "time_zone": "Europe/Paris",
            "recurrence": "",
            **management("checklist"),
        },
    )
    assert backwards.status_code == 200  # the model's constraint: the form shows the error
    assert client.get(reverse("admin:planning_event_history", args=[event.pk])).status_code == 200


def test_deleting_through_the_services(client, boss):
    task = TaskFactory()
    item = ChecklistItemFactory(task=task)
    comment = CommentFactory(task=task)
    event = EventFactory()
    for name, obj in (("checklistitem", item), ("comment", comment), ("task", task), ("event", event)):
        response = client.post(reverse(f"admin:planning_{name}_delete", args=[obj.pk]), {"post": "yes"})
        assert response.status_code == 302, name
        assert not type(obj).objects.filter(pk=obj.pk).exists(), name
    assert AuditEvent.objects.filter(action="planning.task.delete").exists()
    assert AuditEvent.objects.filter(action="planning.event.delete").exists()


def test_the_last_owner_of_a_board_stays(client, boss):
    board = BoardFactory()
    owner = BoardMembership.objects.create(board=board, user=boss, role="owner")
    response = client.post(
        reverse("admin:planning_boardmembership_delete", args=[owner.pk]), {"post": "yes"}, follow=True
    )
    assert "at least one owner" in response.content.decode()
    assert BoardMembership.objects.filter(pk=owner.pk).exists()


def test_reminder_settings_accept_only_the_offered_lead_times(client, boss):
    url = reverse("admin:planning_remindersettings_add")
    bad = client.post(url, {"user": boss.pk, "lead_minutes": "7", "digest_hour": 8})
    assert bad.status_code == 200 and "lead_minutes" in bad.context["adminform"].form.errors
    good = client.post(url, {"user": boss.pk, "lead_minutes": "60,1440", "digest": "on", "digest_hour": 7})
    assert good.status_code == 302, errors(good)
    assert ReminderSettings.objects.get(user=boss).lead_minutes == [1440, 60]
