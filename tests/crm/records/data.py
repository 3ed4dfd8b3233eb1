"""A believable corner of the agency for the record page tests and screenshots: an artist with a photo, socials,
a year of audience history on three platforms, deals in two pipelines, campaigns with KPIs, a sponsor with
contacts, and a timeline mixing calls, notes and stage moves."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from crm.models import Artist, AudienceSnapshot, Campaign, Contact, Deal, Interaction, SocialProfile, Sponsor
from tests.crm.factories import (
    ArtistFactory,
    CampaignFactory,
    ContactFactory,
    DealFactory,
    GenreFactory,
    InteractionFactory,
    SponsorFactory,
    TagFactory,
    signing,
    sponsorship,
    stage,
)


def png_bytes(size: tuple[int, int] = (320, 320), color: str = "#4f2bbd") -> bytes:
    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    draw.ellipse((size[0] * 0.2, size[1] * 0.15, size[0] * 0.8, size[1] * 0.75), fill="#f26b21")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class Agency:
    artist: Artist
    sponsor: Sponsor
    deal: Deal
    campaign: Campaign
    contact: Contact


def build(*, manager=None, photo: bool = True) -> Agency:
    pop, afro = GenreFactory(name="Pop"), GenreFactory(name="Afrobeat")
    artist = ArtistFactory(
        stage_name="Nova Reyes",
        legal_name="Noémie Reyes-Martin",
        aliases=["Nova", "N.R."],
        genres=[pop, afro],
        tags=[TagFactory(name="priority"), TagFactory(name="festival 2026")],
        managers=[manager] if manager else [],
        city="Lyon",
        country="FR",
        languages=["fr", "en", "es"],
        phone="+33 6 12 34 56 78",
        website="https://novareyes.example",
        status=Artist.Status.SIGNED,
        bio="Singer-songwriter from Lyon mixing French pop and Afrobeat. Two EPs, 40 shows in 2025.",
        contract_start=timezone.localdate() - timedelta(days=200),
        contract_end=timezone.localdate() + timedelta(days=530),
        contract_terms="360° deal, 3 albums, 18 % on live.",
        audience_age_bands=["18-24", "25-34"],
        audience_regions=["FR", "BE", "CH"],
        brand_safety_flags=["explicit_lyrics"],
        score=72,
        audience_total=418_000,
    )
    if photo:
        artist.photo.save("nova.png", ContentFile(png_bytes()), save=True)
    for platform, handle in (("instagram", "novareyes"), ("spotify", "nova-reyes"), ("tiktok", "nova.reyes")):
        SocialProfile.objects.create(artist=artist, platform=platform, handle=handle)
    today = timezone.localdate()
    snapshots = []
    for week in range(52, -1, -1):
        day = today - timedelta(days=7 * week)
        growth = 52 - week
        snapshots += [
            AudienceSnapshot(
                artist=artist,
                platform="instagram",
                date=day,
                followers=180_000 + growth * 1_900,
                engagement_rate=Decimal("4.20"),
            ),
            AudienceSnapshot(
                artist=artist,
                platform="spotify",
                date=day,
                followers=90_000 + growth * 1_100,
                monthly_listeners=240_000 + growth * 2_500,
            ),
            AudienceSnapshot(
                artist=artist, platform="tiktok", date=day, followers=60_000 + growth * growth * 25
            ),
        ]
    AudienceSnapshot.objects.bulk_create(snapshots)

    sponsor = SponsorFactory(
        name="Brasserie Lumière",
        industry="Beverages",
        website="https://lumiere.example",
        target_age_bands=["25-34"],
        target_regions=["FR", "BE"],
        target_genres=[pop],
        excluded_flags=["gambling"],
        brand_safety_notes="No association with drinking games or under-25 audiences.",
        owner=manager,
    )
    contact = ContactFactory(
        sponsor=sponsor,
        first_name="Camille",
        last_name="Durand",
        role="Brand manager",
        phone="+33 1 23 45 67 89",
    )
    ContactFactory(sponsor=sponsor, first_name="Yanis", last_name="Benali", role="Head of partnerships")
    ContactFactory(artist=artist, first_name="Jo", last_name="Lefèvre", role="Booker")

    campaign = CampaignFactory(
        artist=artist,
        name="Summer single push",
        objective="Take the new single into the Top 50 and grow TikTok by 50 %.",
        status=Campaign.Status.ACTIVE,
        budget=Decimal("25000"),
        kpis=[
            {"name": "Streams", "target": 2_000_000, "actual": 1_420_000},
            {"name": "TikTok followers gained", "target": 30_000, "actual": 31_200},
            {"name": "Radio adds", "target": 20, "actual": 6},
        ],
    )
    deal = DealFactory(
        title="Lumière summer tour",
        stage=stage(sponsorship(), "Negotiation"),
        sponsor=sponsor,
        artists=[artist],
        campaign=campaign,
        value=Decimal("48500"),
        owner=manager,
        expected_close_date=today + timedelta(days=21),
        deliverables="3 posts, 1 branded live session, logo on the tour poster.",
    )
    DealFactory(
        title="Festival headline slot",
        stage=stage(sponsorship(), "Proposal"),
        sponsor=sponsor,
        artists=[artist],
        value=Decimal("12000"),
    )
    DealFactory(
        title="Nova Reyes renewal", stage=stage(signing(), "Signed"), artists=[artist], value=Decimal("0")
    )

    now = timezone.now()
    for hours, kind, summary in (
        (3, Interaction.Kind.CALL, "Call with Camille: budget confirmed, they want a live session in Lyon."),
        (26, Interaction.Kind.EMAIL, "Sent the tour dates and the deck."),
        (80, Interaction.Kind.MEETING, "Lunch at the label: next single in June, radio plan."),
        (150, Interaction.Kind.NOTE, "Prefers morning calls. Vegan catering on tour."),
    ):
        InteractionFactory(
            artist=artist,
            kind=kind,
            summary=summary,
            occurred_at=now - timedelta(hours=hours),
            author=manager,
        )
    Interaction.objects.create(
        kind=Interaction.Kind.SYSTEM,
        summary="",
        occurred_at=now - timedelta(hours=30),
        author=manager,
        deal=deal,
        data={"event": "stage_changed", "from": "Proposal", "to": "Negotiation"},
    )
    Interaction.objects.create(
        kind=Interaction.Kind.SYSTEM,
        summary="",
        occurred_at=now - timedelta(days=12),
        author=manager,
        deal=deal,
        data={"event": "deal_created", "stage": "Proposal"},
    )
    InteractionFactory(
        artist=None,
        deal=deal,
        kind=Interaction.Kind.CALL,
        summary="Negotiating the branded live session fee.",
        occurred_at=now - timedelta(hours=28),
        author=manager,
    )
    Artist.objects.filter(pk=artist.pk).update(last_interaction_at=now - timedelta(hours=3))
    Sponsor.objects.filter(pk=sponsor.pk).update(last_interaction_at=now - timedelta(hours=28))
    return Agency(artist=artist, sponsor=sponsor, deal=deal, campaign=campaign, contact=contact)
