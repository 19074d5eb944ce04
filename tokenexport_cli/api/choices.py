"""The choices every pricing command shares: which catalog, which workload, which currency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from tokenexport_cli.catalog import CatalogIndex
    from tokenexport_cli.pricing.engine import PricingOptions
    from tokenexport_cli.pricing.fx import Fx
    from tokenexport_cli.usage import UsageSource

LongInputs = Literal["exclude", "split"]
#: The bounds kind (``bounds.BOUNDS``) of each number of the quick workload form.
_WORKLOAD_KINDS = {
    "input_tokens": "token_count",
    "output_tokens": "token_count",
    "requests_per_day": "requests",
    "requests_per_month": "requests",
    "batch_fraction": "share",
}


@dataclass(frozen=True)
class CatalogChoice:
    """A catalog version (by name, or the newest released on or before ``as_of``) plus overlays."""

    version: str | None = None
    as_of: dt.date | None = None
    overlays: tuple[Path, ...] = ()


@dataclass(frozen=True)
class WorkloadChoice:
    """A workload file, or the quick form: sample files or fixed token counts plus a volume."""

    file: Path | None = None
    input_files: tuple[Path, ...] = ()
    input_tokens: int | None = None
    output_tokens: int | None = None
    requests_per_day: Decimal | None = None
    requests_per_month: Decimal | None = None
    batch_fraction: Decimal | None = None

    def __post_init__(self) -> None:
        from tokenexport_cli.bounds import check_fields  # lazy: msgspec stays off start-up

        check_fields(self, _WORKLOAD_KINDS)

    @property
    def has_traffic(self) -> bool:
        """Whether any request shape was given (a file, samples or token counts)."""
        return bool(self.file or self.input_files or self.input_tokens is not None)


@dataclass(frozen=True)
class PricingChoice:
    """Result currency, exchange-rate overrides (units per USD) and long-input handling."""

    currency: str = "USD"
    fx: Mapping[str, Decimal] = field(default_factory=dict)
    long_inputs: LongInputs = "exclude"

    def __post_init__(self) -> None:
        from tokenexport_cli.bounds import checked_mapping

        object.__setattr__(self, "fx", checked_mapping(self.fx, "fx_rate", "fx"))


@dataclass(frozen=True)
class CostContext:
    """An opened catalog, the workload as a per-model usage source, FX and pricing options."""

    index: CatalogIndex
    usage: UsageSource
    fx: Fx
    options: PricingOptions


def open_catalog(choice: CatalogChoice) -> CatalogIndex:
    from tokenexport_cli.catalog import CatalogIndex, load_catalog

    return CatalogIndex(load_catalog(choice.version, choice.overlays, choice.as_of))


def cost_context(
    catalog: CatalogChoice, workload: WorkloadChoice, pricing: PricingChoice
) -> CostContext:
    """Open the catalog and the workload; fails on an unknown currency before any counting."""
    from tokenexport_cli.pricing.engine import PricingOptions
    from tokenexport_cli.pricing.fx import Fx
    from tokenexport_cli.usage import QuickSpec, usage_source

    index = open_catalog(catalog)
    fx = Fx(index.catalog.fx, pricing.fx)
    options = PricingOptions(currency=pricing.currency.upper(), long_inputs=pricing.long_inputs)
    fx.rate("USD", options.currency)
    quick = QuickSpec(
        input_files=workload.input_files,
        input_tokens=workload.input_tokens,
        output_tokens=workload.output_tokens,
        requests_per_day=workload.requests_per_day,
        requests_per_month=workload.requests_per_month,
        batch_fraction=workload.batch_fraction,
    )
    return CostContext(index, usage_source(index, workload.file, quick), fx, options)
