"""A deal created from a match (crm.services.scoring.deal_create_from_match)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from audit.models import AuditEvent
from crm.models import Deal, Interaction, Pipeline
from crm.services.scoring import deal_create_from_match
from crm.timeline import describe
from tests.crm.factories import ArtistFactory, DealFactory, sponsorship, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user):
    return make_user("Manager", first_name="Léa", last_name="Martin")


@pytest.fixture
def pair(genres, make_sponsor):
    sponsor = make_sponsor(name="Fizzy", currency="EUR")
    artist = ArtistFactory(
        stage_name="Nova", genres=[genres["Hip-hop"]], audience_total=50_000, audience_age_bands=["18-24"]
    )
    return sponsor, artist


def test_the_deal_lands_in_the_first_sponsorship_stage_with_a_timeline_entry(manager, pair):
    sponsor, artist = pair

    deal = deal_create_from_match(by=manager, sponsor=sponsor, artist=artist)

    assert deal.title == "Fizzy × Nova"
    assert deal.pipeline == sponsorship()
    assert deal.stage == stage(sponsorship(), "Lead")
    assert deal.sponsor == sponsor
    assert list(deal.artists.all()) == [artist]
    assert deal.owner == manager
    assert (deal.value, deal.currency) == (Decimal(3000), "EUR")  # where the budget meets the rising fee
    event = Interaction.objects.get(deal=deal, data__event="deal_from_match")
    assert event.artist == artist and event.sponsor == sponsor
    assert event.data["match"] == 100
    with translation.override("en"):
        assert describe(event) == "Deal created from a sponsor match by Léa Martin"
    assert AuditEvent.objects.filter(action="crm.deal.from_match", target_id=str(deal.pk)).exists()


def test_a_budget_that_does_not_meet_the_fee_gives_a_deal_at_zero(manager, pair):
    sponsor, artist = pair
    sponsor.budget_min, sponsor.budget_max = None, Decimal(100)
    deal = deal_create_from_match(by=manager, sponsor=sponsor, artist=artist)
    assert deal.value == 0


@pytest.mark.parametrize("role", ["Viewer", "Producer", "Streamer"])
def test_only_managers_and_admins_create_deals_from_matches(make_user, pair, role):
    sponsor, artist = pair
    with pytest.raises(PermissionDenied):
        deal_create_from_match(by=make_user(role), sponsor=sponsor, artist=artist)
    assert not Deal.objects.exists()


def test_an_open_deal_between_them_is_not_duplicated(manager, pair):
    sponsor, artist = pair
    DealFactory(
        stage=stage(sponsorship(), "Proposal"), sponsor=sponsor, artists=[artist], title="Summer tour"
    )
    with pytest.raises(ValidationError) as error:
        deal_create_from_match(by=manager, sponsor=sponsor, artist=artist)
    assert "Summer tour" in error.value.messages[0]
    assert Deal.objects.count() == 1


def test_a_lost_deal_does_not_prevent_a_new_one(manager, pair):
    sponsor, artist = pair
    DealFactory(stage=stage(sponsorship(), "Lost"), sponsor=sponsor, artists=[artist])
    assert deal_create_from_match(by=manager, sponsor=sponsor, artist=artist).stage.name == "Lead"


def test_without_a_sponsorship_pipeline_it_says_so(manager, pair):
    sponsor, artist = pair
    Pipeline.objects.filter(kind=Pipeline.Kind.SPONSORSHIP).update(archived=True)
    with pytest.raises(ValidationError):
        deal_create_from_match(by=manager, sponsor=sponsor, artist=artist)


def test_another_pipeline_can_be_given(manager, pair):
    sponsor, artist = pair
    signing = Pipeline.objects.get(kind=Pipeline.Kind.SIGNING)
    assert (
        deal_create_from_match(by=manager, sponsor=sponsor, artist=artist, pipeline=signing).stage.name
        == "Discovered"
    )
