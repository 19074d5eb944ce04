"""The versioned JSON output contract: one msgspec Struct per command output. Renderers build
these payloads; ``--format json`` encodes them, CSV and markdown flatten their main list, and
``tokx schema`` publishes the JSON Schema generated from the same types, so the published
contract and the output cannot drift."""

from __future__ import annotations

from typing import Annotated

import msgspec

from tokenexport_cli.render.payloads_bound import LimitChange, LowerBound
from tokenexport_cli.schema import Benchmark, MarketShare, Model, Offer

DecimalString = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^-?\d+(\.\d+)?$", description="Money or a ratio as an exact decimal string."
    ),
]


SCHEMA_VERSION = 1


class _Out(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Base: every object in the output is closed (no undocumented keys)."""


class Breakdown(_Out, frozen=True, kw_only=True):
    input: DecimalString
    cached_input: DecimalString
    cache_write: DecimalString
    output: DecimalString
    tier_surcharge: DecimalString
    time_of_day: DecimalString
    batch_savings: DecimalString
    fees: DecimalString


class CostLine(_Out, frozen=True, kw_only=True, omit_defaults=True):
    model: str
    provider: str
    region: str | None
    path_kind: str
    currency: str
    monthly: DecimalString
    per_1k_requests: DecimalString
    calls_per_request: DecimalString
    context_window: int | None
    approximate_band_percent: DecimalString | None
    tokens_reconstructed: bool = False  # the band is a reconstruction's (Claude), shown as ≈
    breakdown: Breakdown
    notes: list[str]
    projection: list[DecimalString] | None = None
    lower_bound: LowerBound | None = None  # set: the amounts are lower bounds, not the bill


class Excluded(_Out, frozen=True, kw_only=True):
    model: str
    provider: str | None
    reason: str


class Unpriced(_Out, frozen=True, kw_only=True):
    model: str
    reason: str


class EstimateOutput(_Out, frozen=True, kw_only=True):
    """``tokx estimate --format json``."""

    schema_version: int = SCHEMA_VERSION
    catalog_version: str
    currency: str
    requests_per_month: DecimalString
    workload_digest: str | None
    lines: list[CostLine]
    excluded: list[Excluded]
    unpriced: list[Unpriced]
    fx: dict[str, str]


class RankedLine(CostLine, frozen=True, kw_only=True):
    score: DecimalString | None
    scores: dict[str, DecimalString]
    pareto: bool


class MissingScores(_Out, frozen=True, kw_only=True):
    """Candidates dropped only because a required or weighted benchmark score is missing."""

    count: int
    cheapest: CostLine | None


class RecommendOutput(_Out, frozen=True, kw_only=True):
    """``tokx recommend --format json``."""

    schema_version: int = SCHEMA_VERSION
    catalog_version: str
    currency: str
    requests_per_month: DecimalString
    workload_digest: str | None
    fx: dict[str, str]
    objective: str
    weights: dict[str, DecimalString]
    harnesses: dict[str, str]
    variants: dict[str, str]
    dropped_unknown: dict[str, int]
    dropped_unpublished_price: list[Excluded] = msgspec.field(default_factory=list)
    missing_scores: MissingScores
    ranked: list[RankedLine]
    excluded: list[Excluded]


class Violation(_Out, frozen=True, kw_only=True):
    budget: str
    limit: DecimalString
    actual: DecimalString
    message: str


class FileCostChange(_Out, frozen=True, kw_only=True):
    """An input file whose tokens changed, and its cost change a month (README, "Which file
    moved the cost"); ``None`` before: a new file, ``None`` after: a removed one."""

    path: str
    system_prompt: bool
    input_tokens_before: int | None
    input_tokens_after: int | None
    output_tokens_before: int | None
    output_tokens_after: int | None
    cost_change: DecimalString


class CheckedWorkload(_Out, frozen=True, kw_only=True):
    name: str
    ok: bool
    workload: str
    workload_digest: str
    model: str
    provider: str
    currency: str
    monthly: DecimalString
    per_1k_requests: DecimalString
    baseline_monthly: DecimalString | None
    change_percent: DecimalString | None
    violations: list[Violation]
    files: list[FileCostChange]  # largest cost change first
    files_note: str | None  # why no file can be named (e.g. an older baseline)


class CheckOutput(_Out, frozen=True, kw_only=True):
    """``tokx check --format json``."""

    schema_version: int = SCHEMA_VERSION
    catalog_version: str
    ok: bool
    workloads: list[CheckedWorkload]


class DiffedWorkload(_Out, frozen=True, kw_only=True):
    name: str
    currency: str
    old_monthly: DecimalString | None
    new_monthly: DecimalString | None
    change: DecimalString | None
    change_percent: DecimalString | None
    files: list[FileCostChange]  # largest cost change first
    files_note: str | None


class DiffOutput(_Out, frozen=True, kw_only=True):
    """``tokx diff --format json``."""

    schema_version: int = SCHEMA_VERSION
    old_catalog_version: str
    new_catalog_version: str
    workloads: list[DiffedWorkload]


class PathCost(_Out, frozen=True, kw_only=True):
    provider: str | None
    path_kind: str
    billing_entity: str | None
    billing_country: str | None
    regions: list[str]
    cost: CostLine | None
    eligible: bool
    reason: str | None
    source: str | None


class CompareOutput(_Out, frozen=True, kw_only=True):
    """``tokx compare --format json``."""

    schema_version: int = SCHEMA_VERSION
    catalog_version: str
    model: str
    cost_basis: str
    paths: list[PathCost]
    cheapest: str | None


class SelfhostProfile(_Out, frozen=True, kw_only=True):
    serving_profile: str
    gpu: str
    gpus: int
    usd_per_gpu_hour: DecimalString
    utilization: DecimalString
    usd_per_million_input: DecimalString
    usd_per_million_output: DecimalString
    replica_monthly_usd: DecimalString
    capacity_requests_per_replica: DecimalString
    replicas_needed: int
    monthly_fixed_usd: DecimalString
    cheapest_api: CostLine | None
    breakeven_requests_per_month: DecimalString | None
    assumptions: list[str]


class SelfhostOutput(_Out, frozen=True, kw_only=True):
    """``tokx selfhost --format json``."""

    schema_version: int = SCHEMA_VERSION
    catalog_version: str
    model: str
    requests_per_month: DecimalString
    profiles: list[SelfhostProfile]


class FamilyCount(_Out, frozen=True, kw_only=True):
    family: str
    tokens: int
    exact: bool
    kind: str  # exact, reconstructed or approximate
    low: int
    high: int
    reference: str | None
    band_percent: str | None


class CountedInput(_Out, frozen=True, kw_only=True):
    source: str
    bytes: int
    skipped: bool
    cached: bool
    counts: list[FamilyCount]
    warnings: list[str]


class TokensOutput(_Out, frozen=True, kw_only=True):
    """``tokx tokens --format json``."""

    schema_version: int = SCHEMA_VERSION
    catalog_version: str
    totals: list[FamilyCount]
    inputs: list[CountedInput]


class Stats(_Out, frozen=True, kw_only=True):
    requests: int
    total: int
    mean: DecimalString
    p50: int
    p95: int
    p99: int
    max: int


class FamilyStats(_Out, frozen=True, kw_only=True, omit_defaults=True):
    family: str
    exact: bool
    reconstructed: bool = False  # counted with the reconstruction (Claude), shown as ≈
    band_percent: DecimalString | None
    prefix_tokens: int
    input: Stats
    output: Stats


class Traffic(_Out, frozen=True, kw_only=True):
    label: str
    timezone: str


class WorkloadOutput(_Out, frozen=True, kw_only=True):
    """``tokx workload show --format json``."""

    schema_version: int = SCHEMA_VERSION
    catalog_version: str
    workload: str
    requests_per_month: DecimalString
    traffic: Traffic
    cache_hit_rate: DecimalString
    batch_fraction: DecimalString
    families: list[FamilyStats]


class Fit(_Out, frozen=True, kw_only=True):
    model: str
    requests: int
    ratio: DecimalString
    p5: DecimalString
    p95: DecimalString
    stdev: DecimalString
    reported_tokens: int
    local_tokens: int
    family: str | None
    source: str | None
    fitted_at: str | None


class CalibrationOutput(_Out, frozen=True, kw_only=True):
    """``tokx calibrate --format json``."""

    schema_version: int = SCHEMA_VERSION
    models: dict[str, Fit]
    fits: list[Fit]


class VersionEntry(_Out, frozen=True, kw_only=True):
    version: str
    released: str
    origin: str
    path: str


class VersionsOutput(_Out, frozen=True, kw_only=True):
    """``tokx catalog versions --format json``."""

    schema_version: int = SCHEMA_VERSION
    default: str
    versions: list[VersionEntry]


class ListedModel(Model, frozen=True, kw_only=True):
    """A catalog model, with the path kinds it is sold on and its number of offers."""

    path_kinds: list[str]
    offer_count: int


class ModelsOutput(_Out, frozen=True, kw_only=True):
    """``tokx catalog list --format json``."""

    schema_version: int = SCHEMA_VERSION
    catalog_version: str
    models: list[ListedModel]


class ShownOffer(Offer, frozen=True, kw_only=True):
    """An offer with its provider's path kind."""

    path_kind: str


class ModelShowOutput(_Out, frozen=True, kw_only=True):
    """``tokx catalog show --format json``."""

    schema_version: int = SCHEMA_VERSION
    catalog_version: str
    model: Model
    offers: list[ShownOffer]
    benchmarks: list[Benchmark]
    market: list[MarketShare]


class OfferRef(_Out, frozen=True, kw_only=True):
    model: str
    provider: str
    region: str | None


class PriceChange(_Out, frozen=True, kw_only=True):
    field: str
    old: str | None
    new: str | None
    absolute: str | None  # none across a currency change: the units differ
    percent: str | None


class ChangedOffer(OfferRef, frozen=True, kw_only=True):
    currency: str
    changes: list[PriceChange]
    limits: list[LimitChange] = msgspec.field(default_factory=list)


class CatalogDiffOutput(_Out, frozen=True, kw_only=True):
    """``tokx catalog diff --format json``."""

    schema_version: int = SCHEMA_VERSION
    old: str
    new: str
    added_models: list[str]
    removed_models: list[str]
    added_offers: list[OfferRef]
    removed_offers: list[OfferRef]
    changed_offers: list[ChangedOffer]
