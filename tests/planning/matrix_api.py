"""Permission rows of Planning's REST API (/api/planning/) and the objects of its back-office pages.

Everyone on staff reads; Admin, Manager and Producer write (Viewer and Streamer: 403); signed-out callers 401
("login"). Board-level rules on top: the boards of these rows are owned by the actor (so its writers may manage
them), a members-only board the actor is not on is a 404 (Admin excepted). Writes send an empty JSON body:
permission is decided first, then writers meet the validation (400) or, where every field is optional, succeed.
"""

from tests.permission_matrix import MISSING, Row, admin_site, roles_ok, signed_in

readers = roles_ok("Viewer", "Producer", "Streamer", "Manager", "Admin")


def writers(ok="ok"):
    return roles_ok("Producer", "Manager", "Admin", ok=ok)


method = signed_in("method")
readers_400 = roles_ok("Viewer", "Producer", "Streamer", "Manager", "Admin", ok=400)
missing = roles_ok("Viewer", "Producer", "Streamer", "Manager", "Admin", ok="notfound")


# --- objects (one per case: a write may delete it) ---------------------------------------------------------------


def _board(ctx, **kwargs):
    from tests.planning.factories import BoardFactory, MembershipFactory

    board = BoardFactory(**kwargs)
    if ctx.actor is not None:
        MembershipFactory(board=board, user=ctx.actor, role="owner")
    return board


def _hidden_board(ctx):
    from tests.planning.factories import BoardFactory

    return BoardFactory(visibility="members")


def _column(ctx):
    return _board(ctx).columns.order_by("position").first()


def _task(ctx):
    from tests.planning.factories import TaskFactory

    return TaskFactory(board=_board(ctx))


def _event(ctx):
    from tests.planning.factories import EventFactory

    return EventFactory()


def pk_of(maker):
    return lambda ctx: {"pk": maker(ctx).pk}


def _board_and_member(ctx):
    from tests.factories import UserFactory
    from tests.planning.factories import MembershipFactory

    board = _board(ctx)
    member = UserFactory(roles=["Producer"])
    MembershipFactory(board=board, user=member, role="editor")
    return {"pk": board.pk, "user_id": member.pk}


def _detail(maker, *, put, hidden=None):
    rows = [
        Row(
            readers,
            post=method,
            other_methods={"PUT": writers(put), "PATCH": writers(), "DELETE": writers()},
            kwargs=pk_of(maker),
        ),
        Row(missing, kwargs=lambda ctx: MISSING, label="missing"),
    ]
    if hidden is not None:
        hidden_outcome = roles_ok("Admin", ok="ok", others="notfound")
        rows.append(Row(hidden_outcome, kwargs=pk_of(hidden), label="members-only"))
    return tuple(rows)


ROWS = {
    "planning-api:board-list": Row(readers, post=writers(400)),
    "planning-api:board-detail": _detail(_board, put=400, hidden=_hidden_board),
    "planning-api:board-members": Row(method, post=writers(400), kwargs=pk_of(_board)),
    "planning-api:board-member": Row(
        method, post=method, other_methods={"DELETE": writers()}, kwargs=_board_and_member
    ),
    "planning-api:board-reorder-columns": Row(method, post=writers(400), kwargs=pk_of(_board)),
    "planning-api:column-list": Row(readers, post=writers(400)),
    # every field of a column change is optional: an empty change is fine
    "planning-api:column-detail": _detail(_column, put="ok"),
    "planning-api:task-list": Row(readers, post=writers(400)),
    "planning-api:task-detail": _detail(_task, put=400),
    "planning-api:task-move": (
        Row(method, post=writers(400), kwargs=pk_of(_task)),
        Row(
            method,
            post=roles_ok("Producer", "Manager", "Admin", ok="notfound"),
            kwargs=lambda ctx: MISSING,
            label="missing",
        ),
    ),
    "planning-api:event-list": Row(readers, post=writers(400)),
    "planning-api:event-detail": _detail(_event, put=400),
    "planning-api:event-move": Row(method, post=writers(400), kwargs=pk_of(_event)),
    # without start and end: 400 for readers
    "planning-api:event-occurrences": Row(readers_400, post=method),
    "planning-api:calendar": Row(readers_400, post=method),
}


# --- the back office ---------------------------------------------------------------------------------------------


def _history_of(maker):
    def kwargs(ctx):
        obj = maker(ctx)
        return [obj.pk, obj.history.latest().pk]

    return kwargs


def _plain_task(ctx):
    from tests.planning.factories import TaskFactory

    return TaskFactory()


def _empty_column(ctx):
    from tests.planning.factories import BoardFactory

    return BoardFactory().columns.order_by("position").last()


def _membership(ctx):
    from tests.factories import UserFactory
    from tests.planning.factories import MembershipFactory

    return MembershipFactory(user=UserFactory(roles=["Producer"]))


def _checklist_item(ctx):
    from tests.planning.factories import ChecklistItemFactory

    return ChecklistItemFactory(task=_plain_task(ctx))


def _comment(ctx):
    from tests.planning.factories import CommentFactory

    return CommentFactory()


def _attachment(ctx):
    from django.core.files.base import ContentFile

    from planning.models import Attachment

    task = _plain_task(ctx)
    attachment = Attachment(task=task, name="brief.txt", size=5, content_type="text/plain")
    attachment.file.save("brief.txt", ContentFile(b"brief"), save=False)
    attachment.save()
    return attachment


def _task_link(ctx):
    from django.contrib.contenttypes.models import ContentType

    from planning.models import Event, TaskLink

    event = _event(ctx)
    return TaskLink.objects.create(
        task=_plain_task(ctx), content_type=ContentType.objects.get_for_model(Event), object_id=event.pk
    )


def _label(ctx):
    from tests.planning.factories import LabelFactory

    return LabelFactory()


def _reminder_settings(ctx):
    from planning.models import ReminderSettings

    return ReminderSettings.objects.get_or_create(user=ctx.other)[0]


def _reminder_sent(ctx):
    from django.utils import timezone

    from planning.models import ReminderSent

    return ReminderSent.objects.create(user=ctx.other, kind="digest", occurs_at=timezone.now())


def _calendar_feed(ctx):
    import secrets

    from planning.models import CalendarFeed

    token = secrets.token_urlsafe(16)
    return CalendarFeed.objects.create(user=ctx.other, token=token, token_hash=secrets.token_hex(32))


ROWS.update(
    {
        "admin:planning_task_simple_history": Row(admin_site, kwargs=_history_of(_plain_task)),
        "admin:planning_event_simple_history": Row(admin_site, kwargs=_history_of(_event)),
    }
)

ADMIN_OBJECTS = {
    "planning.label": _label,
    "planning.board": lambda ctx: _board(ctx),
    "planning.column": _empty_column,
    "planning.boardmembership": _membership,
    "planning.task": _plain_task,
    "planning.checklistitem": _checklist_item,
    "planning.comment": _comment,
    "planning.attachment": _attachment,
    "planning.tasklink": _task_link,
    "planning.event": _event,
    "planning.remindersettings": _reminder_settings,
    "planning.remindersent": _reminder_sent,
    "planning.calendarfeed": _calendar_feed,
}

_read_only = {("add", "GET"): "forbidden", ("add", "POST"): "forbidden", ("change", "POST"): "forbidden"}
_no_change = {("change", "POST"): "forbidden"}
ADMIN_REFUSALS = {
    "planning.remindersent": _read_only,
    "planning.calendarfeed": _read_only,
    # comments, attachments, links: added (through the services) and deleted, never changed here
    "planning.comment": _no_change,
    "planning.attachment": _no_change,
    "planning.tasklink": _no_change,
}
