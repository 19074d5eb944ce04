"""Self-host costing commits whole replicas of a measured unit: hand-worked plans, the line a
workload gets, and properties of the replica count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from tokenexport_cli.pricing.selfhost import HOURS_PER_MONTH, Rig, plan_replicas, replica_note
from tokenexport_cli.schema import ServingProfile

SECONDS = HOURS_PER_MONTH * 3600  # 730.44 h = 2,629,584 s


def rig(utilization: str = "0.5", gpus: int = 8, **fields: Any) -> Rig:
    base: dict[str, Any] = {
        "id": "unit",
        "model": "m",
        "engine": "e",
        "gpu": "H100",
        "gpus_per_replica": 8,
        "input_tokens_per_s": Decimal(1000),
        "output_tokens_per_s": Decimal(100),
        "source": "test",
        "as_of": dt.date(2026, 1, 1),
    }
    base.update(fields)
    profile = msgspec.convert(base, ServingProfile)
    return Rig(profile, None, gpus, Decimal(2), Decimal(utilization))


def test_a_full_replica_of_load_at_half_utilization_needs_two() -> None:
    # 2,629,584 requests of 1,000 in + 100 out: 1,000 input and 100 output tokens a second on
    # average, exactly one unit's capacity in both phases; at 50% target utilization that is
    # two replicas, each 8 GPUs x $2/h x 730.44 h = $11,687.04, so $23,374.08 committed
    requests = SECONDS
    plan = plan_replicas(rig(), 1000 * requests, 100 * requests)
    assert plan.load == 1
    assert plan.replicas == 2
    assert plan.monthly_usd == Fraction("23374.08")
    assert plan.utilization_used == Fraction(1, 2)
    assert plan.input_share == Fraction(1, 2)


def test_one_more_request_rounds_up_to_a_third_replica() -> None:
    requests = SECONDS + 1
    plan = plan_replicas(rig(), 1000 * requests, 100 * requests)
    assert plan.replicas == 3
    assert plan.monthly_usd == 3 * 8 * 2 * HOURS_PER_MONTH


def test_a_trickle_still_rents_one_whole_replica() -> None:
    plan = plan_replicas(rig("0.6"), Fraction(1000), Fraction(100))
    assert plan.replicas == 1
    assert plan.monthly_usd == Fraction("11687.04")
    note = replica_note(plan)
    assert note.startswith("committed: 1 replica of 8 x H100 at $2/GPU-h, rented all month")
    assert note.endswith("(target utilization 0.6)")


def test_the_busier_phase_sets_the_load_not_the_sum() -> None:
    # output-heavy: 100 output tokens/s fill the decode capacity, input is 10% of prefill
    plan = plan_replicas(rig("1"), 100 * SECONDS, 100 * SECONDS)
    assert plan.load == 1  # max(0.1, 1), where adding the phases would give 1.1
    assert plan.replicas == 1
    assert plan.input_share == Fraction(1, 11)


@given(
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=0, max_value=10**12),
    st.sampled_from(["0.3", "0.6", "1"]),
)
def test_replicas_cover_the_load_and_cost_whole_replicas(
    input_tokens: int, output_tokens: int, utilization: str
) -> None:
    plan = plan_replicas(rig(utilization), Fraction(input_tokens), Fraction(output_tokens))
    assert plan.replicas >= 1
    assert plan.load <= plan.replicas * Fraction(utilization)
    assert plan.replicas == 1 or plan.load > (plan.replicas - 1) * Fraction(utilization)
    assert plan.monthly_usd == plan.replicas * 8 * 2 * HOURS_PER_MONTH
