"""The Typer app: parse arguments, call the core, render, map errors to exit codes."""

from __future__ import annotations

from typing import Annotated

import typer

from tokenexport_cli import __version__
from tokenexport_cli.cli.contract import ContractGroup

# Commands are listed in cli/lazy.py and imported only when invoked (fast start-up); the root
# group also applies the error contract (cli/contract.py).
app = typer.Typer(
    name="tokx",
    cls=ContractGroup,
    help="tokx: what each LLM model and delivery path would cost for your workload.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version_callback(value: bool) -> None:
    if not value:
        return
    from tokenexport_cli.catalog.locate import resolve_version
    from tokenexport_cli.errors import TokxError

    try:
        default = resolve_version().name
    except TokxError:
        default = "none found"
    typer.echo(f"tokx {__version__} (default catalog {default})")
    raise typer.Exit(0)


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help="Print the tokx version and the default catalog version.",
        ),
    ] = False,
) -> None:
    """tokx: what each LLM model and delivery path would cost for your workload."""
    from tokenexport_cli.cli.notice import install

    install()  # a progress line on a terminal's stderr for a slow cold step


def main() -> None:
    """Console entry point; the root group applies the error contract (cli/contract.py)."""
    app(prog_name="tokx")
