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
    warn_inputs,
)
from tokenexport_cli.cli.contract import handle_errors
from tokenexport_cli.cli.options import (
    Currency,
    FxOption,
    LongInputs,
    Models,
)
from tokenexport_cli.cli.ranking_group import RankingFlags, ranking_options
from tokenexport_cli.cli.workload_group import WorkloadFlags, workload_options


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)


@handle_errors
@workload_options()
@ranking_options()
def report_command(
    workload_flags: WorkloadFlags,
    model: Models = None,
    ranking_flags: RankingFlags = RankingFlags(),
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
    from tokenexport_cli.api.report import ReportRequest, report
    from tokenexport_cli.render.output import write_output
    from tokenexport_cli.render.report_html import render_report

    ranking = ranking_flags.request(
        catalog_choice(catalog_version, as_of, catalog),
        workload_flags.choice(),
        pricing_choice(currency, fx, long_inputs),
    )
    request = ReportRequest(recommend=ranking, models=split_values(model), top_models=top)
    made = call(report, request)
    warn_inputs(made.recommendation.estimate.warnings)
    html = render_report(made)
    write_output(html, None if output == "-" else Path(output))
    if output != "-":
        sys.stderr.write(f"tokx: wrote {output} ({len(html.encode()) // 1024 + 1} KB)\n")
