"""Token statistics: hand-computed nearest-rank percentiles and exact means."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenexport_cli.workload import FamilyStats, TokenStats, family_stats, token_stats


def test_hand_computed_example() -> None:
    # 20 requests: 1..20 tokens, shuffled. Nearest rank: p50 = 10th smallest (ceil(0.5*20)=10),
    # p95 = 19th (ceil(0.95*20)=19), p99 = 20th (ceil(0.99*20)=20).
    counts = [7, 3, 20, 1, 14, 9, 18, 2, 11, 5, 16, 4, 13, 6, 19, 8, 12, 10, 17, 15]
    assert token_stats(counts) == TokenStats(
        requests=20, total=210, mean=Decimal("10.5"), p50=10, p95=19, p99=20, max=20
    )


def test_single_request_and_mean_as_decimal() -> None:
    assert token_stats([5]) == TokenStats(1, 5, Decimal(5), 5, 5, 5, 5)
    assert token_stats([1, 1, 2]).mean == Decimal(4) / 3


def test_percentiles_of_a_skewed_sample() -> None:
    counts = [100] * 98 + [5000, 9000]
    stats = token_stats(counts)
    assert (stats.p50, stats.p95, stats.p99, stats.max) == (100, 100, 5000, 9000)


def test_no_counts_or_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="no token counts"):
        token_stats([])
    with pytest.raises(ValueError, match="must not be negative"):
        token_stats([3, -1])


def test_family_stats_uses_known_outputs_only() -> None:
    stats = family_stats("qwen", [10, 20, 30], [None, 4, None])
    assert stats == FamilyStats("qwen", token_stats([10, 20, 30]), token_stats([4]))
    assert family_stats("qwen", [1], [None]).output is None


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=200))
def test_percentiles_are_ordered_sample_values(counts: list[int]) -> None:
    stats = token_stats(counts)
    assert min(counts) <= stats.p50 <= stats.p95 <= stats.p99 <= stats.max == max(counts)
    assert {stats.p50, stats.p95, stats.p99} <= set(counts)
    assert stats.total == sum(counts)
    assert stats.mean == Decimal(sum(counts)) / len(counts)
