"""``report``: everything the shareable HTML report shows, computed before any rendering."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from tokenexport_cli.api.choices import WorkloadChoice, cost_context
from tokenexport_cli.api.cost import RecommendRequest, describe_constraints, ranked_recommendation
from tokenexport_cli.ranking import Comparison, Constraints, Recommendation

if TYPE_CHECKING:
    from tokenexport_cli.catalog import CatalogIndex
    from tokenexport_cli.pricing.engine import CostLine, Usage
    from tokenexport_cli.usage import UsageSource

PROJECTION_MONTHS = 12
MAX_COMPARED_MODELS = 20


@dataclass(frozen=True)
class FamilyUsage:
    """The usage one tokenizer family sees, and which of the report's models use it."""

    family: str
    models: tuple[str, ...]
    usage: Usage


@dataclass(frozen=True)
class Report:
    """Everything the report shows, computed by the core before rendering."""

    title: str
    workload: str
    generated: dt.date
    tool_version: str
    index: CatalogIndex
    recommendation: Recommendation
    growth_percent: Decimal
    usages: tuple[FamilyUsage, ...]
    projections: tuple[tuple[CostLine, tuple[Decimal, ...]], ...]
    comparisons: tuple[Comparison, ...]
    constraints: tuple[str, ...] = ()  # what the ranking was asked, in words


@dataclass(frozen=True)
class ReportRequest:
    """``recommend``'s request (the same constraints, objective and ranking, so the same
    pick) plus what the page adds."""

    recommend: RecommendRequest = field(default_factory=RecommendRequest)
    models: tuple[str, ...] = ()  # price only these models
    top_models: int = 5  # models that get a delivery-path comparison
    title: str | None = None

    def __post_init__(self) -> None:
        from tokenexport_cli.bounds import checked
        from tokenexport_cli.errors import InvalidValue

        top = self.top_models
        if (
            isinstance(top, int)
            and not isinstance(top, bool)
            and not 1 <= top <= MAX_COMPARED_MODELS
        ):
            raise InvalidValue(f"expected 1 to {MAX_COMPARED_MODELS}, got {top}", "top_models")
        object.__setattr__(self, "top_models", checked(top, "count", "top_models"))


def describe_workload(workload: WorkloadChoice) -> str:
    """How the report describes where its traffic figures came from."""
    if workload.file is not None:
        return f"Workload file {workload.file}."
    if workload.input_tokens is not None:
        return (
            f"Quick form: {workload.input_tokens:,} input and {workload.output_tokens or 0:,} "
            "output tokens per request."
        )
    return "Quick form: sample request files counted with each model's tokenizer."


def report(request: ReportRequest) -> Report:
    """``tokx report``: ``recommend``'s ranking, then projections and path comparisons."""
    asked = request.recommend
    context = cost_context(asked.catalog, asked.workload, asked.pricing)
    rec = ranked_recommendation(context, asked, request.models)
    workload = asked.workload
    title = request.title or (
        f"{workload.file.stem} cost report" if workload.file else "LLM cost report"
    )
    return gather_report(
        context.index,
        context.usage,
        rec,
        title,
        describe_workload(workload),
        request.top_models,
        describe_constraints(asked.constraints),
    )


def gather_report(
    index: CatalogIndex,
    usage: UsageSource,
    rec: Recommendation,
    title: str,
    workload: str,
    top_models: int,
    constraints: tuple[str, ...] = (),
) -> Report:
    """Project and compare paths for the options a ranking puts first."""
    from tokenexport_cli import __version__
    from tokenexport_cli.pricing.estimate import projection
    from tokenexport_cli.ranking import compare_paths

    result = rec.estimate
    order = [item.line for item in rec.ranked] + list(result.lines)
    models = list(dict.fromkeys(line.model for line in order))
    comparisons = []
    for model_id in models[:top_models]:
        own = replace(
            result,
            lines=tuple(line for line in result.lines if line.model == model_id),
            exclusions=tuple(e for e in result.exclusions if e.model == model_id),
        )
        comparisons.append(
            compare_paths(index, index.models[model_id], own, Constraints(), blended=False)
        )
    featured = [item.line for item in rec.ranked[:2]] + list(result.lines[:1])
    unique = list({(line.model, line.provider, line.region): line for line in featured}.values())
    projections = tuple(
        (line, tuple(projection(line.monthly, usage.growth_percent, PROJECTION_MONTHS)))
        for line in unique
    )
    names: dict[str, list[str]] = {}
    seen: dict[str, Usage] = {}
    for model_id in models[: max(top_models, 15)]:
        per_family = usage.usage_for(index.models[model_id])
        seen.setdefault(per_family.family, per_family)
        names.setdefault(per_family.family, []).append(model_id)
    usages = tuple(
        FamilyUsage(family, tuple(names[family]), shown) for family, shown in seen.items()
    )
    return Report(
        title=title,
        workload=workload,
        generated=dt.date.today(),
        tool_version=__version__,
        index=index,
        recommendation=rec,
        growth_percent=usage.growth_percent,
        usages=usages,
        projections=projections,
        comparisons=tuple(comparisons),
        constraints=constraints,
    )
