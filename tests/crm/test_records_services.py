"""The record services of the CRM (crm.services.records): validation, normalisation, audit, timeline."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from crm import normalize
from crm.models import Artist, Deal, Interaction
from crm.services import records
from crm.signals import score_inputs_changed
from crm.timeline import describe
from tests.crm.factories import (
    ArtistFactory,
    DealFactory,
    GenreFactory,
    SponsorFactory,
    TagFactory,
    signing,
    sponsorship,
    stage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user):
    return make_user("Manager")


def test_normalize_name_and_handle():
    assert normalize.normalize_name("  Léa  O'Brien-Dubois ") == "lea obrien dubois"
    assert normalize.normalize_handle("https://www.instagram.com/@Lea.Music/?hl=fr") == "lea.music"
    assert normalize.normalize_handle("@Lea.Music") == "lea.music"
    assert normalize.normalize_email(" Lea@Example.COM ") == "lea@example.com"


def test_artist_create_normalises_sets_m2m_audits_and_signals(manager, django_capture_on_commit_callbacks):
    rock, tag = GenreFactory(name="Rock"), TagFactory(name="priority")
    received = []
    score_inputs_changed.connect(
        lambda **kw: received.append(kw["artist_ids"]), weak=False, dispatch_uid="t1"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            artist = records.artist_create(
                by=manager,
                stage_name="Zoé Lune",
                aliases=[" ZL ", ""],
                genres=[rock],
                tags=[tag.pk],
                socials=[{"platform": "instagram", "handle": "@ZoeLune"}],
            )
    finally:
        score_inputs_changed.disconnect(dispatch_uid="t1")
    assert artist.normalized_name == "zoe lune"
    assert artist.aliases == ["ZL"]
    assert list(artist.genres.all()) == [rock] and list(artist.tags.all()) == [tag]
    assert artist.socials.get().handle == "zoelune"
    assert AuditEvent.objects.filter(action="crm.artist.create", target_id=str(artist.pk)).exists()
    assert [artist.pk] in received


def test_artist_bad_input_is_refused_and_nothing_written(manager):
    with pytest.raises(ValidationError) as error:
        records.artist_create(by=manager, stage_name="X", email="not-an-email")
    assert "email" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        records.artist_create(
            by=manager, stage_name="Y", contract_start=date(2026, 5, 1), contract_end=date(2026, 1, 1)
        )
    assert "contract_end" in error.value.message_dict
    assert not Artist.objects.exists()


def test_audience_snapshot_updates_audience_total_from_latest_per_platform(manager):
    artist = ArtistFactory()
    today = timezone.localdate()
    records.audience_snapshot_record(
        artist=artist, platform="instagram", date=today - timedelta(days=7), followers=900
    )
    records.audience_snapshot_record(artist=artist, platform="instagram", date=today, followers=1000)
    records.audience_snapshot_record(artist=artist, platform="spotify", date=today, followers=500, by=manager)
    artist.refresh_from_db()
    assert artist.audience_total == 1500
    # a correction of the same day replaces it
    records.audience_snapshot_record(artist=artist, platform="spotify", date=today, followers=700, by=manager)
    artist.refresh_from_db()
    assert artist.audience_total == 1700


def test_deal_create_lands_at_the_bottom_of_the_first_open_stage_and_writes_the_timeline(manager):
    pipeline = sponsorship()
    first = records.deal_create(by=manager, pipeline=pipeline, title="A", value=Decimal("1000"))
    second = records.deal_create(by=manager, pipeline=pipeline, title="B")
    assert first.stage.name == "Lead" and second.stage == first.stage
    assert second.position > first.position
    event = Interaction.objects.get(deal=first, kind=Interaction.Kind.SYSTEM)
    assert "Lead" in describe(event)


def test_deal_refuses_a_stage_of_another_pipeline(manager):
    with pytest.raises(ValidationError) as error:
        records.deal_create(by=manager, pipeline=sponsorship(), stage=stage(signing(), "Meeting"), title="X")
    assert "stage" in error.value.message_dict
    assert not Deal.objects.exists()


def test_deal_refuses_a_negative_value(manager):
    with pytest.raises(ValidationError) as error:
        records.deal_create(by=manager, pipeline=sponsorship(), title="X", value=Decimal("-5"))
    assert "value" in error.value.message_dict


def test_deal_effective_probability_and_weighted_value():
    deal = DealFactory(stage=stage(sponsorship(), "Proposal"), value=Decimal("10000"))
    assert deal.effective_probability == 50 and deal.weighted_value == Decimal("5000.00")
    deal.probability = 80
    assert deal.weighted_value == Decimal("8000.00")


def test_interaction_create_updates_recency_of_the_deal_artists_and_sponsor(manager):
    artist, sponsor = ArtistFactory(), SponsorFactory()
    deal = DealFactory(sponsor=sponsor, artists=[artist])
    when = timezone.now() - timedelta(hours=2)
    records.interaction_create(by=manager, kind="call", summary="Called", occurred_at=when, deal=deal)
    artist.refresh_from_db()
    sponsor.refresh_from_db()
    assert artist.last_interaction_at == when and sponsor.last_interaction_at == when


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "call", "summary": "   "},
        {"kind": "system", "summary": "forged"},
        {"kind": "call", "summary": "no target", "artist": None},
    ],
)
def test_interaction_bad_input(manager, kwargs):
    target = {"artist": ArtistFactory()}
    target.update({k: v for k, v in kwargs.items() if k == "artist"})
    fields = {k: v for k, v in kwargs.items() if k != "artist"}
    with pytest.raises(ValidationError):
        records.interaction_create(by=manager, **fields, **target)
    assert not Interaction.objects.exclude(kind="system").exists()


def test_artist_with_deals_cannot_be_deleted(manager):
    artist = ArtistFactory()
    DealFactory(artists=[artist])
    with pytest.raises(ValidationError):
        records.artist_delete(artist=artist, by=manager)
    assert Artist.objects.filter(pk=artist.pk).exists()


def test_campaign_kpis_are_cleaned(manager):
    artist = ArtistFactory()
    campaign = records.campaign_create(
        by=manager,
        artist=artist,
        name="Tour",
        kpis=[{"name": "Streams", "target": "1000", "actual": 250}, {"name": ""}],
    )
    assert campaign.kpis == [{"name": "Streams", "target": 1000.0, "actual": 250.0}]
    with pytest.raises(ValidationError):
        records.campaign_update(campaign=campaign, by=manager, kpis=[{"name": "x", "target": "lots"}])


@pytest.mark.parametrize(
    "value, handle",
    [
        ("https://open.spotify.com/artist/4Z8W4fKeB5YxbusRsdQVPb?si=x", "4z8w4fkeb5yxbusrsdqvpb"),
        ("https://open.spotify.com/intl-fr/artist/4Z8W4fKeB5Yx", "4z8w4fkeb5yx"),
        ("https://www.youtube.com/channel/UC123abc", "uc123abc"),
        ("https://www.youtube.com/@NovaLune", "novalune"),
        ("https://www.tiktok.com/@nova.lune/video/1", "nova.lune"),
        ("nova_lune", "nova_lune"),
        ("", ""),
    ],
)
def test_normalize_handle_of_profile_urls(value, handle):
    assert normalize.normalize_handle(value) == handle
