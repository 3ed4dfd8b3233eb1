"""Reads of the record pages (artist, sponsor, contact, deal, campaign), the timeline, audience analytics and the
pipeline settings. Every function scopes through :mod:`crm.permissions` and fetches what its page shows in a
fixed number of queries, whatever the number of rows."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from crm import normalize
from crm.models import (
    Artist,
    AudienceSnapshot,
    Campaign,
    Contact,
    Deal,
    Interaction,
    Pipeline,
    SocialProfile,
    Stage,
)
from crm.permissions import (
    artists_visible_to,
    campaigns_visible_to,
    contacts_visible_to,
    deals_visible_to,
    interactions_visible_to,
    pipelines_visible_to,
    sponsors_visible_to,
)

GROWTH_DAYS = 90
CHART_DAYS = 365
PICKER_LIMIT = 20

# --- artists ---------------------------------------------------------------------------------------------------


def artist_get(*, user: Any, pk: int) -> Artist | None:
    """The artist for the page header (genres prefetched)."""
    return artists_visible_to(user).prefetch_related("genres").filter(pk=pk).first()


def artist_profile(*, user: Any, pk: int) -> Artist | None:
    """Everything the profile tab shows."""
    return (
        artists_visible_to(user)
        .prefetch_related(
            "genres",
            "tags",
            Prefetch("managers", queryset=_people()),
            Prefetch("socials", queryset=SocialProfile.objects.order_by("platform", "handle")),
            Prefetch("team", queryset=Contact.objects.order_by("last_name", "first_name")),
        )
        .filter(pk=pk)
        .first()
    )


def _people():
    from accounts.models import User

    return User.objects.order_by("first_name", "last_name")


def artist_deals(*, user: Any, artist: Artist) -> list[Deal]:
    """The artist's deals, by pipeline then stage order (stage, pipeline and sponsor joined)."""
    return list(
        deals_visible_to(user)
        .filter(artists=artist)
        .select_related("stage", "pipeline", "sponsor", "owner")
        .order_by("pipeline__position", "pipeline__name", "stage__position", "position", "pk")
    )


@dataclass
class PipelineDeals:
    pipeline: Pipeline
    deals: list[Deal] = field(default_factory=list)
    open_value: Decimal = Decimal(0)
    weighted_value: Decimal = Decimal(0)
    won_value: Decimal = Decimal(0)


def group_by_pipeline(deals: list[Deal]) -> list[PipelineDeals]:
    groups: dict[int, PipelineDeals] = {}
    for deal in deals:
        group = groups.setdefault(deal.pipeline_id, PipelineDeals(deal.pipeline))
        group.deals.append(deal)
        if deal.stage.outcome == Stage.Outcome.OPEN:
            group.open_value += deal.value
            group.weighted_value += deal.weighted_value
        elif deal.stage.outcome == Stage.Outcome.WON:
            group.won_value += deal.value
    return list(groups.values())


def artist_campaigns(*, user: Any, artist: Artist) -> list[Campaign]:
    return list(
        campaigns_visible_to(user)
        .filter(artist=artist)
        .annotate(deal_count=Count("deals"))
        .order_by("-start_date", "name")
    )


# --- audience analytics ----------------------------------------------------------------------------------------


@dataclass
class PlatformGrowth:
    platform: str
    label: str
    followers: int
    since: date | None  # the snapshot compared with
    days: int  # how many days apart (GROWTH_DAYS, or less when the history is shorter)
    change: int
    percent: float | None
    latest: date
    monthly_listeners: int | None
    engagement_rate: Decimal | None

    @property
    def partial(self) -> bool:
        return self.days < GROWTH_DAYS


@dataclass
class AudienceAnalytics:
    growth: list[PlatformGrowth]
    chart: dict  # {"labels": [...iso dates], "datasets": [{"platform", "label", "data": [...]}]}
    total: int
    snapshot_count: int

    @property
    def empty(self) -> bool:
        return not self.snapshot_count

    @property
    def chart_json(self) -> str:
        return json.dumps(self.chart, separators=(",", ":"))


def audience_analytics(*, artist: Artist, today: date | None = None) -> AudienceAnalytics:
    """Growth per platform over the last 90 days and the series of the last year for the chart (one query)."""
    today = today or timezone.localdate()
    snapshots = list(
        AudienceSnapshot.objects.filter(artist=artist, date__gte=today - timedelta(days=CHART_DAYS))
        .order_by("platform", "date")
        .only("platform", "date", "followers", "monthly_listeners", "engagement_rate")
    )
    labels = dict(SocialProfile.Platform.choices)
    series: dict[str, list[AudienceSnapshot]] = {}
    for snapshot in snapshots:
        series.setdefault(snapshot.platform, []).append(snapshot)
    growth = [
        _growth(platform, points, str(labels.get(platform, platform))) for platform, points in series.items()
    ]
    growth.sort(key=lambda g: -g.followers)
    dates = sorted({s.date for s in snapshots})
    index = {day: i for i, day in enumerate(dates)}
    datasets = []
    for item in growth:
        data: list[int | None] = [None] * len(dates)
        for point in series[item.platform]:
            data[index[point.date]] = point.followers
        datasets.append({"platform": item.platform, "label": item.label, "data": data})
    return AudienceAnalytics(
        growth=growth,
        chart={"labels": [d.isoformat() for d in dates], "datasets": datasets},
        total=sum(g.followers for g in growth),
        snapshot_count=len(snapshots),
    )


def _growth(platform: str, points: list[AudienceSnapshot], label: str) -> PlatformGrowth:
    latest = points[-1]
    cutoff = latest.date - timedelta(days=GROWTH_DAYS)
    before = [p for p in points if p.date <= cutoff]
    base = before[-1] if before else points[0]
    days = (latest.date - base.date).days
    change = latest.followers - base.followers
    percent = (change / base.followers * 100) if base.followers and base is not latest else None
    return PlatformGrowth(
        platform=platform,
        label=label,
        followers=latest.followers,
        since=base.date if base is not latest else None,
        days=days,
        change=change if base is not latest else 0,
        percent=percent,
        latest=latest.date,
        monthly_listeners=latest.monthly_listeners,
        engagement_rate=latest.engagement_rate,
    )


# --- the timeline ----------------------------------------------------------------------------------------------


def timeline(
    *,
    user: Any,
    artist: Artist | None = None,
    sponsor: Any = None,
    contact: Contact | None = None,
    deal: Deal | None = None,
) -> QuerySet[Interaction]:
    """Newest first. An artist's timeline has its own entries and those of its deals; a sponsor's, its own and
    those of its deals and contacts; a contact's, its own and those it attended; a deal's, its own."""
    if artist is not None:
        deal_ids = Deal.artists.through.objects.filter(artist_id=artist.pk).values("deal_id")
        condition = Q(artist_id=artist.pk) | Q(deal_id__in=Subquery(deal_ids))
    elif sponsor is not None:
        deal_ids = Deal.objects.filter(sponsor_id=sponsor.pk).values("pk")
        contact_ids = Contact.objects.filter(sponsor_id=sponsor.pk).values("pk")
        condition = (
            Q(sponsor_id=sponsor.pk)
            | Q(deal_id__in=Subquery(deal_ids))
            | Q(contact_id__in=Subquery(contact_ids))
        )
    elif contact is not None:
        attended = Interaction.people.through.objects.filter(contact_id=contact.pk).values("interaction_id")
        condition = Q(contact_id=contact.pk) | Q(pk__in=Subquery(attended))
    elif deal is not None:
        condition = Q(deal_id=deal.pk)
    else:
        return Interaction.objects.none()
    return with_timeline_relations(interactions_visible_to(user).filter(condition)).order_by(
        "-occurred_at", "-pk"
    )


def with_timeline_relations(queryset: QuerySet[Interaction]) -> QuerySet[Interaction]:
    """What an entry shows: its author, participants, people present and the records it is linked to."""
    return queryset.select_related("author", "deal", "artist", "sponsor", "contact").prefetch_related(
        Prefetch("participants", queryset=_people()),
        Prefetch("people", queryset=Contact.objects.order_by("last_name", "first_name")),
    )


def interaction_get(*, user: Any, pk: int) -> Interaction | None:
    return with_timeline_relations(interactions_visible_to(user)).filter(pk=pk).first()


# --- sponsors and contacts -------------------------------------------------------------------------------------


def sponsor_get(*, user: Any, pk: int):
    return (
        sponsors_visible_to(user)
        .select_related("owner")
        .prefetch_related(
            "target_genres",
            "tags",
            Prefetch("contacts", queryset=Contact.objects.order_by("last_name", "first_name")),
        )
        .filter(pk=pk)
        .first()
    )


def sponsor_deals(*, user: Any, sponsor) -> list[Deal]:
    return list(
        deals_visible_to(user)
        .filter(sponsor=sponsor)
        .select_related("stage", "pipeline", "owner")
        .prefetch_related(Prefetch("artists", queryset=Artist.objects.only("pk", "stage_name")))
        .order_by("pipeline__position", "pipeline__name", "stage__position", "position", "pk")
    )


def contact_get(*, user: Any, pk: int) -> Contact | None:
    return (
        contacts_visible_to(user)
        .select_related("sponsor", "artist")
        .prefetch_related("tags")
        .filter(pk=pk)
        .first()
    )


def contacts_for(
    *, artist: Artist | None = None, sponsor: Any = None, deal: Deal | None = None, contact=None
):
    """The people the quick-add offers as "present": the record's own team/contacts."""
    if artist is not None:
        return Contact.objects.filter(artist=artist).order_by("last_name", "first_name")
    if sponsor is not None:
        return Contact.objects.filter(sponsor=sponsor).order_by("last_name", "first_name")
    if deal is not None:
        artist_ids = Deal.artists.through.objects.filter(deal_id=deal.pk).values("artist_id")
        condition = Q(artist_id__in=Subquery(artist_ids))
        if deal.sponsor_id:
            condition |= Q(sponsor_id=deal.sponsor_id)
        return Contact.objects.filter(condition).order_by("last_name", "first_name")
    if contact is not None:
        return Contact.objects.filter(pk=contact.pk)
    return Contact.objects.none()


# --- deals -----------------------------------------------------------------------------------------------------


def deal_get(*, user: Any, pk: int) -> Deal | None:
    return (
        deals_visible_to(user)
        .select_related("stage", "pipeline", "sponsor", "campaign", "campaign__artist", "owner")
        .prefetch_related(Prefetch("artists", queryset=Artist.objects.order_by("stage_name")), "tags")
        .filter(pk=pk)
        .first()
    )


STAGE_EVENTS = ("deal_created", "stage_changed", "pipeline_changed", "deal_from_match", "imported")


def deal_stage_history(*, deal: Deal) -> list[Interaction]:
    """The deal's path through the stages, oldest first (from its system timeline entries)."""
    return list(
        Interaction.objects.filter(deal=deal, kind=Interaction.Kind.SYSTEM, data__event__in=STAGE_EVENTS)
        .select_related("author")
        .order_by("occurred_at", "pk")
    )


def deal_stages(*, deal: Deal) -> list[Stage]:
    return list(Stage.objects.filter(pipeline_id=deal.pipeline_id).order_by("position", "pk"))


# --- campaigns -------------------------------------------------------------------------------------------------


def campaign_list(*, user: Any, status: str = "", query: str = "") -> QuerySet[Campaign]:
    campaigns = (
        campaigns_visible_to(user)
        .select_related("artist")
        .annotate(deal_count=Count("deals"), deal_value=Sum("deals__value"))
    )
    if status:
        campaigns = campaigns.filter(status=status)
    if query:
        campaigns = campaigns.filter(Q(name__icontains=query) | Q(artist__stage_name__icontains=query))
    return campaigns.order_by("-start_date", "name", "pk")


def campaign_get(*, user: Any, pk: int) -> Campaign | None:
    return campaigns_visible_to(user).select_related("artist").filter(pk=pk).first()


def campaign_deals(*, user: Any, campaign: Campaign) -> list[Deal]:
    return list(
        deals_visible_to(user)
        .filter(campaign=campaign)
        .select_related("stage", "pipeline", "sponsor")
        .order_by("pipeline__position", "stage__position", "position")
    )


# --- pipeline settings -----------------------------------------------------------------------------------------


def pipelines_with_stages(*, user: Any) -> list[Pipeline]:
    """Every pipeline (archived last) with its stages in board order, each with ``deal_count`` (two queries)."""
    stages = Stage.objects.annotate(deal_count=Count("deals")).order_by("position", "pk")
    return list(
        pipelines_visible_to(user)
        .prefetch_related(Prefetch("stages", queryset=stages))
        .order_by("archived", "position", "name")
    )


def pipeline_with_stages(*, user: Any, pk: int) -> Pipeline | None:
    stages = Stage.objects.annotate(deal_count=Count("deals")).order_by("position", "pk")
    return (
        pipelines_visible_to(user).prefetch_related(Prefetch("stages", queryset=stages)).filter(pk=pk).first()
    )


# --- record pickers --------------------------------------------------------------------------------------------

PICKER_KINDS = ("artist", "sponsor", "contact", "campaign")


def picker_search(*, user: Any, kind: str, query: str, limit: int = PICKER_LIMIT) -> list[dict]:
    """``[{"id", "label", "hint"}]`` of records matching ``query`` (name, alias, e-mail), for the form pickers."""
    text = query.strip()
    key = normalize.normalize_name(text)
    if kind == "artist":
        rows = artists_visible_to(user).only("pk", "stage_name", "city", "status")
        if text:
            rows = rows.filter(
                Q(stage_name__icontains=text) | Q(normalized_name__contains=key)
                if key
                else Q(stage_name__icontains=text)
            )
        return [
            {"id": a.pk, "label": a.stage_name, "hint": a.get_status_display()}
            for a in rows.order_by("stage_name")[:limit]
        ]
    if kind == "sponsor":
        rows = sponsors_visible_to(user).only("pk", "name", "industry")
        if text:
            rows = rows.filter(
                Q(name__icontains=text) | Q(normalized_name__contains=key) if key else Q(name__icontains=text)
            )
        return [{"id": s.pk, "label": s.name, "hint": s.industry} for s in rows.order_by("name")[:limit]]
    if kind == "contact":
        rows = contacts_visible_to(user).select_related("sponsor", "artist")
        if text:
            rows = rows.filter(
                Q(normalized_name__contains=key) | Q(email__icontains=text)
                if key
                else Q(email__icontains=text)
            )
        return [
            {
                "id": c.pk,
                "label": c.full_name,
                "hint": " · ".join(x for x in (c.role, str(c.sponsor or c.artist or "")) if x),
            }
            for c in rows.order_by("last_name", "first_name")[:limit]
        ]
    if kind == "campaign":
        rows = campaigns_visible_to(user).select_related("artist")
        if text:
            rows = rows.filter(Q(name__icontains=text) | Q(artist__stage_name__icontains=text))
        return [
            {"id": c.pk, "label": c.name, "hint": c.artist.stage_name}
            for c in rows.order_by("-start_date", "name")[:limit]
        ]
    return []
