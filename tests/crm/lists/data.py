"""A believable little agency for the list tests and screenshots (deterministic)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

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
)

ARTISTS = [
    # stage name, aliases, legal name, status, score, audience, country, genres, tags
    (
        "Léa Nova",
        ["Lea N"],
        "Léa Marchand",
        "signed",
        86,
        1_240_000,
        "FR",
        ["Pop", "Electro"],
        ["VIP", "Tour 2026"],
    ),
    ("Kofi Blaze", ["KB"], "Kofi Mensah", "in_talks", 64, 310_000, "GH", ["Afrobeats"], ["Hot lead"]),
    ("Marta Sol", [], "Marta Solís", "prospect", 41, 58_000, "ES", ["Latin", "Pop"], []),
    ("DJ Oktav", ["Oktav"], "Olivier Tavernier", "signed", 77, 890_000, "FR", ["Electro"], ["VIP"]),
    ("Yuna Park", [], "Park Yuna", "prospect", 35, 22_500, "KR", ["Pop"], ["Hot lead"]),
    ("The Rivets", [], "", "alumni", 18, 12_000, "GB", ["Rock"], []),
    ("Zaïna", ["Zaina"], "Zaïna Benali", "in_talks", 58, 144_000, "MA", ["R&B", "Pop"], ["Tour 2026"]),
    ("Nils Frost", [], "Nils Frostad", "prospect", 27, 9_800, "NO", ["Electro"], []),
]


def default_pipelines() -> None:
    """The migrated pipelines; browser tests (transactional) flush them between tests."""
    import importlib

    from django.apps import apps

    importlib.import_module("crm.migrations.0002_default_pipelines").create(apps, None)


def build(*, managers=(), owner=None) -> dict:
    default_pipelines()
    genres = {
        name: GenreFactory(name=name, slug=name.lower().replace("&", "n"))
        for name in ["Pop", "Electro", "Afrobeats", "Latin", "Rock", "R&B"]
    }
    tags = {name: TagFactory(name=name) for name in ["VIP", "Tour 2026", "Hot lead"]}
    tags["VIP"].color = "#f26b21"
    tags["VIP"].save()
    artists = []
    now = timezone.now()
    for index, (name, aliases, legal, status, score, audience, country, genre_names, tag_names) in enumerate(
        ARTISTS
    ):
        artist = ArtistFactory(
            stage_name=name,
            aliases=aliases,
            legal_name=legal,
            status=status,
            score=score,
            audience_total=audience,
            country=country,
            city="",
            genres=[genres[g] for g in genre_names],
            tags=[tags[t] for t in tag_names],
            managers=list(managers)[: 1 + index % 2] if managers and status != Artist.Status.PROSPECT else [],
            last_interaction_at=now - timedelta(days=index * 3) if index % 3 else None,
        )
        artists.append(artist)
    sponsors = [
        SponsorFactory(
            name="Rivage Eaux",
            industry="Beverages",
            budget_min=Decimal(20000),
            budget_max=Decimal(80000),
            owner=owner,
            tags=[tags["VIP"]],
            website="https://rivage.example",
        ),
        SponsorFactory(
            name="Volt Sneakers",
            industry="Fashion",
            budget_min=Decimal(5000),
            budget_max=Decimal(25000),
            tags=[tags["Hot lead"]],
        ),
        SponsorFactory(
            name="Pixel Bank", industry="Finance", budget_min=None, budget_max=Decimal(150000), owner=owner
        ),
        SponsorFactory(
            name="=cmd|' /C calc'!A0", industry="Testing", budget_min=Decimal(1000), budget_max=Decimal(2000)
        ),
    ]
    contacts = [
        ContactFactory(
            first_name="Inès",
            last_name="Garnier",
            role="Brand manager",
            sponsor=sponsors[0],
            email="ines@rivage.example",
        ),
        ContactFactory(
            first_name="Tom",
            last_name="Baker",
            role="Marketing lead",
            sponsor=sponsors[1],
            email="tom@volt.example",
        ),
        ContactFactory(
            first_name="Sam",
            last_name="Okoro",
            role="Tour manager",
            artist=artists[1],
            email="sam@kofiblaze.example",
            phone="+44 20 7946 0000",
        ),
    ]
    sp = sponsorship()
    stages = {stage.name: stage for stage in sp.stages.all()}
    sg = signing()
    deals = [
        DealFactory(
            stage=stages["Proposal"],
            title="Rivage summer campaign",
            sponsor=sponsors[0],
            artists=[artists[0]],
            value=Decimal(45000),
            owner=owner,
            expected_close_date=timezone.localdate() + timedelta(days=20),
            tags=[tags["VIP"]],
        ),
        DealFactory(
            stage=stages["Negotiation"],
            title="Volt x Kofi Blaze capsule",
            sponsor=sponsors[1],
            artists=[artists[1]],
            value=Decimal(18000),
            currency="USD",
            expected_close_date=timezone.localdate() + timedelta(days=45),
        ),
        DealFactory(
            stage=stages["Won"],
            title="Pixel Bank festival stage",
            sponsor=sponsors[2],
            artists=[artists[3], artists[0]],
            value=Decimal(120000),
            owner=owner,
        ),
        DealFactory(
            stage=stages["Lost"],
            title="Rivage winter spot",
            sponsor=sponsors[0],
            artists=[artists[6]],
            value=Decimal(9000),
            lost_reason="Budget cut",
        ),
        DealFactory(
            stage=sg.stages.get(name="Meeting"),
            title="Signing Marta Sol",
            artists=[artists[2]],
            value=Decimal(0),
        ),
    ]
    return {
        "genres": genres,
        "tags": tags,
        "artists": artists,
        "sponsors": sponsors,
        "contacts": contacts,
        "deals": deals,
    }
