"""``tokx catalog import|sync|diff``: bring external prices into catalog versions and compare them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tokenexport_cli.cli.common import (
    AsOfOption,
    CatalogVersionOption,
    FormatOption,
    catalog_choice,
    check_format,
    parse_date,
    write_stdout,
)
from tokenexport_cli.cli.contract import handle_errors
from tokenexport_cli.errors import UsageError

if TYPE_CHECKING:
    from tokenexport_cli.catalog.importers.pipeline import ImportResult

FORMAT_NAMES = "openrouter, litellm, genai-prices, models-dev"

AddModelsOption = Annotated[
    bool,
    typer.Option(
        "--add-models",
        help="Write entries that match no catalog model as new models (origin and tokenizer "
        "unknown) instead of only reporting them.",
    ),
]
TargetOption = Annotated[
    Path | None,
    typer.Option(
        "--to",
        help="Write an overlay file (PATH ending in .yaml/.yml) or a version folder at PATH, "
        "instead of a new version in your data directory.",
        show_default=False,
    ),
]
AsVersionOption = Annotated[
    str | None,
    typer.Option(
        "--as-version",
        help="Name of the new catalog version in your data directory "
        "(default: DATE.FORMAT, e.g. 2026-11-23.openrouter).",
        show_default=False,
    ),
]
DiffFormatOption = Annotated[
    str,
    typer.Option(
        "--format", "-f", envvar="TOKX_FORMAT", help="Output format: table, json or markdown."
    ),
]


def _check_target(output: Path | None, as_version: str | None) -> None:
    if output is not None and as_version is not None:
        raise UsageError("give either --to or --as-version, not both")


def _report(result: ImportResult, output_format: str) -> None:
    from tokenexport_cli.render.catalog_import import report_json, report_table

    write_stdout(report_json(result) if output_format == "json" else report_table(result))


def import_catalog(
    source_format: Annotated[str, typer.Argument(metavar="FORMAT", help=f"One of {FORMAT_NAMES}.")],
    source: Annotated[
        Path,
        typer.Argument(
            help="The file (JSON, or a genai-prices YAML) or folder (genai-prices providers/, "
            "models.dev checkout) to import."
        ),
    ],
    add_models: AddModelsOption = False,
    output: TargetOption = None,
    as_version: AsVersionOption = None,
    retrieved: Annotated[
        str | None,
        typer.Option(
            help="When the file was retrieved (YYYY-MM-DD; default: its modification time). "
            "Becomes the as_of of every imported price.",
            show_default=False,
        ),
    ] = None,
    output_format: FormatOption = "table",
    catalog_version: CatalogVersionOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Import a price file in another format as a new catalog version (or an overlay)."""
    from tokenexport_cli.api.catalog import ImportRequest, import_prices

    check_format(output_format, ("table", "json"))
    _check_target(output, as_version)
    request = ImportRequest(
        source_format=source_format,
        source=source,
        retrieved=parse_date(retrieved, "--retrieved"),
        output=output,
        as_version=as_version,
        base=catalog_choice(catalog_version, as_of, None),
        add_models=add_models,
    )
    _report(import_prices(request), output_format)


def sync(
    source_name: Annotated[
        str,
        typer.Argument(
            metavar="SOURCE",
            help=f"One of {FORMAT_NAMES}; fetched from TOKX_<SOURCE>_URL or the public URL.",
        ),
    ],
    add_models: AddModelsOption = False,
    output: TargetOption = None,
    as_version: AsVersionOption = None,
    allow_http: Annotated[
        bool,
        typer.Option(
            "--allow-http",
            envvar="TOKX_SYNC_ALLOW_HTTP",
            help="Allow a plain-http source URL (a local mirror); redirects to http are never followed.",
        ),
    ] = False,
    timeout: Annotated[
        float,
        typer.Option(
            envvar="TOKX_SYNC_TIMEOUT",
            help="Seconds per connect/read (at most 3600); one attempt may take 4x this in all.",
        ),
    ] = 30.0,
    retries: Annotated[
        int,
        typer.Option(envvar="TOKX_SYNC_RETRIES", help="Retries on HTTP 429 and 5xx, with backoff."),
    ] = 3,
    max_bytes: Annotated[
        int,
        typer.Option(envvar="TOKX_SYNC_MAX_BYTES", help="Largest response accepted, in bytes."),
    ] = 64 * 1024 * 1024,
    output_format: FormatOption = "table",
    catalog_version: CatalogVersionOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Fetch current prices from a public source and import them as a new catalog version."""
    from tokenexport_cli.api.catalog import ImportRequest, import_prices
    from tokenexport_cli.sync import FetchPolicy

    check_format(output_format, ("table", "json"))
    _check_target(output, as_version)
    if timeout <= 0 or retries < 0 or max_bytes <= 0:
        raise UsageError("--timeout and --max-bytes must be positive, --retries not negative")
    request = ImportRequest(
        source_format=source_name,
        policy=FetchPolicy(
            timeout=timeout, retries=retries, max_bytes=max_bytes, allow_http=allow_http
        ),
        output=output,
        as_version=as_version,
        base=catalog_choice(catalog_version, as_of, None),
        add_models=add_models,
    )
    _report(import_prices(request), output_format)


def diff(
    old: Annotated[str, typer.Argument(help="Catalog version name or path to a version folder.")],
    new: Annotated[
        str | None,
        typer.Argument(
            help="Version name or folder (default: the newest version).", show_default=False
        ),
    ] = None,
    output_format: DiffFormatOption = "table",
) -> None:
    """Show added and removed models and offers, and every price change, between two catalogs."""
    from tokenexport_cli.api.catalog import diff_versions
    from tokenexport_cli.render.catalog_diff import to_json, to_markdown, to_table

    check_format(output_format, ("table", "json", "markdown"))
    result = diff_versions(old, new)
    renderers = {"json": to_json, "markdown": to_markdown, "table": to_table}
    write_stdout(renderers[output_format](result))


def register(app: typer.Typer) -> None:
    """Add ``import``, ``sync`` and ``diff`` to the ``tokx catalog`` sub-app."""
    app.command("import")(handle_errors(import_catalog))
    app.command("sync")(handle_errors(sync))
    app.command("diff")(handle_errors(diff))
