"""``tokx estimate`` and ``tokx recommend``: price a workload everywhere, then rank."""

from __future__ import annotations

from dataclasses import dataclass, replace
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
    check_format,
    handle_errors,
    parse_date,
    parse_decimal,
    parse_pairs,
    split_values,
)
from tokenexport_cli.cli.complete import (
    complete_benchmark,
    complete_currency,
    complete_model,
    complete_path_kind,
    complete_provider,
)
from tokenexport_cli.errors import UsageError
from tokenexport_cli.pricing.estimate import check_path_kinds
from tokenexport_cli.render.output import FORMATS, emit

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tokenexport_cli.catalog import CatalogIndex
    from tokenexport_cli.pricing.engine import PricingOptions
    from tokenexport_cli.pricing.estimate import Estimate
    from tokenexport_cli.pricing.fx import Fx
    from tokenexport_cli.ranking import Ranked
    from tokenexport_cli.usage import UsageSource

ChartOption = Annotated[
    bool,
    typer.Option(
        "--chart",
        help="Bar chart of monthly cost instead of the table (log scale past 100x); "
        "* marks the Pareto frontier.",
    ),
]
WorkloadArg = Annotated[
    Path | None,
    typer.Argument(help="Workload YAML file (or use the quick flags below).", show_default=False),
]
InputTokens = Annotated[
    int | None,
    typer.Option(
        "--input-tokens", help="Quick form: input tokens per request.", show_default=False
    ),
]
OutputTokens = Annotated[
    int | None,
    typer.Option(
        "--output-tokens",
        help="Output tokens per request (quick form, or overrides the workload).",
        show_default=False,
    ),
]
InputFiles = Annotated[
    list[Path] | None,
    typer.Option(
        "--input",
        "-i",
        help="Quick form: sample request files, folders or globs (one file = one "
        "request); counted with each model's tokenizer.",
        show_default=False,
    ),
]
PerDay = Annotated[
    str | None,
    typer.Option(
        "--requests-per-day", help="Quick form: request volume per day.", show_default=False
    ),
]
PerMonth = Annotated[
    str | None,
    typer.Option(
        "--requests-per-month", help="Quick form: request volume per month.", show_default=False
    ),
]
BatchFraction = Annotated[
    str | None,
    typer.Option(
        "--batch-fraction",
        help="Quick form: share of requests that can use batch APIs (0-1).",
        show_default=False,
    ),
]
Currency = Annotated[
    str,
    typer.Option(
        "--currency",
        envvar="TOKX_CURRENCY",
        help="Currency of the results (USD, CNY, ...).",
        autocompletion=complete_currency,
    ),
]
FxOption = Annotated[
    list[str] | None,
    typer.Option(
        "--fx",
        envvar="TOKX_FX",
        help="Override an exchange rate, units per USD: --fx CNY=6.9.",
        show_default=False,
    ),
]
LongInputs = Annotated[
    str,
    typer.Option(
        "--long-inputs",
        envvar="TOKX_LONG_INPUTS",
        help="Requests that exceed a context window: 'exclude' the model, or 'split' into chunk "
        "calls plus a combining call.",
    ),
]
Models = Annotated[
    list[str] | None,
    typer.Option(
        "--model",
        "-m",
        help="Only these models (ids or aliases; repeat or comma-separate).",
        show_default=False,
        autocompletion=complete_model,
    ),
]
Providers = Annotated[
    list[str] | None,
    typer.Option(
        "--provider",
        help="Only these providers (repeat or comma-separate).",
        show_default=False,
        autocompletion=complete_provider,
    ),
]
Paths = Annotated[
    list[str] | None,
    typer.Option(
        "--path",
        help="Only these path kinds: direct, aggregator, platform, hyperscaler, selfhost.",
        show_default=False,
        autocompletion=complete_path_kind,
    ),
]


@dataclass(frozen=True)
class CostContext:
    index: CatalogIndex
    usage: UsageSource
    fx: Fx
    options: PricingOptions


def build_context(
    workload: Path | None,
    input_files: list[Path] | None,
    input_tokens: int | None,
    output_tokens: int | None,
    per_day: str | None,
    per_month: str | None,
    batch_fraction: str | None,
    currency: str,
    fx_values: list[str] | None,
    long_inputs: str,
    catalog_version: str | None,
    as_of: str | None,
    overlays: list[Path] | None,
) -> CostContext:
    from tokenexport_cli.catalog import CatalogIndex, load_catalog
    from tokenexport_cli.pricing.engine import PricingOptions
    from tokenexport_cli.pricing.fx import Fx, parse_fx
    from tokenexport_cli.usage import QuickSpec, usage_source

    if long_inputs not in ("exclude", "split"):
        raise UsageError(f"--long-inputs: expected 'exclude' or 'split', got '{long_inputs}'")
    index = CatalogIndex(
        load_catalog(catalog_version, tuple(overlays or ()), parse_date(as_of, "--as-of"))
    )
    fx = Fx(index.catalog.fx, parse_fx(list(fx_values or [])))
    options = PricingOptions(currency=currency.upper(), long_inputs=long_inputs)
    fx.rate("USD", options.currency)  # unknown output currency fails before any work
    quick = QuickSpec(
        input_files=tuple(input_files or ()),
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        requests_per_day=parse_decimal(per_day, "--requests-per-day"),
        requests_per_month=parse_decimal(per_month, "--requests-per-month"),
        batch_fraction=parse_decimal(batch_fraction, "--batch-fraction"),
    )
    return CostContext(index, usage_source(index, workload, quick), fx, options)


def run_estimate(
    context: CostContext,
    models: tuple[str, ...],
    providers: tuple[str, ...],
    paths: tuple[str, ...],
    include_selfhost: bool = True,
) -> Estimate:
    from tokenexport_cli.pricing.estimate import Selection, estimate

    check_path_kinds(paths)
    selection = Selection(
        models=models, providers=providers, path_kinds=paths, include_selfhost=include_selfhost
    )
    result = estimate(
        context.index, context.usage.usage_for, selection, context.fx, context.options
    )
    return replace(result, workload_digest=context.usage.digest())


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
    from tokenexport_cli.pricing.estimate import projection
    from tokenexport_cli.render.cost import estimate_json, estimate_table

    check_format(output_format, FORMATS)
    if months is not None and not 1 <= months <= 120:
        raise UsageError(f"--months: expected 1 to 120, got {months}")
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
    growth = context.usage.growth_percent
    series = [projection(line.monthly, growth, months) for line in result.lines] if months else None
    if chart:
        from tokenexport_cli.ranking import Constraints, recommend

        ranked = recommend(context.index, result, Constraints(), "cheapest").ranked
        print_chart(ranked, None if show_all else 30, result.currency, output_format, output)
        return
    emit(
        output_format,
        json_text=lambda: estimate_json(result, series),
        key="lines",
        title=f"Monthly cost (catalog {result.catalog_version}, {result.currency})",
        renderables=lambda: estimate_table(result, breakdown, series, None if show_all else 30),
        output=output,
        quiet=quiet,
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
    from tokenexport_cli.ranking import Constraints, recommend
    from tokenexport_cli.render.cost import recommendation_json, recommendation_table

    check_format(output_format, FORMATS)
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
    result = run_estimate(context, (), (), ())
    pinned = {name: str(value) for name, value in _pairs_text(harness).items()}
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
    check_path_kinds(constraints.path_kinds)
    for name in constraints.providers:
        context.index.provider(name)
    weights = parse_pairs(weight, "--weight") or None
    rec = recommend(context.index, result, constraints, objective, weights, pinned)
    if chart:
        print_chart(rec.ranked, top, rec.estimate.currency, output_format, output)
        return
    emit(
        output_format,
        json_text=lambda: recommendation_json(rec),
        key="ranked",
        title=f"Recommendation ({rec.objective})",
        renderables=lambda: recommendation_table(rec, explain, top),
        output=output,
        quiet=quiet,
    )


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
