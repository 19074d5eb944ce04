"""The cell definition: boundaries in source tokens, 15-minute slots that decide time bands on
every bundled catalog, and the minimum cacheable prompt priced by hand on both paths."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenexport_cli.api.choices import CatalogChoice, open_catalog
from tokenexport_cli.api.replay import ReplayRequest, replay
from tokenexport_cli.catalog.locate import list_versions
from tokenexport_cli.errors import DataError
from tokenexport_cli.pricing.traffic import band_slots, in_band
from tokenexport_cli.schema import TimeBand
from tokenexport_cli.tokens.family_ratio import FamilyRatio
from tokenexport_cli.warehouse.cells import Limits, plan_for, week_slot

MILLION = Decimal(1_000_000)


def test_every_bundled_time_band_is_decided_by_its_15_minute_utc_slot() -> None:
    checked = 0
    for version in list_versions():
        index = open_catalog(CatalogChoice(version=version.name))
        for offer in index.catalog.offers:
            if not offer.time_bands:
                continue
            slots = band_slots(tuple(offer.time_bands))
            # every minute of a whole week agrees with the band its slot gives
            start = int(dt.datetime(2026, 3, 2, tzinfo=dt.UTC).timestamp())
            for minute in range(0, 7 * 24 * 60, 7):
                stamp = start + minute * 60
                expected = next(
                    (i for i, b in enumerate(offer.time_bands) if in_band(b, stamp)), -1
                )
                assert slots[week_slot(stamp)] == expected
            checked += 1
    assert checked >= 2  # the deepseek peak bands


def test_a_band_in_a_daylight_saving_zone_or_off_the_quarter_hour_is_refused() -> None:
    summer = TimeBand(
        name="peak", timezone="Europe/Berlin", hours=("09:00-12:00",), input=1, output=1
    )
    odd = TimeBand(name="odd", timezone="Asia/Shanghai", hours=("09:10-12:00",), input=1, output=1)
    for band in (summer, odd):
        with pytest.raises(DataError):
            band_slots((band,))


def test_week_slot_starts_on_monday_midnight_utc() -> None:
    monday = int(dt.datetime(2026, 8, 3, tzinfo=dt.UTC).timestamp())
    assert week_slot(monday) == 0
    assert week_slot(monday + 15 * 60 - 1) == 0
    assert week_slot(monday + 15 * 60) == 1
    assert week_slot(monday - 1) == 7 * 24 * 4 - 1  # Sunday 23:59:59


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=2_000_000),
    st.fractions(min_value=Fraction(1, 3), max_value=3),
    st.integers(min_value=0, max_value=3_000_000),
)
def test_limits_in_source_tokens_agree_with_the_limit_in_target_tokens(
    limit: int, factor: Fraction, count: int
) -> None:
    source = Limits((limit,), limit, limit).in_source(FamilyRatio(factor, None))
    assert (source.tier(count) == 1) == (count * factor > limit)
    assert source.cacheable(count) == (count * factor >= limit)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=2_000_000),
    st.fractions(min_value=Fraction(1, 3), max_value=3),
    st.decimals(min_value=0, max_value=40, places=1),
    st.integers(min_value=0, max_value=3_000_000),
)
def test_an_unpublished_price_starts_where_a_count_may_reach_it_within_the_band(
    limit: int, factor: Fraction, band: Decimal, count: int
) -> None:
    """A converted count may really be its band larger: it counts as reaching the length from
    which prices are not published as soon as it may (as ``estimate`` flags it); tiers and
    caching stay at the point value."""
    ratio = FamilyRatio(factor, band)
    widest = factor * (1 + Fraction(band) / 100)
    source = Limits((limit,), None, None, limit, limit).in_source(ratio)
    assert source.unpriced(count) == (count * widest >= limit)
    assert source.unpriced_answer(count) == (count * widest >= limit)
    assert (source.tier(count) == 1) == (count * factor > limit)
    plan = plan_for([(Limits((), None, None, limit, limit), [ratio])])
    # the cells split exactly there, so a cell is wholly priced or wholly a lower bound
    assert source.priced_up_to in plan.bounds or source.priced_up_to < 0
    assert source.answer_priced_up_to in plan.answer_bounds or source.answer_priced_up_to < 0


def test_plan_buckets_split_at_every_boundary_and_long_calls_keep_their_counts() -> None:
    limits = Limits((200_000,), 1_048_576, 2048)
    plan = plan_for([(limits, [FamilyRatio(Fraction(1), None), FamilyRatio(Fraction(5, 4), None)])])
    # 2,048 / 1.25 = 1,638.4: 1,639 source tokens are the shortest cacheable prompt
    assert plan.bounds == (1638, 2047, 160_000, 200_000)
    assert plan.exact_above == math.floor(Fraction(1_048_576) / Fraction(5, 4))
    assert [plan.bucket(n) for n in (0, 1638, 1639, 2047, 2048, 200_000, 200_001)] == [
        0,
        0,
        1,
        1,
        2,
        3,
        4,
    ]


def _gemini_log(tmp_path: Path, rows: list[tuple[int, int, int]]) -> Path:
    path = tmp_path / "usage.csv"
    lines = ["model,time,input,cache_read,output"]
    lines += [
        f"gemini-2.5-pro,2026-08-0{3 + i % 3}T10:00:00Z,{a},{b},{c}"
        for i, (a, b, c) in enumerate(rows)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_below_the_minimum_cacheable_prompt_cache_reads_bill_as_input(
    tmp_path: Path, engine: str
) -> None:
    index = open_catalog(CatalogChoice(version="2026-11-27"))
    (offer,) = [o for o in index.offers("gemini-2.5-pro") if o.provider == "google-ai-studio"]
    # the catalog figures this hand-worked example uses
    assert (offer.input, offer.output, offer.cache_read, offer.cache_min_tokens) == (
        Decimal("1.25"),
        Decimal("10.0"),
        Decimal("0.125"),
        2048,
    )
    # call 1: 1,000 in + 500 cached = a 1,500-token prompt, under the 2,048 minimum: all 1,500
    # bill as input: 1,500 x $1.25 + 100 out x $10 = $0.001875 + $0.001 = $0.002875.
    # call 2: 2,000 + 500 = 2,500 >= 2,048: 2,000 x 1.25 + 500 x 0.125 + 100 x 10
    # = 0.0025 + 0.0000625 + 0.001 = $0.0035625. Together $0.0064375.
    log = _gemini_log(tmp_path, [(1000, 500, 100), (2000, 500, 100)])
    result = replay(
        ReplayRequest(
            paths=(log,),
            catalog=CatalogChoice(version="2026-11-27"),
            models=("gemini-2.5-pro",),
            providers=("google-ai-studio",),
            columns={
                "model": "model",
                "timestamp": "time",
                "input": "input",
                "cache_read": "cache_read",
                "output": "output",
            },
            engine=engine,  # type: ignore[arg-type]
            alternatives=0,
        )
    )
    (line,) = [x for x in result.lines if x.role == "target"]
    assert line.cost.period_cost == Decimal("0.0064375")
    assert line.cost.breakdown["cache_read"] == Decimal("0.0000625")
    assert any("minimum cacheable prompt (2048 tokens)" in note for note in line.cost.notes)
