"""Price a workload on every matching offer of a catalog: cost lines, exclusions, unpriced
models, self-hosting rows and the growth projection."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from tokenexport_cli.schema import Model
from tokenexport_cli.textfiles import InputWarning

if TYPE_CHECKING:  # the pricing engine loads when something is priced, not for completion
    from tokenexport_cli.catalog import CatalogIndex
    from tokenexport_cli.pricing.engine import CostLine, Exclusion, PricingOptions, Usage
    from tokenexport_cli.pricing.fx import Fx
    from tokenexport_cli.pricing.selfhost import SelfhostOptions


@dataclass(frozen=True)
class Selection:
    """Which candidates to price; empty tuples mean "all"."""

    models: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    path_kinds: tuple[str, ...] = ()
    include_selfhost: bool = True

    @property
    def explicit(self) -> bool:
        """Named offers (models and providers): a cost that is only a lower bound is shown as
        one; otherwise such a candidate is excluded, with its reason counted."""
        return bool(self.models and self.providers)


@dataclass(frozen=True)
class Unpriced:
    model: str
    reason: str


@dataclass(frozen=True)
class Estimate:
    """Every candidate's monthly cost for one workload, cheapest first."""

    catalog_version: str
    currency: str
    requests_per_month: Decimal
    lines: tuple[CostLine, ...]
    exclusions: tuple[Exclusion, ...]
    unpriced: tuple[Unpriced, ...]
    fx_sources: dict[str, str] = field(default_factory=dict)
    workload_digest: str | None = None
    warnings: tuple[InputWarning, ...] = ()  # about the workload's inputs, as workload show says


def select_models(index: CatalogIndex, selection: Selection) -> list[Model]:
    if selection.models:
        return [index.model(name) for name in selection.models]
    return sorted(index.catalog.models, key=lambda model: model.id)


def estimate(
    index: CatalogIndex,
    usage_for: Callable[[Model], Usage],
    selection: Selection,
    fx: Fx,
    options: PricingOptions,
    selfhost: SelfhostOptions | None = None,
) -> Estimate:
    """Price every selected model on every selected offer (plus self-hosting where profiled)."""
    from tokenexport_cli.pricing.engine import CostLine, Exclusion, price_offer
    from tokenexport_cli.pricing.selfhost import selfhost_lines
    from tokenexport_cli.pricing.unpublished import UNPUBLISHED_KIND

    for provider in selection.providers:
        index.provider(provider)  # unknown ids are usage errors with suggestions
    lines: list[CostLine] = []
    exclusions: list[Exclusion] = []
    unpriced: list[Unpriced] = []
    requests = Decimal(0)
    for model in select_models(index, selection):
        usage = usage_for(model)
        requests = usage.requests_per_month
        offers = [
            offer
            for offer in index.offers(model.id)
            if (not selection.providers or offer.provider in selection.providers)
            and (
                not selection.path_kinds
                or index.providers[offer.provider].kind in selection.path_kinds
            )
        ]
        wants_selfhost = (
            selection.include_selfhost
            and not selection.providers
            and (not selection.path_kinds or "selfhost" in selection.path_kinds)
        )
        hosted = (
            selfhost_lines(index, model, usage, fx, options, selfhost) if wants_selfhost else []
        )
        if not index.offers(model.id) and not hosted:
            unpriced.append(Unpriced(model.id, model.note or "no price on any delivery path"))
            continue
        priced = [
            price_offer(offer, model, index.providers[offer.provider], usage, fx, options)
            for offer in offers
        ]
        for result in (*priced, *hosted):
            if isinstance(result, CostLine) and result.lower_bound and not selection.explicit:
                bound = result.lower_bound  # a ranking never places a lower bound: left out
                exclusions.append(
                    Exclusion(model.id, bound.provider, bound.reason, UNPUBLISHED_KIND)
                )
            elif isinstance(result, CostLine):
                lines.append(result)
            else:
                exclusions.append(result)
    lines.sort(key=lambda line: (line.monthly, line.model, line.provider, line.region or ""))
    return Estimate(
        catalog_version=index.catalog.version,
        currency=options.currency,
        requests_per_month=requests,
        lines=tuple(lines),
        exclusions=tuple(exclusions),
        unpriced=tuple(unpriced),
        fx_sources={currency: fx.sources[currency] for currency in sorted(fx.per_usd)},
    )


def projection(monthly: Decimal, growth_percent: Decimal, months: int) -> list[Decimal]:
    """Cost in each of the next ``months`` months, compounding ``growth_percent`` a month."""
    factor = 1 + Fraction(growth_percent) / 100
    values = []
    current = Fraction(monthly)
    for _ in range(months):
        values.append(Decimal(current.numerator) / Decimal(current.denominator))
        current *= factor
    return values
