"""Baselines (the projection and per-file token counts per workload, saved as JSON) and the
diff between two of them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import msgspec

from tokenexport_cli.bounds import Money
from tokenexport_cli.budget.attribution import Attribution, TokenProfile, attribute
from tokenexport_cli.errors import DataError, UsageError
from tokenexport_cli.pricing.engine import to_decimal

# 2 adds per-file token counts (``tokens``); version 1 baselines stay readable without them
BASELINE_SCHEMA_VERSION = 2
READABLE_SCHEMA_VERSIONS = (1, 2)
MAX_BASELINE_BYTES = 16 * 1024 * 1024


class _Strict(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Base: immutable, keyword-only, unknown keys rejected."""


def percent_change(old: Decimal | None, new: Decimal) -> Decimal | None:
    if old is None or old == 0:
        return None
    return to_decimal((Fraction(new) - Fraction(old)) * 100 / Fraction(old))


class BaselineEntry(_Strict, frozen=True, kw_only=True):
    name: str
    model: str
    provider: str
    region: str | None = None
    currency: str
    monthly: Money
    per_1k_requests: Money
    workload_digest: str
    tokens: TokenProfile | None = None  # per-file counts, for naming the files that moved


class Baseline(_Strict, frozen=True, kw_only=True):
    schema_version: int
    catalog_version: str
    created: str
    workloads: tuple[BaselineEntry, ...]

    def entry(self, name: str) -> BaselineEntry | None:
        for entry in self.workloads:
            if entry.name == name:
                return entry
        return None

    def monthly_of(self, name: str) -> Decimal | None:
        entry = self.entry(name)
        return entry.monthly if entry else None


def read_baseline(path: Path) -> Baseline:
    from tokenexport_cli.bounds import first_problem
    from tokenexport_cli.inputfile import read_bytes

    data = read_bytes(
        path,
        max_bytes=MAX_BASELINE_BYTES,
        what="baseline file",
        missing=UsageError,
        missing_hint=" (create one with 'tokx baseline')",
    )
    try:
        baseline = msgspec.json.decode(data, type=Baseline)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError) as exc:
        raise DataError(f"{path}: not a tokx baseline: {exc}") from None
    problem = first_problem(baseline)
    if problem:
        raise DataError(f"{path}: {problem}")
    if baseline.schema_version not in READABLE_SCHEMA_VERSIONS:
        raise DataError(
            f"{path}: baseline schema version {baseline.schema_version} is not supported"
        )
    return baseline


def encode_baseline(baseline: Baseline) -> bytes:
    return msgspec.json.format(msgspec.json.encode(baseline), indent=2) + b"\n"


@dataclass(frozen=True)
class DiffRow:
    name: str
    old: Decimal | None
    new: Decimal | None
    currency: str
    files: Attribution | None = None  # None: the workload is on one side only

    @property
    def change(self) -> Decimal | None:
        if self.old is None or self.new is None:
            return None
        return self.new - self.old

    @property
    def percent(self) -> Decimal | None:
        return percent_change(self.old, self.new) if self.new is not None else None


def diff_baselines(old: Baseline, new: Baseline) -> list[DiffRow]:
    old_by_name = {e.name: e for e in old.workloads}
    new_by_name = {e.name: e for e in new.workloads}
    rows = []
    for name in [*old_by_name, *(n for n in new_by_name if n not in old_by_name)]:
        before, after = old_by_name.get(name), new_by_name.get(name)
        currency = (after or before).currency  # type: ignore[union-attr]
        if before and after and before.currency != after.currency:
            raise DataError(
                f"workload {name}: baselines are in different currencies "
                f"({before.currency}, {after.currency})"
            )
        rows.append(
            DiffRow(
                name,
                before.monthly if before else None,
                after.monthly if after else None,
                currency,
                attribute(before.tokens, after.tokens) if before and after else None,
            )
        )
    return rows
