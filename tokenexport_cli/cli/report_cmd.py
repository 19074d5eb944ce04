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
    pricing_choice,
    split_values,
    workload_choice,
)
from tokenexport_cli.cli.contract import handle_errors
from tokenexport_cli.cli.options import (
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
)


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)


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
    from tokenexport_cli.api.report import ReportRequest, report
    from tokenexport_cli.render.output import write_output
    from tokenexport_cli.render.report_html import render_report

    request = ReportRequest(
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
        top_models=top,
    )
    made = call(report, request)
    for warning in made.recommendation.estimate.warnings:
        sys.stderr.write(f"tokx: warning: {warning.source}: {warning.message}\n")
    html = render_report(made)
    write_output(html, None if output == "-" else Path(output))
    if output != "-":
        sys.stderr.write(f"tokx: wrote {output} ({len(html.encode()) // 1024 + 1} KB)\n")
