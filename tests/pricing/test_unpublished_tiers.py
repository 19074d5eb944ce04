"""Prices known only below a prompt length (``priced_input_below``): a cost that includes a
longer prompt is a lower bound, marked as one; shorter workloads are priced exactly as before."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st
from pricing_builders import AS_OF, D, make_model, make_offer, make_provider

from tokenexport_cli.pricing.engine import CostLine, PricingOptions, Shape, Usage, price_offer
from tokenexport_cli.pricing.fx import Fx
from tokenexport_cli.pricing.unpublished import reach_from

LIMIT = {"tokens": 32000, "source": "test", "as_of": AS_OF.isoformat()}
# GLM-5 on bigmodel.cn: ¥4 in, ¥18 out per 1M (the [0, 32K) tier)
PRICES = {"input": D("4"), "output": D("18"), "currency": "USD"}


def _price(shapes: list[tuple[int, int]], limited: bool, band: Decimal | None = None) -> CostLine:
    fields = dict(PRICES, priced_input_below=LIMIT) if limited else dict(PRICES)
    usage = Usage(
        shapes=tuple(Shape(i, o) for i, o in shapes),
        requests_per_month=D(1000),
        band_percent=band,
    )
    line = price_offer(
        make_offer(**fields), make_model(), make_provider(), usage, Fx(()), PricingOptions()
    )
    assert isinstance(line, CostLine)
    return line


def test_a_prompt_above_the_limit_makes_the_cost_a_lower_bound() -> None:
    # (40,000 + 2,000) in x 4/M = 0.168; (500 + 300) out x 18/M = 0.0144; 0.1824 over 2 samples
    # = 0.0912 a request; x 1,000 requests = 91.2, every request at the published price
    line = _price([(40_000, 500), (2_000, 300)], limited=True)
    assert line.monthly == D("91.2")
    assert line.lower_bound is not None
    assert (line.lower_bound.requests, line.lower_bound.sample_requests) == (1, 2)
    assert line.lower_bound.priced_input_below == 32000
    assert line.notes[-1].startswith("lower bound: 1 of 2 sample requests have 32,000+ input")


def test_a_workload_below_the_limit_is_priced_exactly_as_without_it() -> None:
    shapes = [(31_999, 500), (2_000, 300)]
    limited, plain = _price(shapes, limited=True), _price(shapes, limited=False)
    assert limited.lower_bound is None
    assert limited == plain


def test_the_limit_itself_is_already_unpriced() -> None:
    # bigmodel.cn's lowest tier is [0, 32K): a prompt of exactly 32,000 tokens is outside it
    assert _price([(32_000, 1)], limited=True).lower_bound is not None
    assert _price([(31_999, 1)], limited=True).lower_bound is None


def test_an_approximate_count_that_may_reach_the_limit_counts_as_reaching_it() -> None:
    # +10%: 29,091 tokens may be 32,000.1 (29,091 x 1.1); 29,090 at most 31,999
    band = D(10)
    assert _price([(29_091, 1)], limited=True, band=band).lower_bound is not None
    assert _price([(29_090, 1)], limited=True, band=band).lower_bound is None


@given(
    limit=st.integers(min_value=1, max_value=10**7),
    band=st.decimals(min_value=0, max_value=99, places=2),
)
def test_reach_from_is_the_smallest_count_that_may_reach_the_limit(
    limit: int, band: Decimal
) -> None:
    start = reach_from(limit, band)
    scale = 1 + Fraction(band) / 100
    assert start * scale >= limit
    assert (start - 1) * scale < limit
    assert start == math.ceil(Fraction(limit) / scale)
