from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from crm.models import Campaign, Contact, Sponsor
from tests.crm.api.conftest import error_of
from tests.crm.factories import (
    ArtistFactory,
    CampaignFactory,
    ContactFactory,
    DealFactory,
    GenreFactory,
    SponsorFactory,
)

pytestmark = pytest.mark.django_db


# --- sponsors -----------------------------------------------------------------------------------------------------


def test_sponsor_list_filters_and_detail_with_contacts(viewer):
    pulse = SponsorFactory(name="Pulse Énergie", industry="Beverages", budget_min=10_000, budget_max=50_000)
    SponsorFactory(name="Banque Azur", industry="Banking", budget_min=100_000, budget_max=400_000)
    ContactFactory(sponsor=pulse, first_name="Anne", last_name="Morel", role="Brand manager")

    def names(**params):
        return sorted(
            r["name"] for r in viewer.get(reverse("crm-api:sponsor-list"), params).json()["results"]
        )

    assert names(q="energie") == ["Pulse Énergie"]
    assert names(industry="Banking") == ["Banque Azur"]
    assert names(budget_min=200_000) == ["Banque Azur"]
    body = viewer.get(reverse("crm-api:sponsor-detail", args=[pulse.pk])).json()
    assert body["budget_min"] == "10000.00"
    assert body["contacts"] == [
        {
            "id": pulse.contacts.get().pk,
            "full_name": "Anne Morel",
            "role": "Brand manager",
            "email": body["contacts"][0]["email"],
            "phone": "",
        }
    ]


def test_sponsor_create_update_delete(manager):
    rap = GenreFactory(name="Rap", slug="rap")
    url = reverse("crm-api:sponsor-list")
    response = manager.post(
        url,
        {
            "name": "Pulse Energy",
            "industry": "Beverages",
            "budget_min": "15000",
            "budget_max": "80000",
            "target_genres": [rap.pk],
            "target_regions": ["FR", "BE"],
            "target_age_bands": ["18-24", "25-34"],
            "excluded_flags": ["politics"],
            "owner": manager.user.pk,
        },
    )
    assert response.status_code == 201, response.json()
    sponsor = Sponsor.objects.get(pk=response.json()["id"])
    assert sponsor.normalized_name == "pulse energy" and list(sponsor.target_genres.all()) == [rap]
    assert response.json()["owner"]["id"] == manager.user.pk

    detail = reverse("crm-api:sponsor-detail", args=[sponsor.pk])
    response = manager.patch(detail, {"budget_min": "90000"})  # above the maximum
    assert response.status_code == 400
    assert "budget_max" in error_of(response)["fields"]
    assert manager.patch(detail, {"budget_max": "120000", "budget_min": "90000"}).status_code == 200
    sponsor.refresh_from_db()
    assert sponsor.budget_min == Decimal("90000")
    assert manager.delete(detail).status_code == 204
    assert not Sponsor.objects.exists()


def test_sponsor_regions_must_be_country_codes(manager):
    response = manager.post(reverse("crm-api:sponsor-list"), {"name": "X", "target_regions": ["France"]})
    assert response.status_code == 400
    assert "target_regions" in error_of(response)["fields"]


# --- contacts -----------------------------------------------------------------------------------------------------


def test_contact_crud_and_filters(manager, viewer):
    sponsor = SponsorFactory(name="Pulse")
    artist = ArtistFactory(stage_name="Kalia")
    url = reverse("crm-api:contact-list")
    response = manager.post(
        url, {"first_name": "Anne", "last_name": "Morel", "email": "anne@pulse.fr", "sponsor": sponsor.pk}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["sponsor"] == {"id": sponsor.pk, "name": "Pulse"}
    ContactFactory(artist=artist, last_name="Booker")

    rows = viewer.get(url, {"belongs": "artist"}).json()["results"]
    assert [r["last_name"] for r in rows] == ["Booker"] and rows[0]["artist"]["stage_name"] == "Kalia"
    assert [r["last_name"] for r in viewer.get(url, {"sponsor": sponsor.pk}).json()["results"]] == ["Morel"]

    contact = Contact.objects.get(last_name="Morel")
    detail = reverse("crm-api:contact-detail", args=[contact.pk])
    assert manager.patch(detail, {"role": "Head of partnerships"}).status_code == 200
    assert manager.delete(detail).status_code == 204


def test_a_contact_belongs_to_a_sponsor_or_an_artist_not_both(manager):
    response = manager.post(
        reverse("crm-api:contact-list"),
        {"last_name": "Morel", "sponsor": SponsorFactory().pk, "artist": ArtistFactory().pk},
    )
    assert response.status_code == 400
    error = error_of(response)
    assert "non_field_errors" in error["fields"] and "sponsor" in error["message"]
    assert not Contact.objects.exists()


def test_bad_email_is_refused(manager):
    response = manager.post(reverse("crm-api:contact-list"), {"last_name": "Morel", "email": "not-an-email"})
    assert response.status_code == 400
    assert "email" in error_of(response)["fields"]


# --- campaigns ----------------------------------------------------------------------------------------------------


def test_campaign_crud_with_kpis(manager, viewer):
    artist = ArtistFactory(stage_name="Kalia")
    url = reverse("crm-api:campaign-list")
    response = manager.post(
        url,
        {
            "artist": artist.pk,
            "name": "Summer single",
            "start_date": "2026-06-01",
            "end_date": "2026-08-31",
            "budget": "25000",
            "status": "active",
            "kpis": [{"name": "Streams", "target": 1_000_000, "actual": 420_000}],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["artist"] == {"id": artist.pk, "stage_name": "Kalia"}
    assert body["kpis"] == [{"name": "Streams", "target": 1_000_000.0, "actual": 420_000.0}]
    campaign = Campaign.objects.get(pk=body["id"])
    deal = DealFactory(campaign=campaign, title="Pulse × Kalia")
    assert viewer.get(reverse("crm-api:campaign-detail", args=[campaign.pk])).json()["deals"] == [
        {"id": deal.pk, "title": "Pulse × Kalia"}
    ]
    assert [
        r["name"] for r in viewer.get(url, {"artist": artist.pk, "status": "active"}).json()["results"]
    ] == ["Summer single"]
    assert viewer.get(url, {"active_on": "2026-07-01"}).json()["count"] == 1
    assert viewer.get(url, {"active_on": "2026-09-15"}).json()["count"] == 0

    detail = reverse("crm-api:campaign-detail", args=[campaign.pk])
    response = manager.patch(detail, {"end_date": "2026-05-01"})
    assert response.status_code == 400 and "end_date" in error_of(response)["fields"]
    assert manager.patch(detail, {"status": "done"}).status_code == 200
    assert manager.delete(detail).status_code == 204


def test_campaign_kpis_are_checked(manager):
    response = manager.post(
        reverse("crm-api:campaign-list"),
        {"artist": ArtistFactory().pk, "name": "Tour", "kpis": [{"name": "Tickets", "target": "many"}]},
    )
    assert response.status_code == 400
    assert "kpis" in error_of(response)["fields"]


def test_campaign_list_is_ordered_newest_first(viewer):
    CampaignFactory(name="Old", start_date=date(2025, 1, 1), end_date=date(2025, 2, 1))
    CampaignFactory(name="New", start_date=date(2026, 1, 1), end_date=date(2026, 2, 1))
    assert [r["name"] for r in viewer.get(reverse("crm-api:campaign-list")).json()["results"]] == [
        "New",
        "Old",
    ]
