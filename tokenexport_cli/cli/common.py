"""Shared CLI plumbing: option types, error-to-exit-code mapping, stdout/stderr consoles."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from tokenexport_cli.cli.complete import complete_catalog_version
from tokenexport_cli.errors import TokxError, UsageError

F = TypeVar("F", bound=Callable[..., Any])

CatalogVersionOption = Annotated[
    str | None,
    typer.Option(
        "--catalog-version",
        envvar="TOKX_CATALOG_VERSION",
        help="Catalog version to use (default: the newest).",
        show_default=False,
        autocompletion=complete_catalog_version,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        envvar="TOKX_AS_OF",
        help="Use the newest catalog version released on or before this date (YYYY-MM-DD).",
        show_default=False,
    ),
]
OverlayOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--catalog",
        envvar="TOKX_CATALOG",
        help="Overlay file with your own models, offers or prices (repeatable).",
        show_default=False,
    ),
]
FormatOption = Annotated[
    str,
    typer.Option(
        "--format", "-f", envvar="TOKX_FORMAT", help="Output format: table, json, csv or markdown."
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        envvar="TOKX_OUTPUT",
        help="Write results to this file instead of stdout ('-' for stdout).",
        show_default=False,
    ),
]
QuietOption = Annotated[
    bool,
    typer.Option("--quiet", "-q", envvar="TOKX_QUIET", help="Print no results; only errors."),
]


def parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option}: '{value}' is not a date (expected YYYY-MM-DD)") from None


def check_format(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise UsageError(f"--format: unknown format '{value}' (choose from {', '.join(allowed)})")
    return value


def error(message: str) -> None:
    """One line on stderr, no markup, no traceback."""
    sys.stderr.write(f"tokx: error: {message}\n")


def handle_errors(func: F) -> F:
    """Turn TokxError into its documented exit code with a one-line message on stderr."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TokxError as exc:
            error(exc.message)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            error("interrupted")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def write_stdout(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def split_values(values: list[str] | None) -> tuple[str, ...]:
    """Repeated and comma-separated option values, flattened: ``-m a,b -m c`` -> (a, b, c)."""
    found: list[str] = []
    for value in values or []:
        found.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(found)


def parse_pairs(values: list[str] | None, option: str) -> dict[str, Decimal]:
    """``["gpqa-diamond=2,swe-bench-verified=1"]`` -> {name: Decimal}."""
    pairs: dict[str, Decimal] = {}
    for item in split_values(values):
        name, _, number = item.partition("=")
        try:
            value = Decimal(number)
        except ArithmeticError:
            value = Decimal("NaN")
        if not name or not value.is_finite():
            raise UsageError(f"{option}: expected NAME=NUMBER, got '{item}'")
        pairs[name.strip()] = value
    return pairs


def parse_decimal(value: str | None, option: str) -> Decimal | None:
    if value is None:
        return None
    try:
        parsed = Decimal(value.replace(",", "").replace("_", ""))
    except ArithmeticError:
        parsed = Decimal("NaN")
    if not parsed.is_finite():
        raise UsageError(f"{option}: '{value}' is not a number")
    return parsed
