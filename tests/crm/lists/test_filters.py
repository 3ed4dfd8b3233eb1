"""Each filter of the four lists (crm.filters), through the list engine: what matches and what does not."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.filters import ArtistFilter
from crm.models import Artist
from tests.crm.factories import (
    ArtistFactory,
    ContactFactory,
    DealFactory,
    GenreFactory,
    SponsorFactory,
    TagFactory,
    signing,
    sponsorship,
    stage,
)
from tests.crm.lists.conftest import listed

pytestmark = pytest.mark.django_db


def names(records) -> list[str]:
    return [str(record) for record in records]


# --- artists ---------------------------------------------------------------------------------------------


def test_artist_text_search_matches_stage_name_aliases_and_legal_name_without_accents(manager):
    ArtistFactory(stage_name="Léa Nova", aliases=["Lady N"], legal_name="Léa Marchand")
    ArtistFactory(stage_name="Kofi Blaze", aliases=["KB the Great"], legal_name="Kofi Mensah")
    ArtistFactory(stage_name="Marta Sol", legal_name="Marta Solís")

    assert names(listed("artists", manager, {"q": "lea"})) == ["Léa Nova"]  # accent-free on the stage name
    assert names(listed("artists", manager, {"q": "LÉA NOVA"})) == ["Léa Nova"]
    assert names(listed("artists", manager, {"q": "great"})) == ["Kofi Blaze"]  # an alias
    assert names(listed("artists", manager, {"q": "Mensah"})) == ["Kofi Blaze"]  # the legal name
    assert names(listed("artists", manager, {"q": "sol"})) == ["Marta Sol"]
    assert names(listed("artists", manager, {"q": "nobody"})) == []


def test_artist_status_filter_takes_several_values(manager):
    ArtistFactory(stage_name="A", status=Artist.Status.PROSPECT)
    ArtistFactory(stage_name="B", status=Artist.Status.SIGNED)
    ArtistFactory(stage_name="C", status=Artist.Status.ALUMNI)

    assert names(listed("artists", manager, {"status": "signed"})) == ["B"]
    assert names(listed("artists", manager, {"status": ["signed", "alumni"]})) == ["B", "C"]


def test_artist_genre_tag_manager_and_country_filters(manager, make_user):
    pop, rock = GenreFactory(name="Pop", slug="pop"), GenreFactory(name="Rock", slug="rock")
    vip = TagFactory(name="VIP")
    other = make_user("Admin")
    ArtistFactory(stage_name="A", genres=[pop, rock], tags=[vip], managers=[manager, other], country="FR")
    ArtistFactory(stage_name="B", genres=[rock], managers=[other], country="GB")
    ArtistFactory(stage_name="C", country="FR")

    assert names(listed("artists", manager, {"genre": "pop"})) == ["A"]
    assert names(listed("artists", manager, {"genre": "rock"})) == ["A", "B"]  # no duplicate rows
    assert names(listed("artists", manager, {"tag": vip.pk})) == ["A"]
    assert names(listed("artists", manager, {"manager": manager.pk})) == ["A"]
    assert names(listed("artists", manager, {"manager": other.pk})) == ["A", "B"]
    assert names(listed("artists", manager, {"manager": "null"})) == ["C"]  # nobody manages C
    assert names(listed("artists", manager, {"country": "FR"})) == ["A", "C"]
    assert names(listed("artists", manager, {"country": "FR", "genre": "rock", "tag": vip.pk})) == ["A"]


def test_artist_score_range(manager):
    for name, score in (("Low", 10), ("Mid", 50), ("High", 90)):
        ArtistFactory(stage_name=name, score=score)

    assert names(listed("artists", manager, {"score_min": 50})) == ["High", "Mid"]
    assert names(listed("artists", manager, {"score_max": 50})) == ["Low", "Mid"]
    assert names(listed("artists", manager, {"score_min": 20, "score_max": 60})) == ["Mid"]


def test_a_bad_or_inverted_range_is_reported_and_ignored(manager):
    ArtistFactory(stage_name="A", score=10)
    ArtistFactory(stage_name="B", score=90)
    filterset = ArtistFilter(data={"score_min": "80", "score_max": "20"}, queryset=Artist.objects.all())

    assert not filterset.form.is_valid()
    assert "score_max" in filterset.form.errors
    assert names(listed("artists", manager, {"score_min": "80", "score_max": "20"})) == [
        "B"
    ]  # min still applies
    assert names(listed("artists", manager, {"score_min": "lots"})) == ["A", "B"]


def test_unknown_choices_are_ignored_not_errors_to_the_user(manager):
    ArtistFactory(stage_name="A")
    assert names(listed("artists", manager, {"genre": "no-such-genre", "tag": 999999})) == ["A"]


# --- sponsors --------------------------------------------------------------------------------------------


def test_sponsor_text_industry_tag_and_owner_filters(manager):
    vip = TagFactory(name="VIP")
    SponsorFactory(name="Rivage Eaux", industry="Beverages", owner=manager, tags=[vip])
    SponsorFactory(name="Volt Sneakers", industry="Fashion")

    assert names(listed("sponsors", manager, {"q": "rivage"})) == ["Rivage Eaux"]
    assert names(listed("sponsors", manager, {"q": "fash"})) == ["Volt Sneakers"]  # the industry
    assert names(listed("sponsors", manager, {"industry": "Fashion"})) == ["Volt Sneakers"]
    assert names(listed("sponsors", manager, {"tag": vip.pk})) == ["Rivage Eaux"]
    assert names(listed("sponsors", manager, {"owner": manager.pk})) == ["Rivage Eaux"]
    assert names(listed("sponsors", manager, {"owner": "null"})) == ["Volt Sneakers"]


def test_sponsor_budget_range_is_an_overlap(manager):
    SponsorFactory(name="Small", budget_min=Decimal(1000), budget_max=Decimal(5000))
    SponsorFactory(name="Big", budget_min=Decimal(50000), budget_max=Decimal(200000))
    SponsorFactory(name="Only max", budget_min=None, budget_max=Decimal(20000))
    SponsorFactory(name="Unknown", budget_min=None, budget_max=None)

    assert names(listed("sponsors", manager, {"budget_min": 10000})) == ["Big", "Only max"]
    assert names(listed("sponsors", manager, {"budget_max": 10000})) == ["Only max", "Small"]
    assert names(listed("sponsors", manager, {"budget_min": 4000, "budget_max": 60000})) == [
        "Big",
        "Only max",
        "Small",
    ]


# --- contacts --------------------------------------------------------------------------------------------


def test_contact_filters(manager):
    vip = TagFactory(name="VIP")
    rivage = SponsorFactory(name="Rivage")
    kofi = ArtistFactory(stage_name="Kofi")
    ines = ContactFactory(first_name="Inès", last_name="Garnier", sponsor=rivage, email="ines@rivage.example")
    ines.tags.add(vip)
    ContactFactory(
        first_name="Sam", last_name="Okoro", artist=kofi, role="Tour manager", email="sam@x.example"
    )
    ContactFactory(first_name="Nobody", last_name="Free", email="free@x.example")

    assert names(listed("contacts", manager, {"q": "ines"})) == ["Inès Garnier"]
    assert names(listed("contacts", manager, {"q": "tour"})) == ["Sam Okoro"]  # the role
    assert names(listed("contacts", manager, {"q": "rivage.example"})) == ["Inès Garnier"]  # the e-mail
    assert names(listed("contacts", manager, {"belongs": "sponsor"})) == ["Inès Garnier"]
    assert names(listed("contacts", manager, {"belongs": "artist"})) == ["Sam Okoro"]
    assert names(listed("contacts", manager, {"sponsor": rivage.pk})) == ["Inès Garnier"]
    assert names(listed("contacts", manager, {"artist": kofi.pk})) == ["Sam Okoro"]
    assert names(listed("contacts", manager, {"tag": vip.pk})) == ["Inès Garnier"]


# --- deals -----------------------------------------------------------------------------------------------


@pytest.fixture
def deals(manager):
    vip = TagFactory(name="VIP")
    rivage, volt = SponsorFactory(name="Rivage"), SponsorFactory(name="Volt")
    lea, kofi = ArtistFactory(stage_name="Léa Nova"), ArtistFactory(stage_name="Kofi")
    today = timezone.localdate()
    sp = sponsorship()
    return {
        "vip": vip,
        "rivage": rivage,
        "lea": lea,
        "kofi": kofi,
        "today": today,
        "proposal": DealFactory(
            stage=stage(sp, "Proposal"),
            title="Summer campaign",
            sponsor=rivage,
            artists=[lea],
            tags=[vip],
            value=Decimal(45000),
            owner=manager,
            expected_close_date=today + timedelta(days=10),
        ),
        "won": DealFactory(
            stage=stage(sp, "Won"),
            title="Festival stage",
            sponsor=volt,
            artists=[lea, kofi],
            value=Decimal(120000),
            expected_close_date=today - timedelta(days=5),
        ),
        "lost": DealFactory(
            stage=stage(sp, "Lost"), title="Winter spot", sponsor=rivage, value=Decimal(9000)
        ),
        "signing": DealFactory(stage=stage(signing(), "Meeting"), title="Signing Kofi", artists=[kofi]),
    }


def test_deal_pipeline_stage_and_outcome(manager, deals):
    sp = sponsorship()
    assert names(listed("deals", manager, {"pipeline": signing().pk})) == ["Signing Kofi"]
    assert names(listed("deals", manager, {"stage": stage(sp, "Proposal").pk, "sort": "title"})) == [
        "Summer campaign"
    ]
    assert names(listed("deals", manager, {"outcome": "open", "sort": "title"})) == [
        "Signing Kofi",
        "Summer campaign",
    ]
    assert names(listed("deals", manager, {"outcome": "won"})) == ["Festival stage"]
    assert names(listed("deals", manager, {"outcome": "lost"})) == ["Winter spot"]


def test_deal_owner_tag_artist_sponsor_value_close_and_text(manager, deals):
    def titles(**params):
        return sorted(names(listed("deals", manager, params)))

    assert titles(owner=manager.pk) == ["Summer campaign"]
    assert titles(owner="null") == ["Festival stage", "Signing Kofi", "Winter spot"]
    assert titles(tag=deals["vip"].pk) == ["Summer campaign"]
    assert titles(artist=deals["kofi"].pk) == ["Festival stage", "Signing Kofi"]  # once each
    assert titles(sponsor=deals["rivage"].pk) == ["Summer campaign", "Winter spot"]
    assert titles(value_min=40000) == ["Festival stage", "Summer campaign"]
    assert titles(value_min=20000, value_max=50000) == ["Summer campaign"]
    today = deals["today"]
    assert titles(close_after=today.isoformat()) == ["Summer campaign"]
    assert titles(close_before=today.isoformat()) == ["Festival stage"]
    assert titles(q="festival") == ["Festival stage"]
    assert titles(q="rivage") == ["Summer campaign", "Winter spot"]  # the sponsor's name
    assert titles(q="lea nova") == ["Festival stage", "Summer campaign"]  # an artist's name, once each


def test_streamers_and_signed_out_people_see_nothing(make_user):
    ArtistFactory(stage_name="A")
    assert listed("artists", make_user("Streamer")) == []
