"""seed_demo's CRM step: a believable agency at --scale 1, deterministic, every stage populated, scored."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from core import seeding
from crm.models import (
    Artist,
    AudienceSnapshot,
    Campaign,
    Contact,
    Deal,
    Genre,
    Interaction,
    Pipeline,
    SocialProfile,
    Sponsor,
    Stage,
)
from crm.services.records import artist_audience_refresh

pytestmark = pytest.mark.django_db


def _state() -> dict:
    return {
        "artists": list(
            Artist.objects.order_by("stage_name").values_list("stage_name", "status", "audience_total")
        ),
        "sponsors": list(Sponsor.objects.order_by("name").values_list("name", "industry")),
        "deals": Deal.objects.count(),
        "snapshots": AudienceSnapshot.objects.count(),
        "interactions": Interaction.objects.count(),
        "scores": list(Artist.objects.order_by("stage_name").values_list("score", flat=True)),
    }


def _seed_and_roll_back() -> tuple[dict, dict]:
    with transaction.atomic():
        result = seeding.seed_run(scale=1)
        state = _state()
        transaction.set_rollback(True)
    counts = {k: v for k, v in result.created["crm"].items() if k != "seconds"}
    return counts, state


def test_the_crm_step_is_deterministic():
    first = _seed_and_roll_back()
    assert Artist.objects.count() == 0
    second = _seed_and_roll_back()
    assert first == second
    counts, state = first
    assert counts["artists"] == 60 and counts["sponsors"] == 25 and counts["deals"] == 140
    assert counts["interactions"] == 400 and counts["campaigns"] == 30
    assert len(state["artists"]) == 60


@pytest.fixture
def seeded(capsys):
    call_command("seed_demo")
    return capsys.readouterr().out


def test_seed_demo_reports_the_crm(seeded):
    line = next(line for line in seeded.splitlines() if line.startswith("crm:"))
    assert (
        "60 artists" in line and "25 sponsors" in line and "140 deals" in line and "400 interactions" in line
    )
    assert "60 scores" in line


def test_every_stage_of_both_pipelines_has_deals(seeded):
    for pipeline in Pipeline.objects.filter(kind__in=["signing", "sponsorship"]):
        counts = dict(
            Stage.objects.filter(pipeline=pipeline).annotate(n=Count("deals")).values_list("name", "n")
        )
        assert all(n > 0 for n in counts.values()), (pipeline.name, counts)


def test_deals_are_consistent(seeded):
    deals = Deal.objects.select_related("stage", "pipeline")
    for deal in deals:
        assert deal.stage.pipeline_id == deal.pipeline_id
        assert deal.owner is not None and deal.expected_close_date is not None and deal.value > 0
        assert (deal.closed_at is not None) == deal.stage.is_closed
        assert bool(deal.lost_reason) == (deal.stage.outcome == Stage.Outcome.LOST)
        assert deal.artists.exists()
        if deal.pipeline.kind == "sponsorship":
            assert deal.sponsor_id is not None
    positions = Deal.objects.values("stage").annotate(
        n=Count("pk"), distinct=Count("position", distinct=True)
    )
    assert all(row["n"] == row["distinct"] for row in positions)  # a clean order in every column
    owners = set(Deal.objects.values_list("owner__groups__name", flat=True))
    assert owners <= {"Manager", "Admin"}


def test_artists_have_a_year_of_audience_socials_and_scores(seeded):
    today = timezone.localdate()
    artists = list(Artist.objects.all())
    assert len({a.normalized_name for a in artists}) == 60
    assert Genre.objects.filter(artists__isnull=False).distinct().count() >= 8  # across genres
    first = AudienceSnapshot.objects.order_by("date").first().date
    assert today - timedelta(days=372) <= first <= today - timedelta(days=360)
    assert not Artist.objects.filter(socials__isnull=True).exists()
    assert all(a.score_updated_at is not None for a in artists)
    assert len({a.score for a in artists}) > 10
    # audience_total is what the service computes
    before = dict(Artist.objects.values_list("pk", "audience_total"))
    artist_audience_refresh(artist_ids=list(before))
    assert dict(Artist.objects.values_list("pk", "audience_total")) == before
    # a signed artist has a contract and a team
    signed = Artist.objects.filter(status="signed")
    assert signed.exists() and not signed.filter(contract_start__isnull=True).exists()
    assert Contact.objects.filter(artist__status="signed").exists()


def test_timeline_and_denormalised_dates(seeded):
    assert Interaction.objects.filter(kind="system").exists()
    for kind in ("call", "email", "meeting", "note", "message"):
        assert Interaction.objects.filter(kind=kind).exists(), kind
    for entry in Interaction.objects.filter(kind="system").select_related("deal__pipeline")[:50]:
        names = set(entry.deal.pipeline.stages.values_list("name", flat=True))
        assert entry.data["event"] == "stage_changed" and {entry.data["from"], entry.data["to"]} <= names
    latest = dict(
        Interaction.objects.filter(artist__isnull=False)
        .values("artist")
        .annotate(at=Max("occurred_at"))
        .values_list("artist", "at")
    )
    for artist in Artist.objects.filter(pk__in=latest):
        assert artist.last_interaction_at == latest[artist.pk]
    assert Sponsor.objects.filter(contacts__isnull=False).distinct().count() == 25
    assert Campaign.objects.exclude(kpis=[]).count() == 30


def test_runs_once_and_force_adds_without_collisions(seeded, capsys):
    call_command("seed_demo")
    assert "nothing to do" in capsys.readouterr().out
    assert Artist.objects.count() == 60
    call_command("seed_demo", "--force")
    assert Artist.objects.count() == 120 and Deal.objects.count() == 280
    assert (
        SocialProfile.objects.values("platform", "handle").distinct().count() == SocialProfile.objects.count()
    )
    for stage in Stage.objects.all():
        positions = list(stage.deals.values_list("position", flat=True))
        assert len(positions) == len(set(positions))


def test_a_small_scale_is_fast(seeded):
    from core.models import SeedRun

    assert SeedRun.objects.get(name="demo").summary["crm"]["seconds"] <= 20
