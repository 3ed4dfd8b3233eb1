"""The calendar in Chromium against the real daphne, Redis and PostgreSQL: an event dragged to another day is
saved (still there after a reload) and moves in a second browser without reload (that one in Tokyo: times stay
in the viewer's zone); a repeating event asks "this one or the whole series"; a refused move is undone with a
toast; selecting days opens the event form in a modal and the new event shows; a task opens TASKS' side panel;
phones get the list view. Screenshots: planning-calendar-*.png."""

import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from planning.models import Event, Task
from tests.harness.browser import screenshot
from tests.planning.factories import BoardFactory, EventFactory, TaskFactory

from .conftest import utc

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PHONE = {"width": 390, "height": 844}
JULY = "?view=dayGridMonth&date=2026-07-01"


@pytest.fixture
def open_calendar(signed_in_page):
    """open_calendar(user, query="", **context) -> a Page on the calendar; no page may end with a script error
    or a CSP violation."""
    opened = []

    def _open(user, query: str = "", **kwargs):
        page = signed_in_page(user, **kwargs)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
        )
        page.goto("/planning/calendar/" + query)
        opened.append((page, errors))
        return page

    yield _open
    for page, errors in opened:
        assert errors == [], f"script errors on {page.url}: {errors}"


def ready(page) -> None:
    expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")
    expect(page.locator("#planning-calendar")).to_have_attribute("aria-busy", "false")
    page.evaluate("window.__notReloaded = true")


def item(page, source: str, pk) -> object:
    return page.locator(f'[data-calendar-item="{source}:{pk}"]')


def day(page, date: str):
    return page.locator(f'td.fc-daygrid-day[data-date="{date}"]')


def drag(page, source, target) -> None:
    """Drag ``source`` onto the middle of ``target`` with the mouse, in small steps (FullCalendar listens to the
    real pointer events and waits for a few pixels of movement)."""
    box = source.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 10, box["y"] + box["height"] / 2 + 4, steps=4)
    goal = target.bounding_box()
    page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + goal["height"] / 2, steps=15)
    page.wait_for_timeout(100)
    page.mouse.up()


def wait_for(check, *, timeout: float = 5.0) -> None:
    """Poll ``check()`` (a database read) until it holds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the database never got there")
        time.sleep(0.05)


def season(owner) -> dict:
    """A July of events and tasks, for the drags and the screenshots."""
    tour = BoardFactory(name="Summer tour")
    return {
        "olympia": EventFactory(
            title="Olympia",
            kind=Event.Kind.CONCERT,
            starts_at=utc(2026, 7, 8, 18),
            ends_at=utc(2026, 7, 8, 21),
            venue="Olympia, Paris",
            members=[owner],
        ),
        "shoot": EventFactory(
            title="Clip shoot",
            kind=Event.Kind.SHOOT,
            starts_at=utc(2026, 7, 7, 7),
            ends_at=utc(2026, 7, 7, 15),
        ),
        "release": EventFactory(
            title="EP release",
            kind=Event.Kind.RELEASE,
            all_day=True,
            time_zone="Europe/Paris",
            starts_at=utc(2026, 7, 16, 22),
            ends_at=utc(2026, 7, 17, 22),
        ),
        "live": EventFactory(
            title="Twitch live",
            kind=Event.Kind.LIVE,
            starts_at=utc(2026, 7, 9, 19),
            ends_at=utc(2026, 7, 9, 21),
            status=Event.Status.TENTATIVE,
        ),
        "weekly": EventFactory(
            title="Team meeting",
            kind=Event.Kind.MEETING,
            starts_at=utc(2026, 7, 6, 8),
            ends_at=utc(2026, 7, 6, 9),
            recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=6",
            time_zone="Europe/Paris",
        ),
        "mix": TaskFactory(
            board=tour, title="Mix the EP", start_at=utc(2026, 7, 13, 8), due_at=utc(2026, 7, 15, 16)
        ),
        "press": TaskFactory(board=tour, title="Send the press kit", due_at=utc(2026, 7, 10, 10), priority=3),
        "poster": TaskFactory(board=tour, title="Poster proofs", due_at=utc(2026, 7, 20, 22), all_day=True),
    }


def test_an_event_dragged_to_another_day_is_saved_and_moves_in_a_second_browser(open_calendar, make_user):
    producer = make_user("Producer", first_name="Léa")
    viewer = make_user("Viewer", first_name="Victor")
    items = season(producer)
    olympia = items["olympia"]
    mover = open_calendar(producer, JULY)
    watcher = open_calendar(viewer, JULY, timezone_id="Asia/Tokyo")
    for page in (mover, watcher):
        ready(page)
    on_watcher = item(watcher, "events", olympia.pk)
    expect(day(watcher, "2026-07-08").locator(f'[data-calendar-item="events:{olympia.pk}"]')).to_be_visible()
    expect(on_watcher.locator(".fc-event-time")).to_have_text("20:00")  # Paris time, in a browser in Tokyo
    screenshot(mover, "planning-calendar-month")

    drag(mover, item(mover, "events", olympia.pk), day(mover, "2026-07-10"))

    wait_for(lambda: Event.objects.get(pk=olympia.pk).starts_at == utc(2026, 7, 10, 18))
    assert Event.objects.get(pk=olympia.pk).ends_at == utc(2026, 7, 10, 21)
    expect(day(watcher, "2026-07-10").locator(f'[data-calendar-item="events:{olympia.pk}"]')).to_be_visible()
    expect(day(watcher, "2026-07-08").locator(f'[data-calendar-item="events:{olympia.pk}"]')).to_have_count(0)
    assert watcher.evaluate("window.__notReloaded") is True
    assert mover.evaluate("window.__notReloaded") is True

    mover.reload()
    ready(mover)
    expect(day(mover, "2026-07-10").locator(f'[data-calendar-item="events:{olympia.pk}"]')).to_be_visible()
    expect(item(watcher, "events", olympia.pk).locator(".fc-event-time")).to_have_text("20:00")


def test_a_repeating_event_asks_this_one_or_the_whole_series(open_calendar, make_user):
    producer = make_user("Producer")
    weekly = season(producer)["weekly"]
    page = open_calendar(producer, JULY)
    ready(page)
    second = f"{weekly.pk}@2026-07-13T08:00:00Z"

    drag(page, item(page, "events", second), day(page, "2026-07-14"))
    dialog = page.locator("#calendar-scope")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-calendar-scope-title]")).to_have_text("Team meeting")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(day(page, "2026-07-13").locator(f'[data-calendar-item="events:{second}"]')).to_be_visible()
    assert Event.objects.count() == 5 + 0 and not Event.objects.get(pk=weekly.pk).exdates

    drag(page, item(page, "events", second), day(page, "2026-07-14"))
    expect(dialog).to_be_visible()
    page.wait_for_timeout(300)
    screenshot(page, "planning-calendar-series-dialog", full_page=False)
    dialog.get_by_role("button", name="Only this one").click()

    wait_for(lambda: Event.objects.filter(series_root=weekly).exists())
    detached = Event.objects.get(series_root=weekly)
    assert detached.starts_at == utc(2026, 7, 14, 8) and detached.recurrence == ""
    assert Event.objects.get(pk=weekly.pk).exdates == [utc(2026, 7, 13, 8)]
    expect(day(page, "2026-07-14").locator(f'[data-calendar-item="events:{detached.pk}"]')).to_be_visible()
    expect(day(page, "2026-07-13").locator(f'[data-calendar-item="events:{second}"]')).to_have_count(0)
    expect(
        day(page, "2026-07-20").locator(f'[data-calendar-item="events:{weekly.pk}@2026-07-20T08:00:00Z"]')
    ).to_be_visible()


def test_a_refused_move_is_undone_with_a_message(open_calendar, make_user):
    producer = make_user("Producer")
    items = season(producer)
    page = open_calendar(producer, JULY)
    ready(page)
    Event.objects.filter(pk=items["shoot"].pk).delete()  # behind the page's back

    drag(page, item(page, "events", items["shoot"].pk), day(page, "2026-07-21"))

    expect(page.locator("#toasts .toast", has_text="This item no longer exists.")).to_be_visible()
    expect(item(page, "events", items["shoot"].pk)).to_have_count(0)  # refetched
    assert not Event.objects.filter(title="Clip shoot").exists()


def test_selecting_days_opens_the_event_form_and_the_new_event_shows(open_calendar, make_user):
    producer = make_user("Producer")
    season(producer)
    page = open_calendar(producer, JULY)
    ready(page)

    start = day(page, "2026-07-22").bounding_box()
    end = day(page, "2026-07-23").bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] - 8)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] - 8, steps=10)
    page.mouse.up()

    modal = page.locator("#calendar-modal")
    expect(modal).to_be_visible()
    form = modal.locator("form[data-event-form]")
    expect(form).to_be_visible()
    expect(form.locator('[name="all_day"]')).to_be_checked()
    expect(form.locator('[name="start_date"]')).to_have_value("2026-07-22")
    expect(form.locator('[name="end_date"]')).to_have_value("2026-07-23")
    form.locator('[name="title"]').fill("Press day")
    form.locator('[name="kind"]').select_option("meeting")
    page.wait_for_timeout(300)
    screenshot(page, "planning-calendar-create-modal", full_page=False)
    form.get_by_role("button", name="Create the event").click()

    expect(modal).to_be_hidden()
    created = Event.objects.get(title="Press day")
    assert (
        created.all_day
        and created.starts_at == utc(2026, 7, 21, 22)
        and created.ends_at == utc(2026, 7, 23, 22)
    )
    expect(day(page, "2026-07-22").locator(f'[data-calendar-item="events:{created.pk}"]')).to_be_visible()
    expect(page.locator("#toasts .toast", has_text="Event saved.")).to_be_visible()


def test_a_task_opens_its_side_panel_and_the_week_and_list_views(open_calendar, make_user):
    producer = make_user("Producer")
    items = season(producer)
    page = open_calendar(producer, "?view=timeGridWeek&date=2026-07-13")
    ready(page)
    mix = items["mix"]
    page.wait_for_timeout(200)
    screenshot(page, "planning-calendar-week")

    item(page, "tasks", mix.pk).first.click()

    panel = page.locator("#task-panel")
    expect(panel).to_be_visible()
    expect(panel.locator(f'[data-task-panel="{mix.pk}"]')).to_be_visible()
    expect(panel.locator("[data-task-title]")).to_have_value("Mix the EP")
    assert page.url.endswith("/planning/calendar/?view=timeGridWeek&date=2026-07-13")  # did not leave
    page.wait_for_timeout(300)
    screenshot(page, "planning-calendar-task-panel", full_page=False)
    panel.locator(".btn-close").first.click()
    expect(panel).to_be_hidden()

    page.get_by_role("button", name="List").click()
    expect(page.locator(".fc-list")).to_be_visible()
    expect(page.locator(".fc-list-event-title", has_text="Mix the EP").first).to_be_visible()
    assert "view=listWeek" in page.url
    screenshot(page, "planning-calendar-list")


def test_filters_are_kept_in_the_url_and_narrow_the_calendar(open_calendar, make_user):
    producer = make_user("Producer")
    items = season(producer)
    page = open_calendar(producer, JULY)
    ready(page)

    page.get_by_label("Tasks").uncheck()
    expect(item(page, "tasks", items["press"].pk)).to_have_count(0)
    expect(item(page, "events", items["olympia"].pk)).to_be_visible()
    page.locator("#calendar-kind").select_option("concert")
    expect(item(page, "events", items["shoot"].pk)).to_have_count(0)
    expect(item(page, "events", items["olympia"].pk)).to_be_visible()
    assert "sources=events" in page.url and "kind=concert" in page.url

    page.reload()
    ready(page)
    expect(page.get_by_label("Tasks")).not_to_be_checked()
    expect(item(page, "events", items["shoot"].pk)).to_have_count(0)
    expect(item(page, "events", items["olympia"].pk)).to_be_visible()


def test_phones_get_the_list_of_the_week(open_calendar, make_user):
    producer = make_user("Producer")
    items = season(producer)
    page = open_calendar(producer, "?date=2026-07-06", viewport=PHONE)
    ready(page)

    expect(page.locator(".fc-list")).to_be_visible()
    expect(page.locator(".fc-list-event-title", has_text="Olympia")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "planning-calendar-phone", full_page=False)

    page.locator(".fc-footer-toolbar").get_by_role("button", name="Month").click()
    expect(day(page, "2026-07-08")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "planning-calendar-phone-month", full_page=False)
    assert Task.objects.filter(pk=items["mix"].pk).exists()


def test_a_viewer_sees_a_read_only_calendar(open_calendar, make_user):
    viewer = make_user("Viewer")
    items = season(viewer)
    page = open_calendar(viewer, JULY)
    ready(page)

    expect(item(page, "events", items["olympia"].pk)).to_be_visible()
    expect(page.locator("[data-calendar-new]")).to_have_count(0)
    drag(page, item(page, "events", items["olympia"].pk), day(page, "2026-07-10"))
    page.wait_for_timeout(300)
    assert Event.objects.get(pk=items["olympia"].pk).starts_at == utc(2026, 7, 8, 18)
    expect(
        day(page, "2026-07-08").locator(f'[data-calendar-item="events:{items["olympia"].pk}"]')
    ).to_be_visible()
    assert items["olympia"].starts_at + timedelta(0) == utc(2026, 7, 8, 18)


def test_french_speakers_get_weeks_from_monday_in_french(open_calendar, make_user):
    producer = make_user("Producer", language="fr")
    items = season(producer)
    page = open_calendar(producer, JULY, locale="fr-FR")
    ready(page)

    expect(page.locator(".fc-col-header-cell").first).to_have_text("lun.")
    expect(page.locator(".fc-toolbar-title")).to_have_text("juillet 2026")  # shown "Juillet" (CSS)
    expect(item(page, "events", items["olympia"].pk).locator(".fc-event-time")).to_have_text("20:00")
    screenshot(page, "planning-calendar-month-fr")


def test_the_dashboard_says_what_is_coming_up(signed_in_page, make_user):
    from django.utils import timezone

    producer = make_user("Producer")
    soon = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    EventFactory(
        title="Olympia",
        kind=Event.Kind.CONCERT,
        starts_at=soon,
        ends_at=soon + timedelta(hours=3),
        members=[producer],
    )
    EventFactory(
        title="Clip shoot", kind=Event.Kind.SHOOT, starts_at=soon + timedelta(days=2), members=[producer]
    )
    TaskFactory(title="Send the press kit", due_at=soon + timedelta(hours=5), assignees=[producer])
    page = signed_in_page(producer)
    page.goto("/")

    widget = page.locator("#widget-planning-coming-up")
    expect(widget).to_contain_text("Coming up")
    expect(widget.locator("li a")).to_have_text(["Olympia", "Send the press kit", "Clip shoot"])
    widget.scroll_into_view_if_needed()
    screenshot(page, "planning-calendar-coming-up")


def test_a_double_booking_is_saved_with_a_warning_toast(open_calendar, make_user):
    producer = make_user("Producer")
    lea = make_user("Producer", first_name="Léa", last_name="Martin")
    EventFactory(
        title="Clip shoot",
        kind=Event.Kind.SHOOT,
        starts_at=utc(2026, 7, 21, 7),
        ends_at=utc(2026, 7, 21, 20),
        members=[lea],
    )
    meeting = EventFactory(
        title="Label meeting", starts_at=utc(2026, 7, 14, 9), ends_at=utc(2026, 7, 14, 10), members=[lea]
    )
    page = open_calendar(producer, JULY)
    ready(page)

    drag(page, item(page, "events", meeting.pk), day(page, "2026-07-21"))

    toast = page.locator("#toasts .toast", has_text="Léa Martin is already booked: Clip shoot")
    expect(toast).to_be_visible()
    screenshot(page, "planning-calendar-conflict-toast", full_page=False)  # before it hides itself (6 s)
    wait_for(lambda: Event.objects.get(pk=meeting.pk).starts_at == utc(2026, 7, 21, 9))
    expect(day(page, "2026-07-21").locator(f'[data-calendar-item="events:{meeting.pk}"]')).to_be_visible()
