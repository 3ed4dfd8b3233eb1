"""The pure part of the CRM demo data: sizes per scale, names, audience curves (no database)."""

import random
from datetime import date

from crm.normalize import normalize_name
from crm.seeding import generators as g


def test_scale_one_is_the_demo_and_scale_100_the_benchmark():
    demo = g.sizes(1)
    assert (demo.artists, demo.sponsors, demo.interactions) == (60, 25, 400)
    assert demo.deals == 140
    bench = g.sizes(g.BENCHMARK_SCALE)
    assert (bench.artists, bench.sponsors, bench.deals, bench.interactions) == (
        10_000,
        2_000,
        20_000,
        100_000,
    )
    assert bench.sponsorship_open == 2_000  # the board of the benchmark
    assert g.sizes(2).artists > demo.artists  # and it grows in between


def test_stage_names_are_unique_believable_and_deterministic():
    first = g.unique_stage_names(500, rng=random.Random(7), taken=set())
    again = g.unique_stage_names(500, rng=random.Random(7), taken=set())
    assert first == again
    keys = [normalize_name(name) for name, _band, _first in first]
    assert len(set(keys)) == 500
    assert not any(name.lower().startswith("artist") for name, _b, _f in first)
    bands = [name for name, band, _ in first if band]
    assert bands and all(not first_name for _n, band, first_name in first if band)


def test_names_already_taken_are_avoided():
    taken = {
        normalize_name(name) for name, _b, _f in g.unique_stage_names(50, rng=random.Random(1), taken=set())
    }
    before = set(taken)
    fresh = g.unique_stage_names(50, rng=random.Random(1), taken=taken)
    assert not {normalize_name(name) for name, _b, _f in fresh} & before


def test_brand_names_are_unique_across_industries():
    brands = g.unique_brand_names(300, rng=random.Random(3), taken=set())
    assert len({normalize_name(name) for name, _ in brands}) == 300
    assert len({industry for _, industry in brands}) >= 10


def test_audience_series_is_weekly_ends_today_and_grows():
    today = date(2026, 6, 1)
    series = g.audience_series(
        rng=random.Random(5),
        platform="spotify",
        today_followers=50_000,
        weeks=53,
        today=today,
        growth=0.02,
        viral_week=None,
    )
    assert len(series) == 53 and series[-1].date == today and series[-1].followers == 50_000
    assert (series[1].date - series[0].date).days == 7
    assert series[0].followers < series[-1].followers / 2  # 2 % a week for a year
    assert all(point.monthly_listeners for point in series)  # Spotify has monthly listeners
    tiktok = g.audience_series(
        rng=random.Random(5),
        platform="tiktok",
        today_followers=50_000,
        weeks=10,
        today=today,
        growth=0.0,
        viral_week=3,
    )
    assert all(0 < point.engagement_rate < 100 for point in tiktok)
    assert tiktok[-4].followers > tiktok[-5].followers * 1.3  # the viral week (3 weeks ago)
