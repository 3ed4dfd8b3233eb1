"""Sponsor ↔ artist matching maths (crm.matching): criteria, tiers and budget, history, brand safety."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from crm import matching
from crm.matching import ArtistSide, History, SponsorSide

TODAY = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def artist(**kwargs):
    values = {
        "genres": {1: "Hip-hop", 2: "R&B"},
        "age_bands": frozenset({"18-24", "25-34"}),
        "regions": frozenset({"FR", "BE"}),
        "audience_total": 50_000,  # rising: 2,000–10,000 EUR
        "flags": frozenset(),
    }
    return ArtistSide(**(values | kwargs))


def sponsor(**kwargs):
    values = {
        "genres": {1: "Hip-hop"},
        "age_bands": frozenset({"18-24"}),
        "regions": frozenset({"FR"}),
        "budget_min": Decimal(3000),
        "budget_max": Decimal(8000),
        "currency": "EUR",
    }
    return SponsorSide(**(values | kwargs))


def texts(chips):
    return [chip.text for chip in chips]


@pytest.mark.parametrize(
    ("audience", "tier"),
    [
        (0, "emerging"),
        (9_999, "emerging"),
        (10_000, "rising"),
        (999_999, "established"),
        (1_000_000, "star"),
        (10**8, "superstar"),
    ],
)
def test_tier_by_audience(audience, tier):
    assert matching.tier_for(audience).key == tier


def test_tiers_cover_every_audience_with_increasing_fees():
    assert matching.TIERS[0].audience_from == 0
    for lower, upper in zip(matching.TIERS, matching.TIERS[1:], strict=False):
        assert upper.audience_from > lower.audience_from
        assert upper.fee_min >= lower.fee_max


def test_a_perfect_match_scores_100_and_says_why():
    found = matching.match(sponsor(), artist(), today=TODAY)
    assert found.score == 100
    assert found.parts == {"genres": 1.0, "ages": 1.0, "regions": 1.0, "budget": 1.0}
    assert texts(found.chips) == [
        "Hip-hop",
        "Ages 18–24",
        "France",
        "Budget fits the Rising fee €2,000–€10,000",
    ]
    assert all(chip.tone == "success" for chip in found.chips)
    assert found.warnings == ()
    assert found.suggested_value == Decimal(3000)


def test_partial_overlaps():
    found = matching.match(
        sponsor(
            genres={1: "Hip-hop", 3: "Jazz"},
            age_bands=frozenset({"18-24", "45-54"}),
            regions=frozenset({"DE"}),
        ),
        artist(genres={3: "Jazz", 4: "Soul"}),
        today=TODAY,
    )
    assert found.parts["genres"] == 0.5  # one shared of the smaller set (2)
    assert found.parts["ages"] == 0.5  # one of the two targeted bands reached
    assert found.parts["regions"] == 0
    assert found.score == 53  # 52.5, rounded half up


def test_no_target_counts_half_and_unknown_artist_data_a_quarter():
    agnostic = matching.match(
        sponsor(genres={}, age_bands=frozenset(), regions=frozenset(), budget_min=None, budget_max=None),
        artist(),
        today=TODAY,
    )
    assert agnostic.parts == dict.fromkeys(("genres", "ages", "regions", "budget"), 0.5)
    assert agnostic.score == 50
    assert texts(agnostic.chips) == ["Any genre", "Any age", "Any market", "No budget given"]

    unknown = matching.match(
        sponsor(), artist(genres={}, age_bands=frozenset(), regions=frozenset()), today=TODAY
    )
    assert unknown.parts["genres"] == unknown.parts["ages"] == unknown.parts["regions"] == 0.25


def test_budget_below_the_tier_fee_scales_down():
    star = artist(audience_total=2_000_000)  # 50,000–250,000
    found = matching.match(sponsor(budget_min=Decimal(5000), budget_max=Decimal(25_000)), star, today=TODAY)
    assert found.parts["budget"] == pytest.approx(0.5)
    assert found.chips[3].tone == "warning"
    assert found.chips[3].text == "Budget below the Star fee €50,000–€250,000"
    assert found.suggested_value is None


def test_budget_far_above_the_tier_fee_counts_less_but_never_below_the_floor():
    emerging = artist(audience_total=500)  # 500–2,000
    found = matching.match(sponsor(budget_min=Decimal(100_000), budget_max=None), emerging, today=TODAY)
    assert found.parts["budget"] == matching.BUDGET_ABOVE_FLOOR
    assert "above" in found.chips[3].text


def test_budget_with_only_a_maximum_or_a_minimum():
    assert (
        matching.match(sponsor(budget_min=None, budget_max=Decimal(2500)), artist(), today=TODAY).parts[
            "budget"
        ]
        == 1
    )
    assert (
        matching.match(sponsor(budget_min=Decimal(9000), budget_max=None), artist(), today=TODAY).parts[
            "budget"
        ]
        == 1
    )


def test_budget_in_another_currency_is_compared_in_euros():
    # 2,000 GBP ≈ 2,340 EUR: inside the rising fee; 1,000 USD ≈ 920 EUR: below it
    gbp = matching.match(
        sponsor(budget_min=None, budget_max=Decimal(2000), currency="GBP"), artist(), today=TODAY
    )
    usd = matching.match(
        sponsor(budget_min=None, budget_max=Decimal(1000), currency="USD"), artist(), today=TODAY
    )
    assert gbp.parts["budget"] == 1
    assert usd.parts["budget"] == pytest.approx(920 / 2000)
    assert gbp.suggested_value == Decimal(1700)  # 2,000 EUR in pounds, to the hundred


def test_a_brand_safety_conflict_is_a_strong_penalty_and_a_warning():
    found = matching.match(
        sponsor(excluded_flags=frozenset({"explicit_lyrics", "alcohol"})),
        artist(flags=frozenset({"explicit_lyrics", "politics"})),
        today=TODAY,
    )
    assert found.score == 20  # 100 × 0.2
    assert found.conflicts == ("explicit_lyrics",)
    assert [(w.tone, w.text) for w in found.warnings] == [
        ("danger", "Brand-safety conflict: Explicit lyrics")
    ]


def test_flags_the_sponsor_does_not_exclude_do_not_matter():
    found = matching.match(
        sponsor(excluded_flags=frozenset({"gambling"})), artist(flags=frozenset({"alcohol"})), today=TODAY
    )
    assert found.score == 100
    assert found.warnings == ()


def test_past_deals_give_a_bonus_and_a_recent_loss_a_warning():
    base = matching.match(sponsor(budget_min=None, budget_max=None), artist(), today=TODAY).score  # 87.5 → 88
    won = matching.match(
        sponsor(budget_min=None, budget_max=None), artist(), History(won_together=2), today=TODAY
    )
    similar = matching.match(
        sponsor(budget_min=None, budget_max=None), artist(), History(won_similar=1), today=TODAY
    )
    lost = matching.match(
        sponsor(budget_min=None, budget_max=None),
        artist(),
        History(lost_together_on=TODAY - timedelta(days=30)),
        today=TODAY,
    )
    old_loss = matching.match(
        sponsor(budget_min=None, budget_max=None),
        artist(),
        History(lost_together_on=TODAY - timedelta(days=400)),
        today=TODAY,
    )
    assert won.score == min(100, base + 10)
    assert "Won together ×2" in texts(won.chips)
    assert similar.score == base + 5
    assert "Won with a similar brand" in texts(similar.chips)
    assert lost.score == base - 10
    assert [w.tone for w in lost.warnings] == ["warning"]
    assert lost.warnings[0].text.startswith("Lost a deal together on ")
    assert old_loss.score == base
    assert old_loss.warnings == ()


def test_an_open_deal_is_shown():
    found = matching.match(
        sponsor(), artist(), History(open_deal_id=7, open_deal_stage="Proposal"), today=TODAY
    )
    assert "Open deal: Proposal" in texts(found.chips)


def test_the_score_stays_within_0_and_100():
    top = matching.match(sponsor(), artist(), History(won_together=3, won_similar=2), today=TODAY)
    bottom = matching.match(
        sponsor(
            regions=frozenset({"US"}),
            genres={9: "Metal"},
            age_bands=frozenset({"55+"}),
            budget_max=Decimal(10),
            budget_min=None,
        ),
        artist(audience_total=5_000_000),
        History(lost_together_on=TODAY),
        today=TODAY,
    )
    assert top.score == 100
    assert bottom.score == 0


def test_what_each_side_brings():
    sponsor_chips = matching.sponsor_profile(sponsor(excluded_flags=frozenset({"gambling"})))
    assert texts(sponsor_chips) == [
        "Hip-hop",
        "Ages 18–24",
        "France",
        "Budget €3,000–€8,000",
        "Excludes: Gambling",
    ]
    assert texts(matching.sponsor_profile(sponsor(budget_min=None)))[-1] == "Budget up to €8,000"
    artist_chips = matching.artist_profile(artist(flags=frozenset({"alcohol"})))
    assert texts(artist_chips) == [
        "Hip-hop, R&B",
        "Ages 18–24, 25–34",
        "Belgium, France",
        "Rising fee €2,000–€10,000",
        "Alcohol",
    ]


def test_a_budget_just_below_the_fee_is_not_a_warning():
    found = matching.match(sponsor(budget_min=None, budget_max=Decimal(1800)), artist(), today=TODAY)
    assert found.parts["budget"] == pytest.approx(0.9)
    assert found.chips[3].tone == "neutral"


def test_ranking_without_the_explanation_gives_the_same_score():
    for history in (History(), History(won_together=1, lost_together_on=TODAY)):
        explained = matching.match(
            sponsor(excluded_flags=frozenset({"alcohol"})),
            artist(flags=frozenset({"alcohol"})),
            history,
            today=TODAY,
        )
        ranked = matching.match(
            sponsor(excluded_flags=frozenset({"alcohol"})),
            artist(flags=frozenset({"alcohol"})),
            history,
            today=TODAY,
            explain=False,
        )
        assert ranked.score == explained.score
        assert ranked.chips == ranked.warnings == ()
        assert explained.chips and explained.warnings


def test_a_chip_renders_as_a_list_item_with_its_text_escaped():
    html = matching.Chip("danger", "shield-exclamation", "<b>Fizz & Co</b>").html
    assert html == (
        '<li class="match-chip is-danger"><i class="bi bi-shield-exclamation" aria-hidden="true"></i>'
        "&lt;b&gt;Fizz &amp; Co&lt;/b&gt;</li>"
    )
