"""Sponsor ↔ artist matching (0–100) with its explanation: pure computation, no database. Candidates and the
inputs are loaded by :mod:`crm.selectors.scoring`.

The match is a weighted sum of four criteria, each 0–1, then adjusted by history and brand safety:

==============  =====  ===================================================================================
genres          35     sponsor target genres vs the artist's genres (shared / the smaller set)
ages            20     sponsor target age bands reached by the artist's audience (shared / targeted)
regions         20     sponsor target countries vs the artist's audience countries and home country
                       (shared / the smaller set)
budget          25     sponsor budget vs the typical fee of the artist's tier (:data:`TIERS`): 1 when the
                       ranges overlap, budget / fee when the budget is below, gently less when far above
==============  =====  ===================================================================================

A criterion the sponsor has no target for counts half (no preference); one the artist has no data for counts a
quarter. Then: +10 for a deal the two already won together, +5 when the artist won a deal with a sponsor of the
same industry, −10 for a deal they lost together in the last year; a brand-safety conflict (a flag of the artist
the sponsor excludes) multiplies the result by 0.2 and is shown as a warning. The result is clamped to 0–100.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_countries import countries

from crm.models import AGE_BANDS, BrandSafetyFlag

GENRES, AGES, REGIONS, BUDGET = "genres", "ages", "regions", "budget"
WEIGHTS = {GENRES: 35, AGES: 20, REGIONS: 20, BUDGET: 25}
NO_PREFERENCE = 0.5  # the sponsor targets nothing on this criterion
UNKNOWN = 0.25  # the sponsor targets something, the artist's data is missing
WON_TOGETHER_BONUS = 10
WON_SIMILAR_BONUS = 5
LOST_RECENTLY_PENALTY = 10
LOST_RECENT_DAYS = 365
CONFLICT_FACTOR = 0.2
BUDGET_ABOVE_FLOOR = 0.4
CLOSE_BELOW = 0.75  # a budget at 75 % of the fee or more is a negotiation, not a warning

# Indicative exchange rates to compare budgets with the fee table (EUR per unit).
EUR_RATES = {
    "EUR": Decimal("1"),
    "USD": Decimal("0.92"),
    "GBP": Decimal("1.17"),
    "CHF": Decimal("1.05"),
    "CAD": Decimal("0.67"),
}


@dataclass(frozen=True)
class Tier:
    """An artist tier by total audience, with the typical fee of one sponsorship deal, in EUR."""

    key: str
    label: object
    audience_from: int
    fee_min: int
    fee_max: int


# The typical fee (EUR) of one sponsorship deal by audience (sum of followers over the platforms).
TIERS = (
    Tier("emerging", gettext_lazy("Emerging"), 0, 500, 2_000),  # under 10k
    Tier("rising", gettext_lazy("Rising"), 10_000, 2_000, 10_000),  # 10k – 100k
    Tier("established", gettext_lazy("Established"), 100_000, 10_000, 50_000),  # 100k – 1M
    Tier("star", gettext_lazy("Star"), 1_000_000, 50_000, 250_000),  # 1M – 10M
    Tier("superstar", gettext_lazy("Superstar"), 10_000_000, 250_000, 1_000_000),  # 10M and more
)


def tier_for(audience_total: int) -> Tier:
    found = TIERS[0]
    for tier in TIERS:
        if audience_total >= tier.audience_from:
            found = tier
    return found


def to_eur(amount: Decimal | None, currency: str) -> Decimal | None:
    if amount is None:
        return None
    return Decimal(amount) * EUR_RATES.get(currency or "EUR", Decimal(1))


def from_eur(amount: Decimal, currency: str) -> Decimal:
    return Decimal(amount) / EUR_RATES.get(currency or "EUR", Decimal(1))


# --- inputs and result -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArtistSide:
    genres: Mapping[int, str] = field(default_factory=dict)  # id -> name
    age_bands: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()  # audience countries and home country
    audience_total: int = 0
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SponsorSide:
    genres: Mapping[int, str] = field(default_factory=dict)
    age_bands: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    currency: str = "EUR"
    excluded_flags: frozenset[str] = frozenset()
    industry: str = ""


@dataclass(frozen=True)
class History:
    """Deals between the two (and between the artist and sponsors of the same industry)."""

    won_together: int = 0
    won_similar: int = 0
    lost_together_on: date | None = None  # the latest loss together, if within LOST_RECENT_DAYS
    open_deal_id: int | None = None
    open_deal_stage: str = ""


@dataclass(frozen=True)
class Chip:
    tone: str  # success | info | neutral | warning | danger
    icon: str  # bootstrap-icons name
    text: str

    @property
    def html(self) -> str:
        """``{{ chip.html }}`` in a template: one list item (styles: static/css/crm-scoring.css). Rendered here
        because a match list shows ~150 chips and the template engine's loop over their parts was slower."""
        return format_html(
            '<li class="match-chip is-{}"><i class="bi bi-{}" aria-hidden="true"></i>{}</li>',
            self.tone,
            self.icon,
            self.text,
        )


@dataclass(frozen=True)
class Match:
    score: int
    parts: Mapping[str, float]
    chips: tuple[Chip, ...]
    warnings: tuple[Chip, ...]
    tier: Tier
    conflicts: tuple[str, ...] = ()
    suggested_value: Decimal | None = None  # in the sponsor's currency
    hits: int = (
        0  # criteria the sponsor targets where the artist shares something (a budget that fits counts)
    )


# --- criteria ----------------------------------------------------------------------------------------------


def _overlap(a: set, b: set) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _names(items, label) -> str:
    return ", ".join(sorted(label(item) for item in items))


_COUNTRY_NAMES: dict[tuple[str, str], str] = {}


def _country(code: str) -> str:
    """The country's name in the reader's language (django-countries' lookup is slow: cached per language)."""
    key = (get_language() or "", code)
    name = _COUNTRY_NAMES.get(key)
    if name is None:
        name = _COUNTRY_NAMES[key] = str(countries.name(code) or code)
    return name


AGE_LABELS = dict(AGE_BANDS)


def _genres(sponsor: SponsorSide, artist: ArtistSide, explain: bool) -> tuple[float, Chip | None]:
    if not sponsor.genres:
        return NO_PREFERENCE, explain and Chip("neutral", "music-note-beamed", _("Any genre"))
    if not artist.genres:
        return UNKNOWN, explain and Chip("neutral", "music-note-beamed", _("Genres unknown"))
    shared = set(sponsor.genres) & set(artist.genres)
    if not shared:
        return 0.0, explain and Chip("neutral", "music-note-beamed", _("No shared genre"))
    value = _overlap(set(sponsor.genres), set(artist.genres))
    return value, explain and Chip(
        "success", "music-note-beamed", _names(shared, lambda pk: artist.genres[pk])
    )


def _ages(sponsor: SponsorSide, artist: ArtistSide, explain: bool) -> tuple[float, Chip | None]:
    if not sponsor.age_bands:
        return NO_PREFERENCE, explain and Chip("neutral", "people", _("Any age"))
    if not artist.age_bands:
        return UNKNOWN, explain and Chip("neutral", "people", _("Audience ages unknown"))
    shared = sponsor.age_bands & artist.age_bands
    if not shared:
        return 0.0, explain and Chip("neutral", "people", _("Other age groups"))
    if not explain:
        return len(shared) / len(sponsor.age_bands), None
    text = _("Ages %(bands)s") % {"bands": _names(shared, lambda band: AGE_LABELS.get(band, band))}
    return len(shared) / len(sponsor.age_bands), Chip("success", "people", text)


def _regions(sponsor: SponsorSide, artist: ArtistSide, explain: bool) -> tuple[float, Chip | None]:
    if not sponsor.regions:
        return NO_PREFERENCE, explain and Chip("neutral", "globe2", _("Any market"))
    if not artist.regions:
        return UNKNOWN, explain and Chip("neutral", "globe2", _("Markets unknown"))
    shared = sponsor.regions & artist.regions
    if not shared:
        return 0.0, explain and Chip("neutral", "globe2", _("No shared market"))
    return _overlap(set(sponsor.regions), set(artist.regions)), explain and Chip(
        "success", "globe2", _names(shared, _country)
    )


def _money(amount: int) -> str:
    from crm.templatetags.crm_tags import money

    return money(amount, "EUR")


_FEE_TEXTS: dict[tuple[str, str], str] = {}


def _fee_text(tier: Tier) -> str:
    key = (get_language() or "", tier.key)
    text = _FEE_TEXTS.get(key)
    if text is None:
        values = {"tier": tier.label, "low": _money(tier.fee_min), "high": _money(tier.fee_max)}
        text = _FEE_TEXTS[key] = _("%(tier)s fee %(low)s–%(high)s") % values
    return text


def _budget(
    sponsor: SponsorSide, tier: Tier, explain: bool = True
) -> tuple[float, Chip | None, Decimal | None]:
    """(value, chip, suggested deal value in EUR)."""
    low = to_eur(sponsor.budget_min, sponsor.currency)
    high = to_eur(sponsor.budget_max, sponsor.currency)
    if low is None and high is None:
        return NO_PREFERENCE, explain and Chip("neutral", "cash-coin", _("No budget given")), None
    low = low or Decimal(0)
    fee_min, fee_max = Decimal(tier.fee_min), Decimal(tier.fee_max)
    if high is not None and high < fee_min:
        value = float(high / fee_min)
        tone = "warning" if value < CLOSE_BELOW else "neutral"
        chip = explain and Chip(tone, "cash-coin", _("Budget below the %(fee)s") % {"fee": _fee_text(tier)})
        return value, chip, None
    if low > fee_max:
        value = max(BUDGET_ABOVE_FLOOR, float(fee_max / low))
        chip = explain and Chip(
            "neutral", "cash-coin", _("Budget above the %(fee)s") % {"fee": _fee_text(tier)}
        )
        return value, chip, None
    # the ranges overlap: suggest the start of the overlap
    suggested = max(low, fee_min)
    chip = explain and Chip("success", "cash-coin", _("Budget fits the %(fee)s") % {"fee": _fee_text(tier)})
    return 1.0, chip, suggested


def _flag_label(flag: str) -> str:
    try:
        return str(BrandSafetyFlag(flag).label)
    except ValueError:
        return flag


# --- the match ---------------------------------------------------------------------------------------------


def match(
    sponsor: SponsorSide,
    artist: ArtistSide,
    history: History | None = None,
    *,
    today: date,
    explain: bool = True,
) -> Match:
    """The match of a sponsor and an artist; ``explain=False`` skips the chips (ranking many candidates)."""
    history = history or History()
    tier = tier_for(artist.audience_total)
    genre_value, genre_chip = _genres(sponsor, artist, explain)
    age_value, age_chip = _ages(sponsor, artist, explain)
    region_value, region_chip = _regions(sponsor, artist, explain)
    budget_value, budget_chip, suggested_eur = _budget(sponsor, tier, explain)
    parts = {GENRES: genre_value, AGES: age_value, REGIONS: region_value, BUDGET: budget_value}
    total = sum(WEIGHTS[key] * value for key, value in parts.items())

    chips = [genre_chip, age_chip, region_chip, budget_chip]
    warnings = []
    if history.won_together:
        total += WON_TOGETHER_BONUS
        text = (
            _("Won together")
            if history.won_together == 1
            else _("Won together ×%(n)s") % {"n": history.won_together}
        )
        chips.append(Chip("success", "trophy", text))
    if history.won_similar:
        total += WON_SIMILAR_BONUS
        chips.append(Chip("info", "trophy", _("Won with a similar brand")))
    if history.open_deal_id:
        chips.append(Chip("info", "kanban", _("Open deal: %(stage)s") % {"stage": history.open_deal_stage}))
    if history.lost_together_on and (today - history.lost_together_on).days <= LOST_RECENT_DAYS:
        total -= LOST_RECENTLY_PENALTY
        when = formats.date_format(history.lost_together_on, "SHORT_DATE_FORMAT")
        warnings.append(Chip("warning", "x-octagon", _("Lost a deal together on %(date)s") % {"date": when}))
    conflicts = tuple(sorted(sponsor.excluded_flags & artist.flags))
    if conflicts:
        total *= CONFLICT_FACTOR
    if not explain:
        chips, warnings = [], []
    elif conflicts:
        text = _("Brand-safety conflict: %(flags)s") % {"flags": ", ".join(_flag_label(f) for f in conflicts)}
        warnings.append(Chip("danger", "shield-exclamation", text))

    suggested = None
    if suggested_eur is not None:
        suggested = (from_eur(suggested_eur, sponsor.currency) / 100).quantize(Decimal(1)) * 100
    hits = sum(
        (
            bool(sponsor.genres) and genre_value > 0 and bool(artist.genres),
            bool(sponsor.age_bands) and age_value > 0 and bool(artist.age_bands),
            bool(sponsor.regions) and region_value > 0 and bool(artist.regions),
            suggested_eur is not None,
        )
    )
    return Match(
        hits=hits,
        score=int(max(0, min(100, math.floor(total + 0.5)))),  # half up
        parts=parts,
        chips=tuple(chip for chip in chips if chip),
        warnings=tuple(warnings),
        tier=tier,
        conflicts=conflicts,
        suggested_value=suggested,
    )


# --- what each side brings (the header of a match list) --------------------------------------------------


def _budget_text(side: SponsorSide) -> str:
    from crm.templatetags.crm_tags import money

    low = money(side.budget_min, side.currency) if side.budget_min is not None else ""
    high = money(side.budget_max, side.currency) if side.budget_max is not None else ""
    if low and high:
        return _("Budget %(low)s–%(high)s") % {"low": low, "high": high}
    if high:
        return _("Budget up to %(high)s") % {"high": high}
    return _("Budget from %(low)s") % {"low": low}


def sponsor_profile(side: SponsorSide) -> tuple[Chip, ...]:
    """What a sponsor looks for, as chips."""
    chips = []
    if side.genres:
        chips.append(Chip("neutral", "music-note-beamed", _names(side.genres, lambda pk: side.genres[pk])))
    if side.age_bands:
        ages = _names(side.age_bands, lambda band: AGE_LABELS.get(band, band))
        chips.append(Chip("neutral", "people", _("Ages %(bands)s") % {"bands": ages}))
    if side.regions:
        chips.append(Chip("neutral", "globe2", _names(side.regions, _country)))
    if side.budget_min is not None or side.budget_max is not None:
        chips.append(Chip("neutral", "cash-coin", _budget_text(side)))
    if side.excluded_flags:
        flags = ", ".join(sorted(_flag_label(f) for f in side.excluded_flags))
        chips.append(Chip("warning", "shield-exclamation", _("Excludes: %(flags)s") % {"flags": flags}))
    return tuple(chips)


def artist_profile(side: ArtistSide) -> tuple[Chip, ...]:
    """What an artist brings, as chips."""
    chips = []
    if side.genres:
        chips.append(Chip("neutral", "music-note-beamed", _names(side.genres, lambda pk: side.genres[pk])))
    if side.age_bands:
        ages = _names(side.age_bands, lambda band: AGE_LABELS.get(band, band))
        chips.append(Chip("neutral", "people", _("Ages %(bands)s") % {"bands": ages}))
    if side.regions:
        chips.append(Chip("neutral", "globe2", _names(side.regions, _country)))
    chips.append(Chip("neutral", "cash-coin", _fee_text(tier_for(side.audience_total))))
    if side.flags:
        flags = ", ".join(sorted(_flag_label(f) for f in side.flags))
        chips.append(Chip("warning", "shield-exclamation", flags))
    return tuple(chips)
