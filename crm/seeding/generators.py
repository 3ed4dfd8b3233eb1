"""Pure, deterministic generators for the CRM demo data (no database): sizes per scale, stage names, brand
names, audience series. Given the same ``random.Random`` state they give the same output."""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from crm.normalize import normalize_name

from . import vocabulary as v

BENCHMARK_SCALE = 100

# name → (count at --scale 1: the demo, count at --scale 100: the benchmark); in between and beyond: linear
COUNTS = {
    "artists": (60, 10_000),
    "sponsors": (25, 2_000),
    # deals per pipeline and outcome: the sponsorship board holds ~2,000 open deals at the benchmark scale
    "sponsorship_open": (40, 2_000),
    "sponsorship_closed": (45, 10_000),
    "signing_open": (30, 1_500),
    "signing_closed": (25, 6_500),
    "campaigns": (30, 3_000),
    "interactions": (400, 100_000),  # calls, e-mails, meetings, notes, messages and the system's entries
}


@dataclass(frozen=True)
class Sizes:
    artists: int
    sponsors: int
    sponsorship_open: int
    sponsorship_closed: int
    signing_open: int
    signing_closed: int
    campaigns: int
    interactions: int

    @property
    def deals(self) -> int:
        return self.sponsorship_open + self.sponsorship_closed + self.signing_open + self.signing_closed


def sizes(scale: int) -> Sizes:
    """How much to make at ``scale``: the demo at 1, the benchmark figures at 100 (10,000 artists, 2,000
    sponsors, 20,000 deals, 100,000 interactions), on a line through both."""
    return Sizes(
        **{name: round(low + (high - low) * (scale - 1) / 99) for name, (low, high) in COUNTS.items()}
    )


def weighted(rng: random.Random, options: dict, weight_of=lambda value: value):
    keys = list(options)
    return rng.choices(keys, weights=[weight_of(options[key]) for key in keys])[0]


def ascii_slug(text: str, sep: str = "") -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return sep.join("".join(ch if ch.isalnum() else " " for ch in text).split())


def masculine_or_feminine(choice: str, rng: random.Random) -> str:
    first, _, second = choice.partition("|")
    return second if second and rng.random() < 0.5 else first


# --- names ------------------------------------------------------------------------------------------------------


def _invented(rng: random.Random) -> str:
    return rng.choice(v.SYLLABLES_START) + rng.choice(v.SYLLABLES_END)


def stage_name(rng: random.Random) -> tuple[str, bool, str]:
    """One stage name, whether it is a band (no legal name of a person) and the real first name it shows."""
    pattern = rng.choices(
        ["invented", "poetic", "prefix", "band_fr", "band_en", "duo"], [30, 25, 15, 10, 12, 8]
    )[0]
    if pattern == "invented":
        return _invented(rng), False, ""
    if pattern == "poetic":
        first = rng.choice(v.FIRST_NAMES)
        return f"{first} {rng.choice(v.POETIC_NAMES)}", False, first
    if pattern == "prefix":
        word = rng.choice(v.HANDLE_WORDS) if rng.random() < 0.6 else _invented(rng)
        return f"{rng.choice(v.PREFIXES)} {word}", False, ""
    if pattern == "band_fr":
        return f"Les {rng.choice(v.BAND_FR_NOUNS)} {rng.choice(v.BAND_FR_ADJECTIVES)}", True, ""
    if pattern == "band_en":
        return f"The {rng.choice(v.BAND_EN_ADJECTIVES)} {rng.choice(v.BAND_EN_NOUNS)}", True, ""
    return f"{_invented(rng)} & {_invented(rng)}", True, ""


def unique_stage_names(count: int, *, rng: random.Random, taken: set[str]) -> list[tuple[str, bool, str]]:
    """``count`` stage names (see :func:`stage_name`) whose normalised forms are not in ``taken`` (it grows)."""
    names = []
    while len(names) < count:
        name, band, first = stage_name(rng)
        key = normalize_name(name)
        if key in taken:  # a second "Kalia": a number, as artists do
            name = f"{name} {rng.randint(2, 99)}"
            key = normalize_name(name)
            if key in taken:
                continue
        taken.add(key)
        names.append((name, band, first))
    return names


def brand_name(rng: random.Random, industry: str) -> str:
    stems, suffixes, *_ = v.INDUSTRIES[industry]
    stem = rng.choice(stems) if rng.random() < 0.7 else _invented(rng)
    suffix = rng.choice(suffixes)
    return f"{stem} {suffix}".strip()


def unique_brand_names(count: int, *, rng: random.Random, taken: set[str]) -> list[tuple[str, str]]:
    """``count`` (brand name, industry) pairs not in ``taken`` (normalised; it grows)."""
    industries = list(v.INDUSTRIES)
    brands: list[tuple[str, str]] = []
    while len(brands) < count:
        industry = rng.choice(industries)
        name = brand_name(rng, industry)
        key = normalize_name(name)
        if key in taken:
            name = f"{name} {rng.choice(v.FOCUS_COUNTRIES + ['Europe', 'Group', 'International'])}"
            key = normalize_name(name)
            if key in taken:
                continue
        taken.add(key)
        brands.append((name, industry))
    return brands


# --- audience ---------------------------------------------------------------------------------------------------

# tier → (weight, total audience today: low, high)
TIERS = {
    "emerging": (45, 1_500, 25_000),
    "rising": (33, 25_000, 250_000),
    "established": (16, 250_000, 2_000_000),
    "star": (6, 2_000_000, 9_000_000),
}
# platform → (share of the audience, engagement rate range in % for a small account)
PLATFORMS = {
    "spotify": (0.30, None),
    "instagram": (0.35, (2.5, 8.0)),
    "tiktok": (0.25, (5.0, 16.0)),
    "youtube": (0.10, (1.5, 6.0)),
}


def audience_tier(rng: random.Random) -> tuple[str, int]:
    tier = weighted(rng, TIERS, lambda value: value[0])
    _, low, high = TIERS[tier]
    return tier, int(math.exp(rng.uniform(math.log(low), math.log(high))))


@dataclass(frozen=True)
class Snapshot:
    date: date
    followers: int
    monthly_listeners: int | None
    engagement_rate: Decimal | None


def audience_series(
    *,
    rng: random.Random,
    platform: str,
    today_followers: int,
    weeks: int,
    today: date,
    growth: float,
    viral_week,
) -> list[Snapshot]:
    """Weekly snapshots ending ``today`` for one platform: a steady weekly ``growth`` with noise, and for some
    artists a viral week that lifts the curve. Built backwards from today's figure so the totals match the
    tier; followers never go below 50."""
    share_of_small = PLATFORMS[platform][1]
    base_rate = rng.uniform(*share_of_small) if share_of_small else None
    # how much smaller engagement is on a big account
    damping = 1 / (1 + math.log10(max(today_followers, 10)) / 6)
    listeners_ratio = rng.uniform(1.5, 5.0)
    series: list[Snapshot] = []
    followers = float(today_followers)
    for index in range(weeks):
        day = today - timedelta(weeks=index)
        rate = None
        if base_rate is not None:
            rate = Decimal(str(round(max(0.2, base_rate * damping * rng.uniform(0.85, 1.15)), 2)))
        listeners = (
            int(followers * listeners_ratio * rng.uniform(0.9, 1.1)) if platform == "spotify" else None
        )
        series.append(Snapshot(day, max(50, int(followers)), listeners, rate))
        # step back one week
        step = 1 + growth + rng.gauss(0, 0.006)
        if viral_week is not None and index == viral_week:
            step *= rng.uniform(1.4, 2.6)
        followers /= max(step, 0.9)
    series.reverse()
    return series


def artist_growth(rng: random.Random, status: str) -> tuple[float, int | None]:
    """Weekly growth rate and, for about one artist in eight, the week (counted back from today) it went viral."""
    if status == "alumni":
        growth = rng.uniform(-0.004, 0.003)
    elif status == "prospect":
        growth = rng.uniform(0.0, 0.035)
    else:
        growth = rng.uniform(-0.002, 0.02)
    viral = rng.randint(2, 40) if rng.random() < 0.125 else None
    return growth, viral
