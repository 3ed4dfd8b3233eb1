"""The artist score's maths (crm.scoring): each criterion, its edge cases, the weights and the explanation."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import translation

from crm import scoring
from crm.scoring import ArtistInputs, PlatformAudience, ScoringSettings

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def platform(name="instagram", latest=11_000, base=10_000, days=90, rate=None, latest_date=TODAY):
    return PlatformAudience(
        platform=name,
        latest_date=latest_date,
        latest_followers=latest,
        base_date=None if base is None else latest_date - timedelta(days=days),
        base_followers=base,
        engagement_rate=rate,
    )


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def by_key(result):
    return {c["key"]: c for c in result.breakdown["criteria"]}


# --- audience ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (0, 0.0),
        (1, 0.0),
        (999, 0.0),
        (1_000, 0.0),
        (10_000, 0.25),
        (100_000, 0.5),
        (10_000_000, 1.0),
        (10**9, 1.0),
    ],
)
def test_audience_value_is_log_scaled_between_1k_and_10m(total, expected):
    assert scoring.audience_value(total) == pytest.approx(expected)


# --- growth ------------------------------------------------------------------------------------------------


def test_growth_without_snapshots_is_unknown_and_worth_nothing():
    assert scoring.growth([]) is None
    assert scoring.growth_value(None) == 0


def test_growth_needs_a_base_at_least_30_days_older():
    assert scoring.growth([platform(days=20)]) is None
    assert scoring.growth([platform(base=None)]) is None


def test_growth_ignores_a_platform_that_started_from_zero():
    assert scoring.growth([platform(base=0)]) is None


def test_growth_over_90_days():
    grown = scoring.growth([platform(latest=12_000, base=10_000, days=90)])
    assert grown["rate"] == pytest.approx(0.2)
    assert grown["days"] == 90
    assert scoring.growth_value(grown["rate"]) == pytest.approx(0.4)  # +20 % of the +50 % cap


def test_growth_over_a_shorter_span_is_pro_rated_to_90_days():
    grown = scoring.growth([platform(latest=11_000, base=10_000, days=45)])
    assert grown["rate"] == pytest.approx(0.2)


def test_growth_across_platforms_is_weighted_by_their_size():
    big = platform("spotify", latest=90_000, base=100_000)  # -10 %
    small = platform("tiktok", latest=20_000, base=10_000)  # +100 %
    grown = scoring.growth([big, small])
    assert grown["rate"] == pytest.approx((100_000 * -0.1 + 10_000 * 1.0) / 110_000)
    assert grown["platforms"] == ["spotify", "tiktok"]


def test_growth_is_capped_and_a_fall_gives_zero():
    assert scoring.growth_value(3.0) == 1
    assert scoring.growth_value(-0.4) == 0


# --- engagement ----------------------------------------------------------------------------------------


def test_engagement_is_averaged_over_platforms_with_a_rate():
    platforms = [platform("a", rate=2.0), platform("b", rate=6.0), platform("c", rate=None)]
    assert scoring.engagement(platforms) == pytest.approx(4.0)
    assert scoring.engagement_value(4.0) == pytest.approx(0.5)
    assert scoring.engagement_value(20.0) == 1


def test_engagement_without_rates_is_unknown():
    assert scoring.engagement([platform(rate=None)]) is None
    assert scoring.engagement_value(None) == 0


# --- fit, recency --------------------------------------------------------------------------------------


def test_fit_is_the_average_of_genre_and_market_overlap():
    inputs = ArtistInputs(genres={1: "Pop", 2: "Rock"}, country="FR", audience_regions=frozenset({"BE"}))
    settings = ScoringSettings(focus_genre_ids=frozenset({1, 3}), focus_countries=frozenset({"DE"}))
    fitted = scoring.fit(inputs, settings)
    assert fitted["value"] == pytest.approx(0.25)  # genres 1/2, markets 0
    assert fitted["genres"] == ["Pop"]
    assert fitted["countries"] == []


def test_fit_counts_the_audience_countries_as_markets():
    inputs = ArtistInputs(country="FR", audience_regions=frozenset({"BE", "CH"}))
    settings = ScoringSettings(focus_countries=frozenset({"BE"}))
    assert scoring.fit(inputs, settings) == {"value": 1.0, "genres": [], "countries": ["BE"], "used": True}


def test_fit_without_focus_is_not_used_and_its_weight_goes_to_the_others():
    result = scoring.compute(ArtistInputs(audience_total=10_000_000), ScoringSettings(), now=NOW)
    criteria = by_key(result)
    assert criteria["fit"]["used"] is False
    assert criteria["fit"]["share"] == 0
    assert criteria["audience"]["share"] == pytest.approx(30 / 85, abs=1e-4)
    assert result.score == 35  # 100 × 30 / 85


def test_fit_with_focus_but_an_artist_without_genres_or_country_is_zero():
    settings = ScoringSettings(focus_genre_ids=frozenset({1}), focus_countries=frozenset({"FR"}))
    assert scoring.fit(ArtistInputs(), settings)["value"] == 0


@pytest.mark.parametrize(("days", "expected"), [(None, 0.0), (0, 1.0), (90, 0.5), (180, 0.0), (400, 0.0)])
def test_recency_decays_over_180_days(days, expected):
    last = None if days is None else NOW - timedelta(days=days, hours=1)
    assert scoring.recency_value(scoring.recency_days(last, NOW)) == pytest.approx(expected)


def test_recency_of_a_future_interaction_counts_as_today():
    assert scoring.recency_days(NOW + timedelta(days=3), NOW) == 0


# --- the score ------------------------------------------------------------------------------------------


def complete_inputs(**overrides):
    values = {
        "audience_total": 100_000,  # 0.5
        "platforms": (platform(latest=12_000, base=10_000, rate=4.0),),  # growth 0.4, engagement 0.5
        "genres": {1: "Pop"},
        "country": "FR",
        "filled": dict.fromkeys(scoring.COMPLETENESS_ITEMS, True),  # 1.0
        "last_interaction_at": NOW - timedelta(days=90),  # 0.5
    }
    values.update(overrides)
    return ArtistInputs(**values)


def test_an_artist_with_no_data_scores_zero():
    result = scoring.compute(ArtistInputs(), ScoringSettings(focus_genre_ids=frozenset({1})), now=NOW)
    assert result.score == 0
    assert all(c["points"] == 0 for c in result.breakdown["criteria"])
    criteria = by_key(result)
    assert criteria["growth"]["raw"] is None
    assert criteria["engagement"]["raw"] is None
    assert criteria["recency"]["raw"] is None
    assert criteria["completeness"]["detail"]["missing"] == list(scoring.COMPLETENESS_ITEMS)


def test_the_score_is_the_weighted_sum_of_the_criteria():
    settings = ScoringSettings(focus_genre_ids=frozenset({1}))  # fit = 1
    result = scoring.compute(complete_inputs(), settings, now=NOW)
    expected = 30 * 0.5 + 20 * 0.4 + 15 * 0.5 + 10 * 1 + 15 * 1 + 10 * 0.5
    assert expected == 60.5
    assert result.score == 61  # rounded half up
    criteria = by_key(result)
    assert criteria["audience"] == {
        "key": "audience",
        "raw": 100_000,
        "value": 0.5,
        "used": True,
        "detail": {},
        "weight": 30,
        "share": 0.3,
        "max_points": 30.0,
        "points": 15,
    }


def test_the_points_add_up_exactly_to_the_score():
    settings = ScoringSettings(
        weights={"audience": 7, "growth": 13, "engagement": 29}, focus_countries=frozenset({"FR"})
    )
    for total in (0, 1_234, 56_789, 2_500_000):
        for days in (1, 33, 77, 179):
            inputs = complete_inputs(audience_total=total, last_interaction_at=NOW - timedelta(days=days))
            result = scoring.compute(inputs, settings, now=NOW)
            assert sum(c["points"] for c in result.breakdown["criteria"]) == result.score
            assert 0 <= result.score <= 100


def test_weights_change_the_score():
    inputs = complete_inputs(audience_total=10_000_000, last_interaction_at=None)
    only_audience = ScoringSettings(weights=dict.fromkeys(scoring.CRITERIA, 0) | {"audience": 50})
    only_recency = ScoringSettings(weights=dict.fromkeys(scoring.CRITERIA, 0) | {"recency": 50})
    assert scoring.compute(inputs, only_audience, now=NOW).score == 100
    assert scoring.compute(inputs, only_recency, now=NOW).score == 0


def test_missing_weights_take_their_default_and_bad_ones_count_as_zero():
    settings = ScoringSettings(weights={"audience": "lots", "growth": 500, "recency": -3})
    assert settings.weight("audience") == 0
    assert settings.weight("growth") == 100
    assert settings.weight("recency") == 0
    assert settings.weight("engagement") == scoring.DEFAULT_WEIGHTS["engagement"]


def test_all_weights_at_zero_give_zero_not_an_error():
    settings = ScoringSettings(weights=dict.fromkeys(scoring.CRITERIA, 0))
    assert scoring.compute(complete_inputs(), settings, now=NOW).score == 0


def test_completeness_lists_what_is_missing():
    filled = dict.fromkeys(scoring.COMPLETENESS_ITEMS, True) | {"bio": False, "photo": False}
    criteria = by_key(scoring.compute(complete_inputs(filled=filled), ScoringSettings(), now=NOW))
    assert criteria["completeness"]["raw"] == len(scoring.COMPLETENESS_ITEMS) - 2
    assert criteria["completeness"]["detail"]["missing"] == ["bio", "photo"]


# --- the explanation ------------------------------------------------------------------------------------


def test_explain_gives_one_row_per_criterion_in_words():
    settings = ScoringSettings(focus_genre_ids=frozenset({1}))
    filled = dict.fromkeys(scoring.COMPLETENESS_ITEMS, True) | {"photo": False}
    result = scoring.compute(complete_inputs(filled=filled), settings, now=NOW)
    rows = {row.key: row for row in scoring.explain(result.breakdown)}

    assert list(rows) == list(scoring.CRITERIA)
    assert sum(row.points for row in rows.values()) == result.score
    assert rows["audience"].raw == "100,000 followers"
    assert rows["growth"].raw == "+20.0\u00a0% over 90 days"
    assert rows["engagement"].raw == "4.0\u00a0% on 1 platform"
    assert rows["completeness"].raw == "12 of 13 items"
    assert rows["completeness"].hint == "Missing: photo."
    assert rows["fit"].raw == "Pop"
    assert rows["recency"].raw == "90 days ago"
    assert rows["audience"].share_pct == 30.0
    assert rows["audience"].value_pct == 50


def test_explain_says_what_is_unknown():
    rows = {
        row.key: row
        for row in scoring.explain(scoring.compute(ArtistInputs(), ScoringSettings(), now=NOW).breakdown)
    }
    assert rows["growth"].raw == "Not enough history"
    assert "30 days apart" in rows["growth"].hint
    assert rows["engagement"].raw == "No engagement recorded"
    assert rows["fit"].raw == "No focus set"
    assert rows["fit"].used is False
    assert rows["recency"].raw == "Never"


def test_explain_of_a_score_never_computed_is_empty():
    assert scoring.explain({}) == []
    assert scoring.explain(None) == []
    assert scoring.explain({"version": 0, "criteria": [{"key": "audience"}]}) == []


def test_weight_shares():
    shares = scoring.weight_shares(scoring.DEFAULT_WEIGHTS, fit_used=False)
    assert shares["fit"] == 0
    assert sum(shares.values()) == pytest.approx(100, abs=0.5)
    assert scoring.weight_shares(dict.fromkeys(scoring.CRITERIA, 0), fit_used=True) == dict.fromkeys(
        scoring.CRITERIA, 0.0
    )


def test_platform_dates_are_dates():
    assert isinstance(platform().latest_date, date)
