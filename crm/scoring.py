"""The artist score (0–100): pure computation, no database. Loading the inputs and saving the result is
:mod:`crm.services.scoring`'s job; the explanation shown on the artist page comes from :func:`explain`.

Six criteria, each normalised to 0–1 (``value``):

========================  ==================================================================================
audience                  ``audience_total`` on a log scale: 1,000 → 0, 10,000,000 → 1 (log10 from 3 to 7)
growth                    90-day follower growth over every platform with history: latest snapshot vs the one
                          nearest 90 days before it (at least 30 days older, pro-rated to 90 days), weighted
                          by each platform's size; +50 % or more → 1, flat or falling → 0
engagement                the latest engagement rate of each platform, averaged; 8 % or more → 1
completeness              the share of the profile's 13 items that are filled (e-mail, bio, photo, socials…)
fit                       overlap with the agency's focus: genres (shared / the smaller of the two sets) and
                          markets (country and audience countries vs focus countries), averaged; not used
                          while the agency has no focus genre or country
recency                   the last interaction: today → 1, decreasing linearly to 0 after 180 days
========================  ==================================================================================

An Admin sets the weights (``ScoringConfig.weights``, 0–100 each). A criterion's share is its weight over the
sum of the weights in use; its points are ``share × value × 100``, and the score is the rounded sum. Points
are stored as whole numbers that add up exactly to the score (largest remainders), so the explanation always
sums to what the list shows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

BREAKDOWN_VERSION = 1

AUDIENCE = "audience"
GROWTH = "growth"
ENGAGEMENT = "engagement"
COMPLETENESS = "completeness"
FIT = "fit"
RECENCY = "recency"
CRITERIA = (AUDIENCE, GROWTH, ENGAGEMENT, COMPLETENESS, FIT, RECENCY)

DEFAULT_WEIGHTS: dict[str, int] = {
    AUDIENCE: 30,
    GROWTH: 20,
    ENGAGEMENT: 15,
    COMPLETENESS: 10,
    FIT: 15,
    RECENCY: 10,
}
WEIGHT_MAX = 100

LABELS = {
    AUDIENCE: gettext_lazy("Audience size"),
    GROWTH: gettext_lazy("90-day growth"),
    ENGAGEMENT: gettext_lazy("Engagement rate"),
    COMPLETENESS: gettext_lazy("Profile completeness"),
    FIT: gettext_lazy("Genre and market fit"),
    RECENCY: gettext_lazy("Recent interactions"),
}
HELP = {
    AUDIENCE: gettext_lazy(
        "Followers over all platforms, on a log scale: 1,000 gives nothing, 10 million full marks."
    ),
    GROWTH: gettext_lazy(
        # xgettext:no-python-format
        "Follower growth over the last 90 days, over all platforms; +50 % gives full marks."
    ),
    # xgettext:no-python-format
    ENGAGEMENT: gettext_lazy("The latest engagement rate of each platform, averaged; 8 % gives full marks."),
    COMPLETENESS: gettext_lazy(
        "How much of the profile is filled in: contact details, bio, photo, socials, audience."
    ),
    FIT: gettext_lazy(
        "How well the artist's genres and markets match the agency's focus genres and countries."
    ),
    RECENCY: gettext_lazy("How recently the team was in touch; nothing after 180 days."),
}

AUDIENCE_LOG_MIN = 3.0  # 1,000 followers
AUDIENCE_LOG_MAX = 7.0  # 10,000,000 followers
GROWTH_WINDOW_DAYS = 90
GROWTH_MIN_SPAN_DAYS = 30
GROWTH_MAX_SPAN_DAYS = 180
GROWTH_CAP = 0.5  # +50 % in 90 days
ENGAGEMENT_CAP = 8.0  # percent
RECENCY_DAYS = 180

# The items of a complete profile (key -> label).
COMPLETENESS_ITEMS: dict[str, Any] = {
    "legal_name": gettext_lazy("legal name"),
    "email": gettext_lazy("e-mail"),
    "phone": gettext_lazy("phone"),
    "website": gettext_lazy("website"),
    "genres": gettext_lazy("genres"),
    "country": gettext_lazy("country"),
    "city": gettext_lazy("city"),
    "languages": gettext_lazy("languages"),
    "bio": gettext_lazy("bio"),
    "photo": gettext_lazy("photo"),
    "socials": gettext_lazy("social profiles"),
    "audience_age_bands": gettext_lazy("audience ages"),
    "audience_regions": gettext_lazy("audience countries"),
}


# --- inputs ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoringSettings:
    """What an Admin tunes. ``weights`` may miss criteria (their default applies)."""

    weights: Mapping[str, int] = field(default_factory=dict)
    focus_genre_ids: frozenset[int] = frozenset()
    focus_countries: frozenset[str] = frozenset()

    def weight(self, key: str) -> int:
        return clean_weight(self.weights.get(key, DEFAULT_WEIGHTS[key]))

    @property
    def has_focus(self) -> bool:
        return bool(self.focus_genre_ids or self.focus_countries)


@dataclass(frozen=True)
class PlatformAudience:
    """One platform of an artist: its latest snapshot, the snapshot used as the growth base (if any) and the
    latest engagement rate recorded."""

    platform: str
    latest_date: date
    latest_followers: int
    base_date: date | None = None
    base_followers: int | None = None
    engagement_rate: float | None = None


@dataclass(frozen=True)
class ArtistInputs:
    audience_total: int = 0
    platforms: tuple[PlatformAudience, ...] = ()
    genres: Mapping[int, str] = field(default_factory=dict)  # id -> name
    country: str = ""
    audience_regions: frozenset[str] = frozenset()
    filled: Mapping[str, bool] = field(default_factory=dict)  # COMPLETENESS_ITEMS key -> filled
    last_interaction_at: datetime | None = None


@dataclass(frozen=True)
class ScoreResult:
    score: int
    breakdown: dict


# --- the criteria ------------------------------------------------------------------------------------------


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def clean_weight(value: Any) -> int:
    try:
        return int(clamp(int(value), 0, WEIGHT_MAX))
    except (TypeError, ValueError):
        return 0


def audience_value(total: int) -> float:
    if total <= 0:
        return 0.0
    return clamp((math.log10(total) - AUDIENCE_LOG_MIN) / (AUDIENCE_LOG_MAX - AUDIENCE_LOG_MIN))


def platform_growth(platform: PlatformAudience) -> tuple[float, int] | None:
    """(growth over 90 days as a fraction, days actually measured), or None without a usable base."""
    if platform.base_date is None or not platform.base_followers:
        return None
    span = (platform.latest_date - platform.base_date).days
    if span < GROWTH_MIN_SPAN_DAYS:
        return None
    change = (platform.latest_followers - platform.base_followers) / platform.base_followers
    return change * GROWTH_WINDOW_DAYS / span, span


def growth(platforms: Iterable[PlatformAudience]) -> dict | None:
    """Growth over all platforms with a base, each weighted by its base audience; None without history."""
    measured = [(p, g) for p in platforms if (g := platform_growth(p)) is not None]
    if not measured:
        return None
    base_total = sum(p.base_followers for p, _g in measured)
    rate = sum(p.base_followers * g[0] for p, g in measured) / base_total
    return {
        "rate": rate,
        "days": round(sum(g[1] for _p, g in measured) / len(measured)),
        "platforms": sorted(p.platform for p, _g in measured),
    }


def growth_value(rate: float | None) -> float:
    return 0.0 if rate is None else clamp(rate / GROWTH_CAP)


def engagement(platforms: Iterable[PlatformAudience]) -> float | None:
    rates = [p.engagement_rate for p in platforms if p.engagement_rate is not None]
    return sum(rates) / len(rates) if rates else None


def engagement_value(rate: float | None) -> float:
    return 0.0 if rate is None else clamp(rate / ENGAGEMENT_CAP)


def overlap(a: Iterable, b: Iterable) -> float:
    """Shared items over the size of the smaller set (1 when one set contains the other); 0 if either is empty."""
    a, b = set(a), set(b)
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def fit(inputs: ArtistInputs, settings: ScoringSettings) -> dict:
    parts = []
    genres = sorted(name for pk, name in inputs.genres.items() if pk in settings.focus_genre_ids)
    markets = ({inputs.country} if inputs.country else set()) | set(inputs.audience_regions)
    countries = sorted(markets & settings.focus_countries)
    if settings.focus_genre_ids:
        parts.append(overlap(inputs.genres, settings.focus_genre_ids))
    if settings.focus_countries:
        parts.append(overlap(markets, settings.focus_countries))
    return {
        "value": sum(parts) / len(parts) if parts else 0.0,
        "genres": genres,
        "countries": countries,
        "used": bool(parts),
    }


def recency_days(last: datetime | None, now: datetime) -> int | None:
    return None if last is None else max(0, (now - last).days)


def recency_value(days: int | None) -> float:
    return 0.0 if days is None else clamp(1 - days / RECENCY_DAYS)


# --- the score ------------------------------------------------------------------------------------------


def _criteria(inputs: ArtistInputs, settings: ScoringSettings, now: datetime) -> list[dict]:
    grown = growth(inputs.platforms)
    rate = engagement(inputs.platforms)
    engaged_on = sorted(p.platform for p in inputs.platforms if p.engagement_rate is not None)
    missing = [key for key in COMPLETENESS_ITEMS if not inputs.filled.get(key)]
    filled = len(COMPLETENESS_ITEMS) - len(missing)
    fitted = fit(inputs, settings)
    days = recency_days(inputs.last_interaction_at, now)
    return [
        {"key": AUDIENCE, "raw": inputs.audience_total, "value": audience_value(inputs.audience_total)},
        {
            "key": GROWTH,
            "raw": None if grown is None else round(grown["rate"] * 100, 1),
            "value": growth_value(None if grown is None else grown["rate"]),
            "detail": {} if grown is None else {"days": grown["days"], "platforms": grown["platforms"]},
        },
        {
            "key": ENGAGEMENT,
            "raw": None if rate is None else round(rate, 2),
            "value": engagement_value(rate),
            "detail": {"platforms": engaged_on},
        },
        {
            "key": COMPLETENESS,
            "raw": filled,
            "value": filled / len(COMPLETENESS_ITEMS),
            "detail": {"total": len(COMPLETENESS_ITEMS), "missing": missing},
        },
        {
            "key": FIT,
            "raw": round(fitted["value"] * 100),
            "value": fitted["value"],
            "used": fitted["used"],
            "detail": {"genres": fitted["genres"], "countries": fitted["countries"]},
        },
        {"key": RECENCY, "raw": days, "value": recency_value(days)},
    ]


def _apportion(exact: list[float]) -> list[int]:
    """Whole points, one per criterion, adding up to sum(exact) rounded half up (largest remainders)."""
    total = math.floor(sum(exact) + 0.5)
    points = [math.floor(x) for x in exact]
    rest = total - sum(points)
    by_remainder = sorted(range(len(exact)), key=lambda i: (exact[i] - points[i], exact[i]), reverse=True)
    for i in by_remainder[:rest]:
        points[i] += 1
    return points


def compute(inputs: ArtistInputs, settings: ScoringSettings, *, now: datetime) -> ScoreResult:
    criteria = _criteria(inputs, settings, now)
    for criterion in criteria:
        criterion.setdefault("used", True)
        criterion.setdefault("detail", {})
        criterion["weight"] = settings.weight(criterion["key"])
    total_weight = sum(c["weight"] for c in criteria if c["used"])
    exact = []
    for criterion in criteria:
        share = criterion["weight"] / total_weight if criterion["used"] and total_weight else 0.0
        criterion["share"] = round(share, 4)
        criterion["max_points"] = round(share * 100, 1)
        exact.append(share * criterion["value"] * 100)
        criterion["value"] = round(criterion["value"], 4)
    for criterion, points in zip(criteria, _apportion(exact), strict=True):
        criterion["points"] = points
    score = int(clamp(sum(c["points"] for c in criteria), 0, 100))
    breakdown = {"version": BREAKDOWN_VERSION, "computed_at": now.isoformat(), "criteria": criteria}
    return ScoreResult(score=score, breakdown=breakdown)


# --- the explanation ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExplanationRow:
    key: str
    label: str
    help: str
    raw: str  # the measured value, in words
    hint: str  # what would raise it (empty when at full marks)
    value_pct: int  # the normalised value, 0–100
    weight: int
    share_pct: float  # the criterion's share of the score
    points: int
    max_points: float
    used: bool


def _number(value: float, places: int = 0) -> str:
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def _signed_percent(value: float) -> str:
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return f"{sign}{_number(abs(value), 1)}\u00a0%"


def _raw_text(criterion: Mapping) -> str:
    key, raw, detail = criterion["key"], criterion.get("raw"), criterion.get("detail") or {}
    if key == AUDIENCE:
        return ngettext("%(count)s follower", "%(count)s followers", raw or 0) % {"count": _number(raw or 0)}
    if key == GROWTH:
        if raw is None:
            return _("Not enough history")
        return _("%(rate)s over 90 days") % {"rate": _signed_percent(raw)}
    if key == ENGAGEMENT:
        if raw is None:
            return _("No engagement recorded")
        platforms = len(detail.get("platforms") or ())
        return ngettext(
            "%(rate)s on %(count)s platform", "%(rate)s average on %(count)s platforms", platforms
        ) % {"rate": f"{_number(raw, 1)}\u00a0%", "count": platforms}
    if key == COMPLETENESS:
        return _("%(filled)s of %(total)s items") % {"filled": raw, "total": detail.get("total", raw)}
    if key == FIT:
        if not criterion.get("used", True):
            return _("No focus set")
        matched = [*detail.get("genres", ()), *detail.get("countries", ())]
        return ", ".join(matched) if matched else _("Outside the focus")
    if key == RECENCY:
        if raw is None:
            return _("Never")
        if raw == 0:
            return _("Today")
        return ngettext("%(count)s day ago", "%(count)s days ago", raw) % {"count": _number(raw)}
    return str(raw)


def _hint(criterion: Mapping) -> str:
    key, value, detail = criterion["key"], criterion.get("value", 0), criterion.get("detail") or {}
    if value >= 1 or not criterion.get("used", True):
        return ""
    if key == GROWTH and criterion.get("raw") is None:
        return _("Record audience snapshots at least 30 days apart.")
    if key == ENGAGEMENT and criterion.get("raw") is None:
        return _("Record an engagement rate with the audience snapshots.")
    if key == COMPLETENESS:
        missing = [str(COMPLETENESS_ITEMS[m]) for m in detail.get("missing", ()) if m in COMPLETENESS_ITEMS]
        return _("Missing: %(items)s.") % {"items": ", ".join(missing)} if missing else ""
    if key == RECENCY and criterion.get("raw") is None:
        return _("Log a call, meeting or message to start the timeline.")
    return ""


def explain(breakdown: Mapping | None) -> list[ExplanationRow]:
    """Rows for the score explanation, in the reader's language; [] when the score was never computed."""
    if not breakdown or breakdown.get("version") != BREAKDOWN_VERSION:
        return []
    rows = []
    for criterion in breakdown.get("criteria", ()):
        key = criterion.get("key")
        if key not in LABELS:
            continue
        rows.append(
            ExplanationRow(
                key=key,
                label=str(LABELS[key]),
                help=str(HELP[key]),
                raw=_raw_text(criterion),
                hint=_hint(criterion),
                value_pct=round(criterion.get("value", 0) * 100),
                weight=criterion.get("weight", 0),
                share_pct=round(criterion.get("share", 0) * 100, 1),
                points=criterion.get("points", 0),
                max_points=criterion.get("max_points", 0),
                used=criterion.get("used", True),
            )
        )
    return rows


def weight_shares(weights: Mapping[str, int], *, fit_used: bool) -> dict[str, float]:
    """Each criterion's share of the score (percent) for these weights."""
    used = {
        key: clean_weight(weights.get(key, DEFAULT_WEIGHTS[key]))
        for key in CRITERIA
        if fit_used or key != FIT
    }
    total = sum(used.values())
    return {key: (round(used[key] * 100 / total, 1) if total and key in used else 0.0) for key in CRITERIA}


def completeness_filled(artist: Any, *, has_genres: bool, has_socials: bool) -> dict[str, bool]:
    """Which profile items an artist row has filled (genres and socials come from their own tables)."""
    filled = {
        key: bool(getattr(artist, key, None))
        for key in COMPLETENESS_ITEMS
        if key not in ("genres", "socials", "bio")
    }
    filled["bio"] = len((artist.bio or "").strip()) >= 20
    filled["genres"] = has_genres
    filled["socials"] = has_socials
    return filled
