"""``estimate``, ``recommend``, ``compare`` and ``selfhost``: price a workload, rank, compare."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from tokenexport_cli.api.choices import (
    CatalogChoice,
    CostContext,
    PricingChoice,
    WorkloadChoice,
    cost_context,
)
from tokenexport_cli.errors import InvalidValue, UsageError

if TYPE_CHECKING:
    from tokenexport_cli.pricing.estimate import Estimate
    from tokenexport_cli.pricing.selfhost import Breakeven, SelfhostOptions
    from tokenexport_cli.ranking import Comparison, Constraints, Ranked, Recommendation

Objective = Literal["cheapest", "value", "best"]
OBJECTIVES: tuple[str, ...] = ("cheapest", "value", "best")
#: ``compare`` without a workload: 250 requests of 3,000 in + 1,000 out = 750K in + 250K out
BLENDED = WorkloadChoice(input_tokens=3000, output_tokens=1000, requests_per_month=Decimal(250))
#: ``selfhost`` without a workload: 1,000 in + 200 out, a million requests a month
SELFHOST_DEFAULT_SHAPE = (1000, 200)
SELFHOST_DEFAULT_MONTHLY = Decimal(1_000_000)


def no_constraints() -> Constraints:
    """Constraints that allow everything (the ranking stage loads only when a command ranks)."""
    from tokenexport_cli.ranking import Constraints

    return Constraints()


def check_path_kinds(kinds: tuple[str, ...]) -> None:
    from tokenexport_cli.schema import PATH_KINDS

    for kind in kinds:
        if kind not in PATH_KINDS:
            raise InvalidValue(
                f"unknown path kind '{kind}' (choose from {', '.join(PATH_KINDS)})", "path_kinds"
            )


def priced(
    context: CostContext,
    models: tuple[str, ...] = (),
    providers: tuple[str, ...] = (),
    path_kinds: tuple[str, ...] = (),
    include_selfhost: bool = True,
) -> Estimate:
    """Every selected offer priced for the context's workload, with the workload's digest."""
    from tokenexport_cli.pricing.estimate import Selection
    from tokenexport_cli.pricing.estimate import estimate as price_everything

    check_path_kinds(path_kinds)
    selection = Selection(
        models=models,
        providers=providers,
        path_kinds=path_kinds,
        include_selfhost=include_selfhost,
    )
    result = price_everything(
        context.index, context.usage.usage_for, selection, context.fx, context.options
    )
    return replace(
        result, workload_digest=context.usage.digest(), warnings=context.usage.warnings()
    )


@dataclass(frozen=True)
class EstimateRequest:
    catalog: CatalogChoice = field(default_factory=CatalogChoice)
    workload: WorkloadChoice = field(default_factory=WorkloadChoice)
    pricing: PricingChoice = field(default_factory=PricingChoice)
    models: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    path_kinds: tuple[str, ...] = ()
    months: int | None = None  # growth projection over this many months
    ranked: bool = False  # also rank cheapest-first with Pareto flags (for charts)

    def __post_init__(self) -> None:
        from tokenexport_cli.bounds import check_fields

        check_fields(self, {"months": "count"})
        if self.months is not None and self.months > MAX_PROJECTION_MONTHS:
            raise InvalidValue(
                f"expected 1 to {MAX_PROJECTION_MONTHS}, got {self.months}", "months"
            )


@dataclass(frozen=True)
class EstimateResult:
    estimate: Estimate
    growth_percent: Decimal
    projections: tuple[tuple[Decimal, ...], ...] | None  # one series per line, with ``months``
    ranked: tuple[Ranked, ...] = ()


MAX_PROJECTION_MONTHS = 120


def estimate(request: EstimateRequest) -> EstimateResult:
    """``tokx estimate``: monthly cost of the workload on every selected model and path."""
    from tokenexport_cli.pricing.estimate import projection

    context = cost_context(request.catalog, request.workload, request.pricing)
    result = priced(context, request.models, request.providers, request.path_kinds)
    growth = context.usage.growth_percent
    series = None
    if request.months:
        series = tuple(
            tuple(projection(line.monthly, growth, request.months)) for line in result.lines
        )
    ranked: tuple[Ranked, ...] = ()
    if request.ranked:  # the chart's order and Pareto marks: only then load the ranking stage
        from tokenexport_cli.ranking import recommend as rank

        ranked = tuple(rank(context.index, result, no_constraints(), "cheapest").ranked)
    return EstimateResult(result, growth, series, ranked)


def exclusion_summary(result: Estimate) -> str:
    """How many candidates were left out for each reason, in one line."""
    from collections import Counter

    reasons = Counter(e.kind for e in result.exclusions)
    reasons.update("no price on any delivery path" for _ in result.unpriced)
    if not reasons:
        return "no model matches the selection"
    total = sum(reasons.values())
    parts = ", ".join(f"{kind}: {count}" for kind, count in reasons.most_common())
    return f"{total} excluded ({parts})"


@dataclass(frozen=True)
class RecommendRequest:
    catalog: CatalogChoice = field(default_factory=CatalogChoice)
    workload: WorkloadChoice = field(default_factory=WorkloadChoice)
    pricing: PricingChoice = field(default_factory=PricingChoice)
    constraints: Constraints = field(default_factory=lambda: no_constraints())
    objective: Objective = "cheapest"
    weights: Mapping[str, Decimal] | None = None
    harnesses: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from tokenexport_cli.bounds import checked_mapping

        if self.weights is not None:
            object.__setattr__(self, "weights", checked_mapping(self.weights, "weight", "weights"))


def ranked_recommendation(
    context: CostContext, request: RecommendRequest, models: tuple[str, ...] = ()
) -> Recommendation:
    """Price everything (or ``models``), then rank under the request's constraints and
    objective: the one ranking ``recommend`` and ``report`` share."""
    from tokenexport_cli.ranking import recommend as rank

    if request.objective not in OBJECTIVES:
        raise InvalidValue(
            f"unknown '{request.objective}' (choose from {', '.join(OBJECTIVES)})",
            "objective",
        )
    check_path_kinds(request.constraints.path_kinds)
    for name in request.constraints.providers:
        context.index.provider(name)
    result = priced(context, models)
    return rank(
        context.index,
        result,
        request.constraints,
        request.objective,
        dict(request.weights) if request.weights else None,
        dict(request.harnesses),
    )


def recommend(request: RecommendRequest) -> Recommendation:
    """``tokx recommend``: rank models and paths under constraints, with the reasons."""
    context = cost_context(request.catalog, request.workload, request.pricing)
    return ranked_recommendation(context, request)


@dataclass(frozen=True)
class CompareRequest:
    model: str
    catalog: CatalogChoice = field(default_factory=CatalogChoice)
    workload: WorkloadChoice = field(
        default_factory=WorkloadChoice
    )  # no traffic: per million tokens at 3:1
    pricing: PricingChoice = field(default_factory=PricingChoice)
    constraints: Constraints = field(default_factory=lambda: no_constraints())


def compare(request: CompareRequest) -> Comparison:
    """``tokx compare``: one model across its delivery paths, and the cheapest allowed one."""
    from tokenexport_cli.ranking import compare_paths

    blended = not request.workload.has_traffic
    workload = (
        replace(BLENDED, batch_fraction=request.workload.batch_fraction)
        if blended
        else request.workload
    )
    context = cost_context(request.catalog, workload, request.pricing)
    found = context.index.model(request.model)
    result = priced(context, (found.id,))
    return compare_paths(context.index, found, result, request.constraints, blended)


@dataclass(frozen=True)
class SelfhostRequest:
    model: str
    options: SelfhostOptions
    catalog: CatalogChoice = field(default_factory=CatalogChoice)
    workload: WorkloadChoice = field(
        default_factory=WorkloadChoice
    )  # no traffic: 1,000 in + 200 out, 1M a month


@dataclass(frozen=True)
class SelfhostResult:
    model: str
    points: tuple[Breakeven, ...]
    requests_per_month: Decimal
    catalog_version: str


def selfhost(request: SelfhostRequest) -> SelfhostResult:
    """``tokx selfhost``: cost per million tokens on rented GPUs and the break-even volume."""
    from tokenexport_cli.pricing.selfhost import breakeven, rigs_for

    workload = request.workload
    if not workload.has_traffic:
        no_volume = workload.requests_per_day is None and workload.requests_per_month is None
        workload = replace(
            workload,
            input_tokens=SELFHOST_DEFAULT_SHAPE[0],
            output_tokens=SELFHOST_DEFAULT_SHAPE[1],
            requests_per_month=SELFHOST_DEFAULT_MONTHLY
            if no_volume
            else workload.requests_per_month,
        )
    context = cost_context(request.catalog, workload, PricingChoice())
    found = context.index.model(request.model)
    if not found.open_weights:
        raise UsageError(f"{found.id} has no open weights: it cannot be self-hosted")
    rigs = rigs_for(context.index, found, request.options)
    usable = [rig for rig in rigs if not isinstance(rig, str)]
    if not usable:
        reasons = "; ".join(r for r in rigs if isinstance(r, str)) or "no serving profile"
        raise UsageError(f"cannot self-host {found.id} with the catalog's data: {reasons}")
    result = priced(context, (found.id,), include_selfhost=False)
    api_line = result.lines[0] if result.lines else None
    usage = context.usage.usage_for(found)
    return SelfhostResult(
        found.id,
        tuple(breakeven(rig, usage, api_line) for rig in usable),
        usage.requests_per_month,
        result.catalog_version,
    )


def describe_constraints(constraints: Constraints) -> tuple[str, ...]:
    """The constraints in words, for a report that must say what it was asked."""
    said = []
    if constraints.min_context is not None:
        said.append(f"context window at least {constraints.min_context:,} tokens")
    if constraints.max_monthly is not None:
        said.append(f"at most {constraints.max_monthly} a month")
    said += [f"{name} at least {value}" for name, value in constraints.minimums.items()]
    if constraints.open_weights is not None:
        said.append("open weights only" if constraints.open_weights else "closed weights only")
    for label, values in (
        ("model origin", constraints.origins),
        ("model origin not", constraints.exclude_origins),
        ("delivery path", constraints.path_kinds),
        ("provider", constraints.providers),
        ("region", constraints.regions),
        ("billing country", constraints.billing_countries),
    ):
        if values:
            said.append(f"{label}: {', '.join(values)}")
    return tuple(said)
