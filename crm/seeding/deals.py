"""Demo deals on both pipelines (every stage populated) and a year of timeline: calls, e-mails, meetings,
notes, messages, and the system's "moved from … to …" entries of the deals."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.seeding import SeedContext
from crm.models import Artist, Deal, Interaction, Pipeline, Sponsor, Stage
from crm.services.records import POSITION_GAP

from . import vocabulary as v
from .records import BATCH, Made, People, link, update_columns

OPEN_STAGE_WEIGHTS = [34, 26, 22, 18]  # the funnel: more deals in the early stages
WON_SHARE = 0.45
KIND_WEIGHTS = {"call": 25, "email": 30, "meeting": 14, "note": 20, "message": 11}
PLACEHOLDERS = ("artist", "sponsor", "contact", "deal")


def office_hours(rng: random.Random, moment: datetime) -> datetime:
    """``moment``'s day, at a plausible time of the working day (local time)."""
    local = timezone.localtime(moment)
    local = local.replace(
        hour=rng.randint(9, 18), minute=rng.choice([0, 10, 15, 30, 45, 50]), second=0, microsecond=0
    )
    return min(local, timezone.localtime(timezone.now()))


def _stages(kind: str) -> tuple[Pipeline, list[Stage], Stage, Stage]:
    pipeline = Pipeline.objects.filter(kind=kind).order_by("position", "pk").first()
    if pipeline is None:  # somebody removed a default pipeline: make it again
        pipeline = Pipeline.objects.create(name=dict(Pipeline.Kind.choices)[kind], kind=kind)
    stages = list(pipeline.stages.order_by("position", "pk"))
    open_stages = [s for s in stages if s.outcome == Stage.Outcome.OPEN]
    won = next((s for s in stages if s.outcome == Stage.Outcome.WON), None)
    lost = next((s for s in stages if s.outcome == Stage.Outcome.LOST), None)
    if not open_stages or won is None or lost is None:
        raise RuntimeError(f"The {pipeline} pipeline needs open, won and lost stages to seed deals.")
    return pipeline, open_stages, won, lost


class DealMaker:
    """Builds unsaved deals with their artists, a plausible history (created, moved, closed) and positions."""

    def __init__(self, ctx: SeedContext, made: Made, people: People, now: datetime, today: date):
        self.rng, self.made, self.people, self.now, self.today = ctx.rng, made, people, now, today
        self.deals: list[Deal] = []
        self.artists_of: list[list[Artist]] = []
        self.previous_stage: list[Stage | None] = []  # where each deal came from (None: never moved)
        self.created_at: list[datetime] = []
        # a second run (--force) appends below the cards already there
        self.positions: dict[int, int] = defaultdict(int)
        self.positions.update(
            Deal.objects.values_list("stage").annotate(top=Max("position")).values_list("stage", "top")
        )
        by_genre = defaultdict(list)
        for artist in made.artists:
            for slug in made.artist_genres.get(artist.pk, []):
                by_genre[slug].append(artist)
        self.by_genre = by_genre
        self.by_status = defaultdict(list)
        for artist in made.artists:
            self.by_status[artist.status].append(artist)

    def _position(self, stage: Stage) -> int:
        self.positions[stage.pk] += POSITION_GAP
        return self.positions[stage.pk]

    def _add(self, deal: Deal, artists: list[Artist], previous: Stage | None, created: datetime) -> None:
        deal.position = self._position(deal.stage)
        self.deals.append(deal)
        self.artists_of.append(artists)
        self.previous_stage.append(previous)
        self.created_at.append(created)

    def _open_stage(self, open_stages: list[Stage], nth: int) -> tuple[Stage, Stage | None, datetime]:
        """The ``nth`` open deal's stage: the first ones go one per stage so no column is empty."""
        if nth < len(open_stages):
            index = nth
        else:
            index = self.rng.choices(range(len(open_stages)), weights=OPEN_STAGE_WEIGHTS[: len(open_stages)])[
                0
            ]
        created = office_hours(
            self.rng, self.now - timedelta(days=self.rng.randint(3 + 12 * index, 40 + 35 * index))
        )
        return open_stages[index], open_stages[index - 1] if index else None, created

    def _closed(self, open_stages, won, lost, nth: int) -> tuple[Stage, Stage, datetime, datetime]:
        # one of each first, then mostly lost
        stage = (won, lost)[nth] if nth < 2 else (won if self.rng.random() < WON_SHARE else lost)
        previous = open_stages[-1] if stage is won else self.rng.choice(open_stages)
        closed_at = office_hours(self.rng, self.now - timedelta(days=self.rng.randint(1, 360)))
        return stage, previous, closed_at, closed_at - timedelta(days=self.rng.randint(15, 160))

    def _finish(self, deal: Deal, closed_at: datetime | None) -> None:
        rng = self.rng
        if closed_at is not None:
            deal.closed_at = closed_at
            deal.expected_close_date = (closed_at + timedelta(days=rng.randint(-10, 20))).date()
            if deal.stage.outcome == Stage.Outcome.LOST:
                deal.lost_reason = rng.choice(v.LOST_REASONS)
        else:
            deal.expected_close_date = self.today + timedelta(days=rng.randint(5, 150))
            if rng.random() < 0.15:
                deal.probability = max(0, min(100, deal.stage.probability + rng.choice([-15, -10, 10, 15])))

    # --- sponsorship: a brand, one or two artists who fit its genres

    def sponsorship(self, *, open_count: int, closed_count: int) -> None:
        pipeline, open_stages, won, lost = _stages(Pipeline.Kind.SPONSORSHIP)
        rng = self.rng
        for index in range(open_count + closed_count):
            sponsor: Sponsor = rng.choice(self.made.sponsors)
            genre = rng.choice(self.made.sponsor_genres.get(sponsor.pk) or ["pop"])
            pool = self.by_genre.get(genre) or self.made.artists
            artists = list(
                {a.pk: a for a in rng.sample(pool, min(len(pool), rng.choice([1, 1, 1, 2])))}.values()
            )
            if index < open_count:
                stage, previous, created = self._open_stage(open_stages, index)
                closed_at = None
            else:
                stage, previous, closed_at, created = self._closed(open_stages, won, lost, index - open_count)
            low = int(sponsor.budget_min or 5_000)
            high = max(low, int(sponsor.budget_max or low * 3))
            deal = Deal(
                pipeline=pipeline,
                stage=stage,
                title=f"{sponsor.name} × {artists[0].stage_name} — {rng.choice(v.SPONSOR_DEAL_KINDS)}",
                sponsor=sponsor,
                value=Decimal(round(rng.randint(low, high) / 500) * 500),
                currency=sponsor.currency,
                owner=sponsor.owner if rng.random() < 0.7 and sponsor.owner else self.people.pick(rng),
                deliverables="\n".join(rng.sample(v.DELIVERABLES, rng.randint(1, 3))),
            )
            if stage is won and rng.random() < 0.5:
                campaigns = self.made.campaigns_by_artist.get(artists[0].pk)
                deal.campaign = rng.choice(campaigns) if campaigns else None
            self._finish(deal, closed_at)
            self._add(deal, artists, previous, created)

    # --- signing: one artist, an advance

    def signing(self, *, open_count: int, closed_count: int) -> None:
        pipeline, open_stages, won, lost = _stages(Pipeline.Kind.SIGNING)
        rng = self.rng
        everyone = self.made.artists
        for index in range(open_count + closed_count):
            if index < open_count:
                stage, previous, created = self._open_stage(open_stages, index)
                closed_at = None
                pool = self.by_status["in_talks"] if stage.position >= 2 else self.by_status["prospect"]
            else:
                stage, previous, closed_at, created = self._closed(open_stages, won, lost, index - open_count)
                pool = self.by_status["signed" if stage is won else rng.choice(["prospect", "alumni"])]
            artist = rng.choice(pool or everyone)
            kind = rng.choice(v.SIGNING_DEAL_KINDS)
            tier = max(1, artist.audience_total // 50_000)
            deal = Deal(
                pipeline=pipeline,
                stage=stage,
                title=f"{kind}: {artist.stage_name}",
                value=Decimal(min(250, 5 + tier * rng.randint(2, 8)) * 1000),
                owner=self.people.pick(rng),
                deliverables=rng.choice(
                    ["", "Album + 2 EP", "3 singles and a live session", "Worldwide rights, 5 years"]
                ),
            )
            self._finish(deal, closed_at)
            self._add(deal, [artist], previous, created)

    def save(self) -> list[Deal]:
        deals = bulk_create_with_history(self.deals, Deal, batch_size=BATCH, default_user=self.people.by)
        pairs = [
            (deal.pk, artist.pk)
            for deal, artists in zip(deals, self.artists_of, strict=True)
            for artist in artists
        ]
        link(Deal.artists.through, "deal", "artist", pairs)
        tag_pairs = [
            (deal.pk, self.rng.choice(self.made.tags).pk) for deal in deals if self.rng.random() < 0.2
        ]
        link(Deal.tags.through, "deal", "tag", tag_pairs)
        for deal, created in zip(deals, self.created_at, strict=True):
            deal.created_at = created
            deal.updated_at = deal.closed_at or created
        update_columns(
            Deal, ["created_at", "updated_at"], ((d.pk, d.created_at, d.updated_at) for d in deals)
        )
        return deals


def seed_deals(
    ctx: SeedContext, made: Made, people: People, *, sizes, now: datetime, today: date
) -> DealMaker:
    maker = DealMaker(ctx, made, people, now, today)
    maker.sponsorship(open_count=sizes.sponsorship_open, closed_count=sizes.sponsorship_closed)
    maker.signing(open_count=sizes.signing_open, closed_count=sizes.signing_closed)
    maker.deals = maker.save()
    made.counts["deals"] = len(maker.deals)
    return maker


# --- the timeline -----------------------------------------------------------------------------------------------


def _templates() -> dict[str, dict[str, list[tuple[str, frozenset]]]]:
    """Per language and kind, each text with the placeholders it needs."""
    return {
        lang: {
            kind: [(text, frozenset(p for p in PLACEHOLDERS if "{" + p + "}" in text)) for text in texts]
            for kind, texts in kinds.items()
        }
        for lang, kinds in v.INTERACTION_TEXTS.items()
    }


def _when(rng: random.Random, now: datetime) -> datetime:
    """A moment of the last year, more often recent."""
    return office_hours(rng, now - timedelta(days=int(365 * rng.random() ** 1.7)))


def stage_change_entries(maker: DealMaker, people: People) -> list[Interaction]:
    """The system's entry for each deal's last move ("moved from Proposal to Negotiation")."""
    entries = []
    for deal, artists, previous, created in zip(
        maker.deals, maker.artists_of, maker.previous_stage, maker.created_at, strict=True
    ):
        if previous is None:
            continue
        when = deal.closed_at or office_hours(
            maker.rng, created + (maker.now - created) * maker.rng.uniform(0.3, 0.9)
        )
        author = deal.owner or people.by
        data = {"event": "stage_changed", "from": previous.name, "to": deal.stage.name}
        if deal.lost_reason:
            data["reason"] = deal.lost_reason
        entries.append(
            Interaction(
                kind=Interaction.Kind.SYSTEM,
                occurred_at=when,
                summary=f"Moved from {previous.name} to {deal.stage.name}",
                author=author,
                deal=deal,
                sponsor_id=deal.sponsor_id,
                artist=artists[0] if artists else None,
                data=data,
            )
        )
    return entries


def human_entries(
    ctx: SeedContext, made: Made, maker: DealMaker, people: People, *, count: int, now
) -> tuple:
    """``count`` calls, e-mails, meetings, notes and messages, with who took part."""
    rng = ctx.rng
    templates = _templates()
    deals_of_sponsor, deals_of_artist = defaultdict(list), defaultdict(list)
    for deal, artists in zip(maker.deals, maker.artists_of, strict=True):
        if deal.sponsor_id:
            deals_of_sponsor[deal.sponsor_id].append((deal, artists))
        for artist in artists:
            deals_of_artist[artist.pk].append((deal, artists))
    entries, participants, people_present = [], [], []
    for _ in range(count):
        kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        author = people.pick(rng)
        values: dict[str, object] = {}
        focus = rng.random()
        if focus < 0.45 and made.sponsors:
            sponsor = rng.choice(made.sponsors)
            values["sponsor"] = sponsor
            contacts = made.sponsor_contacts.get(sponsor.pk) or []
            if contacts and rng.random() < 0.8:
                values["contact"] = rng.choice(contacts)
            deals = deals_of_sponsor.get(sponsor.pk)
            if deals and rng.random() < 0.6:
                deal, artists = rng.choice(deals)
                values.update(deal=deal, artist=artists[0] if artists else None)
        else:
            artist = rng.choice(made.artists)
            values["artist"] = artist
            team = made.artist_team.get(artist.pk) or []
            if team and rng.random() < 0.6:
                values["contact"] = rng.choice(team)
            deals = deals_of_artist.get(artist.pk)
            if deals and rng.random() < 0.4:
                deal, _ = rng.choice(deals)
                values.update(deal=deal, sponsor=deal.sponsor)
        values = {k: value for k, value in values.items() if value is not None}
        lang = "fr" if getattr(author, "language", "fr") == "fr" else "en"
        options = [text for text, needs in templates[lang][kind] if needs <= set(values)] or [
            text for text, needs in templates[lang]["note"] if needs <= set(values)
        ]
        if not options:  # nothing fits (an artist-less sponsor note): a plain note
            options, kind = ["Point d'étape." if lang == "fr" else "Status check."], "note"
        text = rng.choice(options)
        labels = {
            "artist": getattr(values.get("artist"), "stage_name", ""),
            "sponsor": getattr(values.get("sponsor"), "name", ""),
            "contact": getattr(values.get("contact"), "full_name", ""),
            "deal": getattr(values.get("deal"), "title", ""),
        }
        entry = Interaction(
            kind=kind, occurred_at=_when(rng, now), summary=text.format(**labels), author=author, **values
        )
        entries.append(entry)
        team = {author}
        if kind == "meeting" and rng.random() < 0.6:
            team.add(people.pick(rng))
        participants.append(team)
        people_present.append(values.get("contact"))
    return entries, participants, people_present


def seed_timeline(ctx: SeedContext, made: Made, maker: DealMaker, people: People, *, count: int, now) -> None:
    system = stage_change_entries(maker, people)
    human, participants, present = human_entries(
        ctx, made, maker, people, count=max(count - len(system), count // 2), now=now
    )
    Interaction.objects.bulk_create(system + human, batch_size=BATCH)
    link(
        Interaction.participants.through,
        "interaction",
        "user",
        [(entry.pk, user.pk) for entry, team in zip(human, participants, strict=True) for user in team],
    )
    link(
        Interaction.people.through,
        "interaction",
        "contact",
        [
            (entry.pk, contact.pk)
            for entry, contact in zip(human, present, strict=True)
            if contact is not None
        ],
    )
    for model, field in ((Artist, "artist"), (Sponsor, "sponsor")):
        latest = Interaction.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
        model.objects.filter(pk__in=[o.pk for o in getattr(made, f"{field}s")]).update(
            last_interaction_at=Subquery(latest.annotate(at=Max("occurred_at")).values("at")[:1])
        )
    made.counts.update(interactions=len(system) + len(human), **{"stage changes": len(system)})
