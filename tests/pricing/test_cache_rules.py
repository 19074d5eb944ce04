"""Hand-worked costs for what a price depends on besides token counts: 1-hour cache writes, the
minimum cacheable prefix, and long-context tiers that were withdrawn."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from pricing_builders import D, make_model, make_offer, make_provider

from tokenexport_cli.pricing.engine import CostLine, PricingOptions, Shape, Usage, price_offer
from tokenexport_cli.pricing.fx import Fx

# Claude Sonnet 4.5 list prices per 1M tokens (Anthropic pricing page): input 3, output 15,
# cache hit 0.30, 5-minute write 3.75, 1-hour write 6
SONNET = {
    "input": D("3"),
    "output": D("15"),
    "cache_read": D("0.3"),
    "cache_write": D("3.75"),
    "cache_write_1h": D("6"),
}


def cost(offer_fields: dict, shapes: list[tuple[int, int]], **usage_fields) -> CostLine:
    usage = Usage(
        shapes=tuple(Shape(i, o) for i, o in shapes), requests_per_month=D("1"), **usage_fields
    )
    line = price_offer(
        make_offer(**offer_fields), make_model(), make_provider(), usage, Fx(()), PricingOptions()
    )
    assert isinstance(line, CostLine)
    return line


def test_one_hour_writes_bill_the_one_hour_price() -> None:
    # 3000 input with a 2000-token prefix, 80% hits, 500 output:
    # 1600 cached x 0.3/M = 0.00048; 400 written x 6/M = 0.0024;
    # 1000 plain x 3/M = 0.003; 500 out x 15/M = 0.0075 -> 0.01338
    line = cost(SONNET, [(3000, 500)], prefix_tokens=2000, cache_hit_rate=D("0.8"), cache_ttl="1h")
    assert line.breakdown.cache_write == D("0.0024")
    assert line.breakdown.cached_input == D("0.00048")
    assert line.monthly == D("0.01338")


def test_five_minute_writes_bill_the_default_price() -> None:
    # as above with 400 written x 3.75/M = 0.0015 -> 0.00048 + 0.0015 + 0.003 + 0.0075 = 0.01248
    line = cost(SONNET, [(3000, 500)], prefix_tokens=2000, cache_hit_rate=D("0.8"))
    assert line.breakdown.cache_write == D("0.0015")
    assert line.monthly == D("0.01248")


def test_one_hour_ttl_without_a_one_hour_price_uses_the_write_price() -> None:
    offer = {key: value for key, value in SONNET.items() if key != "cache_write_1h"}
    line = cost(offer, [(3000, 500)], prefix_tokens=2000, cache_hit_rate=D("0.8"), cache_ttl="1h")
    assert line.breakdown.cache_write == D("0.0015")


def test_a_prefix_below_the_minimum_is_not_cached() -> None:
    # a 477-token prefix on an offer caching from 1024 tokens: all 3000 input plain,
    # 3000 x 3/M = 0.009, 500 x 15/M = 0.0075 -> 0.0165, nothing cached or written
    line = cost(
        {**SONNET, "cache_min_tokens": 1024},
        [(3000, 500)],
        prefix_tokens=477,
        cache_hit_rate=D("0.8"),
    )
    assert line.breakdown.cached_input == 0
    assert line.breakdown.cache_write == 0
    assert line.breakdown.input == D("0.009")
    assert line.monthly == D("0.0165")


def test_a_prefix_at_the_minimum_is_cached() -> None:
    # 1024 prefix, 50% hits: 512 cached x 0.3/M = 0.0001536; 512 written x 3.75/M = 0.00192;
    # 1976 plain x 3/M = 0.005928; 500 out x 15/M = 0.0075 -> 0.0155016
    line = cost(
        {**SONNET, "cache_min_tokens": 1024},
        [(3000, 500)],
        prefix_tokens=1024,
        cache_hit_rate=D("0.5"),
    )
    assert line.breakdown.cached_input == D("0.0001536")
    assert line.breakdown.cache_write == D("0.00192")
    assert line.monthly == D("0.0155016")


def test_the_long_context_tier_has_its_own_one_hour_price() -> None:
    # 250K prompt above the 200K tier (input 6, output 22.5, read 0.6, write 7.5, 1h 12),
    # 100000 prefix, 50% hits: 50000 cached x 0.6/M = 0.03; 50000 written x 12/M = 0.6;
    # 150000 plain x 6/M = 0.9; 1000 out x 22.5/M = 0.0225 -> 1.5525
    tier = {
        "above": 200000,
        "input": D("6"),
        "output": D("22.5"),
        "cache_read": D("0.6"),
        "cache_write": D("7.5"),
        "cache_write_1h": D("12"),
    }
    line = cost(
        {**SONNET, "tiers": [tier]},
        [(250000, 1000)],
        prefix_tokens=100000,
        cache_hit_rate=D("0.5"),
        cache_ttl="1h",
    )
    assert line.monthly == D("1.5525")


def test_a_withdrawn_tier_is_not_billed() -> None:
    # Anthropic withdrew the >200K premium for the 4.6 models on 2026-03-13: a 250K prompt is
    # billed at base prices, 250000 x 3/M = 0.75 + 1000 x 15/M = 0.015 -> 0.765
    tier = {"above": 200000, "input": D("6"), "output": D("22.5"), "until": dt.date(2026, 3, 13)}
    line = cost({**SONNET, "tiers": [tier]}, [(250000, 1000)])
    assert line.breakdown.tier_surcharge == 0
    assert line.monthly == D("0.765")


prices = st.decimals(min_value=0, max_value=50, places=3, allow_nan=False, allow_infinity=False)
shares = st.decimals(min_value=0, max_value=1, places=2)
samples = st.lists(st.tuples(st.integers(0, 5_000), st.integers(0, 2_000)), min_size=1, max_size=5)


@settings(max_examples=60, deadline=None)
@given(prices, prices, prices, prices, prices, samples, st.integers(0, 3_000), shares)
def test_one_hour_writes_never_cost_less_than_five_minute_ones(
    base: Decimal,
    read: Decimal,
    write: Decimal,
    extra: Decimal,
    out: Decimal,
    sample: list[tuple[int, int]],
    prefix: int,
    hit: Decimal,
) -> None:
    offer = {
        "input": base,
        "output": out,
        "cache_read": read,
        "cache_write": write,
        "cache_write_1h": write + extra,
    }
    shapes = [(i + prefix, o) for i, o in sample]
    five = cost(offer, shapes, prefix_tokens=prefix, cache_hit_rate=hit)
    hour = cost(offer, shapes, prefix_tokens=prefix, cache_hit_rate=hit, cache_ttl="1h")
    assert hour.monthly >= five.monthly
    # the total and each part are rounded to Decimal's 28 significant digits apart, so the two
    # differences may part in the last digits (found: 3e-31 on a total of 0.001)
    moved = hour.breakdown.cache_write - five.breakdown.cache_write
    assert abs((hour.monthly - five.monthly) - moved) <= Decimal("1e-24")


@settings(max_examples=60, deadline=None)
@given(prices, prices, prices, prices, samples, st.integers(1, 3_000), shares)
def test_a_prefix_below_the_minimum_bills_as_if_the_offer_had_no_cache(
    base: Decimal,
    read: Decimal,
    write: Decimal,
    out: Decimal,
    sample: list[tuple[int, int]],
    prefix: int,
    hit: Decimal,
) -> None:
    shapes = [(i + prefix, o) for i, o in sample]
    plain = cost({"input": base, "output": out}, shapes, prefix_tokens=prefix, cache_hit_rate=hit)
    cached = cost(
        {
            "input": base,
            "output": out,
            "cache_read": read,
            "cache_write": write,
            "cache_min_tokens": prefix + 1,
        },
        shapes,
        prefix_tokens=prefix,
        cache_hit_rate=hit,
    )
    assert cached.monthly == plain.monthly
    assert cached.breakdown == plain.breakdown
