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
    call,
    catalog_choice,
    check_format,
    flag_errors,
    parse_decimal,
    pricing_choice,
    split_values,
)
from tokenexport_cli.cli.complete import complete_model
from tokenexport_cli.cli.contract import handle_errors
from tokenexport_cli.cli.options import (
    Currency,
    FxOption,
    LongInputs,
    Paths,
    Providers,
)
from tokenexport_cli.cli.workload_group import WorkloadFlags, workload_options
from tokenexport_cli.render.output import FORMATS, emit

ModelArg = Annotated[
    str,
    typer.Argument(help="Model id or alias, e.g. deepseek-v3.2.", autocompletion=complete_model),
]


def register(app: typer.Typer) -> None:
    app.command("compare")(compare_command)
    app.command("selfhost")(selfhost_command)


@handle_errors
@workload_options()
def compare_command(
    model: ModelArg,
    workload_flags: WorkloadFlags,
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
    from tokenexport_cli.api.cost import CompareRequest, compare
    from tokenexport_cli.ranking import Constraints
    from tokenexport_cli.render.compare import compare_view

    check_format(output_format, FORMATS)
    request = CompareRequest(
        model=model,
        catalog=catalog_choice(catalog_version, as_of, catalog),
        workload=workload_flags.choice(),
        pricing=pricing_choice(currency, fx, long_inputs),
        constraints=Constraints(
            path_kinds=split_values(path),
            providers=split_values(provider),
            regions=split_values(region),
            billing_countries=tuple(c.upper() for c in split_values(billing_country)),
        ),
    )
    comparison = call(compare, request)
    emit(compare_view(comparison), output_format, output, quiet)


@handle_errors
@workload_options(batch=False)
def selfhost_command(
    model: ModelArg,
    workload_flags: WorkloadFlags,
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
    from tokenexport_cli.api.cost import SelfhostRequest, selfhost
    from tokenexport_cli.pricing.selfhost import SelfhostOptions
    from tokenexport_cli.render.compare import selfhost_view

    check_format(output_format, FORMATS)

    with flag_errors():
        request = SelfhostRequest(
            model=model,
            options=SelfhostOptions(
                gpu=gpu,
                gpus=gpus,
                gpu_price=parse_decimal(gpu_price, "--gpu-price"),
                utilization=parse_decimal(utilization, "--utilization") or Decimal(0),
            ),
            catalog=catalog_choice(catalog_version, as_of, catalog),
            workload=workload_flags.choice(),
        )
        found = selfhost(request)
    view = selfhost_view(
        found.model, list(found.points), found.requests_per_month, found.catalog_version
    )
    emit(view, output_format, output, quiet)
