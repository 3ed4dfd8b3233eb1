"""Loading the score inputs, recomputing in bulk, the Admin's scoring settings (crm.services.scoring)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from crm import scoring
from crm.models import Artist, ScoringConfig
from crm.selectors.scoring import scoring_config_get, scoring_settings_get
from crm.services import scoring as services
from tests.crm.factories import (
    ArtistFactory,
    AudienceSnapshotFactory,
    InteractionFactory,
    SocialProfileFactory,
)
from tests.crm.scoring.conftest import grown_artist

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user):
    return make_user("Admin")


def test_inputs_take_the_latest_snapshot_and_the_one_nearest_90_days_before(genres):
    artist = ArtistFactory(genres=[genres["Pop"]], audience_regions=["BE"])
    today = timezone.localdate()
    for days, followers, rate in (
        (200, 1_000, None),
        (92, 8_000, None),
        (60, 9_000, Decimal("5.5")),
        (0, 10_000, None),
    ):
        AudienceSnapshotFactory(
            artist=artist,
            platform="spotify",
            date=today - timedelta(days=days),
            followers=followers,
            engagement_rate=rate,
        )
    AudienceSnapshotFactory(
        artist=artist,
        platform="tiktok",
        date=today - timedelta(days=10),
        followers=500,
        engagement_rate=Decimal("9"),
    )

    inputs = services.scoring_inputs_load(artist_ids=[artist.pk])[artist.pk]

    spotify, tiktok = sorted(inputs.platforms, key=lambda p: p.platform)
    assert (spotify.latest_date, spotify.latest_followers) == (today, 10_000)
    assert (spotify.base_date, spotify.base_followers) == (today - timedelta(days=92), 8_000)
    assert spotify.engagement_rate == 5.5  # the latest rate recorded, even if the latest snapshot has none
    assert (tiktok.base_date, tiktok.base_followers, tiktok.engagement_rate) == (
        None,
        None,
        9.0,
    )  # no history
    assert inputs.genres == {genres["Pop"].pk: "Pop"}
    assert inputs.country == "FR"
    assert inputs.audience_regions == {"BE"}


def test_inputs_of_an_artist_without_anything():
    artist = ArtistFactory(email="", legal_name="", city="", country="")
    inputs = services.scoring_inputs_load(artist_ids=[artist.pk])[artist.pk]
    assert inputs.platforms == ()
    assert inputs.genres == {}
    assert inputs.last_interaction_at is None
    assert not any(inputs.filled.values())


def test_completeness_sees_socials_genres_and_a_real_bio(genres):
    artist = ArtistFactory(genres=[genres["Jazz"]], bio="Too short", phone="+33 6 00 00 00 00")
    SocialProfileFactory(artist=artist)
    filled = services.scoring_inputs_load(artist_ids=[artist.pk])[artist.pk].filled
    assert filled["socials"] and filled["genres"] and filled["phone"] and filled["email"]
    assert not filled["bio"]  # under 20 characters
    assert not filled["photo"] and not filled["website"]


def test_recompute_saves_the_score_its_breakdown_and_date():
    artist = grown_artist(followers=(100_000, 120_000))
    InteractionFactory(artist=artist)
    Artist.objects.filter(pk=artist.pk).update(last_interaction_at=timezone.now())

    assert services.artist_score_recompute(artist_ids=[artist.pk]) == 1

    artist.refresh_from_db()
    criteria = {c["key"]: c for c in artist.score_breakdown["criteria"]}
    assert artist.score > 0
    assert artist.score == sum(c["points"] for c in criteria.values())
    assert criteria["growth"]["raw"] == pytest.approx(20.0)
    assert criteria["engagement"]["raw"] == 4.0
    assert criteria["recency"]["raw"] == 0
    assert artist.score_updated_at is not None


def test_recompute_writes_only_the_score_columns():
    artist = grown_artist()
    stale = Artist.objects.get(pk=artist.pk)
    Artist.objects.filter(pk=artist.pk).update(stage_name="Renamed meanwhile")
    services.artist_score_recompute(artist_ids=[stale.pk])
    assert Artist.objects.get(pk=artist.pk).stage_name == "Renamed meanwhile"


def test_recompute_of_unknown_or_no_artists_does_nothing():
    assert services.artist_score_recompute(artist_ids=[]) == 0
    assert services.artist_score_recompute(artist_ids=[2_000_000_000]) == 0


def _queries(artist_ids, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        services.artist_score_recompute(artist_ids=artist_ids, **kwargs)
    return len(captured)


def test_bulk_recompute_costs_a_few_queries_per_batch_whatever_the_number_of_artists(genres):
    artists = []
    for i in range(30):
        artist = grown_artist(genres=[genres["Pop"]])
        SocialProfileFactory(artist=artist, handle=f"bulk{i}")
        artists.append(artist)
    ids = [a.pk for a in artists]

    three, thirty = _queries(ids[:3]), _queries(ids)
    in_three_batches = _queries(ids, batch_size=10)

    # settings: 2 (config, focus genres); per batch: artists, genres, socials, snapshots, one UPDATE
    assert three == thirty == 2 + 5
    assert in_three_batches == 2 + 3 * 5
    assert Artist.objects.filter(pk__in=ids, score_updated_at__isnull=True).count() == 0


def test_recompute_all_covers_every_artist():
    ArtistFactory.create_batch(5)
    assert services.artist_score_recompute_all(batch_size=2) == 5
    assert not Artist.objects.filter(score_updated_at__isnull=True).exists()


def test_the_migration_creates_the_settings_with_default_weights():
    config = scoring_config_get()
    assert config.pk is not None
    settings = scoring_settings_get(config)
    assert {key: settings.weight(key) for key in scoring.CRITERIA} == scoring.DEFAULT_WEIGHTS


def test_scoring_config_update_saves_audits_and_recomputes_everything(
    admin, genres, queued, django_capture_on_commit_callbacks
):
    weights = dict(scoring.DEFAULT_WEIGHTS, audience=60, recency=0)
    with django_capture_on_commit_callbacks(execute=True):
        config = services.scoring_config_update(
            by=admin, weights=weights, focus_genres=[genres["Pop"]], focus_countries=["fr", "BE"]
        )
    config.refresh_from_db()
    assert config.weights == weights
    assert list(config.focus_genres.all()) == [genres["Pop"]]
    assert config.focus_countries == ["BE", "FR"]
    assert config.updated_by == admin
    assert ScoringConfig.objects.count() == 1
    assert AuditEvent.objects.filter(action="crm.scoring.update").exists()
    assert queued["all"] == 1


@pytest.mark.parametrize(
    ("weights", "extra", "field"),
    [
        ({"audience": 101}, {}, "weight_audience"),
        ({"audience": "ten"}, {}, "weight_audience"),
        ({"audience": -1}, {}, "weight_audience"),
        (dict.fromkeys(scoring.CRITERIA, 0), {}, "weights"),
        ({"charisma": 10}, {}, "weights"),
        ({}, {"focus_countries": ["XX"]}, "focus_countries"),
        ({}, {"focus_genres": [2_000_000_000]}, "focus_genres"),
    ],
)
def test_scoring_config_update_refuses_bad_input_and_writes_nothing(
    admin, queued, weights, extra, field, django_capture_on_commit_callbacks
):
    before = scoring_config_get().weights
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        services.scoring_config_update(by=admin, weights=weights, **extra)
    assert field in error.value.message_dict
    assert scoring_config_get().weights == before
    assert queued["all"] == 0


def test_new_weights_change_the_recomputed_score(admin, queued):
    artist = grown_artist(followers=(10_000_000, 10_000_000))  # full audience, no growth
    services.artist_score_recompute(artist_ids=[artist.pk])
    before = Artist.objects.get(pk=artist.pk).score
    services.scoring_config_update(by=admin, weights=dict.fromkeys(scoring.CRITERIA, 0) | {"audience": 10})
    services.artist_score_recompute(artist_ids=[artist.pk])
    assert before < Artist.objects.get(pk=artist.pk).score == 100


def test_a_broker_failure_while_queueing_the_recomputation_is_logged_not_raised(
    admin, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from crm import tasks

    def down(**kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.artist_score_recompute_all_task, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        services.scoring_config_update(by=admin, weights={})
    assert "nightly run" in caplog.text
