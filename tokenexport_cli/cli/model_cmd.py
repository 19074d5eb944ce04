"""``tokx compare`` (one model across its delivery paths) and ``tokx selfhost``."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

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
    parse_decimal,
    split_values,
)
from tokenexport_cli.cli.complete import complete_model
from tokenexport_cli.cli.cost_cmd import (
    BatchFraction,
    Currency,
    FxOption,
    InputFiles,
    InputTokens,
    LongInputs,
    OutputTokens,
    Paths,
    PerDay,
    PerMonth,
    Providers,
    WorkloadArg,
    build_context,
    run_estimate,
)
from tokenexport_cli.render.output import FORMATS, emit

ModelArg = Annotated[
    str,
    typer.Argument(help="Model id or alias, e.g. deepseek-v3.2.", autocompletion=complete_model),
]


def register(app: typer.Typer) -> None:
    app.command("compare")(compare_command)
    app.command("selfhost")(selfhost_command)


def _has_traffic(workload: object, input_files: object, input_tokens: object) -> bool:
    return bool(workload or input_files or input_tokens is not None)


@handle_errors
def compare_command(
    model: ModelArg,
    workload: WorkloadArg = None,
    input_files: InputFiles = None,
    input_tokens: InputTokens = None,
    output_tokens: OutputTokens = None,
    requests_per_day: PerDay = None,
    requests_per_month: PerMonth = None,
    batch_fraction: BatchFraction = None,
    path: Paths = None,
    provider: Providers = None,
    region: Annotated[
        list[str] | None,
        typer.Option(
            "--region", help="Cheapest path only among offers in these regions.", show_default=False
        ),
    ] = None,
    billing_country: Annotated[
        list[str] | None,
        typer.Option(
            "--billing-country",
            help="Cheapest path only among providers billing from these countries.",
            show_default=False,
        ),
    ] = None,
    currency: Currency = "USD",
    fx: FxOption = None,
    long_inputs: LongInputs = "exclude",
    output_format: FormatOption = "table",
    output: OutputOption = None,
    quiet: QuietOption = False,
    catalog_version: CatalogVersionOption = None,
    as_of: AsOfOption = None,
    catalog: OverlayOption = None,
) -> None:
    """One model across all its delivery paths: cost, context, billing, regions, cache, batch,
    fees, sources, and the cheapest path under your constraints.

    Without a workload, paths are compared per million tokens at a 3:1 input:output mix."""
    from tokenexport_cli.ranking import Constraints, compare_paths
    from tokenexport_cli.render.compare import compare_json, compare_table

    check_format(output_format, FORMATS)
    blended = not _has_traffic(workload, input_files, input_tokens)
    if blended:
        # 250 requests of 3,000 in + 1,000 out = 750K input + 250K output tokens
        input_tokens, output_tokens, requests_per_month = 3000, 1000, "250"
        requests_per_day = None
    context = build_context(
        workload,
        input_files,
        input_tokens,
        output_tokens,
        requests_per_day,
        requests_per_month,
        batch_fraction,
        currency,
        fx,
        long_inputs,
        catalog_version,
        as_of,
        catalog,
    )
    found = context.index.model(model)
    result = run_estimate(context, (found.id,), (), ())
    constraints = Constraints(
        path_kinds=split_values(path),
        providers=split_values(provider),
        regions=split_values(region),
        billing_countries=tuple(c.upper() for c in split_values(billing_country)),
    )
    comparison = compare_paths(context.index, found, result, constraints, blended)
    emit(
        output_format,
        json_text=lambda: compare_json(comparison),
        key="paths",
        title=f"{found.id} across delivery paths",
        renderables=lambda: compare_table(comparison),
        output=output,
        quiet=quiet,
    )


@handle_errors
def selfhost_command(
    model: ModelArg,
    workload: WorkloadArg = None,
    input_files: InputFiles = None,
    input_tokens: InputTokens = None,
    output_tokens: OutputTokens = None,
    requests_per_day: PerDay = None,
    requests_per_month: PerMonth = None,
    gpu: Annotated[
        str | None,
        typer.Option(
            "--gpu", help="Only serving profiles on this GPU, e.g. H100.", show_default=False
        ),
    ] = None,
    gpus: Annotated[
        int | None,
        typer.Option(
            "--gpus",
            help="GPUs per replica (throughput scales linearly from the measured profile).",
            show_default=False,
        ),
    ] = None,
    gpu_price: Annotated[
        str | None,
        typer.Option(
            "--gpu-price",
            envvar="TOKX_GPU_PRICE",
            help="USD per GPU-hour instead of the catalog's cheapest.",
            show_default=False,
        ),
    ] = None,
    utilization: Annotated[
        str,
        typer.Option(
            "--utilization",
            envvar="TOKX_UTILIZATION",
            help="Share of rented time spent serving (0-1].",
        ),
    ] = "0.6",
    output_format: FormatOption = "table",
    output: OutputOption = None,
    quiet: QuietOption = False,
    catalog_version: CatalogVersionOption = None,
    as_of: AsOfOption = None,
    catalog: OverlayOption = None,
) -> None:
    """Cost per million tokens when self-hosting an open-weight model on rented GPUs, and the
    break-even monthly volume against the cheapest API path (figures in USD)."""
    from tokenexport_cli.errors import UsageError
    from tokenexport_cli.pricing.selfhost import SelfhostOptions, breakeven, rigs_for
    from tokenexport_cli.render.compare import selfhost_json, selfhost_table

    check_format(output_format, FORMATS)
    options = SelfhostOptions(
        gpu=gpu,
        gpus=gpus,
        gpu_price=parse_decimal(gpu_price, "--gpu-price"),
        utilization=parse_decimal(utilization, "--utilization") or Decimal(0),
    )
    if not _has_traffic(workload, input_files, input_tokens):
        input_tokens, output_tokens = 1000, 200
        if requests_per_day is None and requests_per_month is None:
            requests_per_month = "1000000"
    context = build_context(
        workload,
        input_files,
        input_tokens,
        output_tokens,
        requests_per_day,
        requests_per_month,
        None,
        "USD",
        None,
        "exclude",
        catalog_version,
        as_of,
        catalog,
    )
    found = context.index.model(model)
    if not found.open_weights:
        raise UsageError(f"{found.id} has no open weights: it cannot be self-hosted")
    rigs = rigs_for(context.index, found, options)
    usable = [rig for rig in rigs if not isinstance(rig, str)]
    if not usable:
        reasons = "; ".join(r for r in rigs if isinstance(r, str)) or "no serving profile"
        raise UsageError(f"cannot self-host {found.id} with the catalog's data: {reasons}")
    result = run_estimate(context, (found.id,), (), (), include_selfhost=False)
    api = result.lines[0] if result.lines else None
    usage = context.usage.usage_for(found)
    points = [breakeven(rig, usage, api) for rig in usable]
    requests = usage.requests_per_month
    emit(
        output_format,
        json_text=lambda: selfhost_json(found.id, points, requests, result.catalog_version),
        key="profiles",
        title=f"Self-hosting {found.id}",
        renderables=lambda: selfhost_table(found.id, points, requests, result.catalog_version),
        output=output,
        quiet=quiet,
    )
