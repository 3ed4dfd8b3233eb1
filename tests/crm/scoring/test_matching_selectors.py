"""Match lists (crm.selectors.scoring): candidates, ranking, brand safety, past deals, constant queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm.models import Artist
from crm.selectors import scoring as selectors
from tests.crm.factories import ArtistFactory, DealFactory, SponsorFactory, sponsorship, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(make_user):
    return make_user("Viewer")


def rising(genres, *names, **fields):
    """An artist of the rising tier (2,000–10,000 EUR fee) in France, heard by 18–24 year-olds."""
    values = {"audience_total": 50_000, "audience_age_bands": ["18-24"], "country": "FR"}
    values.update(fields)
    return ArtistFactory(genres=[genres[n] for n in names], **values)


def names(rows):
    return [row.artist.stage_name for row in rows]


def test_artists_are_ranked_by_match_and_brand_safety_conflicts_sink(viewer, genres, make_sponsor):
    sponsor = make_sponsor(excluded_flags=["explicit_lyrics"])
    rising(genres, "Hip-hop", stage_name="Perfect")
    rising(genres, "Hip-hop", "Jazz", stage_name="Older crowd", audience_age_bands=["45-54"])
    rising(genres, "Hip-hop", stage_name="Explicit", brand_safety_flags=["explicit_lyrics"])
    rising(
        genres,
        "Metal",
        stage_name="Elsewhere",
        country="US",
        audience_age_bands=["55+"],
        audience_total=5_000_000,
    )
    rising(genres, "Hip-hop", stage_name="Retired", status=Artist.Status.ALUMNI)

    rows = selectors.artist_matches_for_sponsor(user=viewer, sponsor=sponsor)

    assert names(rows) == [
        "Perfect",
        "Older crowd",
        "Explicit",
    ]  # nothing shared: not a candidate; alumni out
    perfect, older, explicit = rows
    assert perfect.match.score == 100
    assert older.match.score == 80
    assert explicit.match.score == 20
    assert [w.tone for w in explicit.match.warnings] == ["danger"]


def test_equal_matches_list_signed_then_in_talks_then_prospects(viewer, genres, make_sponsor):
    sponsor = make_sponsor()
    rising(genres, "Hip-hop", stage_name="Prospect")
    rising(genres, "Hip-hop", stage_name="Signed", status=Artist.Status.SIGNED)
    rising(genres, "Hip-hop", stage_name="In talks", status=Artist.Status.IN_TALKS)
    assert names(selectors.artist_matches_for_sponsor(user=viewer, sponsor=sponsor)) == [
        "Signed",
        "In talks",
        "Prospect",
    ]


def test_the_candidate_set_keeps_the_best_pre_scored(viewer, genres, make_sponsor, monkeypatch):
    monkeypatch.setattr(selectors, "CANDIDATES", 2)
    sponsor = make_sponsor()
    rising(genres, "Jazz", stage_name="Region only", score=99)
    rising(genres, "Hip-hop", stage_name="All of it")
    rising(genres, "Hip-hop", stage_name="Genre and region", audience_age_bands=[])
    assert names(selectors.artist_matches_for_sponsor(user=viewer, sponsor=sponsor)) == [
        "All of it",
        "Genre and region",
    ]


def test_a_sponsor_without_targets_still_lists_artists(viewer, genres):
    sponsor = SponsorFactory(budget_min=None, budget_max=None)
    ArtistFactory(stage_name="Anyone", score=40)
    rows = selectors.artist_matches_for_sponsor(user=viewer, sponsor=sponsor)
    assert names(rows) == ["Anyone"]
    assert rows[0].match.score == 50  # no preference anywhere counts half


def test_past_deals_with_the_sponsor_and_similar_sponsors(viewer, genres, make_sponsor):
    sponsor = make_sponsor(industry="Beverages")
    won, lost, open_, similar = (
        rising(genres, "Hip-hop", stage_name=n) for n in ("Won", "Lost", "Open", "Similar")
    )
    pipeline = sponsorship()
    DealFactory(stage=stage(pipeline, "Won"), sponsor=sponsor, artists=[won])
    DealFactory(
        stage=stage(pipeline, "Lost"),
        sponsor=sponsor,
        artists=[lost],
        closed_at=timezone.now() - timedelta(days=20),
    )
    deal = DealFactory(stage=stage(pipeline, "Proposal"), sponsor=sponsor, artists=[open_])
    DealFactory(stage=stage(pipeline, "Won"), sponsor=SponsorFactory(industry="beverages"), artists=[similar])

    rows = {
        row.artist.stage_name: row
        for row in selectors.artist_matches_for_sponsor(user=viewer, sponsor=sponsor)
    }

    assert rows["Won"].history.won_together == 1
    assert rows["Lost"].history.lost_together_on == timezone.localdate() - timedelta(days=20)
    assert rows["Lost"].match.score == 90
    assert rows["Open"].history.open_deal_id == deal.pk
    assert rows["Open"].history.open_deal_stage == "Proposal"
    assert rows["Similar"].history.won_similar == 1
    assert rows["Similar"].history.won_together == 0


def test_an_artist_who_dealt_with_the_sponsor_is_a_candidate_even_without_overlap(
    viewer, genres, make_sponsor
):
    sponsor = make_sponsor()
    stranger = ArtistFactory(stage_name="Former partner", country="US")
    DealFactory(stage=stage(sponsorship(), "Won"), sponsor=sponsor, artists=[stranger])
    assert "Former partner" in names(selectors.artist_matches_for_sponsor(user=viewer, sponsor=sponsor))


def test_sponsors_for_an_artist(viewer, genres, make_sponsor):
    artist = rising(genres, "Hip-hop", stage_name="Artist", brand_safety_flags=["alcohol"])
    make_sponsor(name="Fits")
    make_sponsor(name="Excludes alcohol", excluded_flags=["alcohol"])
    make_sponsor(name="Other genre", target_genres=[genres["Metal"]])
    SponsorFactory(name="No targets", budget_min=None, budget_max=None)

    rows = selectors.sponsor_matches_for_artist(user=viewer, artist=artist)

    assert [(r.sponsor.name, r.match.score) for r in rows] == [
        ("Fits", 100),
        ("Other genre", 65),
        ("No targets", 50),
        ("Excludes alcohol", 20),
    ]


def test_sponsor_history_for_an_artist(viewer, genres, make_sponsor):
    artist = rising(genres, "Hip-hop")
    partner = make_sponsor(name="Partner", industry="Sport")
    make_sponsor(name="Peer", industry="Sport")
    DealFactory(stage=stage(sponsorship(), "Won"), sponsor=partner, artists=[artist])
    rows = {r.sponsor.name: r for r in selectors.sponsor_matches_for_artist(user=viewer, artist=artist)}
    assert (rows["Partner"].history.won_together, rows["Partner"].history.won_similar) == (1, 0)
    assert (rows["Peer"].history.won_together, rows["Peer"].history.won_similar) == (0, 1)


def test_invisible_to_people_without_the_crm(make_user, genres, make_sponsor):
    streamer = make_user("Streamer")
    sponsor = make_sponsor()
    rising(genres, "Hip-hop")
    assert list(selectors.artist_matches_for_sponsor(user=streamer, sponsor=sponsor)) == []


def _count(function, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        function(**kwargs)
    return len(captured)


def test_match_lists_cost_the_same_queries_for_3_or_30_records(viewer, genres, make_sponsor):
    sponsor = make_sponsor()
    artist = rising(genres, "Hip-hop", "R&B")
    selectors.artist_matches_for_sponsor(
        user=viewer, sponsor=sponsor
    )  # roles are cached per user, as in a request

    for i in range(2):
        rising(genres, "Hip-hop", "Pop", stage_name=f"A{i}")
        make_sponsor(name=f"S{i}")
    few = (
        _count(selectors.artist_matches_for_sponsor, user=viewer, sponsor=sponsor),
        _count(selectors.sponsor_matches_for_artist, user=viewer, artist=artist),
    )
    for i in range(27):
        other = rising(genres, "Hip-hop", "Pop", stage_name=f"B{i}")
        make_sponsor(name=f"T{i}")
        DealFactory(sponsor=sponsor, artists=[other])
    many = (
        _count(selectors.artist_matches_for_sponsor, user=viewer, sponsor=sponsor),
        _count(selectors.sponsor_matches_for_artist, user=viewer, artist=artist),
    )
    assert few == many == (4, 4)
