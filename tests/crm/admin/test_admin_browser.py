"""The CRM's back-office pages and its API documentation in a real browser (desktop and phone)."""

import pytest

from tests.crm.factories import (
    ArtistFactory,
    AudienceSnapshotFactory,
    ContactFactory,
    DealFactory,
    SponsorFactory,
)
from tests.harness.browser import in_thread, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 860}
PHONE = {"width": 390, "height": 844}


def _artist_with_a_score():
    from crm.services.scoring import artist_score_recompute

    artist = ArtistFactory(stage_name="Lou Azur", status="signed")
    AudienceSnapshotFactory(artist=artist, platform="spotify", followers=180_000)
    ContactFactory(artist=artist, first_name="Léo", last_name="Booker", role="Booker")
    artist_score_recompute(artist_ids=[artist.pk])
    return artist


def test_artist_admin_shows_the_score_explanation_and_inlines(signed_in_page, make_user):
    admin = make_user("Admin", is_staff=True)
    artist = in_thread(_artist_with_a_score)
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = signed_in_page(admin, viewport=viewport)
        page.goto(f"/admin/crm/artist/{artist.pk}/change/")
        assert page.locator("h1, h2").filter(has_text="Lou Azur").count() or page.title().startswith(
            "Lou Azur"
        )
        table = page.locator(".field-score_explanation table")
        assert table.count() == 1 and table.locator("tbody tr").count() >= 5
        assert page.get_by_text("Booker").count() >= 1
        screenshot(page, f"crm-admin-artist-{name}")


def _deal():
    """A transactional test flushes the migrated pipelines: make one."""
    from crm.services.pipelines import pipeline_create

    pipeline = pipeline_create(by=None, name="Sponsorship", kind="sponsorship")
    stage = pipeline.stages.order_by("position").first()
    return DealFactory(title="Pulse × Lou Azur", stage=stage, sponsor=SponsorFactory(name="Pulse Energy"))


def test_deal_admin_and_history(signed_in_page, make_user):
    admin = make_user("Admin", is_staff=True)
    deal = in_thread(_deal)
    page = signed_in_page(admin, viewport=DESKTOP)
    page.goto(f"/admin/crm/deal/{deal.pk}/change/")
    assert page.locator("#id_title").input_value() == "Pulse × Lou Azur"
    screenshot(page, "crm-admin-deal")
    page.goto(f"/admin/crm/deal/{deal.pk}/history/")
    assert page.locator("#change-history, table").count() >= 1
    screenshot(page, "crm-admin-deal-history")


def test_api_docs_list_the_crm_endpoints(signed_in_page, make_user):
    page = signed_in_page(make_user("Viewer"), viewport=DESKTOP)
    page.goto("/api/docs/")
    move = page.get_by_text("/api/crm/deals/{id}/move/")
    move.first.wait_for(timeout=20_000)
    assert page.get_by_text("/api/crm/artists/").count() >= 1
    move.first.scroll_into_view_if_needed()
    screenshot(page, "crm-api-docs", full_page=False)
