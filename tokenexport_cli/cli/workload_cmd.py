"""``tokx workload show`` (token statistics per family) and ``tokx calibrate LOG``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

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
    split_values,
    warn,
    warn_inputs,
)
from tokenexport_cli.cli.contract import handle_errors
from tokenexport_cli.render.output import FORMATS, emit

app = typer.Typer(help="Inspect workload files.", no_args_is_help=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="workload")
    root.command("calibrate")(calibrate_command)


@app.command("show")
@handle_errors
def show_command(
    workload: Annotated[Path, typer.Argument(help="Workload YAML file.")],
    tokenizer: Annotated[
        list[str] | None,
        typer.Option(
            "--tokenizer",
            "-t",
            help="Families to count with (default: o200k_base, cl100k_base, qwen, deepseek-v3).",
            show_default=False,
        ),
    ] = None,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model", "-m", help="Also count with these models' families.", show_default=False
        ),
    ] = None,
    output_format: FormatOption = "table",
    output: OutputOption = None,
    quiet: QuietOption = False,
    catalog_version: CatalogVersionOption = None,
    as_of: AsOfOption = None,
    catalog: OverlayOption = None,
) -> None:
    """A workload's volume, traffic and token statistics per tokenizer family."""
    from tokenexport_cli.api.tokens import WorkloadShowRequest, show_workload
    from tokenexport_cli.render.workload import workload_view

    check_format(output_format, FORMATS)
    request = WorkloadShowRequest(
        workload=workload,
        catalog=catalog_choice(catalog_version, as_of, catalog),
        families=split_values(tokenizer),
        models=split_values(model),
    )
    found = call(show_workload, request)
    loaded, counts = found.workload, list(found.counts)
    warn_inputs(counts[0].warnings)
    emit(workload_view(loaded, counts, found.catalog_version), output_format, output, quiet)


@handle_errors
def calibrate_command(
    log: Annotated[
        Path,
        typer.Argument(
            help="Chat JSONL usage log: messages, model and usage.prompt_tokens per line."
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Fit and print, but do not save.")
    ] = False,
    output_format: FormatOption = "table",
    output: OutputOption = None,
    quiet: QuietOption = False,
    catalog_version: CatalogVersionOption = None,
    as_of: AsOfOption = None,
    catalog: OverlayOption = None,
) -> None:
    """Fit, per model, the ratio between API-reported prompt tokens and tokx's local count, and
    save it to your config directory; estimates use it from then on."""
    from tokenexport_cli.api.tokens import CalibrateRequest, calibrate
    from tokenexport_cli.render.workload import calibration_view

    check_format(output_format, FORMATS)
    request = CalibrateRequest(
        log=log, catalog=catalog_choice(catalog_version, as_of, catalog), save=not dry_run
    )
    found = call(calibrate, request)
    result = found.run
    warn_inputs(result.warnings)
    for reason, number in result.skipped.items():
        warn(f"{log}: {number} request(s) skipped: {reason}")
    if found.saved_to is not None:
        sys.stderr.write(
            f"tokx: saved calibration for {len(result.calibration.models)} "
            f"model(s) to {found.saved_to}\n"
        )
    emit(calibration_view(result.calibration), output_format, output, quiet)
