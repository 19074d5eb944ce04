"""``check``, ``baseline`` and ``diff``: LLM budgets as a CI gate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tokenexport_cli.errors import UsageError

if TYPE_CHECKING:
    from tokenexport_cli.budget.baseline import Baseline, DiffRow
    from tokenexport_cli.budget.check import CheckResult
    from tokenexport_cli.budget.config import Budgets, ProjectConfig


@dataclass(frozen=True)
class OneOffCheck:
    """A check without ``tokx.yaml``: one workload file on one model and provider."""

    workload: Path
    model: str
    provider: str
    budgets: Budgets
    currency: str = "USD"

    def __post_init__(self) -> None:
        import msgspec

        from tokenexport_cli.bounds import checked

        kinds = {
            "max_monthly": "money",
            "max_per_1k_requests": "money",
            "max_increase_percent": "change_percent",
        }
        limits = {
            name: checked(getattr(self.budgets, name), kind, "budgets", name)
            for name, kind in kinds.items()
            if getattr(self.budgets, name) is not None
        }
        object.__setattr__(self, "budgets", msgspec.structs.replace(self.budgets, **limits))


@dataclass(frozen=True)
class CheckRequest:
    config: Path | None = None  # default: tokx.yaml here or in the nearest parent folder
    one_off: OneOffCheck | None = None
    baseline: Path | None = None  # default: the config's baseline
    workload_names: tuple[str, ...] = ()
    catalog_version: str | None = None  # overrides the config's pinned version
    as_of: dt.date | None = None
    compare: bool = True  # compare with a baseline at all


@dataclass(frozen=True)
class CheckOutcome:
    config_path: Path
    config: ProjectConfig
    catalog_version: str
    results: tuple[CheckResult, ...]

    @property
    def failed(self) -> tuple[CheckResult, ...]:
        return tuple(result for result in self.results if not result.ok)


def find_config_path(config: Path | None) -> Path:
    from tokenexport_cli.budget.config import CONFIG_NAME, find_config

    if config is not None:
        if not config.exists():  # anything else that exists is judged by the reader
            raise UsageError(f"{config}: config file not found")
        return config
    found = find_config(Path.cwd())
    if found is None:
        raise UsageError(
            f"no {CONFIG_NAME} here or in any parent folder (give --config, or "
            "use --workload with --model and --provider)"
        )
    return found


def check(request: CheckRequest) -> CheckOutcome:
    """``tokx check``: price every configured workload and evaluate its budgets."""
    from tokenexport_cli.budget.baseline import read_baseline
    from tokenexport_cli.budget.check import run_checks
    from tokenexport_cli.budget.config import load_config, one_off_config
    from tokenexport_cli.catalog import CatalogIndex, load_catalog
    from tokenexport_cli.pricing.fx import Fx

    if request.one_off is not None:
        one = request.one_off
        config = one_off_config(
            one.workload,
            one.model,
            one.provider,
            one.budgets,
            request.catalog_version,
            one.currency,
        )
        path = Path.cwd() / "<command line>"
    else:
        path = find_config_path(request.config)
        config = load_config(path)
    overlays = tuple(path.parent / overlay for overlay in config.overlays)
    pinned = request.catalog_version or (None if request.as_of else config.catalog_version)
    index = CatalogIndex(load_catalog(pinned, overlays, request.as_of))
    fx = Fx(index.catalog.fx, dict(config.fx))
    fx.rate("USD", config.currency)
    baseline_path = request.baseline or (
        path.parent / config.baseline if config.baseline and request.compare else None
    )
    previous = read_baseline(baseline_path) if baseline_path else None
    results = run_checks(config, path, index, fx, previous, request.workload_names)
    return CheckOutcome(path, config, index.catalog.version, tuple(results))


@dataclass(frozen=True)
class BaselineResult:
    baseline: Baseline
    target: Path  # where the CLI writes it by default
    workloads: int


def baseline(request: CheckRequest) -> BaselineResult:
    """``tokx baseline``: the current projection per workload, as a baseline to compare with."""
    from dataclasses import replace

    from tokenexport_cli.budget.check import make_baseline

    outcome = check(replace(request, baseline=None, compare=False))
    target = outcome.config_path.parent / (outcome.config.baseline or "tokx-baseline.json")
    return BaselineResult(
        make_baseline(list(outcome.results), outcome.catalog_version),
        target,
        len(outcome.results),
    )


@dataclass(frozen=True)
class DiffResult:
    old: Baseline
    new: Baseline
    rows: tuple[DiffRow, ...]


def diff(old: Path, new: Path) -> DiffResult:
    """``tokx diff``: per-workload change between two baselines."""
    from tokenexport_cli.budget.baseline import diff_baselines, read_baseline

    before, after = read_baseline(old), read_baseline(new)
    return DiffResult(before, after, tuple(diff_baselines(before, after)))
