"""Event pages in Chromium against the real daphne: a weekly event made with the recurrence builder, its page;
a double booking warned about and saved anyway; the phone layout (no sideways scrolling)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from planning.models import Event
from tests.crm.factories import ArtistFactory
from tests.harness.browser import screenshot
from tests.planning.factories import EventFactory

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
PARIS = ZoneInfo("Europe/Paris")
YEAR = datetime.now(UTC).year + 1


@pytest.fixture
def open_page(signed_in_page):
    """open_page(user, path, **context) -> a Page; no page may end with a script error."""
    opened = []

    def _open(user, path, **kwargs):
        page = signed_in_page(user, **kwargs)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(path)
        opened.append((page, errors))
        return page

    yield _open
    for page, errors in opened:
        assert errors == [], f"script errors on {page.url}: {errors}"


def no_sideways_scroll(page) -> None:
    scroll, client = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"the page scrolls sideways on a phone ({scroll} > {client})"


def test_create_a_weekly_event_with_the_builder(open_page, make_user):
    manager = make_user("Manager", time_zone="Europe/Paris")
    page = open_page(manager, reverse("planning:event-create"))
    page.get_by_label("Title").fill("Band rehearsal")
    page.get_by_label("Type").select_option("meeting")
    page.get_by_label("Start date").fill(f"{YEAR}-03-01")
    page.get_by_label("Start time").fill("20:00")
    page.get_by_label("End date").fill(f"{YEAR}-03-01")
    page.get_by_label("End time").fill("22:00")
    weekdays = page.locator(".event-weekdays")
    expect(weekdays).to_be_hidden()
    page.get_by_label("Repeats").select_option("weekly")
    expect(weekdays).to_be_visible()
    weekdays.get_by_label("Mon").check()
    weekdays.get_by_label("Thu").check()
    page.get_by_label("Ends").select_option("count")
    page.get_by_label("Times").fill("10")
    expect(page.get_by_label("RRULE")).to_be_hidden()
    page.get_by_label("Venue").fill("Studio B")
    screenshot(page, "planning-event-form-desktop")
    page.get_by_role("button", name="Create the event").click()
    expect(page.get_by_test_id("event-repeats")).to_contain_text(
        "Every week on Monday and Thursday, 10 times"
    )
    event = Event.objects.get(title="Band rehearsal")
    assert event.recurrence == "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=10"
    assert event.starts_at == datetime(YEAR, 3, 1, 20, tzinfo=PARIS)
    expect(page.get_by_test_id("event-when")).to_contain_text("20:00")
    screenshot(page, "planning-event-detail-desktop")


def test_a_malformed_rule_is_explained_and_the_input_kept(open_page, make_user):
    manager = make_user("Manager", time_zone="Europe/Paris")
    page = open_page(manager, reverse("planning:event-create"))
    page.get_by_label("Title").fill("Odd one")
    page.get_by_label("Start date").fill(f"{YEAR}-04-01")
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("End time").fill("09:00")
    page.get_by_label("Repeats").select_option("custom")
    page.get_by_label("RRULE").fill("FREQ=HOURLY")
    page.get_by_role("button", name="Create the event").click()
    expect(page.locator(".ms-field-error").first).to_be_visible()
    expect(page.get_by_text("The end is before the start.")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Odd one")
    expect(page.get_by_label("RRULE")).to_have_value("FREQ=HOURLY")
    assert not Event.objects.exists()


def test_double_booking_is_warned_and_can_be_saved_anyway(open_page, make_user):
    manager = make_user("Manager", time_zone="Europe/Paris")
    singer = ArtistFactory(stage_name="Lina Nova")
    start = datetime(YEAR, 5, 12, 20, tzinfo=PARIS)
    EventFactory(
        title="Olympia concert",
        kind=Event.Kind.CONCERT,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        artists=[singer],
        members=[manager],
    )
    shoot = EventFactory(
        title="Clip shoot",
        kind=Event.Kind.SHOOT,
        starts_at=start - timedelta(days=1),
        ends_at=start - timedelta(days=1) + timedelta(hours=4),
        artists=[singer],
        time_zone="Europe/Paris",
    )
    page = open_page(manager, reverse("planning:event-edit", args=[shoot.pk]))
    page.get_by_label("Start date").fill(f"{YEAR}-05-12")
    page.get_by_label("End date").fill(f"{YEAR}-05-12")
    page.get_by_label("Start time").fill("18:00")
    page.get_by_label("End time").fill("21:00")
    page.get_by_role("button", name="Save changes").click()
    warning = page.get_by_test_id("form-conflicts")
    expect(warning).to_contain_text("Lina Nova")
    expect(warning).to_contain_text("Olympia concert")
    shoot.refresh_from_db()
    assert shoot.starts_at.astimezone(PARIS).day == 11  # not saved yet
    screenshot(page, "planning-event-conflict-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "planning-event-conflict-phone")
    no_sideways_scroll(page)
    page.get_by_role("button", name="Save anyway").click()
    expect(page.get_by_test_id("event-conflicts")).to_contain_text("Olympia concert")
    shoot.refresh_from_db()
    assert shoot.starts_at == datetime(YEAR, 5, 12, 18, tzinfo=PARIS)


def test_phone_layout_of_the_event_pages(open_page, make_user):
    manager = make_user("Manager", time_zone="Europe/Paris")
    singer = ArtistFactory(stage_name="Lina Nova")
    event = EventFactory(
        title="A rather long event title for a release party at the Olympia",
        kind=Event.Kind.RELEASE,
        venue="Olympia",
        location="28 boulevard des Capucines, 75009 Paris",
        notes="## Plan\n\n- **Doors** at 19:00\n- [Tickets](https://example.com/tickets)",
        recurrence="FREQ=MONTHLY;BYDAY=1FR;COUNT=6",
        artists=[singer],
        members=[manager],
    )
    for index in range(3):
        EventFactory(title=f"Meeting {index}", venue="Office")
    for name, path in [
        ("detail", reverse("planning:event-detail", args=[event.pk])),
        ("form", reverse("planning:event-edit", args=[event.pk])),
        ("list", reverse("planning:event-list")),
        ("ical", reverse("planning:ical-settings")),
    ]:
        page = open_page(manager, path, viewport=PHONE)
        expect(page.locator("main")).to_be_visible()
        no_sideways_scroll(page)
        screenshot(page, f"planning-event-{name}-phone")
    desktop = open_page(manager, reverse("planning:event-list"))
    screenshot(desktop, "planning-event-list-desktop")
    desktop.goto(reverse("planning:ical-settings"))
    expect(desktop.locator("#ical-url")).to_have_value(desktop.locator("#ical-url").input_value())
    screenshot(desktop, "planning-event-ical-desktop")
