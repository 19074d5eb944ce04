"""Hand-worked examples for every pricing rule, with the arithmetic in comments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pricing_builders import AS_OF, D, make_model, make_offer, make_provider

from tokenexport_cli.cli.common import parse_fx
from tokenexport_cli.errors import UsageError
from tokenexport_cli.pricing.engine import (
    CostLine,
    Exclusion,
    PricingOptions,
    Shape,
    Usage,
    price_offer,
)
from tokenexport_cli.pricing.fx import Fx
from tokenexport_cli.pricing.traffic import band_share, uniform_weights
from tokenexport_cli.schema import FxRate, TimeBand

FX = Fx((FxRate(currency="CNY", per_usd=D("7.2"), source="test", as_of=AS_OF),))


def price(
    offer_fields: dict,
    shapes: list[tuple[int, int]],
    *,
    requests: str = "1000",
    provider_fields: dict | None = None,
    model_fields: dict | None = None,
    fx: Fx = FX,
    options: PricingOptions | None = None,
    **usage_fields,
) -> CostLine | Exclusion:
    usage = Usage(
        shapes=tuple(Shape(i, o) for i, o in shapes), requests_per_month=D(requests), **usage_fields
    )
    return price_offer(
        make_offer(**offer_fields),
        make_model(**(model_fields or {})),
        make_provider(**(provider_fields or {})),
        usage,
        fx,
        options or PricingOptions(),
    )


def test_plain_input_and_output() -> None:
    # (1000 + 3000) input tokens x $2.5/M = $0.01; (500 + 500) output x $10/M = $0.01
    # over 2 sample requests: $0.01 per request; x 1000 requests = $10
    line = price({"input": D("2.5"), "output": D("10")}, [(1000, 500), (3000, 500)])
    assert isinstance(line, CostLine)
    assert line.per_request == D("0.01")
    assert line.monthly == D("10")
    assert line.per_1k_requests == D("10")
    assert (line.breakdown.input, line.breakdown.output) == (D("5"), D("5"))


def test_long_context_tier_bills_whole_request_at_tier_price() -> None:
    # request 1 (1000 in) stays at base: 1000 x 2.5 + 500 x 10 = 7,500 micro-$
    # request 2 (3000 in > 2000) at tier:  3000 x 5 + 500 x 15 = 22,500 micro-$
    # listed at base prices: 4000 x 2.5 + 1000 x 10 = 20,000 micro-$ -> surcharge 10,000 micro-$
    # per request: 30,000 / 2 = 15,000 micro-$ = $0.015; x 1000 = $15, of which $5 surcharge
    line = price(
        {
            "input": D("2.5"),
            "output": D("10"),
            "tiers": [{"above": 2000, "input": D("5"), "output": D("15")}],
        },
        [(1000, 500), (3000, 500)],
    )
    assert isinstance(line, CostLine)
    assert line.monthly == D("15")
    assert line.breakdown.tier_surcharge == D("5")


def test_tier_uses_the_distribution_not_the_mean() -> None:
    # 19 requests of 100K and one of 300K: the mean (110K) is under the 200K tier, but the
    # 300K request pays the tier: (300K x (2 - 1)) micro-$ extra / 20 requests per request
    line = price(
        {
            "input": D("1"),
            "output": D("0"),
            "tiers": [{"above": 200_000, "input": D("2"), "output": D("0")}],
        },
        [(100_000, 0)] * 19 + [(300_000, 0)],
        requests="20",
    )
    assert isinstance(line, CostLine)
    # listed: (19 x 100K + 300K) x $1/M = $2.2; surcharge 300K x $1/M = $0.3
    assert line.breakdown.tier_surcharge == D("0.3")
    assert line.monthly == D("2.5")


def test_cache_read_on_shared_prefix() -> None:
    # 3000 input of which 1000 shared prefix, 80% hits: 800 cached at $0.25/M = $0.0002,
    # 2200 plain at $2.5/M = $0.0055, 500 output at $10/M = $0.005 -> $0.0107 per request
    line = price(
        {"input": D("2.5"), "output": D("10"), "cache_read": D("0.25")},
        [(3000, 500)],
        requests="1",
        prefix_tokens=1000,
        cache_hit_rate=D("0.8"),
    )
    assert isinstance(line, CostLine)
    assert line.breakdown.cached_input == D("0.0002")
    assert line.breakdown.input == D("0.0055")
    assert line.monthly == D("0.0107")


def test_cache_write_on_misses() -> None:
    # as above, and the 200 missed prefix tokens are written at $3.125/M = $0.000625;
    # plain input is then 2000 x $2.5/M = $0.005 -> 0.0002 + 0.000625 + 0.005 + 0.005
    line = price(
        {"input": D("2.5"), "output": D("10"), "cache_read": D("0.25"), "cache_write": D("3.125")},
        [(3000, 500)],
        requests="1",
        prefix_tokens=1000,
        cache_hit_rate=D("0.8"),
    )
    assert isinstance(line, CostLine)
    assert line.breakdown.cache_write == D("0.000625")
    assert line.monthly == D("0.010825")


def test_no_cache_price_means_no_cache_discount() -> None:
    line = price(
        {"input": D("2.5"), "output": D("10")},
        [(3000, 500)],
        requests="1",
        prefix_tokens=1000,
        cache_hit_rate=D("0.8"),
    )
    assert isinstance(line, CostLine)
    assert line.breakdown.cached_input == 0
    assert line.monthly == D("0.0125")  # 3000 x 2.5 + 500 x 10 micro-$


OFF_PEAK = {
    "name": "off-peak",
    "timezone": "UTC",
    "hours": ["16:30-00:30"],
    "input": D("0.14"),
    "output": D("0.21"),
}


def test_daily_band_with_uniform_traffic_covers_a_third() -> None:
    # 16:30-00:30 is 8 of 24 hours. Base 1M in x 0.28 + 1M out x 0.42 = $0.70 per request;
    # band $0.35; time-of-day adjustment = 1/3 x (0.35 - 0.70) = -0.11666...
    line = price(
        {"input": D("0.28"), "output": D("0.42"), "time_bands": [OFF_PEAK]},
        [(1_000_000, 1_000_000)],
        requests="3",
    )
    assert isinstance(line, CostLine)
    assert line.breakdown.time_of_day == D("-0.35")  # x 3 requests
    assert line.monthly == D("1.75")  # 3 x 0.70 - 0.35


def test_weekday_band_wrapping_midnight_skips_weekends() -> None:
    # Mon-Fri 16:30-00:30 UTC: each range belongs to the weekday it starts on, so Friday night
    # counts and the early hour of Monday (Sunday's range) does not: 5 x 8 h of 168 h = 5/21
    band = TimeBand(
        name="b",
        timezone="UTC",
        days=("mon", "tue", "wed", "thu", "fri"),
        hours=("16:30-00:30",),
        input=D(0),
        output=D(0),
    )
    assert band_share(band, uniform_weights(), "UTC") == D(5) / D(21)


def test_band_in_another_timezone_than_the_traffic() -> None:
    # traffic: Tokyo business hours Mon-Fri 09:00-18:00 (UTC+9, no DST)
    # band: Beijing 00:30-08:30 weekdays (UTC+8) = Tokyo 01:30-09:30 -> overlap 09:00-09:30,
    # half an hour of each 9-hour day -> share 1/18
    weights = [D(0)] * 168
    for day in range(5):
        for hour in range(9, 18):
            weights[day * 24 + hour] = D(1)
    band = TimeBand(
        name="b",
        timezone="Asia/Shanghai",
        days=("mon", "tue", "wed", "thu", "fri"),
        hours=("00:30-08:30",),
        input=D(0),
        output=D(0),
    )
    assert band_share(band, weights, "Asia/Tokyo") == D(1) / D(18)


def test_overlapping_bands_are_a_data_error() -> None:
    from tokenexport_cli.errors import DataError

    with pytest.raises(DataError, match="time bands overlap"):
        price(
            {
                "time_bands": [
                    {**OFF_PEAK, "hours": ["00:00-24:00"]},
                    {**OFF_PEAK, "name": "again", "hours": ["00:00-12:00"]},
                ]
            },
            [(10, 10)],
        )


def test_batch_discount_on_batchable_fraction() -> None:
    # $0.01 per request; 40% batchable at 50% off saves 0.4 x 0.005 = $0.002 per request
    line = price(
        {"input": D("2.5"), "output": D("10"), "batch": {"discount": D("0.5")}},
        [(2000, 500)],
        requests="1000",
        batch_fraction=D("0.4"),
    )
    assert isinstance(line, CostLine)
    assert line.breakdown.batch_savings == D("-2")
    assert line.monthly == D("8")


def test_batch_without_batch_price_is_noted_not_discounted() -> None:
    line = price({"input": D("2.5"), "output": D("10")}, [(2000, 500)], batch_fraction=D("0.4"))
    assert isinstance(line, CostLine)
    assert line.monthly == D("10")
    assert "no batch price: batchable requests priced in real time" in line.notes


def test_aggregator_fee_on_top() -> None:
    # $10 of usage + 5.5% credit-purchase fee = $10.55
    line = price(
        {"input": D("2.5"), "output": D("10")},
        [(2000, 500)],
        provider_fields={
            "kind": "aggregator",
            "fees": [
                {"kind": "credit_purchase", "percent": D("5.5"), "source": "t", "as_of": AS_OF}
            ],
        },
    )
    assert isinstance(line, CostLine)
    assert line.breakdown.fees == D("0.55")
    assert line.monthly == D("10.55")


def test_cny_offer_converted_with_catalog_rate_and_override() -> None:
    # 1M in x ¥2 + 1M out x ¥8 = ¥10 per request; at 7.2 CNY/USD = $1.3888...
    offer = {"currency": "CNY", "input": D("2"), "output": D("8")}
    line = price(offer, [(1_000_000, 1_000_000)], requests="72")
    assert isinstance(line, CostLine)
    assert line.monthly == D("100")  # 72 x ¥10 / 7.2
    line = price(
        offer, [(1_000_000, 1_000_000)], requests="69", fx=Fx(FX_RATES(), parse_fx(["CNY=6.9"]))
    )
    assert isinstance(line, CostLine)
    assert line.monthly == D("100")  # 69 x ¥10 / 6.9
    line = price(
        offer, [(1_000_000, 1_000_000)], requests="1", options=PricingOptions(currency="CNY")
    )
    assert isinstance(line, CostLine)
    assert (line.monthly, line.currency) == (D("10"), "CNY")


def FX_RATES() -> tuple[FxRate, ...]:
    return (FxRate(currency="CNY", per_usd=D("7.2"), source="test", as_of=AS_OF),)


def test_unknown_currency_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no exchange rate for EUR"):
        price({}, [(10, 10)], options=PricingOptions(currency="EUR"))


@pytest.mark.parametrize("bad", ["CNY", "CNY=abc", "CNYY=7", "CNY=inf"])
def test_bad_fx_override(bad: str) -> None:
    with pytest.raises(UsageError, match="expected CURRENCY=UNITS_PER_USD"):
        parse_fx([bad])


def test_too_long_request_is_excluded_by_default() -> None:
    line = price({}, [(5000, 100), (25_000, 1000)], model_fields={"context_window": 10_000})
    assert line == Exclusion(
        "m", "p", "context window 10,000 too small: 1 of 2 sample requests need up to 26,000 tokens"
    )


def test_split_prices_chunks_plus_a_combining_call() -> None:
    # window 10,000, output 1,000 -> 9,000 input tokens of room per call:
    # 25,000 input = chunks of 9,000 + 9,000 + 7,000 (3 calls, 1,000 output each),
    # plus a combining call with 3 x 1,000 input and 1,000 output -> 4 calls,
    # 28,000 input x $1/M + 4,000 output x $2/M = $0.036
    line = price(
        {},
        [(25_000, 1000)],
        requests="1",
        model_fields={"context_window": 10_000},
        options=PricingOptions(long_inputs="split"),
    )
    assert isinstance(line, CostLine)
    assert line.calls_per_request == 4
    assert line.monthly == D("0.036")


def test_split_keeps_the_shared_prefix_in_every_call() -> None:
    # prefix 1,000: room per call = 10,000 - 1,000 output - 1,000 prefix = 8,000;
    # body 24,000 -> 3 chunk calls of 9,000 input; combine: 1,000 + 3 x 1,000 = 4,000 input
    # -> 31,000 input x $1/M + 4,000 output x $2/M = $0.039
    line = price(
        {},
        [(25_000, 1000)],
        requests="1",
        model_fields={"context_window": 10_000},
        prefix_tokens=1000,
        options=PricingOptions(long_inputs="split"),
    )
    assert isinstance(line, CostLine)
    assert line.monthly == D("0.039")


def test_offer_context_window_overrides_the_model() -> None:
    line = price({"context_window": 4000}, [(5000, 100)])
    assert isinstance(line, Exclusion)
    assert line.reason.startswith("context window 4,000 too small")


def test_unknown_context_window_is_noted() -> None:
    line = price({}, [(5000, 100)], model_fields={"context_window": None})
    assert isinstance(line, CostLine)
    assert "context window unknown" in line.notes
    assert line.context_window is None


def test_breakdown_parts_add_up_to_the_total() -> None:
    line = price(
        {
            "input": D("2.5"),
            "output": D("10"),
            "cache_read": D("0.25"),
            "cache_write": D("3"),
            "batch": {"discount": D("0.5")},
            "tiers": [{"above": 2000, "input": D("5"), "output": D("15")}],
            "time_bands": [OFF_PEAK],
        },
        [(1000, 500), (3000, 700)],
        prefix_tokens=500,
        cache_hit_rate=D("0.5"),
        batch_fraction=D("0.25"),
        provider_fields={
            "fees": [{"kind": "usage_markup", "percent": D("5"), "source": "t", "as_of": AS_OF}]
        },
    )
    assert isinstance(line, CostLine)
    assert line.breakdown.total == line.monthly
    assert all(isinstance(v, Decimal) for v in vars(line.breakdown).values())


def test_band_share_across_daylight_saving_matches_brute_force() -> None:
    # New York business hours (DST shifts them against Beijing, which has none) compared with
    # a direct minute-by-minute walk over the reference year.
    import datetime as dt
    from fractions import Fraction
    from zoneinfo import ZoneInfo

    from tokenexport_cli.pricing.traffic import REFERENCE_YEAR, band_share_fraction

    weights = [D(0)] * 168
    for day in range(5):
        for hour in range(9, 18):
            weights[day * 24 + hour] = D(1)
    band = TimeBand(
        name="b",
        timezone="Asia/Shanghai",
        days=("mon", "tue", "wed", "thu", "fri"),
        hours=("00:30-08:30",),
        input=D(0),
        output=D(0),
    )
    new_york, beijing = ZoneInfo("America/New_York"), ZoneInfo("Asia/Shanghai")
    moment = dt.datetime(REFERENCE_YEAR, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(REFERENCE_YEAR + 1, 1, 1, tzinfo=dt.UTC)
    per_hour_total: dict[int, int] = {}
    per_hour_inside: dict[int, int] = {}
    while moment < end:
        local = moment.astimezone(new_york)
        hour = local.weekday() * 24 + local.hour
        there = moment.astimezone(beijing)
        minute = there.hour * 60 + there.minute
        per_hour_total[hour] = per_hour_total.get(hour, 0) + 1
        if there.weekday() < 5 and 30 <= minute < 510:
            per_hour_inside[hour] = per_hour_inside.get(hour, 0) + 1
        moment += dt.timedelta(minutes=15)
    expected = (
        sum(
            Fraction(int(weights[h])) * Fraction(per_hour_inside.get(h, 0), n)
            for h, n in per_hour_total.items()
        )
        / 45
    )
    assert band_share_fraction(band, weights, "America/New_York") == expected
    # Friday's New York afternoon is Saturday in Beijing: fewer than 5 days of overlap
    assert Fraction(22, 45) < expected < Fraction(26, 45)
