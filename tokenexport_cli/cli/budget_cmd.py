"""``tokx check``, ``tokx baseline`` and ``tokx diff``: LLM budgets as a CI gate."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tokenexport_cli.cli.common import (
    AsOfOption,
    CatalogVersionOption,
    call,
    parse_date,
    parse_decimal,
    split_values,
    warn_inputs,
    write_stdout,
)
from tokenexport_cli.cli.complete import complete_catalog_version
from tokenexport_cli.cli.contract import handle_errors
from tokenexport_cli.errors import BudgetExceeded, UsageError

if TYPE_CHECKING:
    from tokenexport_cli.api.budget import OneOffCheck

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        envvar="TOKX_CONFIG",
        help="Project config (default: tokx.yaml in this folder or the nearest parent).",
        show_default=False,
    ),
]
BaselineOption = Annotated[
    Path | None,
    typer.Option(
        "--baseline",
        envvar="TOKX_BASELINE",
        help="Baseline JSON to compare against (tokx baseline).",
        show_default=False,
    ),
]
CheckFormat = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        envvar="TOKX_FORMAT",
        help="table, json, markdown or github (default: github when GITHUB_ACTIONS is set, else table).",
        show_default=False,
    ),
]
WorkloadNames = Annotated[
    list[str] | None,
    typer.Option(
        "--workload-name", help="Only check these workloads of the config.", show_default=False
    ),
]


def register(app: typer.Typer) -> None:
    app.command("check")(check_command)
    app.command("baseline")(baseline_command)
    app.command("diff")(diff_command)


@handle_errors
def check_command(
    config: ConfigOption = None,
    baseline: BaselineOption = None,
    workload_name: WorkloadNames = None,
    workload: Annotated[
        Path | None,
        typer.Option(
            "--workload",
            envvar="TOKX_WORKLOAD",
            help="One-off check without a config: this workload file.",
            show_default=False,
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            envvar="TOKX_MODEL",
            help="With --workload: the model.",
            show_default=False,
        ),
    ] = None,
    provider: Annotated[
        str | None,
        typer.Option(
            "--provider",
            "--path",
            envvar="TOKX_PROVIDER",
            help="With --workload: the provider (delivery path) id.",
            show_default=False,
        ),
    ] = None,
    max_monthly: Annotated[
        str | None,
        typer.Option(
            "--max-monthly",
            envvar="TOKX_MAX_MONTHLY",
            help="With --workload: monthly budget.",
            show_default=False,
        ),
    ] = None,
    max_per_1k: Annotated[
        str | None,
        typer.Option(
            "--max-per-1k-requests",
            envvar="TOKX_MAX_PER_1K_REQUESTS",
            help="With --workload: budget per 1K requests.",
            show_default=False,
        ),
    ] = None,
    max_increase: Annotated[
        str | None,
        typer.Option(
            "--max-increase-percent",
            envvar="TOKX_MAX_INCREASE_PERCENT",
            help="With --workload and --baseline: allowed rise in percent.",
            show_default=False,
        ),
    ] = None,
    catalog_version: Annotated[
        str | None,
        typer.Option(
            "--catalog-version",
            envvar="TOKX_CATALOG_VERSION",
            help="Catalog version (overrides the config's pinned version).",
            autocompletion=complete_catalog_version,
            show_default=False,
        ),
    ] = None,
    currency: Annotated[
        str, typer.Option("--currency", envvar="TOKX_CURRENCY", help="With --workload: currency.")
    ] = "USD",
    as_of: AsOfOption = None,
    output_format: CheckFormat = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            envvar="TOKX_OUTPUT",
            help="Write the report to this file ('-' for stdout).",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            envvar="TOKX_QUIET",
            help="Print nothing but errors; the exit code tells.",
        ),
    ] = False,
) -> None:
    """Check every budget in tokx.yaml: exit 0 when all hold, 1 when any is exceeded.

    Against a baseline it also names the input files whose token counts changed, largest cost
    change first (README: "Which file moved the cost").
    """
    from tokenexport_cli.api.budget import CheckRequest, check
    from tokenexport_cli.render.budget import check_view, github_annotations
    from tokenexport_cli.render.output import emit, render

    fmt = output_format or ("github" if os.environ.get("GITHUB_ACTIONS") else "table")
    if fmt not in ("table", "json", "markdown", "github"):
        raise UsageError(
            f"--format: unknown format '{fmt}' (choose from table, json, markdown, github)"
        )
    one_off = None
    if workload is not None:
        if model is None or provider is None:
            raise UsageError("--workload needs --model and --provider")
        one_off = _one_off(
            workload, model, provider, max_monthly, max_per_1k, max_increase, currency
        )
    elif any(v is not None for v in (model, provider, max_monthly, max_per_1k, max_increase)):
        raise UsageError(
            "--model, --provider and --max-* go with --workload (a config "
            "file sets them per workload)"
        )
    request = CheckRequest(
        config=config,
        one_off=one_off,
        baseline=baseline,
        workload_names=split_values(workload_name),
        catalog_version=catalog_version,
        as_of=parse_date(as_of, "--as-of"),
    )
    outcome = call(check, request)
    results = list(outcome.results)
    for result in results:
        warn_inputs(result.warnings)
    if fmt == "github":
        sys.stdout.write(github_annotations(results, outcome.config_path))
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            from tokenexport_cli.atomic import append_target

            text = render(check_view(results, outcome.catalog_version), "markdown")
            append_target(Path(summary), text.encode(), label="GITHUB_STEP_SUMMARY")
    elif not quiet:
        emit(check_view(results, outcome.catalog_version), fmt, output)
    if outcome.failed:
        count = sum(len(r.violations) for r in outcome.failed)
        raise BudgetExceeded(
            f"{count} budget(s) exceeded in {len(outcome.failed)} workload(s): "
            + "; ".join(v.message for r in outcome.failed for v in r.violations)
        )


def _one_off(
    workload: Path,
    model: str,
    provider: str,
    max_monthly: str | None,
    max_per_1k: str | None,
    max_increase: str | None,
    currency: str,
) -> OneOffCheck:
    from tokenexport_cli.api.budget import OneOffCheck
    from tokenexport_cli.budget.config import Budgets

    budgets = Budgets(
        max_monthly=parse_decimal(max_monthly, "--max-monthly"),
        max_per_1k_requests=parse_decimal(max_per_1k, "--max-per-1k-requests"),
        max_increase_percent=parse_decimal(max_increase, "--max-increase-percent"),
    )
    return OneOffCheck(workload, model, provider, budgets, currency.upper())


def _emit(text: str, output: Path | None) -> None:
    from tokenexport_cli.render.output import write_output

    write_output(text, output)


@handle_errors
def baseline_command(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Where to write the baseline JSON ('-' for stdout; default: the config's "
            "baseline, else tokx-baseline.json next to the config).",
            show_default=False,
        ),
    ] = None,
    config: ConfigOption = None,
    workload_name: WorkloadNames = None,
    catalog_version: CatalogVersionOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Write the current projection per workload as a baseline JSON for later checks and diffs.

    It keeps each input file's token counts, so that check and diff can name the files that
    moved the cost.
    """
    from tokenexport_cli.api.budget import CheckRequest, baseline
    from tokenexport_cli.budget.baseline import encode_baseline

    request = CheckRequest(
        config=config,
        workload_names=split_values(workload_name),
        catalog_version=catalog_version,
        as_of=parse_date(as_of, "--as-of"),
    )
    made = call(baseline, request)
    target = output if output is not None else made.target
    _emit(encode_baseline(made.baseline).decode(), target)
    if str(target) != "-":
        sys.stderr.write(f"tokx: wrote baseline for {made.workloads} workload(s) to {target}\n")


@handle_errors
def diff_command(
    old: Annotated[Path, typer.Argument(help="Older baseline JSON.")],
    new: Annotated[Path, typer.Argument(help="Newer baseline JSON.")],
    output_format: Annotated[
        str, typer.Option("--format", "-f", envvar="TOKX_FORMAT", help="table, json or markdown.")
    ] = "table",
) -> None:
    """Per-workload change in money and percent between two baselines, like a cost diff on a PR.

    The input files whose token counts changed are listed below, largest cost change first.
    """
    from tokenexport_cli.api.budget import diff
    from tokenexport_cli.render.budget import diff_view
    from tokenexport_cli.render.output import render

    if output_format not in ("table", "json", "markdown"):
        raise UsageError(
            f"--format: unknown format '{output_format}' (choose from table, json, markdown)"
        )
    found = diff(old, new)
    write_stdout(render(diff_view(list(found.rows), found.old, found.new), output_format))
