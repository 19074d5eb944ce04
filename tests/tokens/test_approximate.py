"""Approximate family arithmetic: Decimal factors, half-even rounding, floor/ceil bands, validation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenexport_cli.tokens.results import ApproximateFamily, TokenCount


def test_float_catalog_values_are_read_as_their_decimal_text() -> None:
    family = ApproximateFamily.of("gemini", "o200k_base", 1.1, 0.1, "catalog")
    assert family.factor == Decimal("1.1") and family.band == Decimal("0.1")
    assert family.estimate(1000) == TokenCount(
        "gemini", 1100, False, 990, 1210, "o200k_base", Decimal("0.1")
    )


def test_rounding_is_half_even_and_band_widens_outward() -> None:
    family = ApproximateFamily.of("x", "qwen", "1.5", "0.1", "s")
    assert family.estimate(1).tokens == 2  # 1.5 -> 2
    assert family.estimate(5).tokens == 8  # 7.5 -> 8
    assert family.estimate(3).tokens == 4  # 4.5 -> 4
    estimate = family.estimate(3)
    assert (estimate.low, estimate.high) == (4, 5)  # floor(4.05), ceil(4.95)


@given(
    st.integers(min_value=0, max_value=10**9),
    st.decimals("0.1", "5", places=3),
    st.decimals("0", "0.5", places=2),
)
def test_band_always_contains_the_estimate(tokens: int, factor: Decimal, band: Decimal) -> None:
    estimate = ApproximateFamily.of("x", "qwen", factor, band, "s").estimate(tokens)
    assert 0 <= estimate.low <= estimate.tokens <= estimate.high
    assert not estimate.exact


@pytest.mark.parametrize(
    ("factor", "band"), [("0", "0.1"), ("-1", "0.1"), ("1", "1"), ("1", "-0.1")]
)
def test_invalid_factor_or_band_is_rejected(factor: str, band: str) -> None:
    with pytest.raises(ValueError, match="approximate family"):
        ApproximateFamily.of("x", "qwen", factor, band, "s")


def test_exact_counts_have_no_band() -> None:
    count = TokenCount.exact_count("qwen", 42)
    assert count.exact and count.low == count.tokens == count.high == 42 and count.band is None
