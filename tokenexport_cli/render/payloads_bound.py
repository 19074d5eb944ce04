"""The JSON of prices not published for long requests: the mark of a cost that is only a lower
bound (``payloads.CostLine.lower_bound``) and a catalog diff's changed limit
(``payloads.ChangedOffer.limits``), kept apart from ``payloads.py`` so that both stay small."""

from __future__ import annotations

import msgspec


class LowerBound(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True, omit_defaults=True
):
    """The line's amounts (monthly, per_1k_requests, breakdown, projection) are lower bounds,
    not the bill: ``requests`` of ``sample_requests`` requests have ``priced_input_below`` input
    tokens or more, or ``priced_output_below`` output tokens or more, where the offer's prices
    are not in the catalog. Each limit is present only when some request reaches it."""

    priced_input_below: int | None = None
    priced_output_below: int | None = None
    requests: int
    sample_requests: int


class LimitChange(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """A length (tokens) from which the offer's prices are not published; null: none."""

    field: str  # priced_input_below or priced_output_below
    old: int | None
    new: int | None
