"""The JSON contract of ``tokx replay --format json`` (kept apart from ``payloads.py`` so that
both stay small; ``json_schema.OUTPUTS`` publishes it with the others)."""

from __future__ import annotations

import msgspec

from tokenexport_cli.render.payloads import SCHEMA_VERSION, DecimalString, Excluded, _Out
from tokenexport_cli.render.payloads_bound import LowerBound


class ReplayPeriod(_Out, frozen=True, kw_only=True):
    """First to last recorded timestamp (UTC); ``days`` is the time between them."""

    start: str | None
    end: str | None
    days: DecimalString | None


class ReplayCounts(_Out, frozen=True, kw_only=True):
    """Token counts as recorded, none including another (see the usage model in the README)."""

    input: int
    cache_read: int
    cache_write_5m: int
    cache_write_1h: int
    output: int
    reasoning: int
    image_input: int
    audio_input: int


class ReplaySource(_Out, frozen=True, kw_only=True):
    model: str
    resolved_model: str | None
    provider: str | None
    requests: int
    token_share: DecimalString
    counts: ReplayCounts
    recorded_spend: DecimalString | None


class ReplayBreakdown(_Out, frozen=True, kw_only=True):
    input: DecimalString
    cache_read: DecimalString
    cache_write: DecimalString
    output: DecimalString
    reasoning: DecimalString
    fees: DecimalString


class ReplayLine(_Out, frozen=True, kw_only=True, omit_defaults=True):
    """``role``: ``source`` (the log's own calls as billed), ``target`` (a chosen model and
    path) or ``alternative`` (one of the cheapest others, without ``-m``)."""

    role: str
    model: str
    provider: str
    region: str | None
    path: str
    currency: str
    requests: int
    period_cost: DecimalString
    monthly: DecimalString | None
    long_requests: int
    long_token_share: DecimalString
    excluded_requests: int
    approximate_band_percent: DecimalString | None
    breakdown: ReplayBreakdown
    notes: list[str]
    lower_bound: LowerBound | None = None  # set: the amounts are lower bounds, not the bill


class ReplayOutput(_Out, frozen=True, kw_only=True):
    """``tokx replay --format json``."""

    schema_version: int = SCHEMA_VERSION
    catalog_version: str
    currency: str
    period: ReplayPeriod
    requests: int
    recorded_spend: DecimalString | None
    sources: list[ReplaySource]
    lines: list[ReplayLine]
    files: dict[str, str]
    warnings: list[str]
    #: cheapest other models left out: their price for calls that long is not published
    dropped_unpublished_price: list[Excluded] = msgspec.field(default_factory=list)
