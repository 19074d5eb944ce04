"""``replay``: recorded traffic priced as billed on its own models, beside the same traffic on
other models and paths, for the recorded period and as a monthly projection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from tokenexport_cli.api.choices import CatalogChoice, open_catalog
from tokenexport_cli.errors import InvalidValue, UsageError

if TYPE_CHECKING:
    from tokenexport_cli.catalog import CatalogIndex
    from tokenexport_cli.logs.detect import LogRead
    from tokenexport_cli.pricing.fx import Fx
    from tokenexport_cli.pricing.replay import LongInputs, ReplayCost
    from tokenexport_cli.schema import Model, Offer
    from tokenexport_cli.textfiles import InputWarning
    from tokenexport_cli.tokens.family_ratio import FamilyRatio

DAYS_PER_MONTH = Decimal("30.44")
Role = Literal["source", "target", "alternative"]
REASONING_NOTE = "reasoning tokens carried over 1:1 from the source model (an assumption)"


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

    def __post_init__(self) -> None:
        from tokenexport_cli.bounds import checked, checked_mapping

        object.__setattr__(self, "fx", checked_mapping(self.fx, "fx_rate", "fx"))
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


def _share(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")) if whole else Decimal(0)


def _sources(read: LogRead, index: CatalogIndex) -> tuple[list[SourceModel], list[Model | None]]:
    from tokenexport_cli.logs.record import COUNT_FIELDS
    from tokenexport_cli.logs.resolve import resolve_model

    totals = read.table.totals()
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


def _ratios(
    index: CatalogIndex, sources: list[Model | None], target: Model, only: frozenset[int] | None
) -> tuple[list[FamilyRatio | None], set[str]]:
    from tokenexport_cli.tokens.family_ratio import family_ratio, ratio_known

    ratios: list[FamilyRatio | None] = []
    notes: set[str] = set()
    for position, source in enumerate(sources):
        if source is None or (only is not None and position not in only):
            ratios.append(None)
            continue
        ratio = family_ratio(source.tokenizer, target.tokenizer, index.tokenizers)
        if source.tokenizer != target.tokenizer:
            if ratio_known(source.tokenizer, index.tokenizers) and ratio_known(
                target.tokenizer, index.tokenizers
            ):
                notes.add(
                    f"counts converted from {source.tokenizer} to {target.tokenizer} tokens "
                    f"by the measured ratio {float(ratio.factor):.3f}"
                )
            else:
                notes.add(f"no measured ratio {source.tokenizer} -> {target.tokenizer}: 1:1")
        if source.id != target.id:
            notes.add(REASONING_NOTE)
        ratios.append(ratio)
    return ratios, notes


class _Pricer:
    def __init__(self, request: ReplayRequest, index: CatalogIndex, read: LogRead, fx: Fx):
        self.request, self.index, self.read, self.fx = request, index, read, fx
        self.currency = request.currency.upper()
        self.unresolved = ""
        self._priced: dict[tuple[tuple[str, str, str], tuple[int, ...]], ReplayCost] = {}

    def note_unresolved(self, summaries: list[SourceModel]) -> None:
        missing = [s for s in summaries if s.resolved is None]
        if missing:
            share = sum((s.token_share for s in missing), Decimal(0)) * 100
            names = ", ".join(s.model for s in missing)
            calls = sum(s.requests for s in missing)
            self.unresolved = (
                f"{calls} calls ({share:.1f}% of tokens) of models not in the catalog left out: "
                f"{names}"
            )

    def line(
        self,
        role: Role,
        offer: Offer,
        sources: list[Model | None],
        only: frozenset[int] | None,
        days: Decimal | None,
    ) -> ReplayLine:
        from dataclasses import replace

        from tokenexport_cli.pricing.replay import price_records

        model = self.index.models[offer.model]
        provider = self.index.providers[offer.provider]
        ratios, notes = _ratios(self.index, sources, model, only)
        table = self.read.table
        reasoning = sum(table.columns["reasoning"])
        if not reasoning:
            notes.discard(REASONING_NOTE)
        # the logged model's own line and the same offer chosen with -m price the same calls:
        # price them once
        priced_rows = (offer.key, tuple(i for i, ratio in enumerate(ratios) if ratio is not None))
        cost = self._priced.get(priced_rows)
        if cost is None:
            cost = price_records(
                table,
                offer,
                model,
                provider,
                ratios,
                self.fx,
                self.currency,
                self.request.long_inputs,
            )
            self._priced[priced_rows] = cost
        if only is None and self.unresolved:
            notes.add(self.unresolved)
        for fee in provider.fees:
            notes.add(f"{fee.percent}% {fee.kind.replace('_', ' ')} fee included")
        cost = replace(cost, notes=tuple(sorted(notes)) + cost.notes)
        monthly = cost.period_cost * DAYS_PER_MONTH / days if days else None
        return ReplayLine(role, cost, monthly)


def _targets(request: ReplayRequest, index: CatalogIndex) -> list[Offer]:
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


def _alternatives(
    pricer: _Pricer, sources: list[Model | None], days: Decimal | None, exclude: set[str]
) -> list[ReplayLine]:
    """The cheapest other models that fit every request, one line per model (its cheapest
    path): candidates ranked by the log's totals at base prices, then priced call by call."""
    from tokenexport_cli.logs.record import COUNT_FIELDS

    index, request = pricer.index, pricer.request
    totals = [sum(pricer.read.table.columns[name]) for name in COUNT_FIELDS]
    longest = max(
        (
            p + o + r
            for p, o, r in zip(
                pricer.read.table.prompt,
                pricer.read.table.columns["output"],
                pricer.read.table.columns["reasoning"],
                strict=True,
            )
        ),
        default=0,
    )
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
    lines: list[ReplayLine] = []
    seen: set[str] = set()
    for _, offer in ranked:
        if offer.model in seen:
            continue
        seen.add(offer.model)
        lines.append(pricer.line("alternative", offer, sources, None, days))
        if len(lines) >= request.alternatives:
            break
    return sorted(lines, key=lambda line: line.cost.period_cost)


def replay(request: ReplayRequest) -> ReplayResult:
    """``tokx replay``: the logs' calls priced as billed and on each chosen model and path."""
    from tokenexport_cli.logs.detect import read_logs
    from tokenexport_cli.logs.resolve import billed_offer
    from tokenexport_cli.pricing.fx import Fx
    from tokenexport_cli.pricing.replay import LONG_INPUTS

    if request.long_inputs not in LONG_INPUTS:
        raise InvalidValue(f"expected one of {', '.join(LONG_INPUTS)}", "long_inputs")
    from tokenexport_cli.schema import PATH_KINDS

    for kind in request.path_kinds:
        if kind not in PATH_KINDS:
            raise InvalidValue(
                f"unknown path kind '{kind}' (choose from {', '.join(PATH_KINDS)})", "path_kinds"
            )
    index = open_catalog(request.catalog)
    for name in request.providers:
        index.provider(name)
    fx = Fx(index.catalog.fx, request.fx)
    fx.rate("USD", request.currency.upper())
    targets = _targets(request, index)
    read = read_logs(request.paths, request.log_format, request.columns or None)
    summaries, sources = _sources(read, index)
    period = read.table.period()
    days = None
    if period is not None and period[1] > period[0]:
        days = Decimal((period[1] - period[0]).total_seconds()) / Decimal(86400)
    pricer = _Pricer(request, index, read, fx)
    pricer.note_unresolved(summaries)
    billed: dict[tuple[str, str, str], tuple[Offer, set[int]]] = {}
    for position, (summary, model) in enumerate(zip(summaries, sources, strict=True)):
        offer = billed_offer(index, model, summary.provider) if model else None
        if offer is not None:
            billed.setdefault(offer.key, (offer, set()))[1].add(position)
    lines = [
        pricer.line("source", offer, sources, frozenset(positions), days)
        for offer, positions in billed.values()
    ]
    lines.extend(pricer.line("target", offer, sources, None, days) for offer in targets)
    if not request.models:
        lines.extend(_alternatives(pricer, sources, days, {m.id for m in sources if m}))
    spends = [s.recorded_spend for s in summaries if s.recorded_spend is not None]
    usd = fx.rate("USD", pricer.currency)  # logs record spend in USD
    return ReplayResult(
        catalog_version=index.catalog.version,
        currency=pricer.currency,
        start=period[0] if period else None,
        end=period[1] if period else None,
        days=days,
        requests=len(read.table),
        recorded_spend=sum(spends, Decimal(0)) * usd if spends else None,
        sources=tuple(summaries),
        lines=tuple(lines),
        files=read.files,
        warnings=read.warnings,
    )
