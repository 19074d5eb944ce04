"""Per-request token statistics of a workload for one tokenizer family: totals, mean and
nearest-rank percentiles, from plain integer counts."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

Rank = TypeVar("Rank", int, Decimal)


@dataclass(frozen=True, slots=True)
class TokenStats:
    """Tokens per request over a workload's sample. Percentiles use the nearest-rank method:
    ``pN`` is the smallest count such that at least N% of requests have that many tokens or
    fewer, i.e. the ``ceil(N/100 x requests)``-th smallest count. ``mean`` is total / requests as a Decimal (28 significant digits)."""

    requests: int
    total: int
    mean: Decimal
    p50: int
    p95: int
    p99: int
    max: int


@dataclass(frozen=True, slots=True)
class FamilyStats:
    """Input statistics of one tokenizer family; output statistics where logs record them."""

    family: str
    input: TokenStats
    output: TokenStats | None = None


def nearest_rank(ordered: Sequence[Rank], percent: int) -> Rank:
    """The nearest-rank ``percent`` percentile of an ascending, non-empty list."""
    rank = max(1, math.ceil(percent * len(ordered) / 100))
    return ordered[rank - 1]


def token_stats(counts: Iterable[int]) -> TokenStats:
    """Statistics of per-request token counts; ValueError if there are none or one is negative."""
    ordered = sorted(counts)
    if not ordered:
        raise ValueError("no token counts to summarise")
    if ordered[0] < 0:
        raise ValueError(f"token counts must not be negative (got {ordered[0]})")
    total = sum(ordered)
    return TokenStats(
        requests=len(ordered),
        total=total,
        mean=Decimal(total) / len(ordered),
        p50=nearest_rank(ordered, 50),
        p95=nearest_rank(ordered, 95),
        p99=nearest_rank(ordered, 99),
        max=ordered[-1],
    )


def family_stats(
    family: str, input_counts: Iterable[int], output_counts: Iterable[int | None] = ()
) -> FamilyStats:
    """Input stats, plus output stats over the requests whose output is known (None = unknown)."""
    known_outputs = [count for count in output_counts if count is not None]
    return FamilyStats(
        family=family,
        input=token_stats(input_counts),
        output=token_stats(known_outputs) if known_outputs else None,
    )
