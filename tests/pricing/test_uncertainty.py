"""When two costs are within each other's token-count uncertainty, neither is surely cheaper."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tokenexport_cli.pricing.engine import Breakdown, CostLine
from tokenexport_cli.ranking import cost_range, within_uncertainty

ZERO = Decimal(0)


def line(monthly: str, band: str | None = None) -> CostLine:
    return CostLine(
        "m", "p", None, "direct", "USD", Decimal(monthly), ZERO,
        Breakdown(*([ZERO] * 8)), Decimal(1), None, (),
        Decimal(band) if band is not None else None,
    )  # fmt: skip


def test_the_readme_case_an_approximate_pick_against_an_exact_runner_up() -> None:
    # ~$134.79 +-27% spans 98.40-171.18, which contains the exact $136.42
    assert cost_range(line("134.79", "27")) == (Decimal("98.3967"), Decimal("171.1833"))
    assert within_uncertainty(line("134.79", "27"), line("136.42"))


def test_far_apart_or_both_exact_is_a_clear_order() -> None:
    assert not within_uncertainty(line("100", "10"), line("200", "10"))
    assert not within_uncertainty(line("100"), line("100.01"))
    assert not within_uncertainty(line("100"), line("100"))  # exact ties are not uncertain


@given(
    st.decimals(min_value=1, max_value=10_000, places=2),
    st.decimals(min_value=1, max_value=10_000, places=2),
    st.decimals(min_value=0, max_value=99, places=1),
)
def test_overlap_is_symmetric(a: Decimal, b: Decimal, band: Decimal) -> None:
    first, second = line(str(a), str(band)), line(str(b))
    assert within_uncertainty(first, second) == within_uncertainty(second, first)
