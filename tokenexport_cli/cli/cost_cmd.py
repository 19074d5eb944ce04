"""``tokx estimate`` and ``tokx recommend``: price a workload everywhere, then rank."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tokenexport_cli.cli.common import (
    AsOfOption,
    CatalogVersionOption,
    FormatOption,
    OutputOption,
    OverlayOption,
    QuietOption,
    call,
    catalog_choice,
    check_format,
    parse_decimal,
    parse_pairs,
    pricing_choice,
    split_values,
    workload_choice,
)
from tokenexport_cli.cli.complete import (
    complete_benchmark,
)
from tokenexport_cli.cli.contract import handle_errors
from tokenexport_cli.cli.options import (
    BatchFraction,
    ChartOption,
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
)
from tokenexport_cli.errors import UsageError
from tokenexport_cli.render.output import FORMATS, emit

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tokenexport_cli.ranking import Ranked
    from tokenexport_cli.textfiles import InputWarning


def print_chart(
    ranked: Sequence[Ranked],
    limit: int | None,
    currency: str,
    output_format: str,
    output: Path | None,
) -> None:
    """``--chart``: bars of monthly cost instead of the table (plain ASCII into a file)."""
    from tokenexport_cli.render.chart import chart_rows, cost_chart, default_width
    from tokenexport_cli.render.output import write_output

    if output_format != "table":
        raise UsageError(f"--chart draws a chart, not {output_format}: drop --format or --chart")
    to_file = output is not None and str(output) != "-"
    write_output(
        cost_chart(
            chart_rows(ranked, limit),
            currency,
            default_width(),
            ascii_only=True if to_file else None,
        ),
        output,
    )


def print_warnings(warnings: Sequence[InputWarning]) -> None:
    """The workload's input warnings on stderr, as ``workload show`` prints them."""
    import sys

    for warning in warnings:
        sys.stderr.write(f"tokx: warning: {warning.source}: {warning.message}\n")


def print_renderables(renderables: list[object]) -> None:
    from tokenexport_cli.render.text import console

    out = console()
    for item in renderables:
        out.print(item)


def register(app: typer.Typer) -> None:
    app.command("estimate")(estimate_command)
    app.command("recommend")(recommend_command)
    app.command("schema")(schema_command)


@handle_errors
def estimate_command(
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
    breakdown: Annotated[
        bool, typer.Option("--breakdown", help="Show the cost breakdown columns.")
    ] = False,
    months: Annotated[
        int | None,
        typer.Option(
            "--months",
            help="Add a growth projection over this many months (uses the workload's growth).",
            show_default=False,
        ),
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Show every row, not just the first 30.")
    ] = False,
    chart: ChartOption = False,
    currency: Currency = "USD",
    fx: FxOption = None,
    long_inputs: LongInputs = "exclude",
    output_format: FormatOption = "table",
    output: OutputOption = None,
    quiet: QuietOption = False,
    catalog_version: CatalogVersionOption = None,
    as_of: AsOfOption = None,
    catalog: OverlayOption = None,
) -> None:
    """Monthly cost of a workload on every model and delivery path, cheapest first."""
    from tokenexport_cli.api.cost import EstimateRequest, estimate
    from tokenexport_cli.render.cost import estimate_view

    check_format(output_format, FORMATS)
    request = EstimateRequest(
        catalog=catalog_choice(catalog_version, as_of, catalog),
        workload=workload_choice(
            workload,
            input_files,
            input_tokens,
            output_tokens,
            requests_per_day,
            requests_per_month,
            batch_fraction,
        ),
        pricing=pricing_choice(currency, fx, long_inputs),
        models=split_values(model),
        providers=split_values(provider),
        path_kinds=split_values(path),
        months=months,
        ranked=chart,
    )
    found = call(estimate, request)
    result = found.estimate
    print_warnings(result.warnings)
    series = [list(values) for values in found.projections] if found.projections else None
    if chart:
        print_chart(found.ranked, None if show_all else 30, result.currency, output_format, output)
        return
    emit(
        estimate_view(result, breakdown, series, None if show_all else 30),
        output_format,
        output,
        quiet,
    )


@handle_errors
def recommend_command(
    workload: WorkloadArg = None,
    input_files: InputFiles = None,
    input_tokens: InputTokens = None,
    output_tokens: OutputTokens = None,
    requests_per_day: PerDay = None,
    requests_per_month: PerMonth = None,
    batch_fraction: BatchFraction = None,
    objective: Annotated[
        str,
        typer.Option(
            "--objective",
            envvar="TOKX_OBJECTIVE",
            help="cheapest, value (score per dollar) or best (highest score within the constraints).",
        ),
    ] = "cheapest",
    min_context: Annotated[
        int | None,
        typer.Option("--min-context", help="Minimum context window in tokens.", show_default=False),
    ] = None,
    max_monthly: Annotated[
        str | None,
        typer.Option(
            "--max-monthly",
            envvar="TOKX_MAX_MONTHLY",
            help="Monthly budget in the result currency.",
            show_default=False,
        ),
    ] = None,
    minimum: Annotated[
        list[str] | None,
        typer.Option(
            "--min",
            help="Benchmark floor, e.g. --min swe-bench-verified=60.",
            show_default=False,
            autocompletion=complete_benchmark,
        ),
    ] = None,
    weight: Annotated[
        list[str] | None,
        typer.Option(
            "--weight",
            help="Benchmark weights for value/best, e.g. --weight gpqa-diamond=2,swe-bench-verified=1.",
            show_default=False,
            autocompletion=complete_benchmark,
        ),
    ] = None,
    harness: Annotated[
        list[str] | None,
        typer.Option(
            "--harness",
            help="Compare a benchmark within this harness, e.g. --harness swe-bench-verified=vendor-reported.",
            show_default=False,
            autocompletion=complete_benchmark,
        ),
    ] = None,
    open_weights: Annotated[
        bool | None,
        typer.Option(
            "--open-weights/--closed-weights",
            help="Only open-weight (or closed) models.",
            show_default=False,
        ),
    ] = None,
    origin: Annotated[
        list[str] | None,
        typer.Option(
            "--origin", help="Only models from these countries (ISO codes).", show_default=False
        ),
    ] = None,
    exclude_origin: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude-origin",
            help="Exclude models from these countries, e.g. CN.",
            show_default=False,
        ),
    ] = None,
    path: Paths = None,
    provider: Providers = None,
    region: Annotated[
        list[str] | None,
        typer.Option("--region", help="Only offers in these regions.", show_default=False),
    ] = None,
    billing_country: Annotated[
        list[str] | None,
        typer.Option(
            "--billing-country",
            help="Only providers billing from these countries.",
            show_default=False,
        ),
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="List every excluded candidate with the reason.")
    ] = False,
    top: Annotated[int, typer.Option("--top", help="How many candidates to show.")] = 15,
    chart: ChartOption = False,
    currency: Currency = "USD",
    fx: FxOption = None,
    long_inputs: LongInputs = "exclude",
    output_format: FormatOption = "table",
    output: OutputOption = None,
    quiet: QuietOption = False,
    catalog_version: CatalogVersionOption = None,
    as_of: AsOfOption = None,
    catalog: OverlayOption = None,
) -> None:
    """Rank models and paths for a workload under constraints, and explain the choice."""
    from tokenexport_cli.api.cost import RecommendRequest, recommend
    from tokenexport_cli.ranking import Constraints
    from tokenexport_cli.render.cost import recommendation_view

    check_format(output_format, FORMATS)
    constraints = Constraints(
        min_context=min_context,
        max_monthly=parse_decimal(max_monthly, "--max-monthly"),
        minimums=parse_pairs(minimum, "--min"),
        open_weights=open_weights,
        origins=tuple(o.upper() for o in split_values(origin)),
        exclude_origins=tuple(o.upper() for o in split_values(exclude_origin)),
        path_kinds=split_values(path),
        providers=split_values(provider),
        regions=split_values(region),
        billing_countries=tuple(c.upper() for c in split_values(billing_country)),
    )
    request = RecommendRequest(
        catalog=catalog_choice(catalog_version, as_of, catalog),
        workload=workload_choice(
            workload,
            input_files,
            input_tokens,
            output_tokens,
            requests_per_day,
            requests_per_month,
            batch_fraction,
        ),
        pricing=pricing_choice(currency, fx, long_inputs),
        constraints=constraints,
        objective=objective,  # type: ignore[arg-type]  # the core checks it
        weights=parse_pairs(weight, "--weight") or None,
        harnesses=_pairs_text(harness),
    )
    rec = call(recommend, request)
    print_warnings(rec.estimate.warnings)
    if chart:
        print_chart(rec.ranked, top, rec.estimate.currency, output_format, output)
        return
    emit(recommendation_view(rec, explain, top), output_format, output, quiet)


def _pairs_text(values: list[str] | None) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in split_values(values):
        name, _, value = item.partition("=")
        if not name or not value:
            raise UsageError(f"--harness: expected BENCHMARK=HARNESS, got '{item}'")
        pairs[name] = value
    return pairs


@handle_errors
def schema_command(
    output: OutputOption = None,
) -> None:
    """Print the JSON Schema of tokx's --format json output (estimate, recommend, check)."""
    from tokenexport_cli.render.json_schema import schema_text
    from tokenexport_cli.render.output import write_output

    write_output(schema_text(), output)
