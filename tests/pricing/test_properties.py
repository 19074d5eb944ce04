"""Property tests of the cost maths: never negative, monotone, linear, Decimal, FX round trip."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from pricing_builders import AS_OF, make_model, make_offer, make_provider

from tokenexport_cli.pricing.engine import CostLine, PricingOptions, Shape, Usage, price_offer
from tokenexport_cli.pricing.fx import Fx
from tokenexport_cli.schema import FxRate

prices = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False)
fractions = st.decimals(min_value=0, max_value=1, places=3)
shapes = st.lists(
    st.tuples(st.integers(0, 400_000), st.integers(0, 50_000)), min_size=1, max_size=8
)
FX = Fx((FxRate(currency="CNY", per_usd=Decimal("7.2"), source="t", as_of=AS_OF),))


@st.composite
def offers(draw: st.DrawFn) -> dict:
    base_in, base_out = draw(prices), draw(prices)
    fields: dict = {
        "input": base_in,
        "output": base_out,
        "currency": draw(st.sampled_from(["USD", "CNY"])),
    }
    if draw(st.booleans()):
        fields["cache_read"] = draw(prices)
    if draw(st.booleans()):
        fields["cache_write"] = draw(prices)
    if draw(st.booleans()):
        # A tier never cheaper than the base, as in every real price list, and restating the
        # base's cache prices (a tier without them bills the prefix at its input price, which
        # is only cheaper than a base cache price in made-up data).
        tier = {
            "above": draw(st.integers(1, 300_000)),
            "input": base_in + draw(prices),
            "output": base_out + draw(prices),
        }
        for cache_price in ("cache_read", "cache_write"):
            if cache_price in fields:
                tier[cache_price] = fields[cache_price] + draw(prices)
        fields["tiers"] = [tier]
    if draw(st.booleans()):
        fields["time_bands"] = [
            {
                "name": "b",
                "timezone": "Asia/Shanghai",
                "days": ["mon", "tue", "wed", "thu", "fri"],
                "hours": ["00:30-08:30"],
                "input": draw(prices),
                "output": draw(prices),
            }
        ]
    if draw(st.booleans()):
        fields["batch"] = {
            "discount": draw(st.decimals(min_value="0.01", max_value="0.99", places=2))
        }
    return fields


def monthly(
    offer: dict,
    sample: list[tuple[int, int]],
    requests: Decimal,
    prefix: int,
    hit: Decimal,
    batch: Decimal,
    fee: Decimal,
) -> CostLine:
    usage = Usage(
        shapes=tuple(Shape(i + prefix, o) for i, o in sample),
        requests_per_month=requests,
        prefix_tokens=prefix,
        cache_hit_rate=hit,
        batch_fraction=batch,
    )
    provider = make_provider(
        fees=[{"kind": "usage_markup", "percent": fee, "source": "t", "as_of": AS_OF}]
    )
    line = price_offer(make_offer(**offer), make_model(), provider, usage, FX, PricingOptions())
    assert isinstance(line, CostLine)
    return line


common = {
    "offer": offers(),
    "sample": shapes,
    "prefix": st.integers(0, 5000),
    "hit": fractions,
    "batch": fractions,
    "fee": st.decimals(min_value=0, max_value=10, places=1),
}


def close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= max(abs(a), abs(b)) * Decimal("1e-24")


@settings(max_examples=150, deadline=None)
@given(requests=st.integers(0, 10**9), **common)
def test_cost_is_never_negative_and_parts_add_up(
    offer, sample, prefix, hit, batch, fee, requests
) -> None:
    line = monthly(offer, sample, Decimal(requests), prefix, hit, batch, fee)
    assert line.monthly >= 0
    assert all(isinstance(value, Decimal) for value in vars(line.breakdown).values())
    assert close(line.breakdown.total, line.monthly)


@settings(max_examples=150, deadline=None)
@given(extra_in=st.integers(0, 100_000), extra_out=st.integers(0, 10_000), **common)
def test_cost_is_monotone_in_tokens(
    offer, sample, prefix, hit, batch, fee, extra_in, extra_out
) -> None:
    before = monthly(offer, sample, Decimal(1000), prefix, hit, batch, fee)
    grown = [(sample[0][0] + extra_in, sample[0][1] + extra_out), *sample[1:]]
    after = monthly(offer, grown, Decimal(1000), prefix, hit, batch, fee)
    assert after.monthly >= before.monthly or close(after.monthly, before.monthly)


@settings(max_examples=150, deadline=None)
@given(requests=st.integers(1, 10**7), factor=st.integers(2, 1000), **common)
def test_cost_is_linear_in_requests(
    offer, sample, prefix, hit, batch, fee, requests, factor
) -> None:
    one = monthly(offer, sample, Decimal(requests), prefix, hit, batch, fee)
    many = monthly(offer, sample, Decimal(requests * factor), prefix, hit, batch, fee)
    assert close(many.monthly, one.monthly * factor)
    assert one.per_request == many.per_request


@settings(max_examples=200, deadline=None)
@given(
    amount=st.decimals(min_value=0, max_value=10**9, places=6),
    rate=st.decimals(min_value="0.01", max_value=1000, places=4),
)
def test_currency_round_trip(amount: Decimal, rate: Decimal) -> None:
    fx = Fx((FxRate(currency="CNY", per_usd=rate, source="t", as_of=AS_OF),))
    there = fx.convert(amount, "USD", "CNY")
    assert close(fx.convert(there, "CNY", "USD"), amount)
