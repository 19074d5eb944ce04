"""``tokx report``: price a workload, rank it for value and write the shareable HTML report."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tokenexport_cli.cli.common import (
    AsOfOption,
    CatalogVersionOption,
    OverlayOption,
    handle_errors,
    split_values,
)
from tokenexport_cli.cli.cost_cmd import (
    BatchFraction,
    Currency,
    FxOption,
    InputFiles,
    InputTokens,
    LongInputs,
    Models,
    OutputTokens,
    Paths,
    PerDay,
    PerMonth,
    Providers,
    WorkloadArg,
    build_context,
    run_estimate,
)
from tokenexport_cli.errors import UsageError

if TYPE_CHECKING:
    from tokenexport_cli.catalog import CatalogIndex
    from tokenexport_cli.pricing.engine import Usage
    from tokenexport_cli.pricing.estimate import Estimate
    from tokenexport_cli.render.report_html import Report
    from tokenexport_cli.usage import UsageSource

PROJECTION_MONTHS = 12


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)


def workload_text(
    workload: Path | None, input_tokens: int | None, output_tokens: int | None
) -> str:
    """How the report describes where its traffic figures came from."""
    if workload is not None:
        return f"Workload file {workload}."
    if input_tokens is not None:
        return (
            f"Quick form: {input_tokens:,} input and {output_tokens or 0:,} output tokens "
            "per request."
        )
    return "Quick form: sample request files counted with each model's tokenizer."


def gather_report(
    index: CatalogIndex,
    usage: UsageSource,
    result: Estimate,
    title: str,
    workload: str,
    top_models: int,
) -> Report:
    """Rank for value, then project and compare paths for the options the report shows."""
    import datetime as dt

    from tokenexport_cli import __version__
    from tokenexport_cli.pricing.estimate import projection
    from tokenexport_cli.ranking import Constraints, compare_paths, recommend
    from tokenexport_cli.render.report_html import FamilyUsage, Report

    rec = recommend(index, result, Constraints(), "value")
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
    )


def write_atomically(text: str, target: str) -> None:
    """Write ``text`` to ``target`` atomically; ``-`` means stdout."""
    from tokenexport_cli.render.output import write_output

    write_output(text, None if target == "-" else Path(target))


@handle_errors
def report_command(
    workload: WorkloadArg = None,
    input_files: InputFiles = None,
    input_tokens: InputTokens = None,
    output_tokens: OutputTokens = None,
    requests_per_day: PerDay = None,
    requests_per_month: PerMonth = None,
    batch_fraction: BatchFraction = None,
    model: Models = None,
    provider: Providers = None,
    path: Paths = None,
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            help="Where to write the HTML report ('-' for stdout).",
            show_default=True,
        ),
    ] = "report.html",
    top: Annotated[
        int, typer.Option("--top", help="How many models get a delivery-path comparison.")
    ] = 5,
    currency: Currency = "USD",
    fx: FxOption = None,
    long_inputs: LongInputs = "exclude",
    catalog_version: CatalogVersionOption = None,
    as_of: AsOfOption = None,
    catalog: OverlayOption = None,
) -> None:
    """Write one self-contained HTML report: the pick and why, cost vs quality, projection,
    delivery paths, exclusions and sources. It loads nothing when opened, and prints well."""
    from tokenexport_cli.render.report_html import render_report

    if not 1 <= top <= 20:
        raise UsageError(f"--top: expected 1 to 20, got {top}")
    context = build_context(
        workload,
        input_files,
        input_tokens,
        output_tokens,
        requests_per_day,
        requests_per_month,
        batch_fraction,
        currency,
        fx,
        long_inputs,
        catalog_version,
        as_of,
        catalog,
    )
    result = run_estimate(context, split_values(model), split_values(provider), split_values(path))
    title = f"{workload.stem} cost report" if workload else "LLM cost report"
    report = gather_report(
        context.index,
        context.usage,
        result,
        title,
        workload_text(workload, input_tokens, output_tokens),
        top,
    )
    html = render_report(report)
    write_atomically(html, output)
    if output != "-":
        sys.stderr.write(f"tokx: wrote {output} ({len(html.encode()) // 1024 + 1} KB)\n")
