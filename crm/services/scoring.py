"""Writes of scoring and matching: recomputing artist scores (in bulk, a few queries per batch), the Admin's
scoring settings, and a deal created from a sponsor ↔ artist match.

The maths lives in :mod:`crm.scoring` and :mod:`crm.matching`; this module loads their inputs and saves.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from audit.services import audit_record
from crm import scoring
from crm.models import (
    Artist,
    AudienceSnapshot,
    Deal,
    Genre,
    Pipeline,
    ScoringConfig,
    SocialProfile,
    Sponsor,
    Stage,
)
from crm.permissions import can_edit_crm
from crm.selectors.scoring import match_pair, scoring_settings_get
from crm.services.records import deal_create, timeline_event

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
ARTIST_SCORE_FIELDS = (
    "pk",
    "audience_total",
    "country",
    "audience_regions",
    "audience_age_bands",
    "last_interaction_at",
    *(key for key in scoring.COMPLETENESS_ITEMS if key not in ("genres", "socials")),
)

# Per artist and platform: the latest snapshot, the one nearest 90 days before it (30–180 days older) and the
# latest engagement rate recorded. One query for a whole batch of artists.
SNAPSHOTS_SQL = """
WITH latest AS (
    SELECT DISTINCT ON (artist_id, platform) artist_id, platform, date, followers
    FROM {table} WHERE artist_id = ANY(%(ids)s)
    ORDER BY artist_id, platform, date DESC
), engaged AS (
    SELECT DISTINCT ON (artist_id, platform) artist_id, platform, engagement_rate
    FROM {table} WHERE artist_id = ANY(%(ids)s) AND engagement_rate IS NOT NULL
    ORDER BY artist_id, platform, date DESC
), base AS (
    SELECT DISTINCT ON (s.artist_id, s.platform) s.artist_id, s.platform, s.date, s.followers
    FROM {table} s JOIN latest l ON l.artist_id = s.artist_id AND l.platform = s.platform
    WHERE s.artist_id = ANY(%(ids)s)
      AND s.date <= l.date - %(min_span)s AND s.date >= l.date - %(max_span)s
    ORDER BY s.artist_id, s.platform, abs((s.date - l.date) + %(window)s), s.date DESC
)
SELECT l.artist_id, l.platform, l.date, l.followers, b.date, b.followers, e.engagement_rate
FROM latest l
LEFT JOIN base b ON b.artist_id = l.artist_id AND b.platform = l.platform
LEFT JOIN engaged e ON e.artist_id = l.artist_id AND e.platform = l.platform
"""


# --- loading the inputs --------------------------------------------------------------------------------


def _platforms(artist_ids: list[int]) -> dict[int, list[scoring.PlatformAudience]]:
    sql = SNAPSHOTS_SQL.format(table=connection.ops.quote_name(AudienceSnapshot._meta.db_table))
    params = {
        "ids": artist_ids,
        "min_span": scoring.GROWTH_MIN_SPAN_DAYS,
        "max_span": scoring.GROWTH_MAX_SPAN_DAYS,
        "window": scoring.GROWTH_WINDOW_DAYS,
    }
    platforms: dict[int, list[scoring.PlatformAudience]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for artist_id, platform, day, followers, base_day, base_followers, rate in cursor.fetchall():
            platforms.setdefault(artist_id, []).append(
                scoring.PlatformAudience(
                    platform=platform,
                    latest_date=day,
                    latest_followers=followers,
                    base_date=base_day,
                    base_followers=base_followers,
                    engagement_rate=None if rate is None else float(rate),
                )
            )
    return platforms


def scoring_inputs_load(*, artist_ids: Iterable[int]) -> dict[int, scoring.ArtistInputs]:
    """The score inputs of these artists (four queries, however many artists; batch them for thousands)."""
    ids = sorted(set(artist_ids))
    if not ids:
        return {}
    artists = list(Artist.objects.filter(pk__in=ids).only(*ARTIST_SCORE_FIELDS))
    genres: dict[int, dict[int, str]] = {}
    for artist_id, genre_id, name in Artist.genres.through.objects.filter(artist_id__in=ids).values_list(
        "artist_id", "genre_id", "genre__name"
    ):
        genres.setdefault(artist_id, {})[genre_id] = name
    with_socials = set(
        SocialProfile.objects.filter(artist_id__in=ids)
        .order_by()
        .values_list("artist_id", flat=True)
        .distinct()
    )
    platforms = _platforms(ids)
    inputs = {}
    for artist in artists:
        inputs[artist.pk] = scoring.ArtistInputs(
            audience_total=artist.audience_total,
            platforms=tuple(platforms.get(artist.pk, ())),
            genres=genres.get(artist.pk, {}),
            country=str(artist.country or ""),
            audience_regions=frozenset(artist.audience_regions or ()),
            filled=scoring.completeness_filled(
                artist, has_genres=artist.pk in genres, has_socials=artist.pk in with_socials
            ),
            last_interaction_at=artist.last_interaction_at,
        )
    return inputs


# --- recomputing -----------------------------------------------------------------------------------------


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def artist_score_compute(
    *, artist_ids: Iterable[int], settings: scoring.ScoringSettings, now: datetime | None = None
) -> dict[int, scoring.ScoreResult]:
    """Scores of these artists under ``settings``, without saving (the settings page previews with this)."""
    now = now or timezone.now()
    inputs = scoring_inputs_load(artist_ids=artist_ids)
    return {pk: scoring.compute(item, settings, now=now) for pk, item in inputs.items()}


def artist_score_recompute(
    *, artist_ids: Iterable[int], batch_size: int = BATCH_SIZE, now: datetime | None = None
) -> int:
    """Recompute and save the score, its breakdown and its date for these artists; returns how many were saved.

    Per batch of ``batch_size`` artists: four reads and one UPDATE (plus two for the settings, once). Artists
    deleted meanwhile are skipped. Only the score columns are written, so concurrent edits are kept."""
    ids = sorted({int(pk) for pk in artist_ids})
    if not ids:
        return 0
    settings = scoring_settings_get()
    now = now or timezone.now()
    saved = 0
    for batch in _batches(ids, batch_size):
        results = artist_score_compute(artist_ids=batch, settings=settings, now=now)
        saved += _save_scores(results, now=now)
    return saved


# One UPDATE for a whole batch, the rows given as arrays (bulk_update's CASE … WHEN per row took a second
# for 1,000 artists; this takes a few milliseconds). Only the score columns are written.
SAVE_SQL = """
UPDATE {table} AS a
SET score = v.score, score_breakdown = v.breakdown::jsonb, score_updated_at = %s
FROM unnest(%s::bigint[], %s::smallint[], %s::text[]) AS v(id, score, breakdown)
WHERE a.id = v.id
"""


def _save_scores(results: Mapping[int, scoring.ScoreResult], *, now: datetime) -> int:
    if not results:
        return 0
    ids = list(results)
    params = [
        now,
        ids,
        [results[pk].score for pk in ids],
        [json.dumps(results[pk].breakdown, cls=DjangoJSONEncoder) for pk in ids],
    ]
    with connection.cursor() as cursor:
        cursor.execute(SAVE_SQL.format(table=connection.ops.quote_name(Artist._meta.db_table)), params)
        return cursor.rowcount


def artist_score_recompute_all(*, batch_size: int = BATCH_SIZE) -> int:
    """Every artist (nightly, and after the settings change)."""
    ids = list(Artist.objects.order_by("pk").values_list("pk", flat=True))
    saved = artist_score_recompute(artist_ids=ids, batch_size=batch_size)
    logger.info("recomputed the score of %s artists", saved)
    return saved


# --- the Admin's settings ----------------------------------------------------------------------------------


def _clean_weights(weights: Mapping[str, Any]) -> dict[str, int]:
    errors, cleaned = {}, {}
    for key in scoring.CRITERIA:
        raw = weights.get(key, scoring.DEFAULT_WEIGHTS[key])
        try:
            value = int(raw)
        except (TypeError, ValueError):
            errors[f"weight_{key}"] = _("Enter a whole number from 0 to 100.")
            continue
        if not 0 <= value <= scoring.WEIGHT_MAX:
            errors[f"weight_{key}"] = _("Enter a whole number from 0 to 100.")
            continue
        cleaned[key] = value
    unknown = set(weights) - set(scoring.CRITERIA)
    if unknown:
        errors["weights"] = _("Unknown criteria: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
    if not errors and not any(cleaned.values()):
        errors["weights"] = _("Give at least one criterion a weight above 0.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_countries(codes: Iterable[str]) -> list[str]:
    cleaned = sorted({str(code).upper() for code in codes if code})
    unknown = [code for code in cleaned if code not in countries]
    if unknown:
        raise ValidationError(
            {"focus_countries": _("Unknown countries: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    return cleaned


@transaction.atomic
def scoring_config_update(
    *,
    by: Any,
    weights: Mapping[str, Any],
    focus_genres: Iterable[Any] = (),
    focus_countries: Iterable[str] = (),
) -> ScoringConfig:
    """Save the weights and the focus, then recompute every score in Celery (after the commit)."""
    cleaned = _clean_weights(weights)
    codes = _clean_countries(focus_countries)
    genre_ids = sorted({getattr(g, "pk", g) for g in focus_genres})
    known = set(Genre.objects.filter(pk__in=genre_ids).values_list("pk", flat=True))
    if len(known) != len(genre_ids):
        raise ValidationError({"focus_genres": _("Some of these genres no longer exist.")})
    config = ScoringConfig.objects.select_for_update().order_by("pk").first() or ScoringConfig()
    config.weights = cleaned
    config.focus_countries = codes
    config.updated_by = by if getattr(by, "pk", None) else None
    config.full_clean(exclude=["focus_genres"])
    config.save()
    config.focus_genres.set(genre_ids)
    audit_record(
        action="crm.scoring.update",
        actor=by,
        target=config,
        data={"weights": cleaned, "focus_genres": genre_ids, "focus_countries": codes},
    )
    transaction.on_commit(_enqueue_recompute_all)
    return config


def _enqueue_recompute_all() -> None:
    from crm.tasks import artist_score_recompute_all_task  # local import avoids a service<->task cycle

    try:
        artist_score_recompute_all_task.delay()
    except Exception:  # broker down: the nightly run catches up
        logger.warning("could not queue the score recomputation; the nightly run will", exc_info=True)


# --- a deal from a match ---------------------------------------------------------------------------------


def sponsorship_pipeline() -> Pipeline | None:
    return (
        Pipeline.objects.filter(kind=Pipeline.Kind.SPONSORSHIP, archived=False)
        .order_by("position", "pk")
        .first()
    )


@transaction.atomic
def deal_create_from_match(
    *, by: Any, sponsor: Sponsor, artist: Artist, pipeline: Pipeline | None = None
) -> Deal:
    """A deal "Sponsor × Artist" in the first stage of the Sponsorship pipeline, owned by ``by``, valued at the
    start of where the sponsor's budget meets the artist's usual fee (0 when they do not meet), with an entry on
    the timeline. Refused when the two already have an open deal in that pipeline."""
    if not can_edit_crm(by):
        raise PermissionDenied
    pipeline = pipeline or sponsorship_pipeline()
    if pipeline is None:
        raise ValidationError(_("There is no Sponsorship pipeline to put the deal in; create one first."))
    open_deal = (
        Deal.objects.filter(
            pipeline=pipeline, sponsor=sponsor, artists=artist, stage__outcome=Stage.Outcome.OPEN
        )
        .only("pk", "title")
        .first()
    )
    if open_deal is not None:
        raise ValidationError(
            _("%(sponsor)s and %(artist)s already have an open deal: %(title)s.")
            % {"sponsor": sponsor.name, "artist": artist.stage_name, "title": open_deal.title}
        )
    found = match_pair(sponsor=sponsor, artist=artist)
    title = f"{sponsor.name} × {artist.stage_name}"[: Deal._meta.get_field("title").max_length]
    deal = deal_create(
        by=by,
        pipeline=pipeline,
        title=title,
        sponsor=sponsor,
        artists=[artist],
        owner=by,
        currency=sponsor.currency,
        value=found.suggested_value or 0,
    )
    timeline_event(
        by=by,
        deal=deal,
        sponsor=sponsor,
        artist=artist,
        data={
            "event": "deal_from_match",
            "match": found.score,
            "title": deal.title,
            "stage": deal.stage.name,
        },
        summary=f"Deal created from a match ({found.score} %)",
    )
    audit_record(
        action="crm.deal.from_match",
        actor=by,
        target=deal,
        data={"sponsor": sponsor.pk, "artist": artist.pk, "match": found.score},
    )
    return deal
