"""The Kanban in Chromium against the real daphne, Redis and PostgreSQL: a drag in one browser shows in another;
a drag into a full column on a refusing board goes back with the WIP message; quick-add appears live everywhere;
swimlanes render and a drag inside a lane works; a card opens the task side panel (and ?task= deep links);
the board on a phone. Screenshots planning-board-*.png."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from planning.models import Board, Column, Task
from tests.harness.browser import screenshot
from tests.planning.factories import BoardFactory, LabelFactory, TaskFactory

from .conftest import columns

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 860}


@pytest.fixture
def open_board(signed_in_page):
    """open_board(user, board, query="", **context) -> a Page on the board; no page may end with a script error."""
    opened = []

    def _open(user, board, query: str = "", **kwargs):
        kwargs.setdefault("viewport", DESKTOP)
        page = signed_in_page(user, **kwargs)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(reverse("planning:board", args=[board.pk]) + query)
        opened.append((page, errors))
        return page

    yield _open
    for page, errors in opened:
        assert errors == [], f"script errors on {page.url}: {errors}"


def column(page, col):
    return page.locator(f'[data-board-column="{col.pk}"]')


def cell(page, col, lane=None):
    if lane is None:
        return page.locator(f'[data-board-column="{col.pk}"] [data-board-cards]')
    return page.locator(f'[data-board-cards][data-column="{col.pk}"][data-lane="{lane}"]')


def card(page, task):
    return page.locator(f'[data-card="{task.pk}"]')


def drag(page, source, target, *, y_offset: float = 0.5) -> None:
    """Drag ``source`` onto ``target`` with the mouse, in small steps (SortableJS listens to the real events)."""
    source.scroll_into_view_if_needed()
    box = source.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 12)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 8, box["y"] + 20, steps=4)
    target.scroll_into_view_if_needed()
    goal = target.bounding_box()
    page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + goal["height"] * y_offset, steps=20)
    page.wait_for_timeout(150)
    page.mouse.up()


def ready(page) -> None:
    expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")
    page.evaluate("window.__notReloaded = true")


def demo(owner, other, **board_fields):
    board = BoardFactory(name="Season launch", **board_fields)
    cols = columns(board)
    video = LabelFactory(name="video", color="#d63384")
    press = LabelFactory(name="press", color="#0d6efd")
    tasks = {
        "teaser": TaskFactory(
            board=board,
            column=cols["To do"],
            title="Cut the teaser",
            priority=Task.Priority.HIGH,
            assignees=[owner],
            labels=[video],
        ),
        "press": TaskFactory(
            board=board,
            column=cols["To do"],
            title="Write the press release",
            assignees=[other],
            labels=[press],
        ),
        "studio": TaskFactory(
            board=board, column=cols["Doing"], title="Book the studio", priority=Task.Priority.URGENT
        ),
        "cover": TaskFactory(board=board, column=cols["Done"], title="Cover art", assignees=[owner, other]),
    }
    return board, cols, tasks


def test_a_drag_in_one_browser_shows_in_another(open_board, make_user):
    producer = make_user("Producer", first_name="Léa", last_name="Martin")
    viewer = make_user("Viewer", first_name="Victor", last_name="Hugo")
    board, cols, tasks = demo(producer, viewer)
    mover = open_board(producer, board)
    watcher = open_board(viewer, board)
    for page in (mover, watcher):
        ready(page)
    expect(watcher.locator("[data-board-move]").first).to_be_hidden()  # a viewer: read only
    expect(watcher.locator("[data-quick-add]")).to_have_count(0)
    screenshot(mover, "planning-board-desktop")

    drag(mover, card(mover, tasks["teaser"]), cell(mover, cols["Doing"]), y_offset=0.9)

    expect(cell(watcher, cols["Doing"]).locator(f'[data-card="{tasks["teaser"].pk}"]')).to_be_visible()
    expect(cell(watcher, cols["To do"]).locator("[data-card]")).to_have_count(1)
    expect(column(watcher, cols["Doing"]).locator(".board-column-count")).to_have_text("2")
    assert watcher.evaluate("window.__notReloaded") is True
    assert Task.objects.get(pk=tasks["teaser"].pk).column == cols["Doing"]
    expect(mover.locator("#task-panel")).to_be_hidden()  # the end of a drag is not a click on the card
    server = list(
        Task.objects.filter(column=cols["Doing"]).order_by("position", "pk").values_list("pk", flat=True)
    )
    for page in (mover, watcher):
        ids = (
            cell(page, cols["Doing"])
            .locator("[data-card]")
            .evaluate_all("els => els.map(e => +e.dataset.card)")
        )
        assert ids == server


def test_a_drag_into_a_full_column_goes_back_with_the_wip_message(open_board, make_user):
    producer = make_user("Producer")
    board, cols, tasks = demo(producer, producer)
    Board.objects.filter(pk=board.pk).update(wip_policy=Board.WipPolicy.REFUSE)
    cols["Doing"].wip_limit = 1
    cols["Doing"].save()
    page = open_board(producer, board)
    ready(page)
    expect(column(page, cols["Doing"]).locator(".board-column-wip")).to_have_text("1/1")

    drag(page, card(page, tasks["press"]), cell(page, cols["Doing"]), y_offset=0.9)

    toast = page.locator("#toasts .toast", has_text="“Doing” is full (1/1)")
    expect(toast).to_be_visible()
    expect(cell(page, cols["To do"]).locator(f'[data-card="{tasks["press"].pk}"]')).to_be_visible()
    expect(cell(page, cols["Doing"]).locator("[data-card]")).to_have_count(1)
    assert Task.objects.get(pk=tasks["press"].pk).column == cols["To do"]
    screenshot(page, "planning-board-wip-refused", full_page=False)


def test_quick_add_appears_live_for_everybody(open_board, make_user):
    producer = make_user("Producer")
    manager = make_user("Manager")
    board, cols, _tasks = demo(producer, manager)
    adder = open_board(producer, board)
    other = open_board(manager, board)
    for page in (adder, other):
        ready(page)
    field = column(adder, cols["Doing"]).locator("[data-quick-add] input[name=title]")
    field.fill("Call the venue")
    field.press("Enter")
    for page in (adder, other):
        first = cell(page, cols["Doing"]).locator("[data-card]").first
        expect(first).to_contain_text("Call the venue")
    expect(column(adder, cols["Doing"]).locator("[data-quick-add] input[name=title]")).to_have_value("")
    assert Task.objects.filter(column=cols["Doing"], title="Call the venue").exists()
    assert other.evaluate("window.__notReloaded") is True


def test_swimlanes_render_and_a_drag_within_a_lane_works(open_board, make_user):
    producer = make_user("Producer", first_name="Ana", last_name="Bell")
    other = make_user("Producer", first_name="Zoé", last_name="Lune")
    board, cols, tasks = demo(producer, other)
    page = open_board(producer, board, "?lanes=assignee")
    watcher = open_board(other, board, "?lanes=assignee")
    for p in (page, watcher):
        ready(p)
    lanes = page.locator(".board-lane").evaluate_all("els => els.map(e => e.dataset.lane)")
    assert lanes == [str(producer.pk), str(other.pk), "none"]
    # "Cover art" has two assignees: it sits in its first assignee's lane only
    expect(
        cell(page, cols["Done"], producer.pk).locator(f'[data-card="{tasks["cover"].pk}"]')
    ).to_be_visible()
    expect(card(page, tasks["cover"])).to_have_count(1)
    screenshot(page, "planning-board-swimlanes")

    drag(page, card(page, tasks["teaser"]), cell(page, cols["Doing"], producer.pk), y_offset=0.5)

    expect(
        cell(watcher, cols["Doing"], producer.pk).locator(f'[data-card="{tasks["teaser"].pk}"]')
    ).to_be_visible()
    expect(
        cell(page, cols["Doing"], producer.pk).locator(f'[data-card="{tasks["teaser"].pk}"]')
    ).to_be_visible()
    assert Task.objects.get(pk=tasks["teaser"].pk).column == cols["Doing"]
    assert watcher.evaluate("window.__notReloaded") is True


def test_a_card_opens_the_task_panel_and_a_deep_link_too(open_board, make_user):
    producer = make_user("Producer")
    board, _cols, tasks = demo(producer, producer)
    page = open_board(producer, board)
    ready(page)
    panel_url = reverse("planning:task-panel", args=[tasks["studio"].pk])
    with page.expect_response(lambda response: response.url.endswith(panel_url)) as answer:
        card(page, tasks["studio"]).locator(".task-card-title").click()
    assert answer.value.status == 200
    panel = page.locator("#task-panel")
    expect(panel).to_be_visible()
    body = panel.locator("#task-panel-body")
    expect(body).not_to_be_empty()
    page.wait_for_function(
        "() => document.querySelector('#task-panel-body').innerHTML.includes('Book the studio')"
    )
    assert f"task={tasks['studio'].pk}" in page.url
    assert page.evaluate("window.__notReloaded") is True  # no navigation
    screenshot(page, "planning-board-task-panel", full_page=False)
    panel.locator(".offcanvas-header .btn-close").click()
    expect(panel).to_be_hidden()
    assert "task=" not in page.url

    deep = open_board(producer, board, f"?task={tasks['teaser'].pk}")
    expect(deep.locator("#task-panel")).to_be_visible()
    deep.wait_for_function(
        "() => document.querySelector('#task-panel-body').innerHTML.includes('Cut the teaser')"
    )


def test_the_board_fits_a_phone(open_board, make_user):
    producer = make_user("Producer")
    board, cols, _tasks = demo(producer, producer)
    for index in range(6):
        TaskFactory(board=board, column=cols["To do"], title=f"Idea {index + 1}")
    page = open_board(producer, board, viewport=PHONE)
    expect(page.locator("[data-board]")).to_be_visible()
    scroll, client = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"the page is {scroll}px wide on a {client}px screen"
    inner = page.locator(".board-columns").evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert inner[0] > inner[1]  # the columns scroll sideways inside the board
    expect(page.locator("select[name=assignee]")).to_be_hidden()  # the filters are folded
    screenshot(page, "planning-board-phone", full_page=False)
    page.get_by_role("button", name="Filters").click()
    expect(page.locator("select[name=assignee]")).to_be_visible()
    page.wait_for_timeout(400)  # the collapse transition
    screenshot(page, "planning-board-phone-filters", full_page=False)

    lanes = open_board(producer, board, "?lanes=priority", viewport=PHONE)
    expect(lanes.locator(".board-lane")).to_have_count(4)
    scroll, client = lanes.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client
    screenshot(lanes, "planning-board-phone-swimlanes", full_page=False)


def test_the_index_and_settings_pages(open_board, signed_in_page, make_user):
    producer = make_user("Producer")
    board, _cols, _tasks = demo(producer, producer)
    from planning.models import BoardMembership

    BoardMembership.objects.create(board=board, user=producer, role="owner")
    BoardFactory(name="Tour 2027", description="Dates, venues and travel.")
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = signed_in_page(producer, viewport=viewport)
        page.goto(reverse("planning:home"))
        expect(page.locator(".board-index-card")).to_have_count(2)
        scroll, client = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll <= client
        screenshot(page, f"planning-board-index-{name}")
        page.goto(reverse("planning:board-settings", args=[board.pk]))
        expect(page.locator(".column-editor-row")).to_have_count(3)
        scroll, client = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll <= client
        screenshot(page, f"planning-board-settings-{name}")


def test_a_drag_into_a_column_deleted_meanwhile_gets_a_clear_toast_and_a_fresh_board(open_board, make_user):
    producer = make_user("Producer")
    board, cols, tasks = demo(producer, producer)
    page = open_board(producer, board)
    ready(page)
    # the socket's resync frame follows the connection by a few ms: let it pass first, or it sees the deleted
    # column and (rightly) fetches the board again before the drag
    page.wait_for_timeout(500)
    Column.objects.filter(pk=cols["Doing"].pk).update(name="Doing (old)")  # behind the page's back
    Task.objects.filter(column=cols["Doing"]).update(column=cols["Done"])
    Column.objects.filter(pk=cols["Doing"].pk).delete()  # no live message reaches the page

    drag(page, card(page, tasks["teaser"]), cell(page, cols["Doing"]), y_offset=0.9)

    expect(page.locator("#toasts .toast", has_text="This column is gone")).to_be_visible()
    expect(column(page, cols["Doing"])).to_have_count(0)  # the board was fetched again
    expect(cell(page, cols["To do"]).locator(f'[data-card="{tasks["teaser"].pk}"]')).to_be_visible()
    assert Task.objects.get(pk=tasks["teaser"].pk).column == cols["To do"]
