"""The CRM in the global search: artists by stage name, alias or legal name; sponsors; contacts; deals. Only
for people who read the CRM."""

import pytest
from django.urls import reverse

from dashboard.search import search_all
from tests.crm.factories import ArtistFactory, ContactFactory, DealFactory, SponsorFactory

pytestmark = pytest.mark.django_db


def found(user, query: str) -> dict[str, list[str]]:
    return {group.key: [result.title for result in group.results] for group in search_all(user, query)}


def test_artists_by_stage_name_alias_or_legal_name_names_starting_first(manager):
    ArtistFactory(stage_name="DJ Léa", legal_name="Paul Martin")
    lea = ArtistFactory(stage_name="Léa Nova", aliases=["Lady N"], legal_name="Léa Marchand", country="FR")
    ArtistFactory(stage_name="Kofi", aliases=["Lea K"], legal_name="Kofi Mensah")

    assert found(manager, "lea")["crm-artists"] == ["Léa Nova", "DJ Léa", "Kofi"]
    assert found(manager, "lady")["crm-artists"] == ["Léa Nova"]
    assert found(manager, "marchand")["crm-artists"] == ["Léa Nova"]
    result = search_all(manager, "nova")[0].results[0]
    assert result.url == reverse("crm:artist-detail", args=[lea.pk])
    assert result.subtitle == "Prospect · aka Lady N · France" and result.icon == "person-badge"


def test_sponsors_contacts_and_deals(manager):
    rivage = SponsorFactory(name="Rivage Eaux", industry="Beverages")
    ContactFactory(first_name="Inès", last_name="Rivière", role="Brand manager", sponsor=rivage)
    DealFactory(title="Rivage summer", sponsor=rivage)

    groups = found(manager, "riv")
    assert groups["crm-sponsors"] == ["Rivage Eaux"]
    assert groups["crm-contacts"] == ["Inès Rivière"]
    assert groups["crm-deals"] == ["Rivage summer"]
    assert found(manager, "beverages")["crm-sponsors"] == ["Rivage Eaux"]
    contact = search_all(manager, "ines")[0].results[0]
    assert contact.subtitle == "Brand manager · Rivage Eaux"
    deal = next(g for g in search_all(manager, "summer") if g.key == "crm-deals").results[0]
    assert deal.subtitle == "Lead · Rivage Eaux"


def test_results_are_capped(manager):
    for index in range(8):
        ArtistFactory(stage_name=f"Nova {index}")
    assert len(found(manager, "nova")["crm-artists"]) == 5


def test_streamers_find_nothing_in_the_crm(make_user):
    ArtistFactory(stage_name="Léa Nova")
    SponsorFactory(name="Léa Drinks")
    assert not [key for key in found(make_user("Streamer"), "lea") if key.startswith("crm-")]


def test_the_header_search_shows_crm_results(client_as):
    client, _user = client_as("Viewer")
    ArtistFactory(stage_name="Léa Nova")
    html = client.get(reverse("dashboard:search"), {"q": "nova"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Léa Nova" in html and "Artists" in html
