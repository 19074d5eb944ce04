"""The Typer app: parse arguments, call the core, render, map errors to exit codes."""

from __future__ import annotations

from typing import Annotated

import typer

from tokenexport_cli import __version__
from tokenexport_cli.cli import (
    budget_cmd,
    catalog_cmd,
    cost_cmd,
    model_cmd,
    report_cmd,
    tokens_cmd,
    workload_cmd,
)
from tokenexport_cli.cli.contract import ContractGroup

app = typer.Typer(
    name="tokx",
    cls=ContractGroup,
    help="tokx: what each LLM model and delivery path would cost for your workload.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(catalog_cmd.app, name="catalog")
cost_cmd.register(app)
model_cmd.register(app)
tokens_cmd.register(app)
budget_cmd.register(app)
workload_cmd.register(app)
report_cmd.register(app)


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


def main() -> None:
    """Console entry point; the root group applies the error contract (cli/contract.py)."""
    app(prog_name="tokx")
