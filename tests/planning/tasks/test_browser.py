"""The task panel in Chromium against the real daphne, Redis and PostgreSQL: a task opened from the board in the
side panel, its title edited there and the card changing in a second browser; a checklist item added and ticked;
a comment with an @mention that the mentioned person's open page shows as a toast; My tasks; phone layouts.
Screenshots: test-results/screenshots/planning-task-*.png."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from planning.models import BoardMembership, ChecklistItem, Comment, Task
from tests.harness.browser import screenshot
from tests.planning.factories import (
    BoardFactory,
    ChecklistItemFactory,
    LabelFactory,
    MembershipFactory,
    TaskFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 860}


@pytest.fixture
def open_page(signed_in_page):
    """open_page(user, url, **context) -> a Page; no page may end with a script error."""
    opened = []

    def _open(user, url, **kwargs):
        page = signed_in_page(user, **kwargs)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url)
        opened.append((page, errors))
        return page

    yield _open
    for page, errors in opened:
        assert errors == [], f"script errors on {page.url}: {errors}"


def ready(page) -> None:
    expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")


def demo(editor):
    board = BoardFactory(name="Album release")
    MembershipFactory(board=board, user=editor, role=BoardMembership.Role.OWNER)
    columns = {c.name: c for c in board.columns.all()}
    task = TaskFactory(
        board=board,
        column=columns["To do"],
        title="Shoot the teaser",
        description="Storyboard in the **shared drive**.\n\n- wardrobe\n- lights",
        priority=Task.Priority.HIGH,
        due_at=timezone.now() + timedelta(days=2),
        estimate_hours=6,
        responsible=editor,
        accountable=editor,
        assignees=[editor],
        labels=[LabelFactory(name="video"), LabelFactory(name="teaser")],
    )
    ChecklistItemFactory(task=task, text="Book the studio", done=True, position=1)
    ChecklistItemFactory(task=task, text="Hire a make-up artist", position=2)
    TaskFactory(board=board, column=columns["Doing"], title="Mix the single", assignees=[editor])
    return board, columns, task


def board_url(board) -> str:
    return reverse("planning:board", args=[board.pk])


def card(page, task):
    return page.locator(f'[data-card="{task.pk}"]')


def test_edit_the_title_in_the_side_panel_and_the_card_changes_in_another_browser(open_page, make_user):
    editor = make_user("Producer", first_name="Ada", last_name="Lovelace")
    viewer = make_user("Viewer", first_name="Victor")
    board, _columns, task = demo(editor)
    page = open_page(editor, board_url(board), viewport=DESKTOP)
    other = open_page(viewer, board_url(board), viewport=DESKTOP)
    for p in (page, other):
        ready(p)
    other.evaluate("window.__notReloaded = true")

    card(page, task).click()
    panel = page.locator("#task-panel #task-panel-content")
    expect(panel).to_be_visible()
    expect(panel.locator("[data-task-title]")).to_have_value("Shoot the teaser")
    expect(panel.locator(".task-markdown strong")).to_have_text("shared drive")
    page.wait_for_timeout(400)  # the offcanvas transition
    screenshot(page, "planning-task-panel-desktop", full_page=False)

    title = panel.locator("[data-task-title]")
    title.fill("Shoot the teaser (v2)")
    title.press("Tab")
    expect(page.locator("#task-panel-content [data-task-title]")).to_have_value("Shoot the teaser (v2)")
    expect(card(other, task)).to_contain_text("Shoot the teaser (v2)")
    expect(card(page, task)).to_contain_text("Shoot the teaser (v2)")
    assert other.evaluate("window.__notReloaded") is True
    assert Task.objects.get(pk=task.pk).title == "Shoot the teaser (v2)"

    # the panel's sections edit in place on the board page too (its script is the board page's, htmx runs none);
    # first let the title's save come back (its answer re-renders the panel)
    page.wait_for_function("() => !document.querySelector('#task-panel .htmx-request')")
    page.wait_for_timeout(200)
    panel = page.locator("#task-panel #task-panel-content")
    panel.locator('[data-edit-toggle="description"]').click()
    panel.locator('[data-edit-form="description"] textarea').fill("Meet at **gate 3**")
    panel.locator('[data-edit-form="description"]').get_by_role("button", name="Save").click()
    expect(page.locator('#task-panel [data-edit-view="description"] strong')).to_have_text("gate 3")
    assert Task.objects.get(pk=task.pk).description == "Meet at **gate 3**"

    # the viewer opens the same task: read-only
    card(other, task).click()
    expect(other.locator("#task-panel-content h2[data-task-title]")).to_have_text("Shoot the teaser (v2)")
    expect(other.locator("#task-panel-content [data-checklist-new]")).to_have_count(0)


def test_add_and_tick_a_checklist_item_and_edit_the_details(open_page, make_user):
    editor = make_user("Producer", first_name="Ada")
    board, _columns, task = demo(editor)
    page = open_page(editor, reverse("planning:task-detail", args=[task.pk]), viewport=DESKTOP)
    ready(page)
    checklist = page.locator(f"#checklist-task-{task.pk}")
    expect(checklist.locator("[data-checklist-count]")).to_have_text("1 of 2")
    checklist.locator("[data-checklist-new]").fill("Rent a drone")
    checklist.locator("[data-checklist-new]").press("Enter")
    expect(page.locator(f"#checklist-task-{task.pk}")).to_contain_text("Rent a drone")
    expect(page.locator(f"#checklist-task-{task.pk} [data-checklist-count]")).to_have_text("1 of 3")
    assert ChecklistItem.objects.filter(task=task, text="Rent a drone", done=False).exists()
    page.locator(f"#checklist-task-{task.pk}").get_by_role("checkbox", name="Rent a drone").check()
    expect(page.locator(f"#checklist-task-{task.pk} [data-checklist-count]")).to_have_text("2 of 3")

    # details: the start after the due date is refused on the field, nothing typed is lost
    page.locator('[data-edit-toggle="details"]').click()
    form = page.locator('[data-edit-form="details"]')
    expect(form).to_be_visible()
    form.locator('select[name="repeat"]').select_option("weekly")
    expect(form.locator('[name="weekdays"]').first).to_be_visible()
    expect(form.locator('input[name="count"]')).to_be_hidden()
    form.locator('select[name="ends"]').select_option("count")
    expect(form.locator('input[name="count"]')).to_be_visible()
    expect(form.locator('input[name="until"]')).to_be_hidden()
    form.locator('input[name="count"]').fill("4")
    form.locator('input[name="new_labels"]').fill("drone")
    form.locator('input[name="start_date"]').fill("2030-05-20")
    form.locator('input[name="due_date"]').fill("2030-05-10")
    form.get_by_role("button", name="Save").click()
    expect(page.locator('[data-edit-form="details"]')).to_contain_text(
        "The start must be on or before the due date."
    )
    expect(page.locator('[data-edit-form="details"] input[name="new_labels"]')).to_have_value("drone")
    screenshot(page, "planning-task-details-error-desktop")
    page.locator('[data-edit-form="details"] input[name="start_date"]').fill("2030-05-01")
    page.locator('[data-edit-form="details"]').get_by_role("button", name="Save").click()
    expect(page.locator('[data-edit-form="details"]')).to_be_hidden()
    expect(page.locator(".task-facts")).to_contain_text("drone")
    saved = Task.objects.get(pk=task.pk)
    assert (
        saved.recurrence.startswith("FREQ=WEEKLY")
        and saved.recurrence.endswith("COUNT=4")
        and "drone" in {label.name for label in saved.labels.all()}
    )
    screenshot(page, "planning-task-page-desktop")


def test_a_mention_in_a_comment_shows_a_toast_to_the_person_mentioned(open_page, make_user):
    editor = make_user("Producer", first_name="Ada")
    bruno = make_user("Producer", first_name="Bruno", last_name="Mars")
    board, _columns, task = demo(editor)
    page = open_page(editor, reverse("planning:task-detail", args=[task.pk]), viewport=DESKTOP)
    theirs = open_page(bruno, reverse("planning:my-tasks"), viewport=DESKTOP)
    for p in (page, theirs):
        ready(p)
    form = page.locator(".task-comment-form")
    form.locator("textarea").fill("@Bruno can you check the **lights**?")
    form.get_by_role("button", name="Comment").click()
    comment = page.locator("#task-comments .task-comment").last
    expect(comment.locator(".mention")).to_have_text("@Bruno")
    expect(comment.locator(".task-markdown strong")).to_have_text("lights")
    expect(theirs.locator("#toasts .toast")).to_contain_text("mentioned you")
    screenshot(theirs, "planning-task-mention-toast-desktop", full_page=False)
    assert list(Comment.objects.get(task=task).mentions.all()) == [bruno]


def test_my_tasks_groups_and_marks_done(open_page, make_user):
    editor = make_user("Producer", first_name="Ada")
    board, columns, task = demo(editor)
    TaskFactory(
        board=board,
        column=columns["To do"],
        title="Send the press release",
        due_at=timezone.now() - timedelta(days=1),
        assignees=[editor],
    )
    page = open_page(editor, reverse("planning:my-tasks"), viewport=DESKTOP)
    ready(page)
    expect(page.locator(".my-tasks-overdue")).to_contain_text("Send the press release")
    expect(page.locator(".my-tasks-today, .my-tasks-week, .my-tasks-later")).to_contain_text(
        "Shoot the teaser"
    )
    expect(page.locator(".my-tasks-none")).to_contain_text("Mix the single")
    screenshot(page, "planning-task-my-tasks-desktop")
    page.get_by_role("button", name="Mark “Send the press release” done").click()
    expect(page.locator("#my-tasks-list")).not_to_contain_text("Send the press release")
    expect(page.locator("#toasts .toast").last).to_contain_text("Marked done")
    assert Task.objects.get(title="Send the press release").column.is_done


def test_phone_layouts(open_page, make_user):
    editor = make_user("Producer", first_name="Ada")
    board, _columns, task = demo(editor)
    for name, url in (
        ("planning-task-page-phone", reverse("planning:task-detail", args=[task.pk])),
        ("planning-task-my-tasks-phone", reverse("planning:my-tasks")),
        ("planning-task-responsibilities-phone", reverse("planning:responsibilities")),
    ):
        page = open_page(editor, url, viewport=PHONE)
        ready(page)
        scroll, client = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll <= client, f"{url} is {scroll}px wide on a {client}px screen"
        screenshot(page, name)
    page = open_page(editor, board_url(board), viewport=PHONE)
    ready(page)
    card(page, task).click()
    expect(page.locator("#task-panel #task-panel-content")).to_be_visible()
    page.wait_for_timeout(400)
    width = page.locator("#task-panel").evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert width[0] <= width[1]
    screenshot(page, "planning-task-panel-phone", full_page=False)


def test_responsibilities_desktop(open_page, make_user):
    editor = make_user("Producer", first_name="Ada")
    demo(editor)
    page = open_page(editor, reverse("planning:responsibilities"), viewport=DESKTOP)
    expect(page.locator("table.responsibilities")).to_contain_text("Ada")
    screenshot(page, "planning-task-responsibilities-desktop")


def test_the_panel_follows_changes_made_by_someone_else(open_page, make_user):
    editor = make_user("Producer", first_name="Ada")
    viewer = make_user("Viewer", first_name="Victor")
    board, _columns, task = demo(editor)
    url = reverse("planning:task-detail", args=[task.pk])
    page = open_page(editor, url, viewport=DESKTOP)
    other = open_page(viewer, url, viewport=DESKTOP)
    for p in (page, other):
        ready(p)
    other.evaluate("window.__notReloaded = true")
    page.locator('[data-edit-toggle="description"]').click()
    page.locator('[data-edit-form="description"] textarea').fill("New plan: **outdoor** shoot")
    page.locator('[data-edit-form="description"]').get_by_role("button", name="Save").click()
    expect(other.locator('[data-edit-view="description"] strong')).to_have_text("outdoor")
    page.locator(f"#checklist-task-{task.pk} [data-checklist-new]").fill("Check the weather")
    page.locator(f"#checklist-task-{task.pk} [data-checklist-new]").press("Enter")
    expect(other.locator(f"#checklist-task-{task.pk}")).to_contain_text("Check the weather")
    assert other.evaluate("window.__notReloaded") is True
