"""Prices known only below a response length (``priced_output_below``): the counting of
requests that reach either limit, and the lower bound it makes; shorter responses are priced
exactly as without the limit."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from pricing_builders import AS_OF, D, make_model, make_offer, make_provider

from tokenexport_cli.pricing.engine import (
    CostLine,
    PricingOptions,
    Shape,
    ShapeSet,
    Usage,
    price_offer,
)
from tokenexport_cli.pricing.fx import Fx
from tokenexport_cli.pricing.unpublished import reaching

INPUT_LIMIT = {"tokens": 32000, "source": "test", "as_of": AS_OF.isoformat()}
OUTPUT_LIMIT = {"tokens": 200, "source": "test", "as_of": AS_OF.isoformat()}
# GLM-4.7 on bigmodel.cn: ¥2 in, ¥8 out per 1M (the [0, 32K) input / [0, 0.2K) output tier)
PRICES = {"input": D("2"), "output": D("8")}

shapes_strategy = st.lists(
    st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=40
)
limits = st.none() | st.integers(0, 55)


@given(shapes=shapes_strategy, input_from=limits, output_from=limits)
def test_reaching_counts_as_a_look_at_every_request_would(
    shapes: list[tuple[int, int]], input_from: int | None, output_from: int | None
) -> None:
    lengths = ShapeSet(tuple(Shape(i, o) for i, o in shapes))
    by_input = sum(input_from is not None and i >= input_from for i, _ in shapes)
    by_output = sum(output_from is not None and o >= output_from for _, o in shapes)
    either = sum(
        (input_from is not None and i >= input_from)
        or (output_from is not None and o >= output_from)
        for i, o in shapes
    )
    assert reaching(lengths, input_from, output_from) == (by_input, by_output, either)


def _price(
    shapes: list[tuple[int, int]], output_band: Decimal | None = None, **limits: object
) -> CostLine:
    usage = Usage(
        shapes=tuple(Shape(i, o) for i, o in shapes),
        requests_per_month=D(1000),
        output_band_percent=output_band,
    )
    offer = make_offer(**PRICES, **limits)
    line = price_offer(offer, make_model(), make_provider(), usage, Fx(()), PricingOptions())
    assert isinstance(line, CostLine)
    return line


def test_a_response_at_the_limit_makes_the_cost_a_lower_bound_naming_output() -> None:
    # (2,000 + 3,000) in x 2/M = 0.01; (150 + 200) out x 8/M = 0.0028; 0.0128 over 2 samples
    # = 0.0064 a request; x 1,000 requests = 6.4, every request at the published price
    line = _price([(2_000, 150), (3_000, 200)], priced_output_below=OUTPUT_LIMIT)
    assert line.monthly == D("6.4")
    assert line.lower_bound is not None
    assert line.lower_bound.priced_output_below == 200
    assert line.lower_bound.priced_input_below is None
    assert (line.lower_bound.requests, line.lower_bound.sample_requests) == (1, 2)
    assert line.lower_bound.reason == (
        "price for responses of 200+ output tokens not published in the catalog"
    )


def test_responses_below_the_limit_are_priced_exactly_as_without_it() -> None:
    shapes = [(40_000, 199), (2_000, 10)]
    limited = _price(shapes, priced_output_below=OUTPUT_LIMIT)
    assert limited.lower_bound is None
    assert limited == _price(shapes)


def test_a_request_reaching_both_limits_counts_once() -> None:
    line = _price(
        [(40_000, 300), (1_000, 100)],
        priced_input_below=INPUT_LIMIT,
        priced_output_below=OUTPUT_LIMIT,
    )
    assert line.lower_bound is not None
    assert [(r.side, r.requests) for r in line.lower_bound.reached] == [
        ("input", 1),
        ("output", 1),
    ]
    assert line.lower_bound.requests == 1


def test_approximate_output_counts_that_may_reach_the_limit_count() -> None:
    # +10%: 182 output tokens may be 200.2 (182 x 1.1); 181 at most 199.1
    band = D(10)
    assert _price([(10, 182)], band, priced_output_below=OUTPUT_LIMIT).lower_bound is not None
    assert _price([(10, 181)], band, priced_output_below=OUTPUT_LIMIT).lower_bound is None
