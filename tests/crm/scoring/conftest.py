"""Fixtures of the scoring and matching tests."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from crm.models import Artist
from tests.crm.factories import ArtistFactory, AudienceSnapshotFactory, GenreFactory, SponsorFactory


@pytest.fixture(autouse=True)
def _no_pending_scores():
    """The receivers keep "already queued" keys in the (per-worker Redis) cache: start every test clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def queued(monkeypatch):
    """Calls of artist_score_recompute_task.delay / artist_score_recompute_all_task.delay (not sent to Redis)."""
    from crm import tasks

    calls = {"one": [], "all": 0}

    def one(**kwargs):
        calls["one"].append(kwargs["artist_ids"])

    def everything(**kwargs):
        calls["all"] += 1

    monkeypatch.setattr(tasks.artist_score_recompute_task, "delay", one)
    monkeypatch.setattr(tasks.artist_score_recompute_all_task, "delay", everything)
    return calls


@pytest.fixture
def genres(db):
    return {name: GenreFactory(name=name) for name in ("Hip-hop", "R&B", "Pop", "Jazz", "Metal")}


def grown_artist(*, followers=(100_000, 120_000), days=90, rate=Decimal("4.00"), **fields) -> Artist:
    """An artist with an Instagram history: `followers[0]` `days` ago, `followers[1]` today."""
    artist = ArtistFactory(**fields)
    today = timezone.localdate()
    AudienceSnapshotFactory(
        artist=artist, date=today - timedelta(days=days), followers=followers[0], engagement_rate=None
    )
    AudienceSnapshotFactory(artist=artist, date=today, followers=followers[1], engagement_rate=rate)
    Artist.objects.filter(pk=artist.pk).update(audience_total=followers[1])
    artist.refresh_from_db()
    return artist


@pytest.fixture
def make_sponsor(genres):
    def _make(**fields):
        values = {
            "target_genres": [genres["Hip-hop"]],
            "target_regions": ["FR"],
            "target_age_bands": ["18-24"],
            "budget_min": Decimal(3000),
            "budget_max": Decimal(8000),
            "industry": "Beverages",
        }
        values.update(fields)
        return SponsorFactory(**values)

    return _make
