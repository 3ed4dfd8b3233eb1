"""The CRM lists in Chromium against the real daphne: filter the artist list, save a shared view that a second
person applies, bulk-tag two rows; screenshots of the four lists on a desktop and a phone."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.crm.lists.data import build
from tests.harness.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LISTS = ["artist", "sponsor", "contact", "deal"]


def test_the_four_lists_fit_a_desktop_and_a_phone(signed_in_page, make_user):
    manager = make_user("Manager", first_name="Léa", last_name="Roussel")
    other = make_user("Manager", first_name="Hugo", last_name="Martin")
    build(managers=[manager, other], owner=manager)
    desktop = signed_in_page(manager)
    phone = signed_in_page(manager, viewport=PHONE)
    for name in LISTS:
        url = reverse(f"crm:{name}-list")
        for page, suffix in ((desktop, "desktop"), (phone, "phone")):
            response = page.goto(url)
            assert response is not None and response.status == 200
            expect(page.locator("#list-table table")).to_be_visible()
            scroll, client = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert scroll <= client, f"{name} ({suffix}): the page is {scroll}px wide on a {client}px screen"
            screenshot(page, f"crm-{name}-list-{suffix}")
    phone.goto(reverse("crm:artist-list"))
    phone.get_by_role("button", name="Filters").click()
    expect(phone.locator("#list-filters.show")).to_be_visible()
    phone.wait_for_timeout(400)  # the slide-in transition
    screenshot(phone, "crm-artist-list-phone-filters", full_page=False)


def test_filter_sort_save_a_shared_view_that_a_viewer_applies_then_bulk_tag(signed_in_page, make_user):
    manager = make_user("Manager", first_name="Léa", last_name="Roussel")
    viewer = make_user("Viewer", first_name="Vic", last_name="Viewer")
    build(managers=[manager], owner=manager)
    page = signed_in_page(manager)
    page.goto(reverse("crm:artist-list"))
    rows = page.locator("#list-table tbody tr")
    expect(rows).to_have_count(8)

    # filter: genre Pop (htmx swaps the table, the URL follows), a chip shows it
    page.select_option("#id_genre", "pop")
    expect(page).to_have_url(re.compile(r"\?genre=pop$"))
    expect(rows).to_have_count(4)
    expect(page.locator(".filter-chip")).to_have_text(re.compile(r"Genre:\s+Pop"))
    # sort by score (first click: highest first)
    page.locator("th.col-score .sort-link").click()
    expect(page.locator("th.col-score")).to_have_attribute("aria-sort", "descending")
    expect(page).to_have_url(re.compile(r"genre=pop&sort=-score"))
    expect(rows.first.locator(".cell-title")).to_have_text("Léa Nova")
    # fewer columns: drop the country
    page.get_by_role("button", name="Columns").click()
    page.locator(".list-columns-menu input[value=country]").uncheck()
    expect(page.locator("th.col-country")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"cols=name%2Cstatus%2Cscore"))
    page.keyboard.press("Escape")
    screenshot(page, "crm-artist-list-filtered")

    # save it as a shared view
    page.get_by_role("button", name="Views").click()
    page.get_by_role("button", name="Save this view…").click()
    page.locator("#saved-view-form input[name=name]").fill("Pop by score")
    page.locator("#saved-view-form input[name=shared]").check()
    screenshot(page, "crm-artist-list-save-view", full_page=False)
    page.locator("#saved-view-form [type=submit]").click()
    expect(page.locator("#list-views-label")).to_have_text("Pop by score")
    expect(page.locator("#toasts")).to_contain_text("View “Pop by score” saved.")
    expect(page).to_have_url(re.compile(r"view=\d+"))

    # a Viewer applies it from the dropdown
    other = signed_in_page(viewer)
    other.goto(reverse("crm:artist-list"))
    other.get_by_role("button", name="Views").click()
    expect(other.locator(".list-views-menu")).to_contain_text("Shared by the team")
    other.locator("[data-saved-view='Pop by score']").click()
    expect(other.locator("#list-views-label")).to_have_text("Pop by score")
    theirs = other.locator("#list-table tbody tr .cell-title")
    expect(theirs).to_have_text(["Léa Nova", "Zaïna", "Marta Sol", "Yuna Park"])
    expect(other.locator("th.col-country")).to_have_count(0)
    expect(other.locator("[data-row-select]")).to_have_count(0)  # read-only: no bulk actions

    # the manager bulk-tags two rows
    page.on("dialog", lambda dialog: dialog.accept())
    boxes = page.locator("[data-row-select]")
    boxes.nth(1).check()
    boxes.nth(2).check()
    expect(page.locator("[data-bulk-count]")).to_have_text("2 selected")
    page.get_by_role("button", name="Add tag").click()
    page.locator("#bulk-tag-name").fill("Festival")
    screenshot(page, "crm-artist-list-bulk", full_page=False)
    page.get_by_role("button", name="Add to selection").click()
    expect(page.locator("#toasts")).to_contain_text("Tag “Festival” added to 2 records.")
    festival = page.locator("#list-table tbody tr", has=page.locator(".tag-chip", has_text="Festival"))
    expect(festival).to_have_count(2)
    expect(page.locator("[data-bulk-form]")).to_be_hidden()  # the table was re-read: selection cleared
    expect(page).to_have_url(re.compile(r"genre=pop&sort=-score"))

    # removing the chip clears the filter in the form too, and the URL follows
    page.locator(".filter-chip", has_text="Pop").click()
    expect(rows).to_have_count(8)
    expect(page.locator("#id_genre")).to_have_value("")
    expect(page.locator(".filter-chip")).to_have_count(0)
    expect(page).not_to_have_url(re.compile(r"genre="))

    # and deletes the view from the dropdown
    page.get_by_role("button", name="Views").click()
    page.get_by_role("button", name="Delete the view “Pop by score”").click()
    expect(page.locator("#toasts")).to_contain_text("View “Pop by score” deleted.")
    page.get_by_role("button", name="Views").click()
    expect(page.locator(".list-views-menu")).to_contain_text("No saved views yet")


def test_the_artist_picker_filters_the_deal_list(signed_in_page, make_user):
    manager = make_user("Manager")
    build(managers=[manager], owner=manager)
    page = signed_in_page(manager)
    page.goto(reverse("crm:deal-list"))
    rows = page.locator("#list-table tbody tr")
    expect(rows).to_have_count(5)

    page.locator("#id_artist").fill("kofi")
    option = page.locator("#id_artist-options [data-lookup-pk]")
    expect(option).to_have_count(1)
    option.click()
    expect(page).to_have_url(re.compile(r"\?artist=\d+$"))
    expect(rows).to_have_count(1)
    expect(page.locator(".filter-chip")).to_contain_text("Kofi Blaze")

    page.locator("#id_artist").fill("")  # clearing the box clears the filter
    expect(rows).to_have_count(5)
