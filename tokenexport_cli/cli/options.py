"""Option types shared by the pricing commands (estimate, recommend, compare, selfhost,
report): the workload argument, the quick-form flags, filters, currency and FX."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tokenexport_cli.cli.common import split_values
from tokenexport_cli.cli.complete import (
    complete_benchmark,
    complete_currency,
    complete_model,
    complete_path_kind,
    complete_provider,
)
from tokenexport_cli.errors import UsageError

ChartOption = Annotated[
    bool,
    typer.Option(
        "--chart",
        help="Bar chart of monthly cost instead of the table (log scale past 100x); "
        "* marks the Pareto frontier.",
    ),
]
WorkloadArg = Annotated[
    Path | None,
    typer.Argument(help="Workload YAML file (or use the quick flags below).", show_default=False),
]
InputTokens = Annotated[
    int | None,
    typer.Option(
        "--input-tokens", help="Quick form: input tokens per request.", show_default=False
    ),
]
OutputTokens = Annotated[
    int | None,
    typer.Option(
        "--output-tokens",
        help="Output tokens per request (quick form, or overrides the workload).",
        show_default=False,
    ),
]
InputFiles = Annotated[
    list[Path] | None,
    typer.Option(
        "--input",
        "-i",
        help="Quick form: sample request files, folders or globs (one file = one "
        "request); counted with each model's tokenizer.",
        show_default=False,
    ),
]
PerDay = Annotated[
    str | None,
    typer.Option(
        "--requests-per-day", help="Quick form: request volume per day.", show_default=False
    ),
]
PerMonth = Annotated[
    str | None,
    typer.Option(
        "--requests-per-month", help="Quick form: request volume per month.", show_default=False
    ),
]
BatchFraction = Annotated[
    str | None,
    typer.Option(
        "--batch-fraction",
        help="Quick form: share of requests that can use batch APIs (0-1).",
        show_default=False,
    ),
]
Currency = Annotated[
    str,
    typer.Option(
        "--currency",
        envvar="TOKX_CURRENCY",
        help="Currency of the results (USD, CNY, ...).",
        autocompletion=complete_currency,
    ),
]
FxOption = Annotated[
    list[str] | None,
    typer.Option(
        "--fx",
        envvar="TOKX_FX",
        help="Override an exchange rate, units per USD: --fx CNY=6.9.",
        show_default=False,
    ),
]
LongInputs = Annotated[
    str,
    typer.Option(
        "--long-inputs",
        envvar="TOKX_LONG_INPUTS",
        help="Requests that exceed a context window: 'exclude' the model, or 'split' into chunk "
        "calls plus a combining call.",
    ),
]
Models = Annotated[
    list[str] | None,
    typer.Option(
        "--model",
        "-m",
        help="Only these models (ids or aliases; repeat or comma-separate).",
        show_default=False,
        autocompletion=complete_model,
    ),
]
Providers = Annotated[
    list[str] | None,
    typer.Option(
        "--provider",
        help="Only these providers (repeat or comma-separate).",
        show_default=False,
        autocompletion=complete_provider,
    ),
]
Paths = Annotated[
    list[str] | None,
    typer.Option(
        "--path",
        help="Only these path kinds: direct, aggregator, platform, hyperscaler, selfhost.",
        show_default=False,
        autocompletion=complete_path_kind,
    ),
]


# --- recommend's constraints, shared by recommend and report -------------------------------

ObjectiveOption = Annotated[
    str,
    typer.Option(
        "--objective",
        envvar="TOKX_OBJECTIVE",
        help="cheapest, value (score per dollar) or best (highest score within the constraints).",
    ),
]

MinContext = Annotated[
    int | None,
    typer.Option("--min-context", help="Minimum context window in tokens.", show_default=False),
]

MaxMonthly = Annotated[
    str | None,
    typer.Option(
        "--max-monthly",
        envvar="TOKX_MAX_MONTHLY",
        help="Monthly budget in the result currency.",
        show_default=False,
    ),
]

Minimums = Annotated[
    list[str] | None,
    typer.Option(
        "--min",
        help="Benchmark floor, e.g. --min swe-bench-verified=60.",
        show_default=False,
        autocompletion=complete_benchmark,
    ),
]

Weights = Annotated[
    list[str] | None,
    typer.Option(
        "--weight",
        help="Benchmark weights for value/best, e.g. --weight gpqa-diamond=2,swe-bench-verified=1.",
        show_default=False,
        autocompletion=complete_benchmark,
    ),
]

Harnesses = Annotated[
    list[str] | None,
    typer.Option(
        "--harness",
        help="Compare a benchmark within this harness, e.g. --harness swe-bench-verified=vendor-reported.",
        show_default=False,
        autocompletion=complete_benchmark,
    ),
]

OpenWeights = Annotated[
    bool | None,
    typer.Option(
        "--open-weights/--closed-weights",
        help="Only open-weight (or closed) models.",
        show_default=False,
    ),
]

Origins = Annotated[
    list[str] | None,
    typer.Option(
        "--origin", help="Only models from these countries (ISO codes).", show_default=False
    ),
]

ExcludeOrigins = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude-origin",
        help="Exclude models from these countries, e.g. CN.",
        show_default=False,
    ),
]

Regions = Annotated[
    list[str] | None,
    typer.Option("--region", help="Only offers in these regions.", show_default=False),
]

BillingCountries = Annotated[
    list[str] | None,
    typer.Option(
        "--billing-country",
        help="Only providers billing from these countries.",
        show_default=False,
    ),
]


def harness_pairs(values: list[str] | None) -> dict[str, str]:
    """``--harness swe-bench-verified=vendor-reported`` -> {benchmark: harness}."""
    pairs: dict[str, str] = {}
    for item in split_values(values):
        name, _, value = item.partition("=")
        if not name or not value:
            raise UsageError(f"--harness: expected BENCHMARK=HARNESS, got '{item}'")
        pairs[name] = value
    return pairs
