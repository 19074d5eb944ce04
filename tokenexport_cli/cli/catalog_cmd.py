"""``tokx catalog ...``: list, show, validate and version listing of price catalogs."""

from __future__ import annotations

import sys
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
    write_stdout,
)
from tokenexport_cli.cli.complete import complete_model
from tokenexport_cli.cli.contract import error, handle_errors
from tokenexport_cli.render.output import FORMATS, emit

if TYPE_CHECKING:
    pass

app = typer.Typer(
    help="Browse, validate and list versions of the price catalog.", no_args_is_help=True
)


@app.command("list")
@handle_errors
def list_models(
    vendor: Annotated[str | None, typer.Option(help="Only models of this vendor.")] = None,
    origin: Annotated[
        str | None, typer.Option(help="Only models from this country (ISO code, e.g. CN).")
    ] = None,
    path: Annotated[
        str | None,
        typer.Option(
            help="Only models offered on this path kind: direct, aggregator, platform, hyperscaler, selfhost."
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
    output_format: FormatOption = "table",
    output: OutputOption = None,
    quiet: QuietOption = False,
    catalog_version: CatalogVersionOption = None,
    as_of: AsOfOption = None,
    catalog: OverlayOption = None,
) -> None:
    """List the models in the catalog."""
    from tokenexport_cli.api.catalog import ListRequest, list_models
    from tokenexport_cli.render.catalog import models_view

    check_format(output_format, FORMATS)
    request = ListRequest(
        catalog=catalog_choice(catalog_version, as_of, catalog),
        vendor=vendor,
        origin=origin,
        path_kind=path,
        open_weights=open_weights,
    )
    found = call(list_models, request)
    models, index = list(found.models), found.index
    emit(models_view(models, index), output_format, output, quiet)


@app.command("show")
@handle_errors
def show(
    model: Annotated[
        str,
        typer.Argument(
            help="Model id or alias, e.g. deepseek-v3.2.", autocompletion=complete_model
        ),
    ],
    output_format: FormatOption = "table",
    output: OutputOption = None,
    quiet: QuietOption = False,
    catalog_version: CatalogVersionOption = None,
    as_of: AsOfOption = None,
    catalog: OverlayOption = None,
) -> None:
    """Show one model: its facts, every offer across delivery paths, benchmarks and sources."""
    from tokenexport_cli.api.catalog import show_model
    from tokenexport_cli.render.catalog import model_show_view

    check_format(output_format, FORMATS)
    shown = show_model(model, catalog_choice(catalog_version, as_of, catalog))
    found, index = shown.model, shown.index
    emit(model_show_view(found, index), output_format, output, quiet)


@app.command("validate")
@handle_errors
def validate(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="A catalog version folder or an overlay file (default: the selected bundled version).",
            show_default=False,
        ),
    ] = None,
    catalog_version: CatalogVersionOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Validate a catalog version or an overlay file; exit 0 when valid, 3 when not."""
    from tokenexport_cli.api.catalog import validate as validate_catalog
    from tokenexport_cli.errors import exit_code_for
    from tokenexport_cli.validation import Invalid

    found = validate_catalog(path, catalog_choice(catalog_version, as_of, None))
    if found.problems:
        for problem in found.problems:
            error(problem)
        sys.stderr.write(f"tokx: {len(found.problems)} problem(s) found\n")
        raise typer.Exit(exit_code_for(Invalid(list(found.problems))))
    write_stdout(
        f"ok: {found.what}: {found.models} models, {found.providers} providers, "
        f"{found.offers} offers, {found.benchmarks} benchmarks"
    )


@app.command("versions")
@handle_errors
def versions(
    output_format: FormatOption = "table",
    output: OutputOption = None,
    quiet: QuietOption = False,
) -> None:
    """List the catalog versions: bundled with tokx and synced into your data directory."""
    from tokenexport_cli.api.catalog import versions as catalog_versions
    from tokenexport_cli.render.catalog import versions_view

    check_format(output_format, FORMATS)
    found = catalog_versions()
    emit(versions_view(list(found.versions), found.default), output_format, output, quiet)
