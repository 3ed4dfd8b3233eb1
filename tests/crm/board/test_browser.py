"""The pipeline board in Chromium against the real daphne, Redis and PostgreSQL: a Manager drags a deal to another
stage and a Viewer's open board follows (card and column totals) without reload; the Lost dialog; a move of a
deal someone else deleted gets a clear toast and the board refreshes; the keyboard "Move to…" menu; filters
that keep working with live updates; screenshots on a desktop and a phone."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from core.live import registry
from crm.models import Deal, Interaction, Stage
from crm.services import records
from tests.boards.helpers import stages
from tests.crm.factories import ArtistFactory, DealFactory, SponsorFactory, TagFactory, sponsorship
from tests.harness.browser import in_thread, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("board_db")]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def open_board(signed_in_page):
    """open_board(user, **context) -> a Page on the Sponsorship board; no page may end with a script error."""
    opened = []

    def _open(user, **kwargs):
        page = signed_in_page(user, **kwargs)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(board_url())
        opened.append((page, errors))
        return page

    yield _open
    for page, errors in opened:
        assert errors == [], f"script errors on {page.url}: {errors}"


def board_url() -> str:
    return reverse("crm:pipeline-board", args=[sponsorship().pk])


def board_url_re(query: str):
    return re.compile(re.escape(board_url() + query) + "$")


def column(page, stage):
    return page.locator(f'[data-board-column="{stage.pk}"]')


def card(page, deal):
    return page.locator(f'[data-card="{deal.pk}"]')


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


def demo_board(owner):
    board = stages()
    nike, redbull, deezer = (
        SponsorFactory(name="Nike"),
        SponsorFactory(name="Red Bull"),
        SponsorFactory(name="Deezer"),
    )
    zoe, ali = ArtistFactory(stage_name="Zoé Lune"), ArtistFactory(stage_name="Ali Kané")
    festival = TagFactory(name="festival", color="#d63384")
    priority = TagFactory(name="priority", color="#fd7e14")
    deals = {
        "tour": DealFactory(
            stage=board["Lead"],
            title="Summer tour jingle",
            sponsor=nike,
            value=Decimal("8000"),
            artists=[zoe],
            owner=owner,
        ),
        "clip": DealFactory(
            stage=board["Qualified"],
            title="Clip placement",
            sponsor=deezer,
            value=Decimal("4500"),
            artists=[ali],
            tags=[priority],
        ),
        "fest": DealFactory(
            stage=board["Proposal"],
            title="Festival stage naming",
            sponsor=redbull,
            value=Decimal("30000"),
            artists=[zoe, ali],
            tags=[festival],
            owner=owner,
        ),
        "live": DealFactory(
            stage=board["Proposal"],
            title="Livestream series",
            sponsor=nike,
            value=Decimal("12000"),
            artists=[ali],
        ),
        "merch": DealFactory(
            stage=board["Negotiation"],
            title="Merch capsule",
            sponsor=deezer,
            value=Decimal("20000"),
            artists=[zoe],
            tags=[festival, priority],
            owner=owner,
            probability=80,
        ),
        "won": DealFactory(
            stage=board["Won"], title="Radio campaign", sponsor=redbull, value=Decimal("15000")
        ),
    }
    return board, deals


def test_a_move_in_one_browser_shows_in_another_with_the_new_totals(open_board, make_user):
    manager = make_user("Manager", first_name="Léa", last_name="Martin")
    viewer = make_user("Viewer", first_name="Victor")
    board, deals = demo_board(manager)
    manager_page = open_board(manager)
    viewer_page = open_board(viewer)
    for page in (manager_page, viewer_page):
        ready(page)
    negotiation_total = column(viewer_page, board["Negotiation"]).locator('[data-stat="total"]')
    expect(negotiation_total).to_have_text("€20,000")
    expect(viewer_page.locator("[data-board-move]").first).to_be_hidden()  # read-only: no move menu
    screenshot(manager_page, "crm-board-desktop")

    drag(manager_page, card(manager_page, deals["fest"]), card(manager_page, deals["merch"]), y_offset=0.8)

    # the Viewer's board follows: the card moves, and both columns' headers change
    expect(
        column(viewer_page, board["Negotiation"]).locator(f'[data-card="{deals["fest"].pk}"]')
    ).to_be_visible()
    expect(column(viewer_page, board["Proposal"]).locator("[data-card]")).to_have_count(1)
    expect(negotiation_total).to_have_text("€50,000")
    expect(column(viewer_page, board["Negotiation"]).locator(".board-column-count")).to_have_text("2")
    expect(column(viewer_page, board["Proposal"]).locator('[data-stat="total"]')).to_have_text("€12,000")
    assert viewer_page.evaluate("window.__notReloaded") is True
    assert manager_page.evaluate("window.__notReloaded") is True
    screenshot(viewer_page, "crm-board-viewer-after-live-move")

    moved = Deal.objects.get(pk=deals["fest"].pk)
    assert moved.stage == board["Negotiation"]
    assert Interaction.objects.get(deal=moved).data["to"] == "Negotiation"
    # both screens show the server's order
    server = list(
        Deal.objects.filter(stage=board["Negotiation"])
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )
    assert sorted(server) == sorted([deals["merch"].pk, deals["fest"].pk])
    for page in (manager_page, viewer_page):
        ids = (
            column(page, board["Negotiation"])
            .locator("[data-card]")
            .evaluate_all("els => els.map(e => +e.dataset.card)")
        )
        assert ids == server


def test_lost_asks_why_and_cancel_puts_the_card_back(open_board, make_user):
    manager = make_user("Manager")
    board, deals = demo_board(manager)
    page = open_board(manager)
    ready(page)
    lost = column(page, board["Lost"])

    drag(page, card(page, deals["clip"]), lost.locator("[data-board-cards]"))
    dialog = page.locator("#board-prompt")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".modal-title")).to_have_text("Why was this deal lost?")
    expect(dialog.locator("[data-board-prompt-card]")).to_have_text("Clip placement")
    dialog.get_by_role("button", name="Mark as lost").click()  # empty: refused in the dialog
    expect(dialog.locator(".invalid-feedback")).to_be_visible()
    page.wait_for_timeout(300)
    screenshot(page, "crm-board-lost-dialog", full_page=False)
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(column(page, board["Qualified"]).locator(f'[data-card="{deals["clip"].pk}"]')).to_be_visible()
    assert Deal.objects.get(pk=deals["clip"].pk).stage == board["Qualified"]

    drag(page, card(page, deals["clip"]), lost.locator("[data-board-cards]"))
    expect(dialog).to_be_visible()
    dialog.locator("textarea").fill("Budget moved to TV")
    dialog.get_by_role("button", name="Mark as lost").click()
    expect(lost.locator(f'[data-card="{deals["clip"].pk}"]')).to_contain_text("Budget moved to TV")
    expect(lost.locator(".board-column-count")).to_have_text("1")
    deal = Deal.objects.get(pk=deals["clip"].pk)
    assert (
        deal.stage == board["Lost"]
        and deal.lost_reason == "Budget moved to TV"
        and deal.closed_at is not None
    )


def test_moving_a_deal_someone_else_deleted_gets_a_clear_message_and_a_fresh_board(open_board, make_user):
    manager = make_user("Manager")
    board, deals = demo_board(manager)
    page = open_board(manager)
    ready(page)
    Deal.objects.filter(pk=deals["live"].pk).delete()  # behind the page's back: no live message

    drag(page, card(page, deals["live"]), column(page, board["Won"]).locator("[data-board-cards]"))

    toast = page.locator("#toasts .toast", has_text="This deal was deleted by someone else")
    expect(toast).to_be_visible()
    expect(card(page, deals["live"])).to_have_count(0)  # the board was fetched again
    expect(column(page, board["Won"]).locator("[data-card]")).to_have_count(1)
    screenshot(page, "crm-board-stale-toast", full_page=False)


def test_the_move_menu_works_from_the_keyboard_and_other_edits_arrive_live(open_board, make_user):
    manager = make_user("Manager")
    board, deals = demo_board(manager)
    page = open_board(manager)
    ready(page)

    button = card(page, deals["tour"]).locator("[data-board-move]")
    button.focus()
    page.keyboard.press("Enter")
    menu = page.locator(".board-move-menu")
    expect(menu).to_be_visible()
    screenshot(page, "crm-board-move-menu", full_page=False)
    menu.get_by_role("menuitem", name="Proposal").click()
    expect(column(page, board["Proposal"]).locator("[data-card]").first).to_have_attribute(
        "data-card", str(deals["tour"].pk)
    )
    expect(menu).to_have_count(0)
    page.wait_for_function(f"() => !document.querySelector('[data-card=\"{deals['tour'].pk}\"].is-saving')")
    assert Deal.objects.get(pk=deals["tour"].pk).stage == board["Proposal"]

    # someone edits a value and creates a deal elsewhere: the totals and the new card arrive
    in_thread(
        records.deal_update, deal=Deal.objects.get(pk=deals["live"].pk), by=manager, value=Decimal("2000")
    )
    expect(column(page, board["Proposal"]).locator('[data-stat="total"]')).to_have_text("€40,000")
    in_thread(
        records.deal_create,
        by=manager,
        pipeline=sponsorship(),
        title="Podcast sponsoring",
        value=Decimal("900"),
    )
    expect(column(page, board["Lead"]).locator("[data-card]", has_text="Podcast sponsoring")).to_be_visible()
    assert page.evaluate("window.__notReloaded") is True


def test_filters_keep_working_with_live_updates(open_board, make_user):
    manager = make_user("Manager", first_name="Léa")
    viewer = make_user("Viewer")
    board, deals = demo_board(manager)
    festival = deals["fest"].tags.get()
    page = open_board(viewer)
    page.select_option("select[name=tag]", str(festival.pk))
    expect(page).to_have_url(board_url_re(f"?tag={festival.pk}"))  # empty fields stay out of the URL
    expect(page.locator("[data-card]")).to_have_count(2)
    ready(page)
    proposal_total = column(page, board["Proposal"]).locator('[data-stat="total"]')
    expect(proposal_total).to_have_text("€30,000")  # only the matching deal counts

    # a matching deal moves: it moves here too; a deal that does not match moves: it stays hidden
    in_thread(records.deal_update, deal=Deal.objects.get(pk=deals["fest"].pk), by=manager, stage=board["Won"])
    expect(column(page, board["Won"]).locator(f'[data-card="{deals["fest"].pk}"]')).to_be_visible()
    in_thread(records.deal_update, deal=Deal.objects.get(pk=deals["clip"].pk), by=manager, stage=board["Won"])
    expect(column(page, board["Won"]).locator(".board-column-count")).to_have_text("1")
    expect(card(page, deals["clip"])).to_have_count(0)
    expect(proposal_total).to_have_text("€0")
    # an edit makes a deal match: it appears
    in_thread(records.deal_update, deal=Deal.objects.get(pk=deals["tour"].pk), by=manager, tags=[festival])
    expect(card(page, deals["tour"])).to_be_visible()
    expect(page.locator("[data-card]")).to_have_count(3)
    expect(column(page, board["Lead"]).locator(".board-column-count")).to_have_text("1")
    expect(column(page, board["Lead"]).locator('[data-stat="total"]')).to_have_text("€8,000")
    screenshot(page, "crm-board-filtered")


def test_the_board_fits_a_phone(open_board, make_user):
    manager = make_user("Manager")
    demo_board(manager)
    for deal in range(8):
        DealFactory(stage=stages()["Lead"], title=f"Prospect {deal + 1}", sponsor=SponsorFactory())
    page = open_board(manager, viewport=PHONE)
    expect(page.locator("[data-board]")).to_be_visible()
    scroll, client = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"the page is {scroll}px wide on a {client}px screen"
    inner = page.locator(".board-columns").evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert inner[0] > inner[1]  # the columns scroll sideways inside the board
    screenshot(page, "crm-board-phone")
    screenshot(page, "crm-board-phone-viewport", full_page=False)
    page.get_by_role("button", name="Filters").click()
    expect(page.locator("select[name=owner]")).to_be_visible()
    page.wait_for_timeout(400)  # the collapse transition
    screenshot(page, "crm-board-phone-filters", full_page=False)


def test_a_page_that_missed_live_messages_catches_up_when_its_socket_rejoins(open_board, make_user):
    viewer = make_user("Viewer")
    board, deals = demo_board(None)
    page = open_board(viewer)
    ready(page)
    # changed while this page's socket was away: no live message reached it
    Deal.objects.filter(pk=deals["clip"].pk).update(stage=board["Won"])
    Stage.objects.filter(pk__in=[board["Qualified"].pk, board["Won"].pk]).update(version=5)

    # what the live socket sends when it (re)joins the board's group
    (frame,) = registry.resync_html(viewer, [f"board.crm.pipeline.{sponsorship().pk}"])
    page.evaluate(
        "(frame) => document.dispatchEvent(new CustomEvent('ms:live', {detail: JSON.parse(frame)}))", frame
    )

    expect(column(page, board["Won"]).locator(f'[data-card="{deals["clip"].pk}"]')).to_be_visible()
    expect(column(page, board["Qualified"]).locator(".board-column-count")).to_have_text("0")
    expect(column(page, board["Won"])).to_have_attribute("data-version", "5")
    assert page.evaluate("window.__notReloaded") is True  # the board was fetched again, not the page
