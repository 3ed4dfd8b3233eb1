"""Scoring and matching in Chromium against the real daphne: the score explanation on the artist page, an Admin
tuning a weight and watching the preview, a match list and a deal created from it. Screenshots on a desktop
and a phone."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from crm.models import Deal, ScoringConfig
from tests.crm.scoring.data import build
from tests.harness.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page, what: str) -> None:
    scroll, client = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{what}: the page is {scroll}px wide on a {client}px screen"


def test_the_score_explanation_shows_on_the_artist_page(signed_in_page, make_user):
    data = build()
    artist = data["artists"]["Nova Lune"]
    artist.refresh_from_db()
    viewer = make_user("Viewer", language="en")

    for viewport, suffix in ((None, "desktop"), (PHONE, "phone")):
        page = signed_in_page(viewer, **({"viewport": viewport} if viewport else {}))
        page.goto(reverse("crm:artist-detail", args=[artist.pk]) + "?tab=score")
        explanation = page.locator("#pane-score #score-explanation")
        expect(explanation).to_be_visible()
        expect(explanation.locator(".score-title")).to_have_text(f"Score {artist.score} out of 100")
        expect(explanation.locator(".score-criterion")).to_have_count(6)
        expect(explanation.locator("[data-criterion=growth] .score-raw")).to_contain_text("over 90 days")
        no_sideways_scroll(page, f"artist score ({suffix})")
        screenshot(page, f"crm-artist-score-{suffix}")

        page.goto(reverse("crm:artist-score", args=[artist.pk]))
        expect(page.locator("#score-explanation .score-title")).to_have_text(
            f"Score {artist.score} out of 100"
        )
        no_sideways_scroll(page, f"score page ({suffix})")
        screenshot(page, f"crm-artist-score-page-{suffix}")


def test_an_admin_tunes_a_weight_sees_the_preview_and_saves(signed_in_page, make_user):
    build()
    admin = make_user("Admin", language="en")
    page = signed_in_page(admin)
    page.goto(reverse("crm:scoring-settings"))
    preview = page.locator("#scoring-preview")
    expect(preview.locator("tbody tr")).to_have_count(5)
    screenshot(page, "crm-scoring-settings-desktop")
    first_row = preview.locator("tbody tr").first
    now = int(first_row.locator("td").nth(1).inner_text())

    # everything on audience: the preview follows, nothing saved yet
    for key in ("growth", "engagement", "completeness", "fit", "recency"):
        page.locator(f"#id_weight_{key}").fill("0")
    page.locator("#id_weight_audience").fill("100")
    expect(page.locator('[data-weight-output="id_weight_audience"]')).to_have_text("100")
    expect(preview.locator('[data-share="audience"] strong')).to_have_text("100 %")
    expect(first_row.locator(".preview-delta")).not_to_have_text("±0")
    assert ScoringConfig.objects.get().weights == {}
    new = int(first_row.locator(".preview-new").inner_text())
    assert new != now
    screenshot(page, "crm-scoring-settings-preview-desktop")

    page.get_by_role("button", name="Save and recompute").click()
    expect(page.locator("#toasts")).to_contain_text("Scoring settings saved")
    assert ScoringConfig.objects.get().weights["audience"] == 100
    expect(page.locator("#id_weight_audience")).to_have_value("100")

    phone = signed_in_page(admin, viewport=PHONE)
    phone.goto(reverse("crm:scoring-settings"))
    expect(phone.locator("#scoring-preview tbody tr")).to_have_count(5)
    no_sideways_scroll(phone, "scoring settings (phone)")
    screenshot(phone, "crm-scoring-settings-phone")


def test_a_manager_creates_a_deal_from_a_match(signed_in_page, make_user):
    data = build()
    sponsor = data["sponsors"]["Urban Wear"]
    manager = make_user("Manager", language="en")
    page = signed_in_page(manager)
    page.goto(reverse("crm:sponsor-matches", args=[sponsor.pk]))
    rows = page.locator(".match-row")
    expect(rows.first.locator(".match-name")).to_have_text("Moussa K")  # hip-hop, France, 18–24, rising fee
    screenshot(page, "crm-sponsor-matches-desktop")

    fizz = data["sponsors"]["Fizz & Co"]
    page.goto(reverse("crm:sponsor-matches", args=[fizz.pk]))
    conflict = page.locator(".match-row", has_text="Kali Sunset")
    expect(conflict.locator(".match-chip.is-danger")).to_contain_text("Brand-safety conflict")
    screenshot(page, "crm-sponsor-matches-conflict-desktop")

    page.goto(reverse("crm:sponsor-matches", args=[sponsor.pk]))
    page.locator(".match-row").first.get_by_role("button", name="Create deal").click()
    page.wait_for_url(re.compile(r"/crm/deals/\d+/"))
    deal = Deal.objects.get()
    assert deal.title == "Urban Wear × Moussa K"
    assert deal.owner == manager
    expect(page.locator("body")).to_contain_text("Urban Wear × Moussa K")

    page.goto(reverse("crm:sponsor-matches", args=[sponsor.pk]))
    expect(page.locator(".match-row").first).to_contain_text("Open deal: Lead")

    phone = signed_in_page(manager, viewport=PHONE)
    for url, name in (
        (reverse("crm:sponsor-matches", args=[fizz.pk]), "crm-sponsor-matches-phone"),
        (reverse("crm:artist-matches", args=[data["artists"]["Nova Lune"].pk]), "crm-artist-matches-phone"),
    ):
        phone.goto(url)
        expect(phone.locator(".match-row").first).to_be_visible()
        no_sideways_scroll(phone, name)
        screenshot(phone, name)
    page.goto(reverse("crm:artist-matches", args=[data["artists"]["Nova Lune"].pk]))
    screenshot(page, "crm-artist-matches-desktop")
