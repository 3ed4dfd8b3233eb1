"""Permission rows for the task pages (planning/views/tasks.py): the side panel and the task's page, the writes of
its sections, attachments, links, the events' checklist, My tasks, responsibilities and the CRM artist tab.

On a board open to everyone in planning (the factories' default), Producers and Managers edit (their suite
role's default), Viewers and Streamers read, Admins own it; a signed-out visitor is sent to sign in. Writes send
an empty body: the section comes back with its errors (200). A task that does not exist is a 404."""

from tests.permission_matrix import MISSING, Row, not_allowed, roles_ok

readers = roles_ok("Viewer", "Producer", "Streamer", "Manager", "Admin")
writers = roles_ok("Producer", "Manager", "Admin")
readers_missing = roles_ok("Viewer", "Producer", "Streamer", "Manager", "Admin", ok="notfound")
crm_readers = roles_ok("Viewer", "Producer", "Manager", "Admin", others="notfound")


def _task(ctx) -> dict:
    from tests.planning.factories import TaskFactory

    return {"pk": TaskFactory().pk}


def _task_section(ctx) -> dict:
    return {**_task(ctx), "section": "details"}


def _link(ctx) -> dict:
    from planning.models import TaskLink
    from tests.crm.factories import ArtistFactory
    from tests.planning.factories import TaskFactory

    task = TaskFactory()
    artist = ArtistFactory()
    from django.contrib.contenttypes.models import ContentType

    link = TaskLink.objects.create(
        task=task, content_type=ContentType.objects.get_for_model(artist), object_id=artist.pk
    )
    return {"pk": task.pk, "link_pk": link.pk}


def _own_comment(ctx) -> dict:
    from tests.planning.factories import CommentFactory

    return {"pk": CommentFactory(author=ctx.owner).pk}


def _attachment(ctx) -> dict:
    from django.core.files.base import ContentFile

    from planning.models import Attachment
    from tests.planning.factories import TaskFactory

    attachment = Attachment(task=TaskFactory(), name="brief.txt", size=5)
    attachment.file.save("brief.txt", ContentFile(b"hello"), save=True)
    return {"pk": attachment.pk}


def _event(ctx) -> dict:
    from tests.planning.factories import EventFactory

    return {"pk": EventFactory().pk}


def _artist(ctx) -> dict:
    from tests.crm.factories import ArtistFactory

    return {"pk": ArtistFactory().pk}


ROWS = {
    "planning:task-detail": (
        Row(readers, post=not_allowed, kwargs=_task),
        Row(readers_missing, kwargs=lambda ctx: MISSING, label="missing"),
    ),
    "planning:task-panel": (
        Row(readers, post=not_allowed, kwargs=_task),
        Row(readers_missing, kwargs=lambda ctx: MISSING, label="missing"),
    ),
    "planning:task-update": Row(not_allowed, post=writers, kwargs=_task_section),
    "planning:task-done": Row(not_allowed, post=writers, kwargs=_task),
    "planning:task-delete": Row(
        not_allowed, post=roles_ok("Producer", "Manager", "Admin", ok="redirect"), kwargs=_task
    ),
    "planning:task-checklist": Row(not_allowed, post=writers, kwargs=_task),
    "planning:task-comment": Row(not_allowed, post=writers, kwargs=_task),
    "planning:task-attachment-add": Row(not_allowed, post=writers, kwargs=_task),
    "planning:task-link-add": Row(not_allowed, post=writers, kwargs=_task),
    "planning:task-link-remove": Row(not_allowed, post=writers, kwargs=_link),
    "planning:task-link-search": Row(writers, post=not_allowed, kwargs=_task),
    "planning:comment-edit": Row(not_allowed, post=writers, kwargs=_own_comment),
    "planning:comment-delete": Row(not_allowed, post=writers, kwargs=_own_comment),
    "planning:attachment-download": Row(readers, post=not_allowed, kwargs=_attachment),
    "planning:attachment-delete": Row(not_allowed, post=writers, kwargs=_attachment),
    "planning:event-checklist": Row(not_allowed, post=writers, kwargs=_event),
    "planning:my-tasks": Row(readers, post=not_allowed),
    "planning:responsibilities": Row(readers, post=not_allowed),
    "planning:person-tasks": Row(readers, post=not_allowed, kwargs=lambda ctx: {"user_pk": ctx.owner.pk}),
    "planning:artist-tasks": Row(crm_readers, post=not_allowed, kwargs=_artist),
}
