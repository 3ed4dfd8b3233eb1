"""The record pages in Chromium against the real daphne: a quick-added interaction shows live in a second browser on
the same artist; a deal edited with a French amount; stages reordered in the pipeline settings; screenshots of
every record page (each artist tab) on a desktop and a phone."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from crm.models import Deal, Interaction, Stage
from tests.crm.factories import sponsorship, stage
from tests.crm.records.data import build
from tests.harness.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
ARTIST_TABS = ["profile", "deals", "campaigns", "timeline", "analytics"]


def no_sideways_scroll(page, what: str) -> None:
    scroll, client = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{what}: the page is {scroll}px wide on a {client}px screen"


def open_tab(page, key: str) -> None:
    page.locator(f"#tab-{key}").click()
    pane = page.locator(f"#pane-{key}")
    expect(pane).to_be_visible()
    expect(pane.locator(".record-loading")).to_have_count(0)


def test_quick_add_on_an_artist_shows_live_in_a_second_browser(signed_in_page, make_user):
    manager = make_user("Manager", first_name="Léa", last_name="Roussel")
    viewer = make_user("Viewer", first_name="Hugo", last_name="Martin")
    agency = build(manager=manager, photo=False)
    url = reverse("crm:artist-detail", args=[agency.artist.pk]) + "?tab=timeline"
    writer, reader = signed_in_page(manager), signed_in_page(viewer)
    for page in (writer, reader):
        page.goto(url)
        expect(page.locator("#crm-timeline-list .timeline-entry").first).to_be_visible()
        expect(page.locator("#live-status")).to_have_attribute("data-state", "connected")
    expect(reader.locator("#crm-quick-add")).to_have_count(0)  # a Viewer reads only

    form = writer.locator("#crm-quick-add")
    form.locator("label", has_text="Meeting").click()
    form.locator("textarea[name=summary]").fill("Studio visit: three new demos, one is the next single.")
    form.get_by_role("button", name="Add to the timeline").click()

    first = writer.locator("#crm-timeline-list .timeline-entry").first
    expect(first).to_contain_text("Studio visit: three new demos")
    expect(first).to_contain_text("Meeting")
    expect(writer.locator("#crm-quick-add textarea[name=summary]")).to_have_value("")  # a fresh form
    live = reader.locator("#crm-timeline-list .timeline-entry").first
    expect(live).to_contain_text("Studio visit: three new demos", timeout=5_000)
    expect(live).to_contain_text("by Léa Roussel")
    entry = Interaction.objects.get(summary__startswith="Studio visit")
    assert entry.artist_id == agency.artist.pk and entry.author_id == manager.pk
    expect(writer.locator(f"#interaction-{entry.pk}")).to_have_count(1)  # the live copy does not double it
    screenshot(reader, "crm-artist-timeline-live")


def test_a_quick_add_refused_by_the_server_shows_the_error_in_place(signed_in_page, make_user):
    manager = make_user("Manager")
    agency = build(manager=manager, photo=False)
    page = signed_in_page(manager)
    page.goto(reverse("crm:artist-detail", args=[agency.artist.pk]) + "?tab=timeline")
    form = page.locator("#crm-quick-add")
    form.locator("textarea[name=summary]").fill("Planned far ahead")
    form.locator("input[name=occurred_at]").fill("2099-01-01T10:00")
    form.get_by_role("button", name="Add to the timeline").click()
    expect(page.locator("#crm-quick-add .ms-field-error")).to_contain_text("more than a year ahead")
    expect(page.locator("#crm-quick-add textarea[name=summary]")).to_have_value(
        "Planned far ahead"
    )  # nothing lost
    assert Interaction.objects.filter(artist=agency.artist).count() == 4


def test_edit_a_deal_with_a_french_amount_and_another_stage(signed_in_page, make_user):
    manager = make_user("Manager", language="fr")
    agency = build(manager=manager, photo=False)
    page = signed_in_page(manager)
    page.goto(reverse("crm:deal-edit", args=[agency.deal.pk]))
    page.locator("input[name=value]").fill("12 500,50 €")
    page.locator("select[name=stage]").select_option(str(stage(sponsorship(), "Proposal").pk))
    page.locator("input[name=title]").fill("Lumière — tournée d'été")
    page.locator("form.record-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/crm/deals/{agency.deal.pk}/$"))
    expect(page.locator(".deal-head .record-name")).to_have_text("Lumière — tournée d'été")
    expect(page.locator(".deal-figures")).to_contain_text("12\u202f500,50\u00a0€")
    deal = Deal.objects.get(pk=agency.deal.pk)
    assert str(deal.value) == "12500.50" and deal.stage.name == "Proposal"
    expect(page.locator(".stage-history")).to_contain_text("Negotiation")
    screenshot(page, "crm-deal-detail-after-edit")


def test_pipeline_stage_editor_reorders_by_drag_and_by_arrows(signed_in_page, make_user):
    manager = make_user("Manager")
    pipeline = sponsorship()
    page = signed_in_page(manager)
    page.goto(reverse("crm:pipeline-settings"))
    card = page.locator(f"#pipeline-{pipeline.pk}")
    names = lambda: [s.name for s in Stage.objects.filter(pipeline=pipeline).order_by("position")]  # noqa: E731
    assert names()[:2] == ["Lead", "Qualified"]

    # the arrow: Qualified goes before Lead
    qualified = Stage.objects.get(pipeline=pipeline, name="Qualified")
    card.locator(f"[data-stage-id='{qualified.pk}'] button[value=up]").click()
    expect(card.locator(".stage-row").first).to_have_attribute("data-stage-id", str(qualified.pk))
    assert names()[:2] == ["Qualified", "Lead"]

    # drag Proposal (3rd) onto the first row by its handle
    proposal = Stage.objects.get(pipeline=pipeline, name="Proposal")
    handle = card.locator(f"[data-stage-id='{proposal.pk}'] .stage-handle")
    target = card.locator(".stage-row").first
    box, goal = handle.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] - (box["y"] - goal["y"] + 4) * step / 10)
        page.wait_for_timeout(30)
    page.mouse.up()
    expect(card.locator(".stage-row").first).to_have_attribute(
        "data-stage-id", str(proposal.pk), timeout=5_000
    )
    expect(card.locator(".stage-editor.is-saving")).to_have_count(0)
    assert names()[:3] == ["Proposal", "Qualified", "Lead"]
    screenshot(page, "crm-pipeline-settings")


def test_record_pages_on_a_desktop_and_a_phone(signed_in_page, make_user):
    manager = make_user("Manager", first_name="Léa", last_name="Roussel")
    agency = build(manager=manager)
    desktop = signed_in_page(manager)
    phone = signed_in_page(manager, viewport=PHONE)
    artist_url = reverse("crm:artist-detail", args=[agency.artist.pk])
    for page, suffix in ((desktop, "desktop"), (phone, "phone")):
        page.goto(artist_url)
        expect(page.locator(".record-photo")).to_be_visible()
        for key in ARTIST_TABS:
            open_tab(page, key)
            if key == "analytics":
                expect(page.locator("canvas[data-audience-chart]")).to_be_visible()
                page.wait_for_timeout(300)
            no_sideways_scroll(page, f"artist {key} ({suffix})")
            screenshot(page, f"crm-artist-{key}-{suffix}")
        assert f"tab={ARTIST_TABS[-1]}" in page.url
        open_tab(page, "planning")  # another module's tab (Planning: tasks and events with the artist)
        expect(page.locator("#pane-planning")).to_contain_text("Upcoming events")
        screenshot(page, f"crm-artist-planning-{suffix}")
        for name, url in (
            ("sponsor", reverse("crm:sponsor-detail", args=[agency.sponsor.pk])),
            ("deal", reverse("crm:deal-detail", args=[agency.deal.pk])),
            ("campaign", reverse("crm:campaign-detail", args=[agency.campaign.pk])),
            ("campaign-list", reverse("crm:campaign-list")),
            ("contact", reverse("crm:contact-detail", args=[agency.contact.pk])),
            ("pipeline-settings", reverse("crm:pipeline-settings")),
            ("artist-form", reverse("crm:artist-edit", args=[agency.artist.pk])),
            ("deal-form", reverse("crm:deal-edit", args=[agency.deal.pk])),
            ("campaign-form", reverse("crm:campaign-edit", args=[agency.campaign.pk])),
        ):
            response = page.goto(url)
            assert response is not None and response.status == 200, name
            expect(page.locator(".record-loading:visible")).to_have_count(0)
            no_sideways_scroll(page, f"{name} ({suffix})")
            screenshot(page, f"crm-{name}-{suffix}")
        page.goto(reverse("crm:sponsor-detail", args=[agency.sponsor.pk]) + "?tab=deals")
        expect(page.locator("#pane-deals .record-deals").first).to_be_visible()
        screenshot(page, f"crm-sponsor-deals-{suffix}")
