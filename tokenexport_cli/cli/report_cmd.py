"""``tokx report``: price a workload, rank it for value and write the shareable HTML report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tokenexport_cli.cli.common import (
    AsOfOption,
    CatalogVersionOption,
    OverlayOption,
    call,
    catalog_choice,
    parse_pairs,
    pricing_choice,
    split_values,
    warn_inputs,
)
from tokenexport_cli.cli.contract import handle_errors
from tokenexport_cli.cli.options import (
    BillingCountries,
    Currency,
    ExcludeOrigins,
    FxOption,
    Harnesses,
    LongInputs,
    MaxMonthly,
    MinContext,
    Minimums,
    Models,
    ObjectiveOption,
    OpenWeights,
    Origins,
    Paths,
    Providers,
    Regions,
    Weights,
    constraints_from_flags,
    harness_pairs,
)
from tokenexport_cli.cli.workload_group import WorkloadFlags, workload_options


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)


@handle_errors
@workload_options()
def report_command(
    workload_flags: WorkloadFlags,
    model: Models = None,
    objective: ObjectiveOption = "cheapest",
    min_context: MinContext = None,
    max_monthly: MaxMonthly = None,
    minimum: Minimums = None,
    weight: Weights = None,
    harness: Harnesses = None,
    open_weights: OpenWeights = None,
    origin: Origins = None,
    exclude_origin: ExcludeOrigins = None,
    path: Paths = None,
    provider: Providers = None,
    region: Regions = None,
    billing_country: BillingCountries = None,
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
    delivery paths, exclusions and sources. It loads nothing when opened, and prints well.

    It ranks exactly as ``tokx recommend`` does with the same flags, so it makes the same pick."""
    from tokenexport_cli.api.cost import RecommendRequest
    from tokenexport_cli.api.report import ReportRequest, report
    from tokenexport_cli.render.output import write_output
    from tokenexport_cli.render.report_html import render_report

    ranking = RecommendRequest(
        catalog=catalog_choice(catalog_version, as_of, catalog),
        workload=workload_flags.choice(),
        pricing=pricing_choice(currency, fx, long_inputs),
        constraints=constraints_from_flags(
            min_context,
            max_monthly,
            minimum,
            open_weights,
            origin,
            exclude_origin,
            path,
            provider,
            region,
            billing_country,
        ),
        objective=objective,  # type: ignore[arg-type]  # the core checks it
        weights=parse_pairs(weight, "--weight") or None,
        harnesses=harness_pairs(harness),
    )
    request = ReportRequest(recommend=ranking, models=split_values(model), top_models=top)
    made = call(report, request)
    warn_inputs(made.recommendation.estimate.warnings)
    html = render_report(made)
    write_output(html, None if output == "-" else Path(output))
    if output != "-":
        sys.stderr.write(f"tokx: wrote {output} ({len(html.encode()) // 1024 + 1} KB)\n")
