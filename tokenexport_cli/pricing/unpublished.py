"""Requests longer than an offer's published prices reach (``priced_input_below`` for prompts,
``priced_output_below`` for responses): what such a request costs is not in the catalog, so a
cost that includes one is only a lower bound.

The lower bound prices those requests at the highest prices the catalog has for the offer (its
base price or last tier in force): no longer-context tier in the catalogs bills input or output
for less than a shorter one, and the one source of an output-length tier (genai-prices'
zhipuai.yml) gives the cheapest tier. Where token counts are approximate, a request whose count
could reach the limit within its band counts as reaching it (flag earlier, never later)."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Protocol

from tokenexport_cli.schema import Offer, PriceSide
from tokenexport_cli.wording import calls

#: The kind of exclusion, counted apart from the others (``Exclusion.kind``)
UNPUBLISHED_KIND = "price not published for long prompts or responses"
#: What a limit counts, in the reason and notes
WHAT: dict[PriceSide, str] = {"input": "prompts", "output": "responses"}


class _Lengths(Protocol):
    """Sample requests (``engine.ShapeSet``): prompt lengths ascending, the response lengths
    in the same order, and the response lengths ascending."""

    inputs: list[int]
    outputs: list[int]
    sorted_outputs: list[int]


def reaching(
    lengths: _Lengths, input_from: int | None, output_from: int | None
) -> tuple[int, int, int]:
    """(requests with ``input_from``+ input tokens, with ``output_from``+ output tokens, with
    either); None: no limit on that side. Counts by bisection, as ``ShapeSet.segment`` sums
    prompt ranges; only a request reaching both limits needs a look at each request."""
    total = len(lengths.inputs)
    by_input = 0 if input_from is None else total - bisect_left(lengths.inputs, input_from)
    by_output = (
        0 if output_from is None else total - bisect_left(lengths.sorted_outputs, output_from)
    )
    if not by_input or output_from is None or not by_output:
        return by_input, by_output, by_input + by_output
    shorter = lengths.outputs[: total - by_input]  # prompts below input_from
    return by_input, by_output, by_input + sum(out >= output_from for out in shorter)


@dataclass(frozen=True)
class Reached:
    """One limit of an offer that ``requests`` of the calls priced reach."""

    side: PriceSide
    tokens: int
    requests: int

    @property
    def length(self) -> str:
        return f"{self.tokens:,}+ {self.side} tokens"


@dataclass(frozen=True)
class LowerBound:
    """Why a cost is a lower bound: ``requests`` of ``sample_requests`` (the calls priced,
    after any split) reach one of ``reached`` (input first)."""

    model: str
    provider: str
    reached: tuple[Reached, ...]
    requests: int
    sample_requests: int

    def _tokens(self, side: PriceSide) -> int | None:
        return next((limit.tokens for limit in self.reached if limit.side == side), None)

    @property
    def priced_input_below(self) -> int | None:
        return self._tokens("input")

    @property
    def priced_output_below(self) -> int | None:
        return self._tokens("output")

    @property
    def reason(self) -> str:
        """The exclusion reason, naming each limit reached and its length (e.g. "price for
        prompts of 32,000+ input tokens not published in the catalog")."""
        which = " or ".join(f"{WHAT[limit.side]} of {limit.length}" for limit in self.reached)
        return f"price for {which} not published in the catalog"

    @property
    def note(self) -> str:
        """The one-line note on a cost shown as a lower bound."""
        return (
            f"lower bound: {self.requests} of {self.sample_requests} sample requests have "
            f"{self.lengths}, which {self.provider} bills for {self.model} at prices the "
            "catalog lacks (priced here at the published ones)"
        )

    @property
    def calls_note(self) -> str:
        """The note on a replayed cost (recorded calls, not sample requests)."""
        return (
            f"lower bound: {calls(self.requests)} with {self.lengths}, which {self.provider} "
            f"bills for {self.model} at prices the catalog lacks (priced here at the published "
            "ones)"
        )

    @property
    def lengths(self) -> str:
        """The limits reached, e.g. "32,000+ input tokens", or with both limits reached
        "32,000+ input tokens (1) or 200+ output tokens (2)" (requests per limit)."""
        if len(self.reached) == 1:
            return self.reached[0].length
        return " or ".join(f"{limit.length} ({limit.requests})" for limit in self.reached)


def reach_from(limit: int, band_percent: Decimal | None) -> int:
    """The smallest counted length that may be ``limit`` tokens or more: with a band of b%,
    a count n may really be n * (1 + b/100)."""
    if not band_percent:
        return limit
    return math.ceil(Fraction(limit) / (1 + Fraction(band_percent) / 100))


def lower_bound(
    offer: Offer,
    lengths: _Lengths,
    calls: int,
    band_percent: Decimal | None,
    output_band_percent: Decimal | None = None,
) -> LowerBound | None:
    """The lower-bound marker of ``offer`` for these calls, or None when every call is priced.
    ``band_percent`` widens prompt counts, ``output_band_percent`` response counts."""
    limits = dict(offer.priced_below)
    if not limits:
        return None
    bands: dict[PriceSide, Decimal | None] = {"input": band_percent, "output": output_band_percent}
    starts = {side: reach_from(limit.tokens, bands[side]) for side, limit in limits.items()}
    by_input, by_output, either = reaching(lengths, starts.get("input"), starts.get("output"))
    return counted_bound(offer, {"input": by_input, "output": by_output}, either, calls)


def counted_bound(
    offer: Offer, reaching_side: dict[PriceSide, int], either: int, calls: int
) -> LowerBound | None:
    """The marker from counts already made (per side, and of calls reaching either limit)."""
    reached = tuple(
        Reached(side, limit.tokens, reaching_side[side])
        for side, limit in offer.priced_below
        if reaching_side.get(side)
    )
    if not reached:
        return None
    return LowerBound(offer.model, offer.provider, reached, either, calls)


def count_unpriced(
    stats: MutableMapping[str, int], requests: int, prompt: bool, answer: tuple[bool, bool]
) -> None:
    """A replay's calls past a published-price limit, per side and in all, from a cell's
    prompt and its shortest and longest answer: a cell whose answers are known only as a range
    across the limit counts as reaching it (flag earlier, never later)."""
    shortest, longest = answer
    stats["unpriced_input"] += requests if prompt else 0
    stats["unpriced_output"] += requests if longest else 0
    stats["unpriced"] += requests if prompt or longest else 0
    stats["unpriced_maybe"] += requests if longest and not shortest else 0


def replay_bound(offer: Offer, stats: Mapping[str, int]) -> LowerBound | None:
    sides: dict[PriceSide, int] = {
        "input": stats.get("unpriced_input", 0),
        "output": stats.get("unpriced_output", 0),
    }
    return counted_bound(offer, sides, stats.get("unpriced", 0), stats.get("requests", 0))


def replay_notes(offer: Offer, stats: Mapping[str, int]) -> list[str]:
    bound = replay_bound(offer, stats)
    notes = [bound.calls_note] if bound is not None else []
    if stats.get("unpriced_maybe"):
        notes.append(
            f"{calls(stats['unpriced_maybe'])} whose answers are known only as a range across "
            "an output-length limit counted as reaching it"
        )
    return notes
