"""Rank priced candidates under constraints: exclusion reasons, benchmark scores that never mix
harnesses or variants, objectives (cheapest, value, best) and the cost-quality Pareto frontier."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from tokenexport_cli.catalog import CatalogIndex
from tokenexport_cli.errors import InvalidValue
from tokenexport_cli.pricing.engine import CostLine, to_decimal
from tokenexport_cli.pricing.estimate import Estimate
from tokenexport_cli.schema import Model, Offer, Provider
from tokenexport_cli.scores import (
    DEFAULT_VARIANT_ORDER,
    choose_harnesses,
    choose_variants,
    model_scores,
    score_rows,
)

OBJECTIVES = ("cheapest", "value", "best")
DEFAULT_WEIGHTS: Mapping[str, Decimal] = {
    "gpqa-diamond": Decimal(1),
    "swe-bench-verified": Decimal(1),
}
__all__ = [
    "DEFAULT_VARIANT_ORDER",
    "choose_harnesses",
    "choose_variants",
    "model_scores",
    "score_rows",
]
UNKNOWN_COUNTRY = "billing country unknown"
UNKNOWN_REGIONS = "regions unknown"


@dataclass(frozen=True)
class Constraints:
    min_context: int | None = None
    max_monthly: Decimal | None = None
    minimums: Mapping[str, Decimal] = field(default_factory=dict)
    open_weights: bool | None = None
    origins: tuple[str, ...] = ()
    exclude_origins: tuple[str, ...] = ()
    path_kinds: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    billing_countries: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        from tokenexport_cli.bounds import check_fields, checked_mapping

        check_fields(self, {"min_context": "tokens", "max_monthly": "money"})
        object.__setattr__(self, "minimums", checked_mapping(self.minimums, "score", "minimums"))


@dataclass(frozen=True)
class Ranked:
    line: CostLine
    score: Decimal | None
    scores: Mapping[str, Decimal]
    pareto: bool


@dataclass(frozen=True)
class Excluded:
    model: str
    provider: str | None
    reason: str


@dataclass(frozen=True)
class Recommendation:
    objective: str
    estimate: Estimate
    ranked: tuple[Ranked, ...]
    excluded: tuple[Excluded, ...]
    harnesses: Mapping[str, str]
    weights: Mapping[str, Decimal]
    variants: Mapping[str, str] = field(default_factory=dict)
    #: candidates a --region or --billing-country filter dropped because the fact is unknown
    dropped_unknown: Mapping[str, int] = field(default_factory=dict)
    #: candidates dropped only because a required or weighted score is missing, cheapest first
    missing_scores: tuple[CostLine, ...] = ()


def _constraint_reason(index: CatalogIndex, line: CostLine, constraints: Constraints) -> str | None:
    if line.lower_bound is not None:  # never ranked: its cost is only known from below
        return line.lower_bound.reason
    model = index.models[line.model]
    provider = index.providers.get(line.provider)
    if constraints.open_weights is not None and model.open_weights != constraints.open_weights:
        return "open weights required" if constraints.open_weights else "closed weights required"
    if constraints.origins and model.origin not in constraints.origins:
        return f"origin {model.origin} not in {','.join(constraints.origins)}"
    if model.origin in constraints.exclude_origins:
        return f"origin {model.origin} excluded"
    if constraints.path_kinds and line.path_kind not in constraints.path_kinds:
        return f"path {line.path_kind} not in {','.join(constraints.path_kinds)}"
    if constraints.providers and line.provider not in constraints.providers:
        return f"provider {line.provider} not selected"
    if constraints.regions:
        regions = {line.region} if line.region else set(provider.regions if provider else ())
        if not regions:
            return UNKNOWN_REGIONS
        if not regions & set(constraints.regions):
            return f"no region in {','.join(constraints.regions)}"
    if constraints.billing_countries:
        country = provider.billing_country if provider else None
        if country is None:
            return UNKNOWN_COUNTRY
        if country not in constraints.billing_countries:
            return f"billed from {country}"
    if constraints.min_context is not None:
        if line.context_window is None:
            return "context window unknown"
        if line.context_window < constraints.min_context:
            return f"context {line.context_window:,} < {constraints.min_context:,}"
    if constraints.max_monthly is not None and line.monthly > constraints.max_monthly:
        shown = line.monthly.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return f"over budget ({shown} > {constraints.max_monthly} {line.currency}/month)"
    return None


def weighted_score(scores: Mapping[str, Decimal], weights: Mapping[str, Decimal]) -> Decimal | None:
    """Weighted mean of the benchmark scores, or None when any weighted benchmark is missing."""
    if not weights or any(name not in scores for name in weights):
        return None
    total = sum((Fraction(weight) for weight in weights.values()), Fraction(0))
    value = sum(
        (Fraction(scores[name]) * Fraction(weight) for name, weight in weights.items()), Fraction(0)
    )
    return to_decimal(value / total)


def pareto_flags(points: list[tuple[Decimal, Decimal | None]]) -> list[bool]:
    """True for (cost, score) points no other point beats on both (missing scores never are)."""
    flags = []
    for cost, score in points:
        if score is None:
            flags.append(False)
            continue
        dominated = any(
            other_score is not None
            and other_cost <= cost
            and other_score >= score
            and (other_cost < cost or other_score > score)
            for other_cost, other_score in points
        )
        flags.append(not dominated)
    return flags


def recommend(
    index: CatalogIndex,
    estimate: Estimate,
    constraints: Constraints,
    objective: str = "cheapest",
    weights: Mapping[str, Decimal] | None = None,
    pinned_harnesses: Mapping[str, str] | None = None,
    pinned_variants: Mapping[str, str] | None = None,
) -> Recommendation:
    if objective not in OBJECTIVES:
        raise InvalidValue(
            f"unknown '{objective}' (choose from {', '.join(OBJECTIVES)})", "objective"
        )
    if weights:
        weights = dict(weights)
    else:  # the defaults that this catalog has scores for
        known = {b.benchmark for b in index.catalog.benchmarks}
        weights = {name: value for name, value in DEFAULT_WEIGHTS.items() if name in known}
    if any(weight <= 0 for weight in weights.values()):
        raise InvalidValue("weights must be positive", "weights")
    names = sorted(set(weights) | set(constraints.minimums))
    models = {line.model for line in estimate.lines}
    harnesses = choose_harnesses(index, names, models, pinned_harnesses or {})
    variants = choose_variants(index, harnesses, models, pinned_variants)
    excluded = [Excluded(e.model, e.provider, e.reason) for e in estimate.exclusions]
    excluded += [Excluded(u.model, None, f"unpriced: {u.reason}") for u in estimate.unpriced]
    unknown: Counter[str] = Counter()
    missing: list[CostLine] = []
    kept: list[tuple[CostLine, dict[str, Decimal], Decimal | None]] = []
    for line in estimate.lines:
        reason = _constraint_reason(index, line, constraints)
        if reason in (UNKNOWN_COUNTRY, UNKNOWN_REGIONS):
            unknown[reason] += 1
        scores = model_scores(index, line.model, harnesses, variants)
        score = weighted_score(scores, weights)
        if reason is None:
            reason, only_missing = _score_reason(scores, score, constraints, objective, weights)
            if only_missing:
                missing.append(line)
            if reason is None:
                kept.append((line, scores, score))
                continue
            reason = _with_variants(reason, harnesses, variants)
        excluded.append(Excluded(line.model, line.provider, reason))
    flags = pareto_flags([(line.monthly, score) for line, _, score in kept])
    ranked = [
        Ranked(line, score, scores, flag)
        for (line, scores, score), flag in zip(kept, flags, strict=True)
    ]
    if objective == "cheapest":
        ranked.sort(key=lambda r: (r.line.monthly, r.line.model, r.line.provider))
    elif objective == "best":
        ranked.sort(key=lambda r: (-(r.score or 0), r.line.monthly, r.line.model))
    else:

        def value(r: Ranked) -> Fraction:
            cost = Fraction(r.line.monthly)
            return Fraction(r.score or 0) / cost if cost else Fraction(10**30)

        ranked.sort(key=lambda r: (-value(r), r.line.monthly, r.line.model))
    missing.sort(key=lambda line: (line.monthly, line.model, line.provider))
    return Recommendation(
        objective,
        estimate,
        tuple(ranked),
        tuple(excluded),
        harnesses,
        weights,
        variants,
        dict(unknown),
        tuple(missing),
    )


def _score_reason(
    scores: Mapping[str, Decimal],
    score: Decimal | None,
    constraints: Constraints,
    objective: str,
    weights: Mapping[str, Decimal],
) -> tuple[str | None, bool]:
    """Why the scores exclude a candidate (None: they do not), and whether the only cause is
    missing scores (none below a floor)."""
    below = [
        f"{n} {scores[n]} < {floor}"
        for n, floor in constraints.minimums.items()
        if n in scores and scores[n] < floor
    ]
    if below:
        return below[0], False
    lacking = [n for n in constraints.minimums if n not in scores]
    if objective != "cheapest" and score is None:
        lacking += [n for n in weights if n not in scores and n not in lacking]
    if lacking:
        return "no benchmark data for " + ", ".join(lacking), True
    return None, False


def _with_variants(reason: str, harnesses: Mapping[str, str], variants: Mapping[str, str]) -> str:
    """Name the harness and variant after each benchmark a missing-data reason lists."""
    if not reason.startswith("no benchmark data for "):
        return reason
    names = reason.removeprefix("no benchmark data for ").split(", ")
    return "no benchmark data for " + ", ".join(
        f"{n} ({harnesses[n]}, {variants.get(n, 'any variant')})" for n in names
    )


@dataclass(frozen=True)
class PathRow:
    """One delivery path of a model: its offer (None for self-hosting), cost and eligibility."""

    provider: Provider | None
    offer: Offer | None
    line: CostLine | None
    reason: str | None  # why it is not eligible for "cheapest path", if it is not


@dataclass(frozen=True)
class Comparison:
    model: Model
    rows: tuple[PathRow, ...]
    cheapest: PathRow | None
    estimate: Estimate
    blended: bool


def compare_paths(
    index: CatalogIndex, model: Model, estimate: Estimate, constraints: Constraints, blended: bool
) -> Comparison:
    """Every path of one model side by side, and the cheapest one meeting the constraints."""
    lines = {(line.provider, line.region): line for line in estimate.lines}
    excluded = {(e.provider, None): e.reason for e in estimate.exclusions}
    rows: list[PathRow] = []
    for offer in index.offers(model.id):
        line = lines.get((offer.provider, offer.region))
        reason = (
            excluded.get((offer.provider, None))
            if line is None
            else (_constraint_reason(index, line, constraints))
        )
        rows.append(PathRow(index.providers[offer.provider], offer, line, reason))
    for line in estimate.lines:
        if line.path_kind == "selfhost":
            rows.append(PathRow(None, None, line, _constraint_reason(index, line, constraints)))
    rows.sort(
        key=lambda row: (
            row.line is None,
            row.line.monthly if row.line else 0,
            row.provider.id if row.provider else "",
        )
    )
    eligible = [row for row in rows if row.line is not None and row.reason is None]
    return Comparison(model, tuple(rows), eligible[0] if eligible else None, estimate, blended)


def cost_range(line: CostLine) -> tuple[Decimal, Decimal]:
    """The monthly cost's low and high end: its uncertainty band where the count is
    approximate, the exact figure otherwise."""
    if line.band_percent is None:
        return line.monthly, line.monthly
    share = line.band_percent / 100
    return line.monthly * (1 - share), line.monthly * (1 + share)


def within_uncertainty(first: CostLine, second: CostLine) -> bool:
    """Whether two costs' ranges overlap, so that either could be the cheaper one."""
    low_a, high_a = cost_range(first)
    low_b, high_b = cost_range(second)
    return (first.band_percent is not None or second.band_percent is not None) and (
        low_a <= high_b and low_b <= high_a
    )
