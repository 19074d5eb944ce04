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
    check_format,
    error,
    handle_errors,
    parse_date,
    write_stdout,
)
from tokenexport_cli.cli.complete import complete_model
from tokenexport_cli.errors import UsageError
from tokenexport_cli.render.output import FORMATS, emit

if TYPE_CHECKING:
    from tokenexport_cli.catalog import CatalogIndex

app = typer.Typer(
    help="Browse, validate and list versions of the price catalog.", no_args_is_help=True
)


def _index(version: str | None, as_of: str | None, overlays: list[Path] | None) -> CatalogIndex:
    from tokenexport_cli.catalog import CatalogIndex, load_catalog

    catalog = load_catalog(version, tuple(overlays or ()), parse_date(as_of, "--as-of"))
    return CatalogIndex(catalog)


def _print(renderables: object) -> None:
    from tokenexport_cli.render.text import console

    out = console()
    for item in renderables if isinstance(renderables, list) else [renderables]:
        out.print(item)


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
    from tokenexport_cli.render.catalog import models_json, models_table
    from tokenexport_cli.schema import PATH_KINDS

    check_format(output_format, FORMATS)
    if path is not None and path not in PATH_KINDS:
        raise UsageError(
            f"--path: unknown path kind '{path}' (choose from {', '.join(PATH_KINDS)})"
        )
    index = _index(catalog_version, as_of, catalog)
    models = [
        model
        for model in index.catalog.models
        if (vendor is None or model.vendor.lower() == vendor.lower())
        and (origin is None or model.origin == origin.upper())
        and (path is None or path in index.path_kinds(model.id))
        and (open_weights is None or model.open_weights == open_weights)
    ]
    models.sort(key=lambda m: m.id)
    emit(
        output_format,
        json_text=lambda: models_json(models, index),
        key="models",
        title=f"Models in catalog {index.catalog.version}",
        renderables=lambda: [models_table(models, index)],
        output=output,
        quiet=quiet,
    )


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
    from tokenexport_cli.render.catalog import model_show_json, model_show_table

    check_format(output_format, FORMATS)
    index = _index(catalog_version, as_of, catalog)
    found = index.model(model)
    emit(
        output_format,
        json_text=lambda: model_show_json(found, index),
        key="offers",
        title=f"Offers of {found.id}",
        renderables=lambda: model_show_table(found, index),
        output=output,
        quiet=quiet,
    )


@app.command("validate")
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
    from tokenexport_cli.catalog import CatalogInvalid, load_path
    from tokenexport_cli.catalog.load import compile_catalog, read_files
    from tokenexport_cli.catalog.locate import resolve_version
    from tokenexport_cli.errors import TokxError

    try:
        if path is not None and path.is_dir():
            catalog = load_path(path)
            what = str(path)
        else:
            version = resolve_version(catalog_version, parse_date(as_of, "--as-of"))
            overlays = (path,) if path is not None else ()
            catalog = compile_catalog(read_files(version, overlays), version.name)
            what = (
                f"{path} (overlay on catalog {version.name})" if path else f"catalog {version.name}"
            )
    except CatalogInvalid as exc:
        for problem in exc.problems:
            error(problem)
        sys.stderr.write(f"tokx: {len(exc.problems)} problem(s) found\n")
        raise typer.Exit(3) from None
    except TokxError as exc:
        error(exc.message)
        raise typer.Exit(exc.exit_code) from None
    write_stdout(
        f"ok: {what}: {len(catalog.models)} models, {len(catalog.providers)} providers, "
        f"{len(catalog.offers)} offers, {len(catalog.benchmarks)} benchmarks"
    )


@app.command("versions")
@handle_errors
def versions(
    output_format: FormatOption = "table",
    output: OutputOption = None,
    quiet: QuietOption = False,
) -> None:
    """List the catalog versions: bundled with tokx and synced into your data directory."""
    from tokenexport_cli.catalog import list_versions, resolve_version
    from tokenexport_cli.render.catalog import versions_json, versions_table

    check_format(output_format, FORMATS)
    found = list_versions()
    default = resolve_version().name
    emit(
        output_format,
        json_text=lambda: versions_json(found, default),
        key="versions",
        title="Catalog versions",
        renderables=lambda: [versions_table(found, default)],
        output=output,
        quiet=quiet,
    )
