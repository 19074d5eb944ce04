"""Shared CLI plumbing: option types, error-to-exit-code mapping, stdout/stderr consoles."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from tokenexport_cli.cli.complete import complete_catalog_version
from tokenexport_cli.errors import InvalidValue, UsageError

if TYPE_CHECKING:
    from tokenexport_cli.api.choices import CatalogChoice, PricingChoice, WorkloadChoice
    from tokenexport_cli.textfiles import InputWarning

F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R")
T = TypeVar("T")

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
    from tokenexport_cli.dates import DateProblem
    from tokenexport_cli.dates import parse_date as parse_iso_date

    try:
        if len(value.strip()) != len("YYYY-MM-DD"):
            raise DateProblem(f"'{value}' is not a date (expected YYYY-MM-DD)")
        return parse_iso_date(value)
    except DateProblem as exc:
        raise UsageError(f"{option}: {exc}") from None


def check_format(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise UsageError(f"--format: unknown format '{value}' (choose from {', '.join(allowed)})")
    return value


def write_stdout(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def split_values(values: list[str] | None) -> tuple[str, ...]:
    """Repeated and comma-separated option values, flattened: ``-m a,b -m c`` -> (a, b, c)."""
    found: list[str] = []
    for value in values or []:
        found.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(found)


#: The kind (``bounds.BOUNDS``) of each numeric flag; README "Ranges of numbers" lists them.
FLAG_BOUNDS = {
    "--requests-per-day": "requests",
    "--requests-per-month": "requests",
    "--batch-fraction": "share",
    "--cache-hit-rate": "share",
    "--max-monthly": "money",
    "--max-per-1k-requests": "money",
    "--max-increase-percent": "change_percent",
    "--gpu-price": "hourly_price",
    "--utilization": "fraction_positive",
    "--weight": "weight",
    "--min": "score",
    "--fx": "fx_rate",
    "--reasoning-ratio": "reasoning_ratio",
    "--input-tokens": "token_count",
    "--output-tokens": "token_count",
    "--min-context": "tokens",
    "--gpus": "count",
    "--months": "count",
    "--timeout": "seconds",
    "--retries": "retries",
    "--max-bytes": "max_bytes",
}
#: Typer int/float parameters by name, checked by ``check_numeric_options`` before a command runs.
NUMERIC_PARAMETERS = {
    "input_tokens": "--input-tokens",
    "output_tokens": "--output-tokens",
    "min_context": "--min-context",
    "gpus": "--gpus",
    "months": "--months",
    "timeout": "--timeout",
    "retries": "--retries",
    "max_bytes": "--max-bytes",
}


def check_flag_value(value: object, option: str) -> None:
    """A UsageError naming ``option`` when ``value`` is outside the flag's documented range."""
    from tokenexport_cli.bounds import check

    kind = FLAG_BOUNDS.get(option.split("=")[0])
    problem = check(value, kind) if kind else None
    if problem:
        raise UsageError(f"{option}: {problem}")


def check_numeric_options(parameters: dict[str, Any]) -> None:
    """Every int/float option of a command within its range (Typer only checks the type)."""
    for name, option in NUMERIC_PARAMETERS.items():
        value = parameters.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            check_flag_value(value, option)


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
        check_flag_value(value, option)
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
    check_flag_value(parsed, option)
    return parsed


def parse_fx(values: list[str] | None) -> dict[str, Decimal]:
    """``--fx CNY=6.9,EUR=0.92`` -> rates per USD."""
    rates: dict[str, Decimal] = {}
    for item in split_values(values):
        currency, _, number = item.partition("=")
        currency = currency.strip().upper()
        try:
            parsed = Decimal(number.strip())
        except ArithmeticError:
            parsed = Decimal("NaN")
        if len(currency) != 3 or not currency.isalpha() or not parsed.is_finite():
            raise UsageError(f"--fx: expected CURRENCY=UNITS_PER_USD like CNY=6.9, got '{item}'")
        check_flag_value(parsed, "--fx")
        rates[currency] = parsed
    return rates


def catalog_choice(
    version: str | None, as_of: str | None, overlays: list[Path] | None
) -> CatalogChoice:
    """The shared catalog flags (--catalog-version, --as-of, --catalog) as a core choice."""
    from tokenexport_cli.api.choices import CatalogChoice

    return CatalogChoice(version, parse_date(as_of, "--as-of"), tuple(overlays or ()))


def workload_choice(
    workload: Path | None,
    input_files: list[Path] | None = None,
    input_tokens: int | None = None,
    output_tokens: int | None = None,
    per_day: str | None = None,
    per_month: str | None = None,
    batch_fraction: str | None = None,
) -> WorkloadChoice:
    """The shared workload argument and quick flags as a core choice."""
    from tokenexport_cli.api.choices import WorkloadChoice

    return WorkloadChoice(
        file=workload,
        input_files=tuple(input_files or ()),
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        requests_per_day=parse_decimal(per_day, "--requests-per-day"),
        requests_per_month=parse_decimal(per_month, "--requests-per-month"),
        batch_fraction=parse_decimal(batch_fraction, "--batch-fraction"),
    )


def pricing_choice(
    currency: str, fx_values: list[str] | None, long_inputs: str = "exclude"
) -> PricingChoice:
    from tokenexport_cli.api.choices import PricingChoice

    if long_inputs not in ("exclude", "split"):
        raise UsageError(f"--long-inputs: expected 'exclude' or 'split', got '{long_inputs}'")
    return PricingChoice(currency.upper(), parse_fx(fx_values), long_inputs)  # type: ignore[arg-type]


#: Which flag a core request field comes from, for located messages (InvalidValue.field).
FLAGS = {
    "fx": "--fx",
    "utilization": "--utilization",
    "gpu_price": "--gpu-price",
    "gpus": "--gpus",
    "months": "--months",
    "path_kinds": "--path",
    "objective": "--objective",
    "weights": "--weight",
    "harnesses": "--harness",
    "batch_fraction": "--batch-fraction",
    "cache_hit_rate": "--cache-hit-rate",
    "output_tokens": "--output-tokens",
    "input_files": "--input",
    "top_models": "--top",
    "workload_names": "--workload-name",
    "budgets": "--max-monthly, --max-per-1k-requests or --max-increase-percent",
    "columns": "--column",
    # replay on usage tables and warehouses
    "engine": "--engine",
    "dialect": "--emit-sql",
    "table": "--table",
    "models": "-m",
    "aggregate": "--aggregate",
    "log_format": "--log-format",
    "reasoning_ratios": "--reasoning-ratio",
    # the numbers the API requests check at construction (bounds.checked)
    "input_tokens": "--input-tokens",
    "requests_per_day": "--requests-per-day",
    "requests_per_month": "--requests-per-month",
    "min_context": "--min-context",
    "max_monthly": "--max-monthly",
    "minimums": "--min",
    "alternatives": "--alternatives",
    "timeout": "--timeout",
    "retries": "--retries",
    "max_bytes": "--max-bytes",
}


@contextlib.contextmanager
def flag_errors() -> Iterator[None]:
    """A value the core rejects (InvalidValue) is reported with the flag it came from."""
    try:
        yield
    except InvalidValue as exc:
        flag = FLAGS.get(exc.field or "")
        if flag is None:
            raise
        raise UsageError(f"{flag}: {exc.message}") from None


def call(core: Callable[[R], T], request: R) -> T:
    """Run one core function under ``flag_errors``."""
    with flag_errors():
        return core(request)


def warn(message: str) -> None:
    """One line on stderr, cleaned as ``contract.error`` cleans errors."""
    from tokenexport_cli.safetext import one_line

    sys.stderr.write(f"tokx: warning: {one_line(message)}\n")


def warn_inputs(warnings: Iterable[InputWarning], skip_kinds: tuple[str, ...] = ()) -> None:
    """One line per warning about an input, naming its file once."""
    for warning in warnings:
        if warning.kind in skip_kinds:
            continue
        message = warning.message
        if warning.source and not message.startswith(f"{warning.source}:"):
            message = f"{warning.source}: {message}"
        warn(message)
