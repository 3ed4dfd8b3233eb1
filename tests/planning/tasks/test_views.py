"""The task panel and pages: render for editors and viewers, edit each section (errors keep the input), the
panel's query count does not grow with comments or checklist items, My tasks, responsibilities, the artist tab,
attachments (limit, permission-checked download), links, search."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from planning.models import Attachment, BoardMembership, ChecklistItem, Comment, Task
from planning.services import attachments as attachment_services
from planning.services import tasks as services
from tests.crm.factories import ArtistFactory
from tests.factories import UserFactory
from tests.planning.factories import (
    BoardFactory,
    CommentFactory,
    EventFactory,
    LabelFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(board, editor):
    return services.task_create(board=board, title="Shoot the video", by=editor, description="**Bold** move")


def panel(client, task, **params):
    return client.get(reverse("planning:task-panel", args=[task.pk]), params, HTTP_HX_REQUEST="true")


def test_panel_for_an_editor_has_the_forms(client, editor, task):
    client.force_login(editor)
    response = panel(client, task)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="task-panel-content"' in html and "<html" not in html
    assert 'name="title"' in html and "<strong>Bold</strong>" in html
    assert reverse("planning:task-checklist", args=[task.pk]) in html


def test_panel_for_a_viewer_is_read_only(client, viewer, task):
    client.force_login(viewer)
    html = panel(client, task).content.decode()
    assert "Shoot the video" in html and 'name="title"' not in html and "data-edit-toggle" not in html
    response = client.post(reverse("planning:task-update", args=[task.pk, "title"]), {"title": "Hacked"})
    assert response.status_code == 403


def test_detail_page_is_a_full_page_with_the_task_live_group(client, editor, task):
    client.force_login(editor)
    html = client.get(reverse("planning:task-detail", args=[task.pk])).content.decode()
    assert "<html" in html and f"planning.task.{task.pk}" in html


def _fill(task, editor, n):
    for i in range(n):
        ChecklistItem.objects.create(task=task, text=f"item {i}", position=i, done=i % 2 == 0)
        comment = CommentFactory(task=task, author=editor, body=f"@Ada comment {i}")
        comment.mentions.set([editor])
    task.assignees.set([editor])
    task.labels.set([LabelFactory(name="a"), LabelFactory(name="b")])
    Attachment.objects.create(task=task, name="f.txt", file="planning/x/f.txt", size=3)


def _count(client, task):
    with CaptureQueriesContext(connection) as queries:
        assert panel(client, task).status_code == 200
    return len(queries)


def test_panel_query_count_does_not_grow_with_comments_or_items(client, board, editor):
    client.force_login(editor)
    small = services.task_create(board=board, title="small", by=editor)
    big = services.task_create(board=board, title="big", by=editor)
    _fill(small, editor, 3)
    _fill(big, editor, 30)
    _count(client, small)  # warm the per-process caches (content types, roles)
    assert _count(client, small) == _count(client, big)


def test_panel_query_count_is_pinned(client, board, editor, django_assert_num_queries):
    client.force_login(editor)
    task = services.task_create(board=board, title="t", by=editor)
    _fill(task, editor, 3)
    panel(client, task)
    with django_assert_num_queries(_PINNED):
        panel(client, task)


_PINNED = 17


def test_edit_title_and_description(client, editor, task):
    client.force_login(editor)
    url = reverse("planning:task-update", args=[task.pk, "title"])
    response = client.post(url, {"title": "New title"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'value="New title"' in response.content.decode()
    client.post(
        reverse("planning:task-update", args=[task.pk, "description"]),
        {"description": "<script>alert(1)</script> [x](javascript:alert(1))"},
        HTTP_HX_REQUEST="true",
    )
    task.refresh_from_db()
    assert task.title == "New title" and "<script>" in task.description
    html = panel(client, task).content.decode()
    assert "<script>alert(1)</script>" not in html and 'href="javascript:' not in html


def test_details_start_after_due_keeps_the_input_and_says_why(client, editor, task):
    client.force_login(editor)
    response = client.post(
        reverse("planning:task-update", args=[task.pk, "details"]),
        {
            "priority": "2",
            "start_date": "2026-12-10",
            "due_date": "2026-12-01",
            "new_labels": "keep me",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The start must be on or before the due date." in html
    assert 'value="2026-12-10"' in html and 'value="keep me"' in html
    task.refresh_from_db()
    assert task.start_at is None and task.priority == Task.Priority.NORMAL


def test_details_save_dates_people_tags_and_a_repeat(client, editor, task):
    client.force_login(editor)
    response = client.post(
        reverse("planning:task-update", args=[task.pk, "details"]),
        {
            "priority": "3",
            "due_date": "2026-12-07",
            "due_time": "18:00",
            "assignees": [editor.pk],
            "responsible": editor.pk,
            "accountable": editor.pk,
            "new_labels": "Video, press",
            "estimate_hours": "3.5",
            "repeat": "monthly",
            "nth": "1",
            "nth_day": "MO",
            "ends": "count",
            "count": "5",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.priority == 3 and not task.all_day
    assert timezone.localtime(task.due_at).hour == 18
    assert task.recurrence == "FREQ=MONTHLY;BYDAY=1MO;COUNT=5"
    assert sorted(label.name for label in task.labels.all()) == ["Video", "press"]
    assert (
        task.responsible == editor and task.accountable == editor and list(task.assignees.all()) == [editor]
    )


def test_details_all_day_when_no_time(client, editor, task):
    client.force_login(editor)
    client.post(
        reverse("planning:task-update", args=[task.pk, "details"]),
        {"priority": "1", "due_date": "2026-12-07"},
        HTTP_HX_REQUEST="true",
    )
    task.refresh_from_db()
    assert task.all_day and task.due_at is not None


def test_checklist_add_toggle_delete(client, editor, task):
    client.force_login(editor)
    url = reverse("planning:task-checklist", args=[task.pk])
    html = client.post(url, {"action": "add", "text": "Rent lights"}, HTTP_HX_REQUEST="true").content.decode()
    item = task.checklist.get()
    assert "Rent lights" in html and "0 of 1" in html
    html = client.post(url, {"action": "toggle", "item": item.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "1 of 1" in html and "is-complete" in html
    html = client.post(url, {"action": "add", "text": "  "}, HTTP_HX_REQUEST="true").content.decode()
    assert "Write what needs doing." in html
    client.post(url, {"action": "delete", "item": item.pk}, HTTP_HX_REQUEST="true")
    assert not task.checklist.exists()


def test_an_item_of_another_task_is_refused(client, board, editor, task):
    client.force_login(editor)
    other = services.task_create(board=board, title="other", by=editor)
    item = ChecklistItem.objects.create(task=other, text="theirs")
    html = client.post(
        reverse("planning:task-checklist", args=[task.pk]), {"action": "toggle", "item": item.pk}
    ).content.decode()
    assert "no longer exists" in html
    item.refresh_from_db()
    assert not item.done


def test_event_checklist(client, editor):
    client.force_login(editor)
    event = EventFactory()
    url = reverse("planning:event-checklist", args=[event.pk])
    html = client.post(url, {"action": "add", "text": "Soundcheck"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Soundcheck" in html and f"checklist-event-{event.pk}" in html


def test_comment_with_a_mention_notifies_once_and_highlights(client, board, editor, task):
    bob = UserFactory(roles=["Producer"], first_name="Bob", email="bob@mona-spark.test")
    client.force_login(editor)
    url = reverse("planning:task-comment", args=[task.pk])
    html = client.post(
        url, {"body": "@Bob and @bob@mona-spark.test, see **this**"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert Notification.objects.filter(recipient=bob, kind="mention").count() == 1
    assert '<span class="mention"' in html and "<strong>this</strong>" in html
    assert list(Comment.objects.get().mentions.all()) == [bob]


def test_comment_mentioning_someone_who_cannot_see_the_board(client, editor):
    private = BoardFactory(visibility="members")
    MembershipFactory(board=private, user=editor, role=BoardMembership.Role.EDITOR)
    outsider = UserFactory(roles=["Producer"], first_name="Otto")
    task = services.task_create(board=private, title="secret", by=editor)
    client.force_login(editor)
    client.post(reverse("planning:task-comment", args=[task.pk]), {"body": "@Otto look"})
    assert not Notification.objects.filter(recipient=outsider).exists()
    assert not Comment.objects.get().mentions.exists()


def test_empty_comment_is_refused(client, editor, task):
    client.force_login(editor)
    html = client.post(reverse("planning:task-comment", args=[task.pk]), {"body": " "}).content.decode()
    assert "This field is required." in html and not Comment.objects.exists()


def test_attachment_upload_download_delete(client, editor, viewer, task, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    client.force_login(editor)
    upload = SimpleUploadedFile("brief.txt", b"hello", content_type="text/plain")
    html = client.post(
        reverse("planning:task-attachment-add", args=[task.pk]), {"file": upload}, HTTP_HX_REQUEST="true"
    ).content.decode()
    attachment = Attachment.objects.get()
    assert "brief.txt" in html and attachment.size == 5
    client.force_login(viewer)
    response = client.get(reverse("planning:attachment-download", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"hello"
    assert client.post(reverse("planning:attachment-delete", args=[attachment.pk])).status_code == 403
    client.force_login(editor)
    client.post(reverse("planning:attachment-delete", args=[attachment.pk]))
    assert not Attachment.objects.exists()


def test_attachment_over_25_mb_is_a_clear_error(editor, task):
    big = SimpleUploadedFile("huge.mov", b"x")
    big.size = 26 * 1024 * 1024
    with pytest.raises(ValidationError) as caught:
        attachment_services.attachment_add(task=task, file=big, by=editor)
    assert caught.value.message_dict == {
        "file": ["This file is 26.0\xa0MB; attachments can be at most 25.0\xa0MB."]
    }
    assert not Attachment.objects.exists()


def test_attachment_too_big_in_the_panel_says_so(client, editor, task, monkeypatch):
    monkeypatch.setattr(attachment_services, "MAX_BYTES", 4)
    client.force_login(editor)
    html = client.post(
        reverse("planning:task-attachment-add", args=[task.pk]),
        {"file": SimpleUploadedFile("movie.mov", b"12345")},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "data-upload-error" in html and "attachments can be at most" in html
    assert not Attachment.objects.exists()


def test_links_search_add_remove(client, editor, task):
    artist = ArtistFactory(stage_name="Nina Vox")
    client.force_login(editor)
    found = client.get(
        reverse("planning:task-link-search", args=[task.pk]), {"kind": "crm.artist", "q": "nina"}
    ).json()
    assert found["results"] == [{"id": artist.pk, "title": "Nina Vox"}]
    html = client.post(
        reverse("planning:task-link-add", args=[task.pk]), {"kind": "crm.artist", "object_id": artist.pk}
    ).content.decode()
    link = task.links.get()
    assert "Nina Vox" in html and reverse("crm:artist-detail", args=[artist.pk]) in html
    client.post(reverse("planning:task-link-remove", args=[task.pk, link.pk]))
    assert not task.links.exists()
    html = client.post(
        reverse("planning:task-link-add", args=[task.pk]), {"kind": "crm.artist", "object_id": 999999}
    ).content.decode()
    assert "Choose a record you can see." in html


def test_mark_done_from_the_panel(client, board, editor, task):
    client.force_login(editor)
    html = client.post(reverse("planning:task-done", args=[task.pk]), HTTP_HX_REQUEST="true").content.decode()
    task.refresh_from_db()
    assert task.column.is_done and task.completed_at and "Reopen" in html
    client.post(reverse("planning:task-done", args=[task.pk]), {"done": "0"}, HTTP_HX_REQUEST="true")
    task.refresh_from_db()
    assert not task.column.is_done and task.completed_at is None


def test_delete_from_the_panel(client, editor, task):
    client.force_login(editor)
    response = client.post(reverse("planning:task-delete", args=[task.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "HX-Redirect" in response.headers
    assert not Task.objects.filter(pk=task.pk).exists()


# --- my tasks, responsibilities, artist tab, search --------------------------------------------------------


def test_my_tasks_groups(client, board, editor):
    now = timezone.now()

    def make(title, **kw):
        return services.task_create(board=board, title=title, by=editor, assignees=[editor], **kw)

    make("late", due_at=now - timedelta(days=2))
    make("someday")
    make("far", due_at=now + timedelta(days=40))
    services.task_create(board=board, title="not mine", by=editor)
    client.force_login(editor)
    response = client.get(reverse("planning:my-tasks"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("late") < html.index("far") < html.index("someday")
    assert "not mine" not in html


def test_my_tasks_mark_done_returns_the_list(client, board, editor):
    task = services.task_create(board=board, title="finish me", by=editor, assignees=[editor])
    client.force_login(editor)
    response = client.post(
        reverse("planning:task-done", args=[task.pk]), {"from": "my-tasks"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'id="my-tasks-list"' in html and "Marked done: finish me" in html
    assert f'data-my-task="{task.pk}"' not in html


def test_my_tasks_filters(client, board, editor):
    services.task_create(board=board, title="urgent one", by=editor, assignees=[editor], priority=3)
    services.task_create(board=board, title="low one", by=editor, assignees=[editor], priority=0)
    client.force_login(editor)
    html = client.get(
        reverse("planning:my-tasks"), {"priority": "3"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "urgent one" in html and "low one" not in html and "<html" not in html


def _load_tasks(board, people, n):
    for i in range(n):
        person = people[i % len(people)]
        services.task_create(
            board=board,
            title=f"t{i}",
            by=person,
            responsible=person,
            accountable=people[0],
            estimate_hours=2,
            due_at=timezone.now() - timedelta(days=1) if i % 3 == 0 else None,
            assignees=[person],
        )


def test_responsibilities_counts_and_constant_queries(client, board, editor):
    client.force_login(editor)
    people = [editor, *[UserFactory(roles=["Producer"]) for _ in range(2)]]
    _load_tasks(board, people, 6)
    client.get(reverse("planning:responsibilities"))
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("planning:responsibilities"))
    loads = {load.person.pk: load for load in response.context["loads"]}
    assert loads[editor.pk].responsible == 2 and loads[editor.pk].accountable == 6
    assert loads[editor.pk].open_tasks == 2 and loads[editor.pk].hours == 4 and loads[editor.pk].overdue == 2
    more = [UserFactory(roles=["Producer"]) for _ in range(5)]
    _load_tasks(board, people + more, 16)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("planning:responsibilities"))
    assert len(few) == len(many)


def test_person_tasks(client, board, editor):
    _load_tasks(board, [editor], 2)
    client.force_login(editor)
    html = client.get(
        reverse("planning:person-tasks", args=[editor.pk]), {"role": "responsible"}
    ).content.decode()
    assert "t0" in html and "t1" in html


def test_artist_tab(client, board, editor):
    artist = ArtistFactory()
    task = services.task_create(board=board, title="Artist task", by=editor)
    from planning.services.task_links import task_link_add

    task_link_add(task=task, kind="crm.artist", object_id=artist.pk, by=editor)
    event = EventFactory(
        title="Gig",
        starts_at=datetime(2030, 1, 1, 20, tzinfo=UTC),
        ends_at=datetime(2030, 1, 1, 23, tzinfo=UTC),
    )
    event.artists.set([artist])
    client.force_login(editor)
    html = client.get(
        reverse("planning:artist-tasks", args=[artist.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Artist task" in html and "Gig" in html


def test_global_search_finds_visible_tasks(board, editor):
    from dashboard.search import search_all

    services.task_create(board=board, title="Mastering session", by=editor)
    groups = {group.key: group for group in search_all(editor, "master")}
    assert [r.title for r in groups["planning-tasks"].results] == ["Mastering session"]
    outsider = UserFactory()
    assert "planning-tasks" not in {group.key for group in search_all(outsider, "master")}


def test_dashboard_widget(client, board, editor):
    services.task_create(board=board, title="Widget task", by=editor, assignees=[editor])
    client.force_login(editor)
    html = client.get(reverse("dashboard:home")).content.decode()
    assert "Widget task" in html
