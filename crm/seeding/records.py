"""The CRM demo records, written in bulk: genres, tags, artists (socials, a year of weekly audience, team),
sponsors (contacts), campaigns. Deals and the timeline are in :mod:`crm.seeding.deals`.

Bulk writes skip the services on purpose (tens of thousands of rows at the benchmark scale), so this module
fills the columns the services keep (``normalized_name``, ``audience_total``…) itself.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models.functions import Lower
from simple_history.utils import bulk_create_with_history

from core.seeding import SeedContext
from crm.models import (
    Artist,
    AudienceSnapshot,
    Campaign,
    Contact,
    Genre,
    ScoringConfig,
    SocialProfile,
    Sponsor,
    Tag,
)
from crm.normalize import normalize_email, normalize_name

from . import generators as g
from . import vocabulary as v

BATCH = 2_000
SNAPSHOT_WEEKS = 53  # a year of Mondays… or whatever day today is
STATUS_WEIGHTS = {"prospect": 38, "in_talks": 14, "signed": 36, "alumni": 12}
PLATFORM_ODDS = {"spotify": 0.95, "instagram": 0.9, "tiktok": 0.7, "youtube": 0.5}
MAIL_DOMAINS = ["gmail.com", "proton.me", "outlook.fr", "icloud.com", "orange.fr"]
# genre → the age bands that listen most (others get the middle bands)
YOUNG_GENRES = {"rap-francais", "hip-hop", "afrobeats", "reggaeton", "lo-fi", "electro"}
OLDER_GENRES = {"jazz", "chanson", "soul", "folk"}


@dataclass
class People:
    """Who owns records and writes the timeline: Managers and Admins, the demo manager more than the others."""

    writers: list
    weights: list[int]
    everyone: list
    by: Any  # the demo manager (history entries of the seed)

    def pick(self, rng: random.Random):
        return rng.choices(self.writers, weights=self.weights)[0]


@dataclass
class Made:
    genres: dict[str, Genre]
    tags: list[Tag]
    artists: list[Artist] = field(default_factory=list)
    artist_genres: dict[int, list[str]] = field(default_factory=dict)  # pk → genre slugs
    artist_team: dict[int, list[Contact]] = field(default_factory=dict)
    sponsors: list[Sponsor] = field(default_factory=list)
    sponsor_contacts: dict[int, list[Contact]] = field(default_factory=dict)
    sponsor_genres: dict[int, list[str]] = field(default_factory=dict)
    campaigns_by_artist: dict[int, list[Campaign]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def copy_rows(table: str, columns: list[str], rows) -> int:
    """PostgreSQL COPY: an order of magnitude faster than INSERTs for the audience series."""
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def update_columns(model, fields: list[str], rows) -> None:
    """Set ``fields`` of many rows at once: ``rows`` are ``(pk, value, …)``. COPY into a temporary table, then one
    UPDATE … FROM (``bulk_update``'s CASE WHEN is an order of magnitude slower at 20,000 rows)."""
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(name).column for name in fields]
    types = [meta.get_field(name).db_type(connection) for name in fields]
    definition = ", ".join(f"{quote(c)} {t}" for c, t in zip(columns, types, strict=True))
    assignments = ", ".join(f"{quote(c)} = s.{quote(c)}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE seed_update (id bigint PRIMARY KEY, {definition})")
        try:
            with cursor.copy("COPY seed_update FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            table = quote(meta.db_table)  # identifiers of our own models, never input
            cursor.execute(f"UPDATE {table} AS t SET {assignments} FROM seed_update AS s WHERE t.id = s.id")  # noqa: S608
        finally:
            cursor.execute("DROP TABLE seed_update")


def link(through, left: str, right: str, pairs) -> int:
    """Bulk-create M2M rows (``pairs`` of pks), ignoring duplicates."""
    objs = [through(**{f"{left}_id": a, f"{right}_id": b}) for a, b in pairs]
    through.objects.bulk_create(objs, batch_size=BATCH * 5, ignore_conflicts=True)
    return len(objs)


# --- reference data ---------------------------------------------------------------------------------------------


def seed_reference() -> Made:
    genres = {}
    for name, slug in v.GENRES:
        genres[slug] = Genre.objects.get_or_create(slug=slug, defaults={"name": name})[0]
    tags = []
    for name, color in v.TAGS:
        tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name, color=color)
        tags.append(tag)
    config = ScoringConfig.objects.order_by("pk").first()
    if config is not None and not config.focus_countries and not config.focus_genres.exists():
        config.focus_countries = v.FOCUS_COUNTRIES
        config.save(update_fields=["focus_countries"])
        config.focus_genres.set([genres[slug] for slug in v.FOCUS_GENRES])
    return Made(genres=genres, tags=tags)


# --- artists ----------------------------------------------------------------------------------------------------


def _age_bands(rng: random.Random, genre: str) -> list[str]:
    bands = [code for code, _ in Artist._meta.get_field("audience_age_bands").base_field.choices]
    if genre in YOUNG_GENRES:
        start = rng.choice([0, 1, 1])
    elif genre in OLDER_GENRES:
        start = rng.choice([2, 3, 3])
    else:
        start = rng.choice([1, 1, 2])
    return bands[start : start + rng.choice([2, 2, 3])]


def _flags(rng: random.Random, genres: list[str]) -> list[str]:
    flags = []
    if set(genres) & {"rap-francais", "hip-hop", "metal"} and rng.random() < 0.4:
        flags.append("explicit_lyrics")
    for flag, odds in (("controversy", 0.04), ("politics", 0.04), ("alcohol", 0.03), ("competitor", 0.05)):
        if rng.random() < odds:
            flags.append(flag)
    return flags


def _contract(rng: random.Random, status: str, today: date) -> dict[str, Any]:
    if status == "signed":
        start = today - timedelta(days=rng.randint(20, 1_300))
        end = max(
            start + timedelta(days=rng.choice([730, 1095, 1460])),
            today + timedelta(days=rng.randint(30, 400)),
        )
    elif status == "alumni":
        start = today - timedelta(days=rng.randint(1_500, 3_000))
        end = today - timedelta(days=rng.randint(30, 700))
    else:
        return {}
    years = round((end - start).days / 365)
    share = rng.choice([15, 18, 20, 25])
    advance = rng.choice([5, 10, 15, 25, 40, 60])
    terms = (
        f"{years} ans, {share} % sur le live, le merch et les partenariats. Avance de {advance} 000 €, "
        f"option de renouvellement d'un an."
    )
    return {"contract_start": start, "contract_end": end, "contract_terms": terms}


def _legal_name(fake, *, band: bool, first_name: str) -> str:
    if band:
        return ""
    return f"{first_name} {fake.last_name()}" if first_name else fake.name()


def _handle(rng: random.Random, name: str, platform: str, taken: set) -> str:
    base = g.ascii_slug(name) or "artist"
    for candidate in (
        base,
        f"{base}{rng.choice(['officiel', 'music', 'off', 'tv'])}",
        f"{base}.{rng.choice(['music', 'son', 'live'])}",
        f"{base}_{rng.randint(1, 9999)}",
    ):
        if (platform, candidate) not in taken:
            taken.add((platform, candidate))
            return candidate
    while True:  # pragma: no cover - four collisions in a row
        candidate = f"{base}{rng.randint(10_000, 99_999)}"
        if (platform, candidate) not in taken:
            taken.add((platform, candidate))
            return candidate


def _social_url(rng: random.Random, platform: str, handle: str) -> str:
    if platform == "spotify":
        ident = "".join(
            rng.choice("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") for _ in range(22)
        )
        return f"https://open.spotify.com/artist/{ident}"
    return {
        "instagram": f"https://www.instagram.com/{handle}/",
        "tiktok": f"https://www.tiktok.com/@{handle}",
        "youtube": f"https://www.youtube.com/@{handle}",
    }[platform]


GENRE_SLUGS = [slug for _, slug in v.GENRES]
GENRE_NAMES = {slug: name for name, slug in v.GENRES}
OTHER_REGIONS = ["FR", "BE", "CH", "CA", "GB", "US", "DE"]


@dataclass(frozen=True)
class ArtistSpec:
    """What the seed decides about an artist beyond its columns."""

    genres: list[str]
    platforms: list[str]
    audience: int
    status: str


def _artist(
    ctx: SeedContext, name: str, band: bool, first_name: str, today: date
) -> tuple[Artist, ArtistSpec]:
    rng, faker = ctx.rng, ctx.faker
    country = g.weighted(rng, v.COUNTRIES, lambda value: value[0])
    _, cities, languages, locale = v.COUNTRIES[country]
    city = rng.choice(cities)
    genres = list(
        dict.fromkeys(rng.choices(GENRE_SLUGS, weights=v.GENRE_WEIGHTS, k=rng.choice([1, 2, 2, 3])))
    )
    status = g.weighted(rng, STATUS_WEIGHTS)
    tier, audience = g.audience_tier(rng)
    platforms = [p for p, odds in PLATFORM_ODDS.items() if rng.random() < odds] or ["instagram", "spotify"]
    aliases = [name.upper() if rng.random() < 0.5 else name.split(" ")[-1]] if rng.random() < 0.2 else []
    lang = "fr" if "fr" in languages else "en"
    artist = Artist(
        stage_name=name,
        aliases=[a for a in aliases if a != name],
        legal_name=_legal_name(faker[locale], band=band, first_name=first_name),
        email=f"{g.ascii_slug(name, sep='.')}@{rng.choice(MAIL_DOMAINS)}" if rng.random() < 0.8 else "",
        phone=faker[locale].phone_number() if rng.random() < 0.6 else "",
        website=f"https://{g.ascii_slug(name)}.com" if tier in ("established", "star") else "",
        country=country,
        city=city,
        languages=sorted(set(languages[:1] + (["en"] if rng.random() < 0.4 else []))),
        bio=rng.choice(v.BIOS[lang]).format(name=name, city=city, genre=GENRE_NAMES[genres[0]]),
        status=status,
        audience_age_bands=_age_bands(rng, genres[0]),
        audience_regions=list(dict.fromkeys([country] + rng.sample(OTHER_REGIONS, rng.randint(0, 3)))),
        brand_safety_flags=_flags(rng, genres),
        normalized_name=normalize_name(name),
        **_contract(rng, status, today),
    )
    return artist, ArtistSpec(genres=genres, platforms=platforms, audience=audience, status=status)


def seed_artists(ctx: SeedContext, made: Made, people: People, *, count: int, today: date) -> None:
    rng = ctx.rng
    taken_names = set(Artist.objects.values_list("normalized_name", flat=True))
    built = [_artist(ctx, *name, today) for name in g.unique_stage_names(count, rng=rng, taken=taken_names)]
    artists = [artist for artist, _ in built]
    specs = [spec for _, spec in built]
    artists = bulk_create_with_history(artists, Artist, batch_size=BATCH, default_user=people.by)
    made.artists = artists

    genre_pairs, tag_pairs, manager_pairs = [], [], []
    for artist, spec in zip(artists, specs, strict=True):
        made.artist_genres[artist.pk] = spec.genres
        genre_pairs += [(artist.pk, made.genres[slug].pk) for slug in spec.genres]
        tag_pairs += [(artist.pk, tag.pk) for tag in rng.sample(made.tags, rng.choice([0, 0, 1, 1, 2]))]
        if spec.status in ("signed", "in_talks", "alumni"):
            managers = {people.pick(rng) for _ in range(rng.choice([1, 1, 2]))}
            manager_pairs += [(artist.pk, user.pk) for user in managers]
    link(Artist.genres.through, "artist", "genre", genre_pairs)
    link(Artist.tags.through, "artist", "tag", tag_pairs)
    link(Artist.managers.through, "artist", "user", manager_pairs)

    _seed_audience(rng, artists, specs, today, made)
    _seed_artist_teams(ctx, made, specs)
    made.counts.update(artists=len(artists), genres=len(made.genres), tags=len(made.tags))


def _seed_audience(rng: random.Random, artists: list[Artist], specs, today: date, made: Made) -> None:
    taken = {(p, h) for p, h in SocialProfile.objects.values_list("platform", Lower("handle"))}
    socials = []
    totals: dict[int, int] = {}

    def rows():
        for artist, spec in zip(artists, specs, strict=True):
            shares = {p: g.PLATFORMS[p][0] * rng.uniform(0.6, 1.4) for p in spec.platforms}
            scale = sum(shares.values())
            growth, viral = g.artist_growth(rng, spec.status)
            for platform in spec.platforms:
                handle = _handle(rng, artist.stage_name, platform, taken)
                socials.append(
                    SocialProfile(
                        artist=artist,
                        platform=platform,
                        handle=handle,
                        url=_social_url(rng, platform, handle),
                    )
                )
                series = g.audience_series(
                    rng=rng,
                    platform=platform,
                    today_followers=max(100, int(spec.audience * shares[platform] / scale)),
                    weeks=SNAPSHOT_WEEKS,
                    today=today,
                    growth=growth * rng.uniform(0.7, 1.3),
                    viral_week=viral,
                )
                totals[artist.pk] = totals.get(artist.pk, 0) + series[-1].followers
                for point in series:
                    yield (
                        artist.pk,
                        platform,
                        point.date,
                        point.followers,
                        point.monthly_listeners,
                        point.engagement_rate,
                    )

    snapshots = copy_rows(
        AudienceSnapshot._meta.db_table,
        ["artist_id", "platform", "date", "followers", "monthly_listeners", "engagement_rate"],
        rows(),
    )
    SocialProfile.objects.bulk_create(socials, batch_size=BATCH)
    for artist in artists:
        artist.audience_total = totals.get(artist.pk, 0)
    update_columns(Artist, ["audience_total"], ((a.pk, a.audience_total) for a in artists))
    made.counts.update(socials=len(socials), audience_snapshots=snapshots)


def _person(ctx: SeedContext, locale: str, role_choice: str, domain: str, **links) -> Contact:
    rng = ctx.rng
    fake = ctx.faker[locale]
    female = rng.random() < 0.5
    first = fake.first_name_female() if female else fake.first_name_male()
    last = fake.last_name()
    role = g.masculine_or_feminine(role_choice, rng)
    email = normalize_email(f"{g.ascii_slug(first)}.{g.ascii_slug(last)}@{domain}")
    return Contact(
        first_name=first,
        last_name=last,
        email=email,
        phone=fake.phone_number() if rng.random() < 0.7 else "",
        role=role,
        normalized_name=normalize_name(f"{first} {last}"),
        **links,
    )


def _seed_artist_teams(ctx: SeedContext, made: Made, specs) -> None:
    rng = ctx.rng
    contacts = []
    for artist, spec in zip(made.artists, specs, strict=True):
        if spec.status not in ("signed", "in_talks") and rng.random() < 0.7:
            continue
        locale = v.COUNTRIES[str(artist.country)][3]
        for role in rng.sample(v.ARTIST_TEAM_ROLES, rng.choice([1, 1, 2])):
            domain = f"{g.ascii_slug(artist.stage_name)}-{rng.choice(['mgmt', 'booking', 'team'])}.com"
            contacts.append(_person(ctx, locale, role, domain, artist=artist))
    Contact.objects.bulk_create(contacts, batch_size=BATCH)
    for contact in contacts:
        made.artist_team.setdefault(contact.artist_id, []).append(contact)
    made.counts["artist contacts"] = len(contacts)


# --- sponsors ---------------------------------------------------------------------------------------------------


def _k(value: int) -> Decimal:
    return Decimal(value * 1000)


def seed_sponsors(ctx: SeedContext, made: Made, people: People, *, count: int) -> None:
    rng = ctx.rng
    taken = set(Sponsor.objects.values_list("normalized_name", flat=True))
    brands = g.unique_brand_names(count, rng=rng, taken=taken)
    sponsors, specs = [], []
    for name, industry in brands:
        _, _, (low, high), ages, genres, excluded = v.INDUSTRIES[industry]
        budget_min = rng.randint(low, max(low, high // 3))
        budget_max = min(high, budget_min * rng.choice([2, 3, 4, 5]))
        exclusions = sorted({flag for flag in excluded if rng.random() < 0.8})
        notes = ""
        if exclusions:
            labels = ", ".join(
                str(dict(Artist._meta.get_field("brand_safety_flags").base_field.choices)[f]).lower()
                for f in exclusions
            )
            notes = f"No association with: {labels}. Every post is approved by the brand before publication."
        regions = ["FR"] + rng.sample(["BE", "CH", "CA", "GB", "DE", "ES", "IT", "US"], rng.randint(0, 3))
        domain = f"{g.ascii_slug(name)}.{rng.choice(['com', 'fr', 'eu', 'co'])}"
        sponsors.append(
            Sponsor(
                name=name,
                industry=industry,
                website=f"https://www.{domain}",
                budget_min=_k(budget_min),
                budget_max=_k(budget_max),
                currency="GBP" if regions[1:2] == ["GB"] and rng.random() < 0.3 else "EUR",
                target_age_bands=rng.sample(ages, rng.randint(min(2, len(ages)), len(ages))),
                target_regions=regions,
                excluded_flags=exclusions,
                brand_safety_notes=notes,
                owner=people.pick(rng),
                normalized_name=normalize_name(name),
            )
        )
        specs.append((rng.sample(genres, rng.randint(2, min(3, len(genres)))), domain))
    sponsors = bulk_create_with_history(sponsors, Sponsor, batch_size=BATCH, default_user=people.by)
    made.sponsors = sponsors

    genre_pairs, tag_pairs, contacts = [], [], []
    for sponsor, (genres, domain) in zip(sponsors, specs, strict=True):
        made.sponsor_genres[sponsor.pk] = genres
        genre_pairs += [(sponsor.pk, made.genres[slug].pk) for slug in genres]
        tag_pairs += [(sponsor.pk, tag.pk) for tag in rng.sample(made.tags, rng.choice([0, 1, 1, 2]))]
        locale = "en_GB" if sponsor.currency == "GBP" else "fr_FR"
        for _ in range(rng.choice([1, 2, 2, 3])):
            contacts.append(
                _person(ctx, locale, rng.choice(v.SPONSOR_CONTACT_ROLES), domain, sponsor=sponsor)
            )
    link(Sponsor.target_genres.through, "sponsor", "genre", genre_pairs)
    link(Sponsor.tags.through, "sponsor", "tag", tag_pairs)
    Contact.objects.bulk_create(contacts, batch_size=BATCH)
    for contact in contacts:
        made.sponsor_contacts.setdefault(contact.sponsor_id, []).append(contact)
    contact_tags = [(c.pk, made.tags[0].pk) for c in contacts if rng.random() < 0.05]
    link(Contact.tags.through, "contact", "tag", contact_tags)
    made.counts.update(sponsors=len(sponsors), **{"sponsor contacts": len(contacts)})


# --- campaigns --------------------------------------------------------------------------------------------------


def seed_campaigns(ctx: SeedContext, made: Made, *, count: int, today: date) -> None:
    rng = ctx.rng
    signed = [a for a in made.artists if a.status in ("signed", "in_talks")] or made.artists
    campaigns = []
    for _ in range(count):
        artist = rng.choice(signed)
        kind, objective = rng.choice(v.CAMPAIGN_KINDS)
        start = today + timedelta(days=rng.randint(-330, 90))
        end = start + timedelta(days=rng.choice([14, 21, 42, 60, 90, 120]))
        if start > today:
            status, progress = "planned", 0.0
        elif end < today:
            status = "cancelled" if rng.random() < 0.08 else "done"
            progress = rng.uniform(0.55, 1.4) if status == "done" else rng.uniform(0.05, 0.3)
        else:
            status = "active"
            progress = (today - start).days / max(1, (end - start).days) * rng.uniform(0.7, 1.2)
        kpis = []
        for name, low, high in rng.sample(v.CAMPAIGN_KPIS, rng.choice([2, 3])):
            target = round(rng.randint(low, high), -len(str(low)) + 2)
            kpis.append({"name": name, "target": target, "actual": int(target * progress)})
        campaigns.append(
            Campaign(
                artist=artist,
                name=f"{kind} — {artist.stage_name}",
                objective=objective,
                start_date=start,
                end_date=end,
                budget=Decimal(rng.randint(3, 150) * 1000),
                status=status,
                kpis=kpis,
            )
        )
    Campaign.objects.bulk_create(campaigns, batch_size=BATCH)
    for campaign in campaigns:
        made.campaigns_by_artist.setdefault(campaign.artist_id, []).append(campaign)
    made.counts["campaigns"] = len(campaigns)
