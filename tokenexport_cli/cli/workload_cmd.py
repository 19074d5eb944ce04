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
    check_format,
    handle_errors,
    parse_date,
    split_values,
)
from tokenexport_cli.render.output import FORMATS, emit

app = typer.Typer(help="Inspect workload files.", no_args_is_help=True)
DEFAULT_FAMILIES = ("o200k_base", "cl100k_base", "qwen", "deepseek-v3")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="workload")
    root.command("calibrate")(calibrate_command)


def _warn_all(warnings: tuple[object, ...]) -> None:
    for warning in warnings:
        sys.stderr.write(
            f"tokx: warning: {getattr(warning, 'source', '')}: "
            f"{getattr(warning, 'message', warning)}\n"
        )


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
    from tokenexport_cli.catalog import CatalogIndex, load_catalog
    from tokenexport_cli.render.workload import workload_json, workload_table
    from tokenexport_cli.tokens.cache import CountCache
    from tokenexport_cli.tokens.families import family_spec
    from tokenexport_cli.tokens.workload_counts import count_workload
    from tokenexport_cli.workload import load_workload

    check_format(output_format, FORMATS)
    index = CatalogIndex(
        load_catalog(catalog_version, tuple(catalog or ()), parse_date(as_of, "--as-of"))
    )
    loaded = load_workload(workload)
    names = list(split_values(tokenizer) or DEFAULT_FAMILIES)
    names += [index.model(name).tokenizer for name in split_values(model)]
    specs = [family_spec(index, name) for name in dict.fromkeys(names)]
    with CountCache() as cache:
        counts = [count_workload(loaded, spec, cache=cache) for spec in specs]
    _warn_all(counts[0].warnings)
    emit(
        output_format,
        json_text=lambda: workload_json(loaded, counts, index.catalog.version),
        key="families",
        title=f"Workload {loaded.name}",
        renderables=lambda: workload_table(loaded, counts),
        output=output,
        quiet=quiet,
    )


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
    from tokenexport_cli.catalog import CatalogIndex, load_catalog
    from tokenexport_cli.render.workload import calibration_json, calibration_table
    from tokenexport_cli.tokens.families import family_spec
    from tokenexport_cli.tokens.workload_counts import request_tokens
    from tokenexport_cli.workload.calibrate import calibrate_log, calibration_path, save_calibration
    from tokenexport_cli.workload.request import Request

    check_format(output_format, FORMATS)
    index = CatalogIndex(
        load_catalog(catalog_version, tuple(catalog or ()), parse_date(as_of, "--as-of"))
    )

    def resolve(name: str) -> str | None:
        found = index.find_model(name)
        return found.id if found else None

    def family_of(model_id: str) -> str:
        return index.models[model_id].tokenizer

    def count(request: Request) -> int:
        model_id = resolve(request.model or "")
        assert model_id is not None
        return request_tokens(request, family_spec(index, family_of(model_id)))

    result = calibrate_log(log, count, resolve_model=resolve, family_of=family_of)
    _warn_all(result.warnings)
    for reason, number in result.skipped.items():
        sys.stderr.write(f"tokx: warning: {log}: {number} request(s) skipped: {reason}\n")
    if not dry_run:
        save_calibration(result.calibration)
        sys.stderr.write(
            f"tokx: saved calibration for {len(result.calibration.models)} "
            f"model(s) to {calibration_path()}\n"
        )
    emit(
        output_format,
        json_text=lambda: calibration_json(result.calibration),
        key="fits",
        title="Calibration",
        renderables=lambda: [calibration_table(result.calibration)],
        output=output,
        quiet=quiet,
    )
