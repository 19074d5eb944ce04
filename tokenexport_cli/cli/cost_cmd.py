"""``tokx estimate`` and ``tokx recommend``: price a workload everywhere, then rank."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

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
    pricing_choice,
    split_values,
)
from tokenexport_cli.cli.contract import handle_errors
from tokenexport_cli.cli.options import (
    ChartOption,
    Currency,
    FxOption,
    LongInputs,
    Models,
    Paths,
    Providers,
)
from tokenexport_cli.cli.ranking_group import RankingFlags, ranking_options
from tokenexport_cli.cli.workload_group import WorkloadFlags, workload_options
from tokenexport_cli.errors import UsageError
from tokenexport_cli.render.output import FORMATS, emit

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tokenexport_cli.pricing.estimate import Estimate
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
    rows = chart_rows(ranked, limit)
    write_output(
        cost_chart(
            rows,
            currency,
            default_width(),
            ascii_only=True if to_file else None,
            more=len(ranked) - len(rows),
        ),
        output,
    )


def print_warnings(warnings: Sequence[InputWarning]) -> None:
    """The workload's input warnings on stderr, as ``workload show`` prints them."""
    from tokenexport_cli.cli.common import warn_inputs

    warn_inputs(warnings)


def register(app: typer.Typer) -> None:
    app.command("estimate")(estimate_command)
    app.command("recommend")(recommend_command)
    app.command("schema")(schema_command)


@handle_errors
@workload_options()
def estimate_command(
    workload_flags: WorkloadFlags,
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
        bool, typer.Option("--all", help="Show every row, not just the first --top.")
    ] = False,
    top: Annotated[
        int, typer.Option("--top", help="How many rows to show (the table and --chart).")
    ] = 30,
    explain: Annotated[
        bool, typer.Option("--explain", help="List every excluded candidate with the reason.")
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
    """Monthly cost of a workload on every model and delivery path, cheapest first.

    An offer whose prices are published only for shorter prompts or responses than the
    workload's (README: "Prices not published for long requests") is left out with a counted
    reason, unless -m and --provider name it: its cost then shows as a lower bound (≥).
    """
    from tokenexport_cli.api.cost import EstimateRequest, estimate
    from tokenexport_cli.render.cost import estimate_view

    check_format(output_format, FORMATS)
    if top < 1:
        raise UsageError(f"--top: expected at least 1, got {top}")
    limit = None if show_all else top
    request = EstimateRequest(
        catalog=catalog_choice(catalog_version, as_of, catalog),
        workload=workload_flags.choice(),
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
    if chart and result.lines:
        print_chart(found.ranked, limit, result.currency, output_format, output)
        return
    if result.lines or output_format != "table":  # JSON/CSV keep the exclusions for machines
        emit(estimate_view(result, breakdown, series, limit, explain), output_format, output, quiet)
    if not result.lines:
        explain_empty(result, explain)


def explain_empty(result: Estimate, explain: bool) -> NoReturn:
    """Nothing could be priced: say why on stderr (every exclusion with --explain), exit 5."""
    from tokenexport_cli.api.cost import exclusion_summary
    from tokenexport_cli.errors import NoCandidates

    if explain:
        for item in result.exclusions:
            sys.stderr.write(f"tokx: excluded: {item.model} via {item.provider}: {item.reason}\n")
        for unpriced in result.unpriced:
            sys.stderr.write(f"tokx: excluded: {unpriced.model}: {unpriced.reason}\n")
    hint = "" if explain else "; --explain lists them"
    raise NoCandidates(f"no candidate left to price: {exclusion_summary(result)}{hint}")


@handle_errors
@workload_options()
@ranking_options()
def recommend_command(
    workload_flags: WorkloadFlags,
    ranking_flags: RankingFlags,
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
    """Rank models and paths for a workload under constraints, and explain the choice.

    Offers whose prices are published only for shorter prompts or responses than the
    workload's are never ranked: they are left out, counted and named.
    """
    from tokenexport_cli.api.cost import recommend
    from tokenexport_cli.render.cost import recommendation_view

    check_format(output_format, FORMATS)
    request = ranking_flags.request(
        catalog_choice(catalog_version, as_of, catalog),
        workload_flags.choice(),
        pricing_choice(currency, fx, long_inputs),
    )
    rec = call(recommend, request)
    print_warnings(rec.estimate.warnings)
    if chart:
        print_chart(rec.ranked, top, rec.estimate.currency, output_format, output)
        return
    emit(recommendation_view(rec, explain, top), output_format, output, quiet)


@handle_errors
def schema_command(
    output: OutputOption = None,
) -> None:
    """Print the JSON Schema of tokx's --format json output (estimate, recommend, check)."""
    from tokenexport_cli.render.json_schema import schema_text
    from tokenexport_cli.render.output import write_output

    write_output(schema_text(), output)
