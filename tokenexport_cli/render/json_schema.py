"""The versioned JSON output contract: typed descriptions of what estimate, recommend, compare
and check print with ``--format json``, published as JSON Schema (``tokx schema``)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

SCHEMA_ID = "https://tokx.invalid/schemas/output-v1.json"
DecimalString = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^-?\d+(\.\d+)?$", description="Money or a ratio as an exact decimal string."
    ),
]


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


class CostLine(_Out, frozen=True, kw_only=True):
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
    breakdown: Breakdown
    notes: list[str]
    projection: list[DecimalString] | None = None


class Excluded(_Out, frozen=True, kw_only=True):
    model: str
    provider: str | None
    reason: str


class Unpriced(_Out, frozen=True, kw_only=True):
    model: str
    reason: str


class EstimateOutput(_Out, frozen=True, kw_only=True):
    """``tokx estimate --format json``."""

    schema_version: int
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

    schema_version: int
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
    missing_scores: MissingScores
    ranked: list[RankedLine]
    excluded: list[Excluded]


class Violation(_Out, frozen=True, kw_only=True):
    budget: str
    limit: DecimalString
    actual: DecimalString
    message: str


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


class CheckOutput(_Out, frozen=True, kw_only=True):
    """``tokx check --format json``."""

    schema_version: int
    catalog_version: str
    ok: bool
    workloads: list[CheckedWorkload]


OUTPUTS: dict[str, type[Any]] = {
    "estimate": EstimateOutput,
    "recommend": RecommendOutput,
    "check": CheckOutput,
}


def output_schema() -> dict[str, Any]:
    """One JSON Schema document with a definition per command output."""
    _, components = msgspec.json.schema_components(
        list(OUTPUTS.values()), ref_template="#/$defs/{name}"
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "tokx JSON output, schema_version 1",
        "description": "What tokx prints with --format json. Money is a decimal string in the "
        "object's currency. schema_version changes only on incompatible changes.",
        "oneOf": [{"$ref": f"#/$defs/{cls.__name__}"} for cls in OUTPUTS.values()],
        "$defs": components,
    }


def schema_text() -> str:
    return msgspec.json.format(msgspec.json.encode(output_schema()), indent=2).decode() + "\n"


def validate_output(command: str, text: str) -> Any:
    """Decode a command's JSON output against its contract (raises msgspec.ValidationError)."""
    return msgspec.json.decode(text, type=OUTPUTS[command])
