"""``replay``: recorded traffic priced as billed on its own models, beside the same traffic on
other models and paths, for the recorded period and as a monthly projection."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from tokenexport_cli.api.choices import open_catalog
from tokenexport_cli.api.replay_pricer import Pricer
from tokenexport_cli.api.replay_types import (
    DAYS_PER_MONTH,
    ENGINES,
    REASONING_NOTE,
    Engine,
    ReplayLine,
    ReplayRequest,
    ReplayResult,
    Role,
    SourceModel,
)
from tokenexport_cli.errors import DataError, InvalidValue, UsageError

__all__ = [
    "DAYS_PER_MONTH",
    "REASONING_NOTE",
    "Engine",
    "ReplayLine",
    "ReplayRequest",
    "ReplayResult",
    "Role",
    "SourceModel",
    "chosen_offers",
    "replay",
]

if TYPE_CHECKING:
    from tokenexport_cli.catalog import CatalogIndex
    from tokenexport_cli.pricing.unpublished import LowerBound
    from tokenexport_cli.schema import Model, Offer
    from tokenexport_cli.tokens.family_ratio import FamilyRatio
    from tokenexport_cli.warehouse.cells import Cells
    from tokenexport_cli.warehouse.summary import Summary


def _share(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")) if whole else Decimal(0)


def _sources(summary: Summary, index: CatalogIndex) -> tuple[list[SourceModel], list[Model | None]]:
    from tokenexport_cli.logs.record import COUNT_FIELDS
    from tokenexport_cli.logs.resolve import resolve_model

    totals = summary.totals
    all_tokens = sum(sum(t.counts) for t in totals)
    summaries, models = [], []
    for total in totals:
        model = resolve_model(index, total.model)
        models.append(model)
        summaries.append(
            SourceModel(
                model=total.model,
                resolved=model.id if model else None,
                provider=total.provider,
                requests=total.requests,
                counts=dict(zip(COUNT_FIELDS, total.counts, strict=True)),
                recorded_spend=total.recorded_cost if total.costed_requests else None,
                token_share=_share(sum(total.counts), all_tokens),
            )
        )
    return summaries, models


def chosen_offers(request: ReplayRequest, index: CatalogIndex) -> list[Offer]:
    offers: list[Offer] = []
    for name in request.models:
        model = index.model(name)
        matching = [
            offer
            for offer in index.offers(model.id)
            if (not request.providers or offer.provider in request.providers)
            and (
                not request.path_kinds or index.providers[offer.provider].kind in request.path_kinds
            )
        ]
        if not matching:
            raise UsageError(f"{model.id}: no offer matches the chosen providers and paths")
        offers.extend(matching)
    return offers


def _alternatives(pricer: Pricer, exclude: set[str]) -> list[Offer]:
    """Other models that fit every request, cheapest first by the log's totals at base prices,
    one offer per model (its cheapest path)."""
    from tokenexport_cli.logs.record import COUNT_FIELDS

    index, request = pricer.index, pricer.request
    if request.alternatives <= 0:
        return []
    totals = [sum(t.counts[i] for t in pricer.summary.totals) for i in range(len(COUNT_FIELDS))]
    longest = pricer.summary.longest
    ranked: list[tuple[Decimal, Offer]] = []
    for offer in index.catalog.offers:
        provider = index.providers[offer.provider]
        model = index.models[offer.model]
        window = offer.context_window or model.context_window
        if offer.model in exclude or provider.kind == "selfhost" or offer.currency != "USD":
            continue
        if request.providers and offer.provider not in request.providers:
            continue
        if request.path_kinds and provider.kind not in request.path_kinds:
            continue
        if window is None or window < longest:
            continue
        # totals at base prices, cache reads at the read price where the offer sells one
        plain = totals[0] + totals[6] + totals[7] + totals[2] + totals[3]
        read = totals[1] * (offer.cache_read if offer.cache_read is not None else offer.input)
        rough = plain * offer.input + read + (totals[4] + totals[5]) * offer.output
        ranked.append((rough, offer))
    ranked.sort(key=lambda pair: (pair[0], pair[1].model, pair[1].provider))
    offers: list[Offer] = []
    seen: set[str] = set()
    for _, offer in ranked:
        if offer.model not in seen:
            seen.add(offer.model)
            offers.append(offer)
    return offers


def _alternative_lines(
    pricer: Pricer,
    candidates: list[Offer],
    sources: list[Model | None],
    days: Decimal | None,
    cells: Cells,
    skip_unpriceable: bool,
    dropped: list[LowerBound],
) -> list[ReplayLine]:
    from tokenexport_cli.pricing.replay import CellMismatch

    lines: list[ReplayLine] = []
    for offer in candidates:
        if len(lines) >= pricer.request.alternatives:
            break
        try:
            line = pricer.line("alternative", offer, sources, None, days, cells)
        except CellMismatch:
            if not skip_unpriceable:
                raise
            continue
        if line.cost.lower_bound is not None:  # a lower bound has no place among the cheapest
            dropped.append(line.cost.lower_bound)
            continue
        lines.append(line)
    return sorted(lines, key=lambda line: line.cost.period_cost)


def _resolved_reasoning(request: ReplayRequest, index: CatalogIndex) -> ReplayRequest:
    """Reasoning ratios keyed by catalog model id, each within its bound."""
    from dataclasses import replace

    from tokenexport_cli.bounds import check

    ratios: dict[str, Decimal] = {}
    for name, value in request.reasoning_ratios.items():
        problem = check(value, "reasoning_ratio")
        if problem:
            raise InvalidValue(f"{name}: {problem}", "reasoning_ratios", name)
        ratios[index.model(name).id] = value
    return replace(request, reasoning_ratios=ratios)


def _check(request: ReplayRequest) -> None:
    from tokenexport_cli.pricing.replay import LONG_INPUTS
    from tokenexport_cli.schema import PATH_KINDS

    if request.long_inputs not in LONG_INPUTS:
        raise InvalidValue(f"expected one of {', '.join(LONG_INPUTS)}", "long_inputs")
    if request.engine not in ENGINES:
        raise InvalidValue(f"expected one of {', '.join(ENGINES)}", "engine")
    for kind in request.path_kinds:
        if kind not in PATH_KINDS:
            raise InvalidValue(
                f"unknown path kind '{kind}' (choose from {', '.join(PATH_KINDS)})", "path_kinds"
            )


def replay(request: ReplayRequest) -> ReplayResult:
    """``tokx replay``: the logs' calls priced as billed and on each chosen model and path."""
    from tokenexport_cli.logs.local_count import LocalCounter
    from tokenexport_cli.logs.measured_ratio import measure_log
    from tokenexport_cli.logs.resolve import billed_offer
    from tokenexport_cli.pricing.fx import Fx
    from tokenexport_cli.pricing.replay import CellMismatch
    from tokenexport_cli.warehouse.inputs import TrafficSource, open_traffic
    from tokenexport_cli.warehouse.plan import offers_plan
    from tokenexport_cli.warehouse.summary import LogTraffic

    _check(request)
    index = open_catalog(request.catalog)
    for name in request.providers:
        index.provider(name)
    request = _resolved_reasoning(request, index)
    fx = Fx(index.catalog.fx, request.fx)
    fx.rate("USD", request.currency.upper())
    targets = chosen_offers(request, index)
    traffic = open_traffic(
        TrafficSource(
            request.paths,
            request.aggregate,
            request.engine,
            request.columns or None,
            request.log_format,
            LocalCounter(index),
        )
    )
    try:
        summary = traffic.summary
        summaries, sources = _sources(summary, index)
        period = summary.period
        days = None
        if period is not None and period[1] > period[0]:
            days = Decimal((period[1] - period[0]).total_seconds()) / Decimal(86400)
        pricer = Pricer(request, index, summary, fx)
        pricer.note_unresolved(summaries)
        billed: dict[tuple[str, str, str], tuple[Offer, set[int]]] = {}
        for position, (source, model) in enumerate(zip(summaries, sources, strict=True)):
            offer = billed_offer(index, model, source.provider) if model else None
            if offer is not None:
                billed.setdefault(offer.key, (offer, set()))[1].add(position)
        others = [] if request.models else _alternatives(pricer, {m.id for m in sources if m})
        chosen = others[: request.alternatives]
        planned = [offer for offer, _ in billed.values()] + targets + chosen
        families = {model.tokenizer for model in sources if model}
        pricer.table = traffic.table if isinstance(traffic, LogTraffic) else None
        targets_families = {index.models[offer.model].tokenizer for offer in planned}
        pricer.measured = measure_log(summary.text_sample, sources, targets_families, index)
        by_family: dict[str, list[FamilyRatio]] = {}
        for (_, family), measured in pricer.measured.items():
            by_family.setdefault(family, []).append(measured.ratio)
        pricer.plan = offers_plan(index, planned, families, by_family)
        cells = traffic.cells(pricer.plan)
        try:
            lines = [
                pricer.line("source", offer, sources, frozenset(positions), days, cells)
                for offer, positions in billed.values()
            ]
            lines.extend(pricer.line("target", o, sources, None, days, cells) for o in targets)
        except CellMismatch as exc:  # only a saved aggregate can be cut for other offers
            raise DataError(f"{request.aggregate}: {exc.message}") from None
        # a saved aggregate was cut for other offers: candidates it cannot price give way
        saved = request.aggregate is not None
        dropped: list[LowerBound] = []
        candidates = others if saved else chosen
        lines.extend(_alternative_lines(pricer, candidates, sources, days, cells, saved, dropped))
    finally:
        traffic.close()
    spends = [s.recorded_spend for s in summaries if s.recorded_spend is not None]
    usd = fx.rate("USD", pricer.currency)  # logs record spend in USD
    return ReplayResult(
        catalog_version=index.catalog.version,
        currency=pricer.currency,
        start=period[0] if period else None,
        end=period[1] if period else None,
        days=days,
        requests=summary.requests,
        recorded_spend=sum(spends, Decimal(0)) * usd if spends else None,
        sources=tuple(summaries),
        lines=tuple(lines),
        files=summary.files,
        warnings=summary.warnings,
        dropped_unpublished=tuple(dropped),
    )
