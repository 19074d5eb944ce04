"""The request and result of ``replay`` (``api.replay``), apart so that the line pricer
(``api.replay_pricer``) can name them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from tokenexport_cli.api.choices import CatalogChoice

if TYPE_CHECKING:
    from tokenexport_cli.pricing.replay import LongInputs, ReplayCost
    from tokenexport_cli.pricing.unpublished import LowerBound
    from tokenexport_cli.textfiles import InputWarning

DAYS_PER_MONTH = Decimal("30.44")
Role = Literal["source", "target", "alternative"]
Engine = Literal["auto", "python", "duckdb"]
ENGINES: tuple[str, ...] = ("auto", "python", "duckdb")
REASONING_NOTE = "reasoning tokens carried over 1:1 from the source model (an assumption)"
# (the same text as logs.retarget.REASONING_NOTE, which logs workloads print; a test checks)


@dataclass(frozen=True)
class ReplayRequest:
    paths: tuple[Path, ...]
    catalog: CatalogChoice = field(default_factory=CatalogChoice)
    models: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    path_kinds: tuple[str, ...] = ()
    log_format: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)  # role -> header, for other tables
    currency: str = "USD"
    fx: Mapping[str, Decimal] = field(default_factory=dict)
    long_inputs: LongInputs = "cap"
    alternatives: int = 5  # without models: how many cheapest other models to show
    engine: Engine = "auto"  # usage tables: DuckDB above a size (warehouse/inputs.py)
    aggregate: Path | None = None  # a saved aggregate of cells instead of ``paths``
    #: model -> its reasoning tokens per reasoning token of the logged model (default 1:1)
    reasoning_ratios: Mapping[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from tokenexport_cli.bounds import checked, checked_mapping

        object.__setattr__(self, "fx", checked_mapping(self.fx, "fx_rate", "fx"))
        object.__setattr__(
            self,
            "reasoning_ratios",
            checked_mapping(self.reasoning_ratios, "reasoning_ratio", "reasoning_ratios"),
        )
        if self.alternatives != 0:  # none is a choice; otherwise a count
            object.__setattr__(
                self, "alternatives", checked(self.alternatives, "count", "alternatives")
            )


@dataclass(frozen=True)
class SourceModel:
    """One model as the log names it, with what was recorded for it."""

    model: str
    resolved: str | None
    provider: str | None
    requests: int
    counts: dict[str, int]
    recorded_spend: Decimal | None
    token_share: Decimal


@dataclass(frozen=True)
class ReplayLine:
    role: Role
    cost: ReplayCost
    monthly: Decimal | None


@dataclass(frozen=True)
class ReplayResult:
    catalog_version: str
    currency: str
    start: dt.datetime | None
    end: dt.datetime | None
    days: Decimal | None
    requests: int
    recorded_spend: Decimal | None
    sources: tuple[SourceModel, ...]
    lines: tuple[ReplayLine, ...]
    files: dict[str, str]
    warnings: tuple[InputWarning, ...]
    #: cheapest other models left out: their price for calls that long is not published
    dropped_unpublished: tuple[LowerBound, ...] = ()
