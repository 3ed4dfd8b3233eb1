"""A small believable set for the scoring browser tests: artists with audience history, sponsors to match."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from crm.models import Artist
from crm.services.scoring import artist_score_recompute
from tests.crm.factories import (
    ArtistFactory,
    AudienceSnapshotFactory,
    GenreFactory,
    SocialProfileFactory,
    SponsorFactory,
)


def restore_migrated_rows() -> None:
    """Transactional tests flush the database, with the migrated pipelines and scoring settings: put them back."""
    import importlib

    from django.apps import apps

    importlib.import_module("crm.migrations.0002_default_pipelines").create(apps, None)


def build() -> dict:
    restore_migrated_rows()
    genres = {name: GenreFactory(name=name) for name in ("Hip-hop", "R&B", "Pop", "Électro", "Jazz")}
    today = timezone.localdate()
    specs = [
        ("Nova Lune", ["Hip-hop", "R&B"], 480_000, 0.22, "signed", ["18-24", "25-34"], ["FR", "BE"], []),
        ("Kali Sunset", ["Pop"], 2_400_000, 0.08, "in_talks", ["18-24"], ["FR", "CH"], ["explicit_lyrics"]),
        ("Moussa K", ["Hip-hop"], 65_000, 0.41, "prospect", ["18-24"], ["FR"], []),
        ("Les Étoiles", ["Jazz"], 12_000, -0.05, "signed", ["35-44", "45-54"], ["FR"], []),
        ("Dj Aurore", ["Électro"], 150_000, 0.12, "prospect", ["25-34"], ["DE", "FR"], ["alcohol"]),
    ]
    artists = {}
    for i, (name, genre_names, audience, growth, status, ages, regions, flags) in enumerate(specs):
        artist = ArtistFactory(
            stage_name=name,
            genres=[genres[g] for g in genre_names],
            status=status,
            audience_age_bands=ages,
            audience_regions=regions,
            brand_safety_flags=flags,
            bio="A songwriter and performer from Paris with a loyal following." if i % 2 == 0 else "",
            phone="+33 6 12 34 56 78" if i < 3 else "",
            last_interaction_at=timezone.now() - timedelta(days=12 * i),
        )
        SocialProfileFactory(artist=artist, handle=f"artist{i}")
        for platform, share in (("instagram", 0.6), ("spotify", 0.4)):
            now_followers = int(audience * share)
            AudienceSnapshotFactory(
                artist=artist,
                platform=platform,
                date=today - timedelta(days=91),
                followers=int(now_followers / (1 + growth)),
                engagement_rate=None,
            )
            AudienceSnapshotFactory(
                artist=artist,
                platform=platform,
                date=today,
                followers=now_followers,
                engagement_rate=Decimal(2 + i),
            )
        Artist.objects.filter(pk=artist.pk).update(audience_total=audience)
        artists[name] = artist
    artist_score_recompute(artist_ids=[a.pk for a in artists.values()])
    sponsors = {
        "Fizz & Co": SponsorFactory(
            name="Fizz & Co",
            industry="Beverages",
            target_regions=["FR", "BE"],
            target_age_bands=["18-24", "25-34"],
            excluded_flags=["explicit_lyrics"],
            budget_min=Decimal(10_000),
            budget_max=Decimal(40_000),
        ),
        "Urban Wear": SponsorFactory(
            name="Urban Wear",
            industry="Fashion",
            target_regions=["FR"],
            target_age_bands=["18-24"],
            budget_min=Decimal(2_000),
            budget_max=Decimal(9_000),
        ),
    }
    sponsors["Fizz & Co"].target_genres.set([genres["Hip-hop"], genres["Pop"]])
    sponsors["Urban Wear"].target_genres.set([genres["Hip-hop"]])
    return {"genres": genres, "artists": artists, "sponsors": sponsors}
