"""The task panel's in-place edits: a checklist item's text, its removal and its place (up/down), for tasks and
events; a comment edited or deleted by its author (mentions re-read, the newly named notified once), refused to
anyone else; viewers read only; the panel's query count does not change with the new controls."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from planning.models import BoardMembership, ChecklistItem, Comment
from planning.services import comments as comment_services
from planning.services import tasks as services
from tests.factories import UserFactory
from tests.planning.factories import ChecklistItemFactory, CommentFactory, EventFactory, MembershipFactory
from tests.planning.tasks.test_browser import open_page  # noqa: F401 (the browser test's fixture)

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def task(board, editor):
    return services.task_create(board=board, title="Shoot the video", by=editor)


@pytest.fixture
def items(task):
    return [ChecklistItemFactory(task=task, text=text, position=i * 1024) for i, text in enumerate("ABC")]


def order(owner) -> list[str]:
    return list(owner.checklist.order_by("position", "pk").values_list("text", flat=True))


def checklist(client, task, data):
    return client.post(reverse("planning:task-checklist", args=[task.pk]), data, **HX)


# --- checklist ----------------------------------------------------------------------------------------------


def test_the_panel_offers_edit_move_and_remove_to_an_editor(client, editor, task, items):
    client.force_login(editor)
    html = client.get(reverse("planning:task-panel", args=[task.pk]), **HX).content.decode()
    first, _, last = items
    assert f'data-edit-toggle="checklist-{first.pk}"' in html
    assert f'data-edit-form="checklist-{first.pk}"' in html
    assert "Move A up" in html and "Move C down" in html and "Remove B" in html
    # the first cannot go up, the last cannot go down
    assert html.count("data-checklist-up disabled") == 1 and html.count("data-checklist-down disabled") == 1


def test_a_viewer_sees_the_checklist_read_only_and_is_refused(client, viewer, task, items):
    client.force_login(viewer)
    html = client.get(reverse("planning:task-panel", args=[task.pk]), **HX).content.decode()
    assert "A" in html and 'data-edit-toggle="checklist-' not in html and "Move A up" not in html
    for data in (
        {"action": "edit", "item": items[0].pk, "text": "hacked"},
        {"action": "delete", "item": items[0].pk},
        {"action": "down", "item": items[0].pk},
    ):
        assert checklist(client, task, data).status_code == 403
    assert order(task) == ["A", "B", "C"]


def test_edit_an_item(client, editor, task, items):
    client.force_login(editor)
    html = checklist(
        client, task, {"action": "edit", "item": items[1].pk, "text": "  Book the bus "}
    ).content.decode()
    assert "Book the bus" in html
    assert order(task) == ["A", "Book the bus", "C"]


def test_edit_an_item_to_nothing_is_refused(client, editor, task, items):
    client.force_login(editor)
    html = checklist(client, task, {"action": "edit", "item": items[1].pk, "text": "  "}).content.decode()
    assert "Write what needs doing." in html
    assert order(task) == ["A", "B", "C"]


def test_delete_an_item(client, editor, task, items):
    client.force_login(editor)
    html = checklist(client, task, {"action": "delete", "item": items[0].pk}).content.decode()
    assert order(task) == ["B", "C"] and "0 of 2" in html


def test_move_up_and_down(client, editor, task, items):
    client.force_login(editor)
    a, b, c = items
    checklist(client, task, {"action": "up", "item": c.pk})
    assert order(task) == ["A", "C", "B"]
    checklist(client, task, {"action": "down", "item": a.pk})
    assert order(task) == ["C", "A", "B"]
    checklist(client, task, {"action": "up", "item": c.pk})  # already first: nothing moves
    checklist(client, task, {"action": "down", "item": b.pk})  # already last
    assert order(task) == ["C", "A", "B"]


def test_reorder_all_at_once(client, editor, task, items):
    client.force_login(editor)
    a, b, c = items
    checklist(client, task, {"action": "reorder", "order": [c.pk, a.pk, b.pk]})
    assert order(task) == ["C", "A", "B"]


def test_moving_an_item_of_another_task_is_refused(client, board, editor, task, items):
    client.force_login(editor)
    other = services.task_create(board=board, title="other", by=editor)
    theirs = ChecklistItem.objects.create(task=other, text="theirs")
    html = checklist(client, task, {"action": "up", "item": theirs.pk}).content.decode()
    assert "no longer exists" in html
    assert order(task) == ["A", "B", "C"]


def test_event_checklist_edit_move_delete(client, editor):
    client.force_login(editor)
    event = EventFactory()
    a, b = (ChecklistItemFactory(event=event, task=None, text=t, position=i) for i, t in enumerate("AB"))
    url = reverse("planning:event-checklist", args=[event.pk])
    html = client.post(url, {"action": "edit", "item": a.pk, "text": "Soundcheck"}, **HX).content.decode()
    assert "Soundcheck" in html and f'data-edit-form="checklist-{a.pk}"' in html
    assert "js/planning-tasks.js" in html  # the event page does not load it itself
    client.post(url, {"action": "down", "item": a.pk}, **HX)
    assert order(event) == ["B", "Soundcheck"]
    client.post(url, {"action": "delete", "item": b.pk}, **HX)
    assert order(event) == ["Soundcheck"]


# --- comments -----------------------------------------------------------------------------------------------


@pytest.fixture
def comment(task, editor):
    return comment_services.comment_add(task=task, body="First draft", by=editor)


def test_the_author_sees_edit_and_delete_others_do_not(client, board, editor, task, comment):
    client.force_login(editor)
    html = client.get(reverse("planning:task-panel", args=[task.pk]), **HX).content.decode()
    assert f'data-edit-form="comment-{comment.pk}"' in html
    assert reverse("planning:comment-edit", args=[comment.pk]) in html
    assert 'data-confirm="Delete this comment?"' in html
    colleague = UserFactory(roles=["Producer"], first_name="Carl")
    MembershipFactory(board=board, user=colleague, role=BoardMembership.Role.EDITOR)
    client.force_login(colleague)
    html = client.get(reverse("planning:task-panel", args=[task.pk]), **HX).content.decode()
    assert "First draft" in html
    assert reverse("planning:comment-edit", args=[comment.pk]) not in html
    assert reverse("planning:comment-delete", args=[comment.pk]) not in html


def test_the_author_edits_a_comment(client, editor, task, comment):
    client.force_login(editor)
    url = reverse("planning:comment-edit", args=[comment.pk])
    html = client.post(url, {"body": "Second **draft**"}, **HX).content.decode()
    comment.refresh_from_db()
    assert comment.body == "Second **draft**" and comment.edited_at is not None
    assert "<strong>draft</strong>" in html and "(edited)" in html


def test_an_empty_edit_keeps_the_form_open_with_the_error(client, editor, task, comment):
    client.force_login(editor)
    html = client.post(
        reverse("planning:comment-edit", args=[comment.pk]), {"body": " "}, **HX
    ).content.decode()
    comment.refresh_from_db()
    assert comment.body == "First draft"
    assert "This field is required." in html
    assert f'data-edit-form="comment-{comment.pk}" hx-post' in html
    form_tag = html.split(f'data-edit-form="comment-{comment.pk}"')[1].split(">")[0]
    assert "hidden" not in form_tag


def test_an_edit_notifies_the_newly_mentioned_once(client, board, editor, task):
    bob = UserFactory(roles=["Producer"], first_name="Bob", email="bob@mona-spark.test")
    cleo = UserFactory(roles=["Producer"], first_name="Cleo", email="cleo@mona-spark.test")
    comment = comment_services.comment_add(task=task, body="@Bob look", by=editor)
    assert Notification.objects.filter(recipient=bob, kind="mention").count() == 1
    client.force_login(editor)
    url = reverse("planning:comment-edit", args=[comment.pk])
    html = client.post(url, {"body": "@Bob and @Cleo look"}, **HX).content.decode()
    assert Notification.objects.filter(recipient=bob, kind="mention").count() == 1
    assert Notification.objects.filter(recipient=cleo, kind="mention").count() == 1
    assert html.count('<span class="mention"') == 2
    client.post(url, {"body": "@Bob and @Cleo look again"}, **HX)
    assert Notification.objects.filter(recipient=cleo, kind="mention").count() == 1
    assert set(Comment.objects.get().mentions.all()) == {bob, cleo}


def test_someone_else_cannot_edit_or_delete_a_comment(client, board, task, comment):
    colleague = UserFactory(roles=["Producer"], first_name="Carl")
    MembershipFactory(board=board, user=colleague, role=BoardMembership.Role.EDITOR)
    client.force_login(colleague)
    response = client.post(reverse("planning:comment-edit", args=[comment.pk]), {"body": "mine now"}, **HX)
    assert response.status_code == 403
    response = client.post(reverse("planning:comment-delete", args=[comment.pk]), **HX)
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body == "First draft"


def test_a_viewer_cannot_edit_a_comment(client, viewer, task, comment):
    client.force_login(viewer)
    response = client.post(reverse("planning:comment-edit", args=[comment.pk]), {"body": "x"}, **HX)
    assert response.status_code == 403


def test_the_author_deletes_a_comment(client, editor, task, comment):
    client.force_login(editor)
    html = client.post(reverse("planning:comment-delete", args=[comment.pk]), **HX).content.decode()
    assert not Comment.objects.exists() and "No comments yet." in html


# --- query counts -------------------------------------------------------------------------------------------


def _count(client, task) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("planning:task-panel", args=[task.pk]), **HX).status_code == 200
    return len(queries)


def test_the_panel_query_count_is_unchanged_by_the_edit_controls(
    client, board, editor, django_assert_num_queries
):
    from tests.planning.tasks.test_views import _PINNED, _fill

    client.force_login(editor)
    task = services.task_create(board=board, title="t", by=editor)
    _fill(task, editor, 3)
    _count(client, task)
    with django_assert_num_queries(_PINNED):
        client.get(reverse("planning:task-panel", args=[task.pk]), **HX)


def test_checklist_writes_answer_in_constant_queries(client, editor, task):
    client.force_login(editor)
    few = [ChecklistItemFactory(task=task, text=f"i{i}", position=i) for i in range(3)]
    checklist(client, task, {"action": "toggle", "item": few[2].pk})  # warm the per-process caches
    with CaptureQueriesContext(connection) as small:
        checklist(client, task, {"action": "down", "item": few[0].pk})
    for i in range(3, 20):
        ChecklistItemFactory(task=task, text=f"i{i}", position=100_000 + i)
    with CaptureQueriesContext(connection) as big:
        checklist(client, task, {"action": "down", "item": few[0].pk})
    assert order(task)[:3] == ["i1", "i2", "i0"]
    assert len(small) == len(big)


# --- in a browser ---------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_edit_move_and_remove_items_and_edit_a_comment_in_the_panel(open_page, make_user):  # noqa: F811
    from playwright.sync_api import expect

    from tests.harness.browser import screenshot
    from tests.planning.tasks.test_browser import DESKTOP, demo, ready

    editor = make_user("Producer", first_name="Ada", last_name="Lovelace")
    board, _columns, task = demo(editor)
    comment = CommentFactory(task=task, author=editor, body="Studio booked for **Tuesday**")
    page = open_page(editor, reverse("planning:task-detail", args=[task.pk]), viewport=DESKTOP)
    ready(page)
    panel = page.locator("#task-panel-content")
    expect(panel).to_be_visible()
    items = panel.locator(".checklist-item")

    # edit an item: pencil → input, Enter saves
    panel.get_by_role("button", name="Edit Hire a make-up artist").click()
    field = panel.locator(f"#checklist-edit-{task.checklist.get(text='Hire a make-up artist').pk}")
    expect(field).to_be_visible()
    expect(field).to_be_focused()
    field.fill("Hire a make-up artist and a stylist")
    field.press("Enter")
    expect(items.nth(1).locator(".checklist-text")).to_have_text("Hire a make-up artist and a stylist")
    assert order(task) == ["Book the studio", "Hire a make-up artist and a stylist"]

    # Escape cancels
    panel.get_by_role("button", name="Edit Book the studio").click()
    page.keyboard.type(" on Monday")
    page.keyboard.press("Escape")
    expect(panel).to_be_visible()
    expect(panel.locator('[data-edit-form^="checklist-"]:visible')).to_have_count(0)
    expect(items.nth(0).locator(".checklist-text")).to_have_text("Book the studio")

    # move up, then remove one
    panel.get_by_role("button", name="Move Hire a make-up artist and a stylist up").click()
    expect(items.nth(0).locator(".checklist-text")).to_have_text("Hire a make-up artist and a stylist")
    assert order(task) == ["Hire a make-up artist and a stylist", "Book the studio"]
    panel.get_by_role("button", name="Remove Book the studio").click()
    expect(items).to_have_count(1)
    expect(panel.locator("[data-checklist-count]")).to_have_text("0 of 1")
    assert order(task) == ["Hire a make-up artist and a stylist"]

    # edit the comment
    panel.locator(f'[data-edit-toggle="comment-{comment.pk}"]').click()
    box = panel.locator(f"#comment-edit-{comment.pk}")
    expect(box).to_have_value("Studio booked for **Tuesday**")
    box.fill("Studio booked for **Wednesday**")
    panel.locator(f'[data-edit-form="comment-{comment.pk}"]').get_by_role("button", name="Save").click()
    shown = panel.locator(f"#comment-{comment.pk}")
    expect(shown.locator(".task-markdown strong")).to_have_text("Wednesday")
    expect(shown.locator(".task-comment-meta")).to_contain_text("(edited)")
    comment.refresh_from_db()
    assert comment.body == "Studio booked for **Wednesday**"

    # the comment's edit form open again, for the screenshot (the checklist's tools above it)
    panel.locator(f'[data-edit-toggle="comment-{comment.pk}"]').click()
    expect(box).to_be_focused()
    panel.locator(f"#checklist-task-{task.pk}").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    screenshot(page, "planning-task-panel-edits-desktop", full_page=False)
