"""The project config ``tokx.yaml``: which workloads CI checks, on which model, with which budgets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from tokenexport_cli.bounds import ChangePercent, FxRateValue, Money, Score, TokenLimit
from tokenexport_cli.errors import InvalidValue

CONFIG_NAME = "tokx.yaml"


class _Strict(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Base: immutable, keyword-only, unknown keys rejected."""


class Budgets(_Strict, frozen=True, kw_only=True):
    max_monthly: Money | None = None
    max_per_1k_requests: Money | None = None
    max_increase_percent: ChangePercent | None = None


class RecommendRule(_Strict, frozen=True, kw_only=True):
    """Let tokx choose the model: the winner of ``tokx recommend`` under these constraints."""

    objective: Literal["cheapest", "value", "best"] = "cheapest"
    min_context: TokenLimit | None = None
    origin: tuple[str, ...] = ()
    exclude_origin: tuple[str, ...] = ()
    path: tuple[str, ...] = ()
    provider: tuple[str, ...] = ()
    open_weights: bool | None = None
    minimums: dict[str, Score] = msgspec.field(default_factory=dict)


class WorkloadCheck(_Strict, frozen=True, kw_only=True):
    name: Annotated[str, msgspec.Meta(min_length=1)]
    workload: str
    model: str | None = None
    provider: str | None = None
    region: str | None = None
    recommend: RecommendRule | None = None
    long_inputs: Literal["exclude", "split"] = "exclude"
    budgets: Budgets = Budgets()


class ProjectConfig(_Strict, frozen=True, kw_only=True):
    """``tokx.yaml``: what CI checks, against which pinned catalog version."""

    catalog_version: str | None = None
    currency: str = "USD"
    fx: dict[str, FxRateValue] = msgspec.field(default_factory=dict)
    overlays: tuple[str, ...] = ()
    baseline: str | None = None
    workloads: tuple[WorkloadCheck, ...]


def find_config(start: Path) -> Path | None:
    """``tokx.yaml`` in ``start`` or the nearest parent folder."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path) -> ProjectConfig:
    from tokenexport_cli.yamlsafe import parse_yaml, read_text

    text = read_text(path)
    return load_config_data(parse_yaml(text, path), path, text)


def load_config_data(data: Any, path: Path, text: str = "") -> ProjectConfig:
    """Validate config data (from tokx.yaml, or built from command-line flags)."""
    from tokenexport_cli.pricing.fx import check_rates
    from tokenexport_cli.validation import Invalid, SourceFile, convert

    if isinstance(data, dict):  # flags that were not given are simply absent
        for check in data.get("workloads") or []:
            if isinstance(check, dict) and isinstance(check.get("budgets"), dict):
                check["budgets"] = {k: v for k, v in check["budgets"].items() if v is not None}
        data = {k: v for k, v in data.items() if v is not None}
    source = SourceFile(path, text)
    config: ProjectConfig = convert(source, data, ProjectConfig)
    problems = []
    names = set()
    for index, check in enumerate(config.workloads):
        where = f"workloads[{index}]"
        if check.name in names:
            problems.append(
                source.problem(f"{where}.name", f"duplicate workload name '{check.name}'")
            )
        names.add(check.name)
        if (check.model is None) == (check.recommend is None):
            problems.append(
                source.problem(where, "give either 'model' (with 'provider') or 'recommend'")
            )
        elif check.model is not None and check.provider is None:
            problems.append(
                source.problem(
                    f"{where}.provider", "a checked model needs its provider (the delivery path)"
                )
            )
        budgets = check.budgets
        if (
            budgets.max_monthly is None
            and budgets.max_per_1k_requests is None
            and budgets.max_increase_percent is None
        ):
            problems.append(
                source.problem(
                    f"{where}.budgets",
                    "no budget to check: give max_monthly, max_per_1k_requests or max_increase_percent",
                )
            )
    try:
        check_rates(config.fx)
    except InvalidValue as exc:
        problems.append(source.problem(f"fx.{exc.key}", exc.message))
    if problems:
        raise Invalid(problems)
    return config


def one_off_config(
    workload: Path,
    model: str,
    provider: str,
    budgets: Budgets,
    catalog_version: str | None,
    currency: str,
) -> ProjectConfig:
    """A config of one workload, for a check without ``tokx.yaml``."""
    if (
        budgets.max_monthly is None
        and budgets.max_per_1k_requests is None
        and budgets.max_increase_percent is None
    ):
        raise InvalidValue(
            "no budget to check: give max_monthly, max_per_1k_requests or max_increase_percent",
            "budgets",
        )
    return ProjectConfig(
        catalog_version=catalog_version,
        currency=currency,
        workloads=(
            WorkloadCheck(
                name=workload.stem,
                workload=str(workload.resolve()),
                model=model,
                provider=provider,
                budgets=budgets,
            ),
        ),
    )
