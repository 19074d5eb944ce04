"""``tokx tokens``: count tokens of files, folders, globs or stdin for one or more families."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Annotated, Any

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
    warn_inputs,
)
from tokenexport_cli.cli.complete import complete_model, complete_tokenizer
from tokenexport_cli.cli.contract import handle_errors
from tokenexport_cli.errors import UsageError
from tokenexport_cli.render.output import FORMATS, emit, write_output


def register(app: typer.Typer) -> None:
    app.command("tokens")(tokens_command)


class LazyProgress:
    """A byte progress bar on stderr that appears only once counting has taken ``delay`` seconds.

    Used as a context manager and as the counting engine's progress callback. Nothing is
    drawn before the delay, so quick counts print nothing. The bar is redrawn from the
    callback, in this process, as worker results arrive (at most every ``REFRESH`` seconds),
    never by rich's refresh thread: the counting engine forks its workers only from a
    single-threaded process (so they share one loaded tokenizer), and a bar that ran a thread
    would make it start them fresh, each loading its own copy (Gemma 3's is ~90 MB).
    """

    REFRESH = 0.1

    def __init__(
        self,
        total_bytes: int,
        delay: float = 1.0,
        console: Any = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total_bytes
        self.delay = delay
        self.console = console
        self.clock = clock
        self.started = clock()
        self.done = 0
        self.bar: Any = None
        self.task: Any = None
        self.drawn = 0.0

    def __enter__(self) -> LazyProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, finished: int) -> None:
        self.done += finished
        now = self.clock()
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done)
            if now - self.drawn >= self.REFRESH:
                self.drawn = now
                self.bar.refresh()
        elif now - self.started >= self.delay:
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

            self.bar = Progress(
                "counting",
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                console=self.console or Console(stderr=True),
                transient=True,
                auto_refresh=False,
            )
            self.task = self.bar.add_task("count", total=self.total, completed=self.done)
            self.bar.start()
            self.drawn = now
            self.bar.refresh()


def progress_bar(total_bytes: int) -> tuple[Any, Any]:
    """(context, callback): a progress bar after one second on a terminal, else nothing."""
    import contextlib

    if not sys.stderr.isatty():
        return contextlib.nullcontext(), None
    bar = LazyProgress(total_bytes)
    return bar, bar


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
            help="Use quicktok-v1 where it is exact (the fast extra: tokenexport-cli[fast]).",
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
    from tokenexport_cli.api.tokens import TokensRequest, count_tokens
    from tokenexport_cli.render.tokens import tokens_view

    check_format(output_format, FORMATS)
    families, models = split_values(tokenizer), split_values(model)
    if plain and len(dict.fromkeys(families)) + len(models) > 1:
        raise UsageError("--plain prints one number: give exactly one tokenizer family")
    inputs = tuple(paths or [])
    stdin = None
    if not inputs or inputs == ("-",):
        if sys.stdin.isatty() and not inputs:
            raise UsageError("give files, folders or globs to count, or pipe text on stdin")
        stdin = sys.stdin.buffer
    elif "-" in inputs:
        raise UsageError("'-' (stdin) cannot be mixed with file paths")
    request = TokensRequest(
        catalog=catalog_choice(catalog_version, as_of, catalog),
        families=families,
        models=models,
        paths=() if stdin is not None else inputs,
        stdin=stdin,
        use_cache=not no_cache,
        fast=fast,
        progress=progress_bar,
    )
    found = call(count_tokens, request)
    report = found.report
    warn_inputs((*found.skipped, *report.warnings), skip_kinds=("empty",))
    if plain:
        if len(report.totals) != 1:
            raise UsageError("--plain prints one number: give exactly one tokenizer family")
        write_output(str(report.totals[0].tokens), output)
        return
    emit(tokens_view(report, found.catalog_version, per_file), output_format, output, quiet)
