"""Budget evaluation: price each configured workload and list the budgets it breaks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from tokenexport_cli.budget.attribution import Attribution, TokenProfile, attribute
from tokenexport_cli.budget.baseline import (
    BASELINE_SCHEMA_VERSION,
    Baseline,
    BaselineEntry,
    percent_change,
)
from tokenexport_cli.budget.config import Budgets, ProjectConfig, WorkloadCheck
from tokenexport_cli.catalog import CatalogIndex
from tokenexport_cli.errors import DataError, InvalidValue
from tokenexport_cli.pricing.engine import CostLine, PricingOptions
from tokenexport_cli.pricing.fx import Fx
from tokenexport_cli.textfiles import InputWarning
from tokenexport_cli.usage import UsageSource


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
    warnings: tuple[InputWarning, ...] = ()  # about the workload's inputs
    tokens: TokenProfile | None = None  # per-file counts (None for recorded usage)
    files: Attribution | None = None  # the files that moved the cost since the baseline

    @property
    def change_percent(self) -> Decimal | None:
        return percent_change(self.baseline_monthly, self.line.monthly)

    @property
    def ok(self) -> bool:
        return not self.violations


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
        if isinstance(result, CostLine) and result.lower_bound is None:
            return result
        # a lower bound cannot show that a budget holds: the check fails, saying why
        why = result.reason if not isinstance(result, CostLine) else _unknown(result)
        return f"{model.id} via {provider.id}: {why}"
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


def _unknown(line: CostLine) -> str:
    bound = line.lower_bound
    assert bound is not None
    return (
        f"{bound.reason} ({bound.requests} of {bound.sample_requests} sample requests reach it): "
        f"at least {_money(line.monthly, line.currency)} a month, so no budget can be confirmed"
    )


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
            raise InvalidValue(f"no workload '{name}' in {config_path}", "workload_names", name)
    results = []
    for position, check in enumerate(config.workloads):
        if only and check.name not in only:
            continue
        where = f"{config_path}: workloads[{position}] ({check.name})"
        workload_path = (config_path.parent / check.workload).resolve()
        source = usage_source(index, workload_path, QuickSpec())
        options = PricingOptions(currency=config.currency, long_inputs=check.long_inputs)
        line = _checked_line(check, where, index, source, fx, options)
        entry = baseline.entry(check.name) if baseline else None
        previous = entry.monthly if entry else None
        if isinstance(line, str):
            raise_line = Violation("fits", Decimal(0), Decimal(0), f"{check.name}: {line}")
            results.append(
                CheckResult(
                    check.name,
                    _empty_line(config.currency),
                    str(workload_path),
                    source.digest(),
                    previous,
                    (raise_line,),
                    source.warnings(),
                )
            )
            continue
        tokens = _token_profile(index, source, line, config_path.parent)
        results.append(
            CheckResult(
                check.name,
                line,
                str(workload_path),
                source.digest(),
                previous,
                evaluate(check.name, line, check.budgets, previous),
                source.warnings(),
                tokens,
                attribute(entry.tokens, tokens) if entry else None,
            )
        )
    return results


def _token_profile(
    index: CatalogIndex, source: UsageSource, line: CostLine, root: Path
) -> TokenProfile | None:
    """Per-file counts in the tokenizer of the line's model (the counts its price came from)."""
    from tokenexport_cli.budget.attribution import token_profile
    from tokenexport_cli.usage import WorkloadUsageSource

    model = index.find_model(line.model)
    if not isinstance(source, WorkloadUsageSource) or model is None:
        return None
    return token_profile(source.workload, source.counts(model.tokenizer), line, root)


def _empty_line(currency: str) -> CostLine:
    from tokenexport_cli.pricing.engine import Breakdown

    zero = Decimal(0)
    return CostLine(
        "-", "-", None, "-", currency, zero, zero, Breakdown(*([zero] * 8)), Decimal(0), None
    )


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
                tokens=r.tokens,
            )
            for r in results
        ),
    )
