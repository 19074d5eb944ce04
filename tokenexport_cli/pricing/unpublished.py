"""Prompts longer than an offer's published prices reach (``priced_input_below``): what such a
request costs is not in the catalog, so a cost that includes one is only a lower bound.

The lower bound prices those requests at the highest prices the catalog has for the offer (its
base price or last tier in force): no longer-context tier in the catalogs bills input or output
for less than a shorter one. Where token counts are approximate, a request whose count could
reach the limit within its band counts as reaching it (flag earlier, never later)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Protocol

from tokenexport_cli.schema import Offer

#: The kind of exclusion, counted apart from the others (``Exclusion.kind``)
UNPUBLISHED_KIND = "price not published for long prompts"


class _Lengths(Protocol):
    def segment(self, above: int | None, upto: int | None) -> tuple[int, int, int]: ...


@dataclass(frozen=True)
class LowerBound:
    """Why a cost is a lower bound: ``requests`` of ``sample_requests`` (the calls priced,
    after any split) have ``priced_input_below`` input tokens or more."""

    model: str
    provider: str
    priced_input_below: int
    requests: int
    sample_requests: int

    @property
    def reason(self) -> str:
        """The exclusion reason, named and with the length (e.g. for ``recommend``)."""
        return (
            f"price for prompts of {self.priced_input_below:,}+ input tokens not published "
            "in the catalog"
        )

    @property
    def note(self) -> str:
        """The one-line note on a cost shown as a lower bound."""
        return (
            f"lower bound: {self.requests} of {self.sample_requests} sample requests have "
            f"{self.priced_input_below:,}+ input tokens, which {self.provider} bills for "
            f"{self.model} at prices the catalog lacks (priced here at the published ones)"
        )


def reach_from(limit: int, band_percent: Decimal | None) -> int:
    """The smallest counted prompt that may be ``limit`` tokens or more: with a band of b%,
    a count n may really be n * (1 + b/100)."""
    if not band_percent:
        return limit
    return math.ceil(Fraction(limit) / (1 + Fraction(band_percent) / 100))


def lower_bound(
    offer: Offer, lengths: _Lengths, calls: int, band_percent: Decimal | None
) -> LowerBound | None:
    """The lower-bound marker of ``offer`` for these calls, or None when every call is priced."""
    if offer.priced_input_below is None:
        return None
    limit = offer.priced_input_below.tokens
    reaching = lengths.segment(reach_from(limit, band_percent) - 1, None)[0]
    if not reaching:
        return None
    return LowerBound(offer.model, offer.provider, limit, reaching, calls)
