"""``tokx tokens``: count tokens of files, folders, globs or stdin for one or more families."""

from __future__ import annotations

import sys
from typing import Annotated, Any

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
from tokenexport_cli.cli.complete import complete_model, complete_tokenizer
from tokenexport_cli.errors import DataError, UsageError
from tokenexport_cli.render.output import FORMATS, emit, write_output


def register(app: typer.Typer) -> None:
    app.command("tokens")(tokens_command)


def warn(message: str) -> None:
    sys.stderr.write(f"tokx: warning: {message}\n")


def progress_bar(total_bytes: int) -> tuple[Any, Any]:
    """A byte progress bar on stderr, only on a terminal; returns (context, callback)."""
    import contextlib

    if not sys.stderr.isatty() or total_bytes < 8 * 1024 * 1024:
        return contextlib.nullcontext(), None
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    bar = Progress(
        "counting",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("count", total=total_bytes)
    return bar, lambda done: bar.advance(task, done)


@handle_errors
def tokens_command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files, folders or globs; '-' or nothing reads stdin.", show_default=False
        ),
    ] = None,
    tokenizer: Annotated[
        list[str] | None,
        typer.Option(
            "--tokenizer",
            "-t",
            envvar="TOKX_TOKENIZER",
            help="Tokenizer families, e.g. -t o200k_base,qwen,deepseek-v3 (default o200k_base).",
            show_default=False,
            autocompletion=complete_tokenizer,
        ),
    ] = None,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            "-m",
            help="Count with these models' tokenizer families.",
            show_default=False,
            autocompletion=complete_model,
        ),
    ] = None,
    plain: Annotated[
        bool, typer.Option("--plain", help="Print only the total, as a bare number (one family).")
    ] = False,
    per_file: Annotated[bool, typer.Option("--per-file", help="One row per input file.")] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write the token-count cache.")
    ] = False,
    fast: Annotated[
        bool,
        typer.Option(
            "--fast",
            envvar="TOKX_FAST",
            help="Use quicktok-v1 where it is exact (pip install 'tokx[fast]').",
        ),
    ] = False,
    output_format: FormatOption = "table",
    output: OutputOption = None,
    quiet: QuietOption = False,
    catalog_version: CatalogVersionOption = None,
    as_of: AsOfOption = None,
    catalog: OverlayOption = None,
) -> None:
    """Count tokens exactly with each family's own tokenizer (approximate families say so)."""
    from tokenexport_cli.catalog import CatalogIndex, load_catalog
    from tokenexport_cli.render.tokens import tokens_json, tokens_table
    from tokenexport_cli.tokens.cache import CountCache
    from tokenexport_cli.tokens.counting import count_bytes, count_paths
    from tokenexport_cli.tokens.families import expand_paths, family_spec, model_family

    check_format(output_format, FORMATS)
    index = CatalogIndex(
        load_catalog(catalog_version, tuple(catalog or ()), parse_date(as_of, "--as-of"))
    )
    specs = [family_spec(index, name) for name in split_values(tokenizer)]
    specs += [model_family(index, name) for name in split_values(model)]
    if not specs:
        specs = ["o200k_base"]
    names = list(dict.fromkeys(s if isinstance(s, str) else s.name for s in specs))
    specs = [next(s for s in specs if (s if isinstance(s, str) else s.name) == n) for n in names]
    if plain and len(specs) != 1:
        raise UsageError("--plain prints one number: give exactly one tokenizer family")
    inputs = list(paths or [])
    if not inputs or inputs == ["-"]:
        if sys.stdin.isatty() and not inputs:
            raise UsageError("give files, folders or globs to count, or pipe text on stdin")
        data = sys.stdin.buffer.read()
        counted = count_bytes(data, specs, source="<stdin>", fast=fast)
        report_inputs = (counted,)
        from tokenexport_cli.tokens.results import CountReport

        report = CountReport(report_inputs, counted.counts)
    else:
        if "-" in inputs:
            raise UsageError("'-' (stdin) cannot be mixed with file paths")
        files = expand_paths(inputs)
        total = sum(path.stat().st_size for path in files)
        context, callback = progress_bar(total)
        cache = None if no_cache else CountCache()
        try:
            with context:
                report = count_paths(files, specs, cache=cache, fast=fast, progress=callback)
        finally:
            if cache is not None:
                cache.close()
    for warning in report.warnings:
        if warning.kind != "empty":
            warn(f"{warning.source}: {warning.message}")
    if all(item.skipped or item.size_bytes == 0 for item in report.inputs):
        raise DataError("nothing to count: every input is empty or binary")
    if plain:
        write_output(str(report.totals[0].tokens), output)
        return
    emit(
        output_format,
        json_text=lambda: tokens_json(report, index.catalog.version),
        key="totals",
        title="Tokens",
        renderables=lambda: tokens_table(report, per_file),
        output=output,
        quiet=quiet,
    )
