"""Reads of scoring and matching: the scoring settings, the artist a score page shows, the sample the settings
preview recomputes, and the ranked match lists (sponsor → artists, artist → sponsors).

Match lists are computed on the fly and stay fast whatever the number of records: SQL keeps a bounded set of
candidates ranked by a cheap pre-score (shared genre, market, age band, a budget that fits the artist's tier,
past deals; signed and in-talks artists first, then by artist score), and :func:`crm.matching.match` ranks those
exactly. Each list costs the same few queries for 3 or 3,000 rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from crm import matching
from crm.models import Artist, Deal, Genre, ScoringConfig, Sponsor, Stage
from crm.permissions import artists_visible_to, sponsors_visible_to
from crm.scoring import ScoringSettings

CANDIDATES = 100
DEFAULT_LIMIT = 25
PREVIEW_TOP = 5
PREVIEW_BOTTOM = 3

ArtistGenre = Artist.genres.through
SponsorGenre = Sponsor.target_genres.through
DealArtist = Deal.artists.through
# the country code as a plain string: CountryField's conversion costs ~0.1 ms a row
RAW_COUNTRY = Cast("country", output_field=CharField())

ARTIST_MATCH_FIELDS = (
    "pk",
    "stage_name",
    "status",
    "score",
    "audience_total",
    "audience_regions",
    "audience_age_bands",
    "brand_safety_flags",
)
SPONSOR_MATCH_FIELDS = (
    "pk",
    "name",
    "industry",
    "budget_min",
    "budget_max",
    "currency",
    "target_regions",
    "target_age_bands",
    "excluded_flags",
)


@dataclass(frozen=True)
class ArtistCard:
    """What a match list needs of an artist (read as plain rows: 100 model instances cost ~4 ms)."""

    pk: int
    stage_name: str
    status: str
    score: int
    audience_total: int
    audience_regions: list
    audience_age_bands: list
    brand_safety_flags: list
    country_code: str

    def get_status_display(self) -> str:
        return str(Artist.Status(self.status).label)


@dataclass(frozen=True)
class SponsorCard:
    """What a match list needs of a sponsor."""

    pk: int
    name: str
    industry: str
    budget_min: Any
    budget_max: Any
    currency: str
    target_regions: list
    target_age_bands: list
    excluded_flags: list


# --- scoring settings ------------------------------------------------------------------------------------


def scoring_config_get() -> ScoringConfig:
    """The one settings row (the migration creates it); an unsaved default if it is missing."""
    return ScoringConfig.objects.order_by("pk").first() or ScoringConfig(weights={})


def scoring_settings_get(config: ScoringConfig | None = None) -> ScoringSettings:
    config = config or scoring_config_get()
    genre_ids = frozenset(config.focus_genres.values_list("pk", flat=True)) if config.pk else frozenset()
    return ScoringSettings(
        weights=dict(config.weights or {}),
        focus_genre_ids=genre_ids,
        focus_countries=frozenset(config.focus_countries or ()),
    )


def artist_score_get(*, user: Any, pk: int) -> Artist | None:
    """The artist whose score explanation is shown, or None when missing or not visible."""
    return (
        artists_visible_to(user)
        .only("pk", "stage_name", "status", "score", "score_breakdown", "score_updated_at", "audience_total")
        .filter(pk=pk)
        .first()
    )


def artist_for_matches(*, user: Any, pk: int) -> Artist | None:
    """The artist a match list is for (only what matching reads), or None when missing or not visible."""
    return (
        artists_visible_to(user)
        .only(*ARTIST_MATCH_FIELDS)
        .annotate(country_code=RAW_COUNTRY)
        .filter(pk=pk)
        .first()
    )


def sponsor_for_matches(*, user: Any, pk: int) -> Sponsor | None:
    return sponsors_visible_to(user).only(*SPONSOR_MATCH_FIELDS).filter(pk=pk).first()


def scoring_preview_sample(*, user: Any) -> list[Artist]:
    """A few artists to show the effect of new weights on: the best scored and the least (two queries)."""
    visible = artists_visible_to(user).exclude(status=Artist.Status.ALUMNI).only("pk", "stage_name", "score")
    top = list(visible.order_by("-score", "pk")[:PREVIEW_TOP])
    bottom = list(visible.exclude(pk__in=[a.pk for a in top]).order_by("score", "pk")[:PREVIEW_BOTTOM])
    return top + bottom[::-1]


# --- matching: building the two sides ----------------------------------------------------------------------


def artist_side(artist: Artist | ArtistCard, genres: dict[int, str]) -> matching.ArtistSide:
    regions = set(artist.audience_regions or ())
    country = getattr(artist, "country_code", None) or str(artist.country or "")  # the raw code is cheaper
    if country:
        regions.add(country)
    return matching.ArtistSide(
        genres=genres,
        age_bands=frozenset(artist.audience_age_bands or ()),
        regions=frozenset(regions),
        audience_total=artist.audience_total or 0,
        flags=frozenset(artist.brand_safety_flags or ()),
    )


def sponsor_side(sponsor: Sponsor | SponsorCard, genres: dict[int, str]) -> matching.SponsorSide:
    return matching.SponsorSide(
        genres=genres,
        age_bands=frozenset(sponsor.target_age_bands or ()),
        regions=frozenset(sponsor.target_regions or ()),
        budget_min=sponsor.budget_min,
        budget_max=sponsor.budget_max,
        currency=sponsor.currency,
        excluded_flags=frozenset(sponsor.excluded_flags or ()),
        industry=sponsor.industry,
    )


def _artist_genres(artist_ids: Iterable[int]) -> dict[int, dict[int, str]]:
    genres: dict[int, dict[int, str]] = {}
    rows = ArtistGenre.objects.filter(artist_id__in=list(artist_ids)).values_list(
        "artist_id", "genre_id", "genre__name"
    )
    for artist_id, genre_id, name in rows:
        genres.setdefault(artist_id, {})[genre_id] = name
    return genres


def _sponsor_genres(sponsor_ids: Iterable[int]) -> dict[int, dict[int, str]]:
    genres: dict[int, dict[int, str]] = {}
    rows = SponsorGenre.objects.filter(sponsor_id__in=list(sponsor_ids)).values_list(
        "sponsor_id", "genre_id", "genre__name"
    )
    for sponsor_id, genre_id, name in rows:
        genres.setdefault(sponsor_id, {})[genre_id] = name
    return genres


def _fitting_audience(sponsor: matching.SponsorSide) -> tuple[int, int]:
    """[from, to) audience of the tiers whose fee the sponsor's budget covers; (-1, -1) for none. The tiers a
    budget covers are always next to each other (fees rise with the audience)."""
    if sponsor.budget_min is None and sponsor.budget_max is None:
        return -1, -1
    tiers = [t for t in matching.TIERS if matching._budget(sponsor, t, explain=False)[0] >= 1]
    if not tiers:
        return -1, -1
    following = [t.audience_from for t in matching.TIERS if t.audience_from > tiers[-1].audience_from]
    return tiers[0].audience_from, following[0] if following else AUDIENCE_MAX


AUDIENCE_MAX = 2**62


def _scope(queryset: QuerySet, column: str) -> tuple[str, list] | None:
    """A visibility queryset as SQL to AND with: None when it shows nothing, "" when it shows every row."""
    if queryset.query.is_empty():
        return None
    if not queryset.query.where:
        return "", []
    sql, params = queryset.values("pk").query.sql_with_params()
    return f" AND {column} IN ({sql})", list(params)


# --- matching: histories ---------------------------------------------------------------------------------


@dataclass
class _HistoryDraft:
    won_together: int = 0
    won_similar: int = 0
    lost_together_on: Any = None
    open_deal_id: int | None = None
    open_deal_stage: str = ""
    open_deal_at: Any = None

    def add_together(
        self, *, deal_id: int, outcome: str, stage: str, closed_at: Any, updated_at: Any
    ) -> None:
        if outcome == Stage.Outcome.WON:
            self.won_together += 1
        elif outcome == Stage.Outcome.LOST:
            day = timezone.localdate(closed_at or updated_at)
            self.lost_together_on = max(filter(None, (self.lost_together_on, day)))
        elif self.open_deal_at is None or updated_at > self.open_deal_at:
            self.open_deal_id, self.open_deal_stage, self.open_deal_at = deal_id, stage, updated_at

    def freeze(self) -> matching.History:
        return matching.History(
            won_together=self.won_together,
            won_similar=self.won_similar,
            lost_together_on=self.lost_together_on,
            open_deal_id=self.open_deal_id,
            open_deal_stage=self.open_deal_stage,
        )


def _histories_for_sponsor(sponsor: Sponsor, artist_ids: list[int]) -> dict[int, matching.History]:
    """Per artist: deals with this sponsor, and deals won with other sponsors of the same industry (one query,
    driven by the candidates' deals)."""
    peers = Q(pk=sponsor.pk) | Q(industry__iexact=sponsor.industry) if sponsor.industry else Q(pk=sponsor.pk)
    rows = DealArtist.objects.filter(
        artist_id__in=artist_ids, deal__sponsor_id__in=Sponsor.objects.filter(peers).values("pk")
    )
    drafts: dict[int, _HistoryDraft] = {}
    for artist_id, deal_id, sponsor_id, outcome, stage, closed_at, updated_at in rows.values_list(
        "artist_id",
        "deal_id",
        "deal__sponsor_id",
        "deal__stage__outcome",
        "deal__stage__name",
        "deal__closed_at",
        "deal__updated_at",
    ):
        if sponsor_id == sponsor.pk:
            drafts.setdefault(artist_id, _HistoryDraft()).add_together(
                deal_id=deal_id, outcome=outcome, stage=stage, closed_at=closed_at, updated_at=updated_at
            )
        elif outcome == Stage.Outcome.WON:
            drafts.setdefault(artist_id, _HistoryDraft()).won_similar += 1
    return {artist_id: draft.freeze() for artist_id, draft in drafts.items()}


def _histories_for_artist(artist: Artist, sponsors: list[SponsorCard]) -> dict[int, matching.History]:
    """Per sponsor: deals with this artist, and the artist's wins with other sponsors of its industry."""
    rows = list(
        Deal.objects.filter(artists=artist, sponsor__isnull=False).values_list(
            "pk",
            "sponsor_id",
            "sponsor__industry",
            "stage__outcome",
            "stage__name",
            "closed_at",
            "updated_at",
        )
    )
    won_by_industry: dict[str, set[int]] = {}
    drafts: dict[int, _HistoryDraft] = {}
    for deal_id, sponsor_id, industry, outcome, stage, closed_at, updated_at in rows:
        if outcome == Stage.Outcome.WON and industry:
            won_by_industry.setdefault(industry.casefold(), set()).add(sponsor_id)
        drafts.setdefault(sponsor_id, _HistoryDraft()).add_together(
            deal_id=deal_id, outcome=outcome, stage=stage, closed_at=closed_at, updated_at=updated_at
        )
    histories = {}
    for sponsor in sponsors:
        draft = drafts.get(sponsor.pk, _HistoryDraft())
        others = (
            won_by_industry.get(sponsor.industry.casefold(), set()) - {sponsor.pk} if sponsor.industry else ()
        )
        draft.won_similar = len(others)
        histories[sponsor.pk] = draft.freeze()
    return histories


# --- matching: the lists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchRow:
    match: matching.Match
    artist: Artist | ArtistCard
    sponsor: Sponsor | SponsorCard
    history: matching.History


@dataclass(frozen=True)
class MatchList:
    """The ranked rows, and what the record they are matched against brings (``profile`` chips)."""

    rows: list[MatchRow]
    profile: tuple[matching.Chip, ...] = ()

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index):
        return self.rows[index]


# Every artist pre-scored against a sponsor, the best first. Each condition is evaluated once per row, in the
# sort key: past deals with the sponsor, a shared genre (hashed sub-plan), a shared market, a shared age band,
# a tier the budget fits, minus brand-safety conflicts; then signed and in-talks artists first, then by score.
# Empty arrays simply never match, so the statement is the same for every sponsor.
ARTIST_CANDIDATES_SQL = """
SELECT a.id, a.stage_name, a.status, a.score, a.audience_total, a.audience_regions, a.audience_age_bands,
       a.brand_safety_flags, a.country
FROM {artist} a
WHERE a.status <> %s{scope}
ORDER BY (
      CASE WHEN a.id IN (SELECT da.artist_id FROM {deal_artists} da JOIN {deal} d ON d.id = da.deal_id
                         WHERE d.sponsor_id = %s) THEN 10 ELSE 0 END
    + CASE WHEN a.id IN (SELECT ag.artist_id FROM {artist_genres} ag WHERE ag.genre_id = ANY(%s)) THEN 35 ELSE 0 END
    + CASE WHEN a.audience_regions && %s::varchar[] OR a.country = ANY(%s) THEN 20 ELSE 0 END
    + CASE WHEN a.audience_age_bands && %s::varchar[] THEN 20 ELSE 0 END
    + CASE WHEN a.audience_total >= %s AND a.audience_total < %s THEN 25 ELSE 0 END
    - CASE WHEN a.brand_safety_flags && %s::varchar[] THEN 60 ELSE 0 END
  ) DESC,
  CASE a.status WHEN 'signed' THEN 0 WHEN 'in_talks' THEN 1 ELSE 2 END, a.score DESC, a.id
LIMIT %s
"""


def _tables(**models) -> dict[str, str]:
    return {name: connection.ops.quote_name(model._meta.db_table) for name, model in models.items()}


def _artist_candidates(*, user: Any, sponsor: Sponsor, side: matching.SponsorSide) -> list[ArtistCard]:
    """The best pre-scored artists for the sponsor (one query, raw SQL: the ORM took 4 ms to compile it)."""
    scope = _scope(artists_visible_to(user), "a.id")
    if scope is None:
        return []
    scope_sql, scope_params = scope
    sql = ARTIST_CANDIDATES_SQL.format(
        scope=scope_sql,
        **_tables(artist=Artist, deal_artists=DealArtist, deal=Deal, artist_genres=ArtistGenre),
    )
    regions = sorted(side.regions)
    audience_from, audience_to = _fitting_audience(side)
    params = [
        Artist.Status.ALUMNI,
        *scope_params,
        sponsor.pk,
        sorted(side.genres),
        regions,
        regions,
        sorted(side.age_bands),
        audience_from,
        audience_to,
        sorted(side.excluded_flags),
        CANDIDATES,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [ArtistCard(*row) for row in cursor.fetchall()]


def _relevant(found: matching.Match, history: matching.History | None, side: matching.SponsorSide) -> bool:
    """Worth listing: shares something the sponsor targets, or has history with it (or the sponsor targets
    nothing, and every artist is as good a start as any)."""
    targets = (
        side.genres
        or side.age_bands
        or side.regions
        or side.budget_min is not None
        or side.budget_max is not None
    )
    return bool(
        found.hits
        or not targets
        or (history and (history.won_together or history.lost_together_on or history.open_deal_id))
    )


def artist_matches_for_sponsor(*, user: Any, sponsor: Sponsor, limit: int = DEFAULT_LIMIT) -> MatchList:
    """The artists that best match ``sponsor``, best first (four queries, whatever the number of artists)."""
    side = sponsor_side(sponsor, _sponsor_genres([sponsor.pk]).get(sponsor.pk, {}))
    artists = _artist_candidates(user=user, sponsor=sponsor, side=side)
    ids = [a.pk for a in artists]
    genres = _artist_genres(ids)
    histories = _histories_for_sponsor(sponsor, ids)
    today = timezone.localdate()
    sides = {a.pk: artist_side(a, genres.get(a.pk, {})) for a in artists}
    scores = {}
    for a in artists:
        found = matching.match(side, sides[a.pk], histories.get(a.pk), today=today, explain=False)
        if _relevant(found, histories.get(a.pk), side):
            scores[a.pk] = found.score
    rank = {pk: i for i, pk in enumerate(ids)}
    best = sorted((a for a in artists if a.pk in scores), key=lambda a: (-scores[a.pk], rank[a.pk]))[:limit]
    rows = []
    for a in best:  # only the rows shown are explained
        history = histories.get(a.pk) or matching.History()
        found = matching.match(side, sides[a.pk], history, today=today)
        rows.append(MatchRow(match=found, artist=a, sponsor=sponsor, history=history))
    return MatchList(rows=rows, profile=matching.sponsor_profile(side))


# Every sponsor pre-scored against an artist (no target on a criterion counts half), the best first.
SPONSOR_CANDIDATES_SQL = """
SELECT s.id, s.name, s.industry, s.budget_min, s.budget_max, s.currency, s.target_regions, s.target_age_bands,
       s.excluded_flags
FROM {sponsor} s
WHERE TRUE{scope}
ORDER BY (
      CASE WHEN s.id IN (SELECT sg.sponsor_id FROM {sponsor_genres} sg WHERE sg.genre_id = ANY(%s)) THEN 35
           WHEN s.id NOT IN (SELECT sg.sponsor_id FROM {sponsor_genres} sg) THEN 17 ELSE 0 END
    + CASE WHEN s.target_regions && %s::varchar[] THEN 20 WHEN s.target_regions = '{{}}' THEN 10 ELSE 0 END
    + CASE WHEN s.target_age_bands && %s::varchar[] THEN 20 WHEN s.target_age_bands = '{{}}' THEN 10 ELSE 0 END
    + CASE WHEN (s.budget_min IS NOT NULL OR s.budget_max IS NOT NULL)
                AND COALESCE(s.budget_max * ({rate}), 'Infinity') >= %s
                AND COALESCE(s.budget_min * ({rate}), 0) <= %s THEN 25 ELSE 0 END
    - CASE WHEN s.excluded_flags && %s::varchar[] THEN 60 ELSE 0 END
    + CASE WHEN s.id IN (SELECT d.sponsor_id FROM {deal} d JOIN {deal_artists} da ON da.deal_id = d.id
                         WHERE da.artist_id = %s) THEN 10 ELSE 0 END
  ) DESC,
  s.name, s.id
LIMIT %s
"""
# a sponsor's budget in EUR (crm.matching.EUR_RATES), as SQL
EUR_RATE_SQL = "CASE s.currency {} ELSE 1 END".format(
    " ".join(f"WHEN '{code}' THEN {rate}" for code, rate in matching.EUR_RATES.items())
)


def _sponsor_candidates(*, user: Any, artist: Artist, side: matching.ArtistSide) -> list[SponsorCard]:
    """The best pre-scored sponsors for the artist (one query)."""
    scope = _scope(sponsors_visible_to(user), "s.id")
    if scope is None:
        return []
    scope_sql, scope_params = scope
    sql = SPONSOR_CANDIDATES_SQL.format(
        scope=scope_sql,
        rate=EUR_RATE_SQL,
        **_tables(sponsor=Sponsor, sponsor_genres=SponsorGenre, deal=Deal, deal_artists=DealArtist),
    )
    tier = matching.tier_for(side.audience_total)
    params = [
        *scope_params,
        sorted(side.genres),
        sorted(side.regions),
        sorted(side.age_bands),
        tier.fee_min,
        tier.fee_max,
        sorted(side.flags),
        artist.pk,
        CANDIDATES,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [SponsorCard(*row) for row in cursor.fetchall()]


def sponsor_matches_for_artist(*, user: Any, artist: Artist, limit: int = DEFAULT_LIMIT) -> MatchList:
    """The sponsors that best match ``artist``, best first (four queries, whatever the number of sponsors)."""
    side = artist_side(artist, _artist_genres([artist.pk]).get(artist.pk, {}))
    sponsors = _sponsor_candidates(user=user, artist=artist, side=side)
    genres = _sponsor_genres([s.pk for s in sponsors])
    histories = _histories_for_artist(artist, sponsors)
    today = timezone.localdate()
    sides = {s.pk: sponsor_side(s, genres.get(s.pk, {})) for s in sponsors}
    scores = {}
    for s in sponsors:
        found = matching.match(sides[s.pk], side, histories[s.pk], today=today, explain=False)
        if _relevant(found, histories[s.pk], sides[s.pk]):
            scores[s.pk] = found.score
    rank = {s.pk: i for i, s in enumerate(sponsors)}
    best = sorted((s for s in sponsors if s.pk in scores), key=lambda s: (-scores[s.pk], rank[s.pk]))[:limit]
    rows = []
    for s in best:  # only the rows shown are explained
        found = matching.match(sides[s.pk], side, histories[s.pk], today=today)
        rows.append(MatchRow(match=found, artist=artist, sponsor=s, history=histories[s.pk]))
    return MatchList(rows=rows, profile=matching.artist_profile(side))


def match_pair(*, sponsor: Sponsor, artist: Artist) -> matching.Match:
    """The match of one sponsor with one artist (three queries)."""
    side = sponsor_side(sponsor, _sponsor_genres([sponsor.pk]).get(sponsor.pk, {}))
    history = _histories_for_sponsor(sponsor, [artist.pk]).get(artist.pk)
    return matching.match(
        side,
        artist_side(artist, _artist_genres([artist.pk]).get(artist.pk, {})),
        history,
        today=timezone.localdate(),
    )


def genres_all() -> QuerySet:
    return Genre.objects.order_by("name")
