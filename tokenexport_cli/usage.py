"""Turn what the user said about traffic (flags or a workload) into pricing Usage objects."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from tokenexport_cli.catalog import CatalogIndex
from tokenexport_cli.errors import UsageError
from tokenexport_cli.pricing.engine import Shape, Usage
from tokenexport_cli.schema import Model

DAYS_PER_MONTH = Decimal("30.44")


def requests_per_month(per_day: Decimal | None, per_month: Decimal | None) -> Decimal:
    """Monthly request volume; a daily volume is scaled by 30.44 days a month."""
    if per_day is not None and per_month is not None:
        raise UsageError("give --requests-per-day or --requests-per-month, not both")
    value = (
        per_month
        if per_month is not None
        else (per_day * DAYS_PER_MONTH if per_day is not None else None)
    )
    if value is None:
        raise UsageError("give a workload file, or --requests-per-day or --requests-per-month")
    if value < 0:
        raise UsageError(f"request volume must not be negative (got {value})")
    return value


def fixed_usage(
    input_tokens: int,
    output_tokens: int,
    monthly_requests: Decimal,
    batch_fraction: Decimal = Decimal(0),
) -> Usage:
    """Every request has the same token counts, whatever the model's tokenizer."""
    if input_tokens < 0 or output_tokens < 0:
        raise UsageError("token counts must not be negative")
    if not Decimal(0) <= batch_fraction <= 1:
        raise UsageError(f"--batch-fraction: must be between 0 and 1 (got {batch_fraction})")
    return Usage(
        shapes=(Shape(input_tokens, output_tokens),),
        requests_per_month=monthly_requests,
        batch_fraction=batch_fraction,
    )


@dataclass(frozen=True)
class QuickSpec:
    """The quick form of a workload, from command-line flags."""

    input_files: tuple[Path, ...] = ()
    input_tokens: int | None = None
    output_tokens: int | None = None
    requests_per_day: Decimal | None = None
    requests_per_month: Decimal | None = None
    batch_fraction: Decimal | None = None


class UsageSource(Protocol):
    """Gives each model the Usage its own tokenizer sees."""

    @property
    def growth_percent(self) -> Decimal: ...

    def usage_for(self, model: Model) -> Usage: ...


@dataclass(frozen=True)
class FixedUsageSource:
    """Token counts given as numbers: the same for every model."""

    usage: Usage
    growth_percent: Decimal = Decimal(0)

    def usage_for(self, model: Model) -> Usage:
        return self.usage


def usage_source(index: CatalogIndex, workload: Path | None, quick: QuickSpec) -> UsageSource:
    """The workload file, or the quick flags, as a per-model usage source."""
    if workload is not None or quick.input_files:
        raise UsageError("workload files and --input are not supported yet")
    if quick.input_tokens is None:
        raise UsageError("give a workload file, --input FILES or --input-tokens N")
    monthly = requests_per_month(quick.requests_per_day, quick.requests_per_month)
    return FixedUsageSource(
        fixed_usage(
            quick.input_tokens,
            quick.output_tokens or 0,
            monthly,
            quick.batch_fraction or Decimal(0),
        )
    )
