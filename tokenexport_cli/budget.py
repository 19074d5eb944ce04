"""CI budget checks: the project config (tokx.yaml), budget evaluation per workload, baselines
and cost diffs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from tokenexport_cli.catalog import CatalogIndex
from tokenexport_cli.errors import DataError, UsageError
from tokenexport_cli.pricing.engine import CostLine, PricingOptions, Usage, to_decimal
from tokenexport_cli.pricing.fx import Fx
from tokenexport_cli.usage import UsageSource

CONFIG_NAME = "tokx.yaml"
BASELINE_SCHEMA_VERSION = 1


class _Strict(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Base: immutable, keyword-only, unknown keys rejected."""


class Budgets(_Strict, frozen=True, kw_only=True):
    max_monthly: Decimal | None = None
    max_per_1k_requests: Decimal | None = None
    max_increase_percent: Decimal | None = None


class RecommendRule(_Strict, frozen=True, kw_only=True):
    """Let tokx choose the model: the winner of ``tokx recommend`` under these constraints."""

    objective: Literal["cheapest", "value", "best"] = "cheapest"
    min_context: int | None = None
    origin: tuple[str, ...] = ()
    exclude_origin: tuple[str, ...] = ()
    path: tuple[str, ...] = ()
    provider: tuple[str, ...] = ()
    open_weights: bool | None = None
    minimums: dict[str, Decimal] = msgspec.field(default_factory=dict)


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
    fx: dict[str, Decimal] = msgspec.field(default_factory=dict)
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
    if problems:
        raise Invalid(problems)
    return config


@dataclass(frozen=True)
class Violation:
    budget: str
    limit: Decimal
    actual: Decimal
    message: str


@dataclass(frozen=True)
class CheckResult:
    name: str
    line: CostLine
    workload_path: str
    workload_digest: str
    baseline_monthly: Decimal | None
    violations: tuple[Violation, ...]

    @property
    def change_percent(self) -> Decimal | None:
        return percent_change(self.baseline_monthly, self.line.monthly)

    @property
    def ok(self) -> bool:
        return not self.violations


def percent_change(old: Decimal | None, new: Decimal) -> Decimal | None:
    if old is None or old == 0:
        return None
    return to_decimal((Fraction(new) - Fraction(old)) * 100 / Fraction(old))


def _money(value: Decimal, currency: str) -> str:
    from decimal import ROUND_HALF_UP

    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,} {currency}"


def evaluate(
    name: str, line: CostLine, budgets: Budgets, baseline_monthly: Decimal | None
) -> tuple[Violation, ...]:
    """Every budget the cost line breaks, each with a message naming workload, budget and amounts."""
    found = []
    currency = line.currency
    if budgets.max_monthly is not None and line.monthly > budgets.max_monthly:
        found.append(
            Violation(
                "max_monthly",
                budgets.max_monthly,
                line.monthly,
                f"{name}: monthly cost {_money(line.monthly, currency)} exceeds "
                f"max_monthly {_money(budgets.max_monthly, currency)}",
            )
        )
    if (
        budgets.max_per_1k_requests is not None
        and line.per_1k_requests > budgets.max_per_1k_requests
    ):
        found.append(
            Violation(
                "max_per_1k_requests",
                budgets.max_per_1k_requests,
                line.per_1k_requests,
                f"{name}: cost per 1K requests {_money(line.per_1k_requests, currency)} "
                f"exceeds max_per_1k_requests {_money(budgets.max_per_1k_requests, currency)}",
            )
        )
    if budgets.max_increase_percent is not None and baseline_monthly is not None:
        change = percent_change(baseline_monthly, line.monthly)
        if change is not None and change > budgets.max_increase_percent:
            found.append(
                Violation(
                    "max_increase_percent",
                    budgets.max_increase_percent,
                    change,
                    f"{name}: monthly cost rose {change:.1f}% "
                    f"({_money(baseline_monthly, currency)} -> {_money(line.monthly, currency)}), "
                    f"over max_increase_percent {budgets.max_increase_percent}%",
                )
            )
    return tuple(found)


# --- baselines ---------------------------------------------------------------------------------


class BaselineEntry(_Strict, frozen=True, kw_only=True):
    name: str
    model: str
    provider: str
    region: str | None = None
    currency: str
    monthly: Decimal
    per_1k_requests: Decimal
    workload_digest: str


class Baseline(_Strict, frozen=True, kw_only=True):
    schema_version: int
    catalog_version: str
    created: str
    workloads: tuple[BaselineEntry, ...]

    def monthly_of(self, name: str) -> Decimal | None:
        for entry in self.workloads:
            if entry.name == name:
                return entry.monthly
        return None


def make_baseline(results: list[CheckResult], catalog_version: str) -> Baseline:
    return Baseline(
        schema_version=BASELINE_SCHEMA_VERSION,
        catalog_version=catalog_version,
        created=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        workloads=tuple(
            BaselineEntry(
                name=r.name,
                model=r.line.model,
                provider=r.line.provider,
                region=r.line.region,
                currency=r.line.currency,
                monthly=r.line.monthly,
                per_1k_requests=r.line.per_1k_requests,
                workload_digest=r.workload_digest,
            )
            for r in results
        ),
    )


def read_baseline(path: Path) -> Baseline:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(
            f"{path}: baseline file not found (create one with 'tokx baseline')"
        ) from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        baseline = msgspec.json.decode(data, type=Baseline)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise DataError(f"{path}: not a tokx baseline: {exc}") from None
    if baseline.schema_version != BASELINE_SCHEMA_VERSION:
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
                name, before.monthly if before else None, after.monthly if after else None, currency
            )
        )
    return rows


def payload_of(value: Any) -> Any:
    return msgspec.to_builtins(value)


def usage_digest(usage: Usage) -> str:
    """A short content hash of a workload as tokx priced it (token shapes and traffic)."""
    import hashlib

    hasher = hashlib.sha256()
    hasher.update(
        f"{usage.requests_per_month}|{usage.prefix_tokens}|{usage.cache_hit_rate}|"
        f"{usage.batch_fraction}|{usage.traffic_timezone}|".encode()
    )
    hasher.update(",".join(str(w) for w in usage.traffic_weights).encode())
    for shape in usage.shapes:
        hasher.update(f"{shape.input_tokens}:{shape.output_tokens};".encode())
    return "sha256:" + hasher.hexdigest()[:16]


def _checked_line(
    check: WorkloadCheck,
    where: str,
    index: CatalogIndex,
    source: UsageSource,
    fx: Fx,
    options: PricingOptions,
) -> CostLine | str:
    """The cost line the check is about, or why there is none (a failure, not an error)."""
    from tokenexport_cli.pricing.engine import price_offer

    if check.model is not None:
        model = index.find_model(check.model)
        if model is None:
            raise DataError(f"{where}: unknown model '{check.model}' in the catalog")
        provider = index.providers.get(check.provider or "")
        if provider is None:
            raise DataError(f"{where}: unknown provider '{check.provider}' in the catalog")
        offers = [
            o
            for o in index.offers(model.id)
            if o.provider == provider.id and (check.region is None or o.region == check.region)
        ]
        if len(offers) != 1:
            regions = ", ".join(o.region or "(none)" for o in offers)
            what = "no offer" if not offers else f"several offers (regions: {regions}); set region"
            raise DataError(
                f"{where}: {what} of {model.id} by {provider.id} in catalog {index.catalog.version}"
            )
        result = price_offer(offers[0], model, provider, source.usage_for(model), fx, options)
        return (
            result
            if isinstance(result, CostLine)
            else f"{model.id} via {provider.id}: {result.reason}"
        )
    from tokenexport_cli.pricing.estimate import Selection, estimate
    from tokenexport_cli.ranking import Constraints, recommend

    rule = check.recommend
    assert rule is not None
    found = estimate(index, source.usage_for, Selection(), fx, options)
    constraints = Constraints(
        min_context=rule.min_context,
        minimums=rule.minimums,
        open_weights=rule.open_weights,
        origins=rule.origin,
        exclude_origins=rule.exclude_origin,
        path_kinds=rule.path,
        providers=rule.provider,
    )
    ranked = recommend(index, found, constraints, rule.objective).ranked
    return ranked[0].line if ranked else "no candidate meets the recommend constraints"


def run_checks(
    config: ProjectConfig,
    config_path: Path,
    index: CatalogIndex,
    fx: Fx,
    baseline: Baseline | None,
    only: tuple[str, ...] = (),
) -> list[CheckResult]:
    """Price every configured workload and evaluate its budgets."""
    from tokenexport_cli.pricing.engine import PricingOptions
    from tokenexport_cli.usage import QuickSpec, usage_source

    names = {check.name for check in config.workloads}
    for name in only:
        if name not in names:
            raise UsageError(f"--workload-name: no workload '{name}' in {config_path}")
    results = []
    for position, check in enumerate(config.workloads):
        if only and check.name not in only:
            continue
        where = f"{config_path}: workloads[{position}] ({check.name})"
        workload_path = (config_path.parent / check.workload).resolve()
        source = usage_source(index, workload_path, QuickSpec())
        options = PricingOptions(currency=config.currency, long_inputs=check.long_inputs)
        line = _checked_line(check, where, index, source, fx, options)
        previous = baseline.monthly_of(check.name) if baseline else None
        priced_model = index.find_model(
            line.model if isinstance(line, CostLine) else check.model or ""
        )
        usage = source.usage_for(priced_model or index.catalog.models[0])
        if isinstance(line, str):
            raise_line = Violation("fits", Decimal(0), Decimal(0), f"{check.name}: {line}")
            results.append(
                CheckResult(
                    check.name,
                    _empty_line(config.currency),
                    str(workload_path),
                    usage_digest(usage),
                    previous,
                    (raise_line,),
                )
            )
            continue
        results.append(
            CheckResult(
                check.name,
                line,
                str(workload_path),
                usage_digest(usage),
                previous,
                evaluate(check.name, line, check.budgets, previous),
            )
        )
    return results


def _empty_line(currency: str) -> CostLine:
    from tokenexport_cli.pricing.engine import Breakdown

    zero = Decimal(0)
    return CostLine(
        "-", "-", None, "-", currency, zero, zero, Breakdown(*([zero] * 8)), Decimal(0), None
    )
