"""The typed requests of the Python API check their numbers at construction with the same
bounds as files and flags: a request accepts a number exactly when ``bounds.check`` does, and
refuses any other (out of range, NaN, infinite, too precise, not a number) with the neutral
InvalidValue naming the field, which the CLI reports with its flag (exit 2), never exit 70."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tokenexport_cli.api.budget import OneOffCheck
from tokenexport_cli.api.choices import PricingChoice, WorkloadChoice
from tokenexport_cli.api.cost import (
    MAX_PROJECTION_MONTHS,
    EstimateRequest,
    RecommendRequest,
    estimate,
)
from tokenexport_cli.api.replay import ReplayRequest
from tokenexport_cli.api.report import MAX_COMPARED_MODELS, ReportRequest
from tokenexport_cli.bounds import check
from tokenexport_cli.budget.config import Budgets
from tokenexport_cli.cli import app
from tokenexport_cli.errors import InvalidValue
from tokenexport_cli.pricing.selfhost import SelfhostOptions
from tokenexport_cli.ranking import Constraints
from tokenexport_cli.sync import FetchPolicy

runner = CliRunner()

# (what is built, request field, bounds kind, how to build it with one value)
CASES: list[tuple[str, str, str, Callable[[Any], object]]] = [
    ("quick input tokens", "input_tokens", "token_count", lambda v: WorkloadChoice(input_tokens=v)),
    ("quick output", "output_tokens", "token_count", lambda v: WorkloadChoice(output_tokens=v)),
    ("per day", "requests_per_day", "requests", lambda v: WorkloadChoice(requests_per_day=v)),
    ("per month", "requests_per_month", "requests", lambda v: WorkloadChoice(requests_per_month=v)),
    ("batch", "batch_fraction", "share", lambda v: WorkloadChoice(batch_fraction=v)),
    ("fx", "fx", "fx_rate", lambda v: PricingChoice("CNY", {"CNY": v})),
    ("replay fx", "fx", "fx_rate", lambda v: ReplayRequest((), fx={"CNY": v})),
    ("min context", "min_context", "tokens", lambda v: Constraints(min_context=v)),
    ("max monthly", "max_monthly", "money", lambda v: Constraints(max_monthly=v)),
    ("minimum", "minimums", "score", lambda v: Constraints(minimums={"gpqa-diamond": v})),
    ("weight", "weights", "weight", lambda v: RecommendRequest(weights={"gpqa-diamond": v})),
    ("months", "months", "count", lambda v: EstimateRequest(months=v)),
    ("top models", "top_models", "count", lambda v: ReportRequest(top_models=v)),
    ("utilization", "utilization", "fraction_positive", lambda v: SelfhostOptions(utilization=v)),
    ("gpu price", "gpu_price", "hourly_price", lambda v: SelfhostOptions(gpu_price=v)),
    ("gpus", "gpus", "count", lambda v: SelfhostOptions(gpus=v)),
    ("timeout", "timeout", "seconds", lambda v: FetchPolicy(timeout=v)),
    ("retries", "retries", "retries", lambda v: FetchPolicy(retries=v)),
    ("max bytes", "max_bytes", "max_bytes", lambda v: FetchPolicy(max_bytes=v)),
    (
        "budget",
        "budgets",
        "money",
        lambda v: OneOffCheck(Path("w.yaml"), "m", "p", Budgets(max_monthly=v)),
    ),
]
numbers = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=-2, max_value=2, places=8),
    st.floats(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.integers(min_value=-3, max_value=12),
    st.sampled_from([Decimal("1e400"), Decimal("1e-999999999"), Decimal("1e999999999")]),
)
OPTIONAL = (
    {case[1] for case in CASES}
    - {"fx", "minimums", "weights"}
    - {
        "timeout",
        "retries",
        "max_bytes",
        "top_models",
        "utilization",
    }
)
# numbers with a tighter range of their own than their kind's
CEILINGS = {"months": MAX_PROJECTION_MONTHS, "top_models": MAX_COMPARED_MODELS}
# the selfhost GPU price is a price that also divides: zero is refused by its own rule
ZERO_REFUSED = {"gpu_price"}


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CASES), numbers)
def test_a_request_takes_exactly_the_numbers_the_bounds_take(
    case: tuple[str, str, str, Callable[[Any], object]], value: Any
) -> None:
    _, field, kind, build = case
    refused = check(value, kind) is not None or (field in ZERO_REFUSED and value == 0)
    refused = refused or (field in CEILINGS and value > CEILINGS[field])
    if refused:
        with pytest.raises(InvalidValue) as caught:
            build(value)
        assert caught.value.field == field
    else:
        build(value)


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
@pytest.mark.parametrize("value", ["12", [1], True, None])
def test_a_request_refuses_what_is_not_a_number(case: tuple, value: object) -> None:
    _, field, _, build = case
    if value is None and field in OPTIONAL:
        build(value)  # an optional number left out
        return
    with pytest.raises(InvalidValue) as caught:
        build(value)
    assert caught.value.field == field


def test_a_float_becomes_an_exact_decimal_so_pricing_never_sees_a_float() -> None:
    choice = WorkloadChoice(requests_per_day=0.1, batch_fraction=0.25)
    assert choice.requests_per_day == Decimal("0.1") and choice.batch_fraction == Decimal("0.25")
    assert PricingChoice("CNY", {"CNY": 7.1}).fx == {"CNY": Decimal("7.1")}


def test_an_out_of_range_request_never_reaches_the_pricing() -> None:
    with pytest.raises(InvalidValue) as caught:
        estimate(
            EstimateRequest(
                workload=WorkloadChoice(
                    input_tokens=1000, output_tokens=100, requests_per_day=Decimal("NaN")
                ),
                models=("gpt-4o",),
            )
        )
    assert caught.value.field == "requests_per_day"


FLAG_CASES = [
    (
        ["estimate", "-m", "gpt-4o", "--input-tokens", "1000", "--output-tokens", "100"],
        "--requests-per-day",
    ),
    (
        [
            "estimate",
            "-m",
            "gpt-4o",
            "--input-tokens",
            "1000",
            "--output-tokens",
            "100",
            "--requests-per-day",
            "10",
        ],
        "--batch-fraction",
    ),
]
flag_values = st.one_of(
    st.sampled_from(["nan", "inf", "-inf", "1e400", "1e999999999", "1e-999999999", "-1", "1e30"]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FLAG_CASES), flag_values)
def test_a_pricing_flag_value_ends_in_success_or_exit_2_naming_the_flag(
    case: tuple[list[str], str], value: str
) -> None:
    args, flag = case
    result = runner.invoke(app, [*args, flag, value])
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"tokx: error: {flag}: "), result.stderr
    else:
        number = Decimal(value)
        assert number.is_finite() and not math.isnan(float(number))
