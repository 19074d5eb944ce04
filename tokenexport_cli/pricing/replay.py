"""Price recorded usage on one offer as billed, from pricing cells (``warehouse.cells``): the
long-context tier chosen by the call's whole prompt, the time-of-day band by its 15-minute slot,
the batch price where it went through a batch API; counts converted to the offer's tokenizer
family and the cache structure kept under the offer's own caching rules (``cache_rules``,
including its minimum cacheable prompt)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from tokenexport_cli.errors import DataError
from tokenexport_cli.logs.record import COUNT_FIELDS, UsageTable
from tokenexport_cli.pricing.engine import to_decimal
from tokenexport_cli.pricing.fx import Fx
from tokenexport_cli.pricing.traffic import band_slots
from tokenexport_cli.pricing.unpublished import (
    LowerBound,
    count_unpriced,
    replay_bound,
    replay_notes,
)
from tokenexport_cli.schema import Model, Offer, Provider
from tokenexport_cli.tokens.family_ratio import FamilyRatio
from tokenexport_cli.warehouse.cells import Cells, Limits, plan_for, table_cells
from tokenexport_cli.wording import calls

LongInputs = Literal["cap", "exclude", "split"]
LONG_INPUTS: tuple[str, ...] = ("cap", "exclude", "split")
PARTS: tuple[str, ...] = ("input", "cache_read", "cache_write", "output", "reasoning", "fees")
MILLION = 1_000_000
INPUT, READ, WRITE_5M, WRITE_1H, OUTPUT, REASONING, IMAGE, AUDIO = range(len(COUNT_FIELDS))


@dataclass(frozen=True)
class CacheRules:
    """How an offer bills a prompt cache: ``read`` None means no prompt caching (hits bill as
    input); ``write_5m`` None means writes bill as input (automatic caching, or none)."""

    read: Decimal | None
    write_5m: Decimal | None
    write_1h: Decimal | None
    min_cacheable: int | None


def cache_rules(
    offer: Offer, read: Decimal | None, write: Decimal | None, write_1h: Decimal | None = None
) -> CacheRules:
    """The offer's caching rules at one price level (base, tier, band): read, 5-minute and
    1-hour write prices, and the minimum cacheable prompt (cells split by it: below it, reads
    and writes bill as input)."""
    return CacheRules(
        read=read, write_5m=write, write_1h=write_1h, min_cacheable=offer.cache_min_tokens
    )


@dataclass(frozen=True)
class PriceLevel:
    input: Decimal
    output: Decimal
    cache: CacheRules


@dataclass(frozen=True)
class ReplayCost:
    """Recorded traffic priced on one offer for the recorded period, unrounded."""

    model: str
    provider: str
    region: str | None
    path_kind: str
    currency: str
    period_cost: Decimal
    breakdown: dict[str, Decimal]
    requests: int
    long_requests: int
    long_token_share: Decimal
    excluded_requests: int
    band_percent: Decimal | None
    notes: tuple[str, ...]
    #: set when calls reach the offer's ``priced_input_below`` or ``priced_output_below``:
    #: every amount is a lower bound
    lower_bound: LowerBound | None = None


def _levels(offer: Offer) -> list[PriceLevel]:
    base = cache_rules(offer, offer.cache_read, offer.cache_write, offer.cache_write_1h)
    levels = [PriceLevel(offer.input, offer.output, base)]
    for tier in offer.tiers_in_force:
        rules = cache_rules(
            offer,
            tier.cache_read if tier.cache_read is not None else offer.cache_read,
            tier.cache_write if tier.cache_write is not None else offer.cache_write,
            tier.cache_write_1h if tier.cache_write_1h is not None else offer.cache_write_1h,
        )
        levels.append(PriceLevel(tier.input, tier.output, rules))
    return levels


def _level(offer: Offer, tier: int, band: int, batch: bool) -> PriceLevel:
    level = _levels(offer)[tier]
    if batch and offer.batch is not None:
        if offer.batch.discount is not None:
            keep = 1 - offer.batch.discount
            cache = level.cache
            return PriceLevel(
                level.input * keep,
                level.output * keep,
                CacheRules(
                    cache.read * keep if cache.read is not None else None,
                    cache.write_5m * keep if cache.write_5m is not None else None,
                    cache.write_1h * keep if cache.write_1h is not None else None,
                    cache.min_cacheable,
                ),
            )
        return PriceLevel(
            offer.batch.input if offer.batch.input is not None else level.input,
            offer.batch.output if offer.batch.output is not None else level.output,
            level.cache,
        )
    if band >= 0 and not batch:
        time_band = offer.time_bands[band]
        rules = cache_rules(
            offer,
            time_band.cache_read if time_band.cache_read is not None else level.cache.read,
            time_band.cache_write if time_band.cache_write is not None else level.cache.write_5m,
        )
        return PriceLevel(time_band.input, time_band.output, rules)
    return level


Key = tuple[int, int, int, bool, bool]  # source, tier, band, batch, cacheable


class _Sums:
    """Token sums per price class, in whole tokens."""

    def __init__(self) -> None:
        self.counts: dict[Key, list[int]] = {}

    def add(self, key: Key, values: Sequence[int], times: int = 1) -> None:
        row = self.counts.get(key)
        if row is None:
            self.counts[key] = [value * times for value in values]
            return
        for index, value in enumerate(values):
            row[index] += value * times


class CellMismatch(DataError):
    """Cells made for other offers: one spans a price boundary of the offer being priced."""


def price_records(
    table: UsageTable,
    offer: Offer,
    model: Model,
    provider: Provider,
    ratios: Sequence[FamilyRatio | None],
    fx: Fx,
    currency: str,
    long_inputs: LongInputs = "cap",
) -> ReplayCost:
    """The cost of every record of ``table`` on ``offer``; ``ratios[source]`` converts a source
    model's counts to this model's tokenizer (None: the source is unresolved, left out)."""
    limits = Limits.of(offer, model)
    plan = plan_for([(limits, [r for r in ratios if r is not None])])
    return price_cells(
        table_cells(table, plan), offer, model, provider, ratios, fx, currency, long_inputs
    )


def _fit_long(
    values: list[int], prompt: int, window: int, long_inputs: LongInputs
) -> tuple[int, int] | None:
    """One call longer than the window under ``--long-inputs``: ``values`` made the billed
    counts, and (the prompt that chooses the tier, split calls); None when it is left out."""
    answer = values[OUTPUT] + values[REASONING]
    room = window - answer
    if long_inputs == "exclude" or room <= 0:
        return None
    calls = 0
    if long_inputs == "cap":
        # compacted to fit: every part of the prompt shrinks in proportion, in whole tokens
        # (a compaction is an estimate; the note says so)
        for index in (INPUT, READ, WRITE_5M, WRITE_1H, IMAGE, AUDIO):
            values[index] = values[index] * room // prompt
    else:
        calls = math.ceil(prompt / room)
        values[OUTPUT] *= calls
        values[REASONING] *= calls
    return min(prompt, room), calls


def price_cells(
    cells: Cells,
    offer: Offer,
    model: Model,
    provider: Provider,
    ratios: Sequence[FamilyRatio | None],
    fx: Fx,
    currency: str,
    long_inputs: LongInputs = "cap",
) -> ReplayCost:
    """The one pricing of cells (from the Python path, DuckDB, or a warehouse's saved result)
    on ``offer``: the tier, band and cacheability of each cell, long calls (exact cells) call
    by call, every sum times its price. A cell that spans a boundary of this offer was made for
    other offers: CellMismatch, naming it."""
    limits = Limits.of(offer, model)
    slots = band_slots(tuple(offer.time_bands)) if offer.time_bands else None
    by_source = {
        source: limits.in_source(ratio) for source, ratio in enumerate(ratios) if ratio is not None
    }
    sums = _Sums()
    stats: defaultdict[str, int] = defaultdict(int)
    whole_by_source: defaultdict[int, int] = defaultdict(int)
    long_by_source: defaultdict[int, int] = defaultdict(int)
    for number, cell in enumerate(cells.cells, start=1):
        source_limits = by_source.get(cell.source)
        if source_limits is None:
            continue
        stats["requests"] += cell.requests
        values = list(cell.per_call() if cell.exact else cell.counts)
        prompt = sum(values[i] for i in (INPUT, READ, WRITE_5M, WRITE_1H, IMAGE, AUDIO))
        # the answer of each call (as logged, before any split): the output-length price
        answers = (values[OUTPUT] + values[REASONING],) * 2 if cell.exact else cell.answer_range()
        whole = prompt + values[OUTPUT] + values[REASONING]
        whole_by_source[cell.source] += whole * (cell.requests if cell.exact else 1)
        window = source_limits.window
        if cell.exact and window is not None and whole > window:
            stats["long"] += cell.requests
            long_by_source[cell.source] += whole * cell.requests
            fitted = _fit_long(values, prompt, window, long_inputs)
            if fitted is None:
                stats["excluded"] += cell.requests
                continue
            prompt_low = prompt_high = fitted[0]
            stats["split_calls"] += fitted[1] * cell.requests
            if long_inputs == "cap":
                stats["capped"] += cell.requests
        elif cell.exact:
            prompt_low = prompt_high = prompt
        else:
            prompt_low, prompt_high = cell.prompt_min, cell.prompt_max
            if window is not None and cell.whole_max > window:
                raise CellMismatch(_mismatch(number, offer, f"a call longer than {window} tokens"))
        tier = source_limits.tier(prompt_low)
        cacheable = source_limits.cacheable(prompt_low)
        unpriced = source_limits.unpriced(prompt_low)
        if (
            tier != source_limits.tier(prompt_high)
            or cacheable != source_limits.cacheable(prompt_high)
            or unpriced != source_limits.unpriced(prompt_high)
        ):
            raise CellMismatch(
                _mismatch(number, offer, f"prompts from {prompt_low} to {prompt_high} tokens")
            )
        band = -1
        if slots is not None and not cell.batch:
            if cell.slot < 0:
                stats["untimed"] += cell.requests
            else:
                band = slots[cell.slot]
                if band >= 0:
                    stats["banded"] += cell.requests
        if tier:
            stats["tier"] += cell.requests
        answer_reached = (
            source_limits.unpriced_answer(answers[0]),
            source_limits.unpriced_answer(answers[1]),
        )
        count_unpriced(stats, cell.requests, unpriced, answer_reached)
        if cell.batch:
            stats["batch"] += cell.requests
        if not cacheable and any(values[i] for i in (READ, WRITE_5M, WRITE_1H)):
            stats["uncacheable"] += cell.requests
        times = cell.requests if cell.exact else 1
        sums.add((cell.source, tier, band, cell.batch, cacheable), values, times)
    all_tokens = Fraction(0)
    long_tokens = Fraction(0)
    for source, tokens in whole_by_source.items():
        factor = ratios[source].factor  # type: ignore[union-attr]
        all_tokens += tokens * factor
        long_tokens += long_by_source[source] * factor
    return _assemble(
        offer, model, provider, ratios, fx, currency, sums, stats, long_tokens, all_tokens
    )


def _mismatch(number: int, offer: Offer, what: str) -> str:
    return (
        f"cell {number}: {what} in one cell, across a price boundary of {offer.model} on "
        f"{offer.provider}: aggregate for this model too (--emit-sql with -m {offer.model})"
    )


def _assemble(
    offer: Offer,
    model: Model,
    provider: Provider,
    ratios: Sequence[FamilyRatio | None],
    fx: Fx,
    currency: str,
    sums: _Sums,
    stats: dict[str, int],
    long_tokens: Fraction,
    all_tokens: Fraction,
) -> ReplayCost:
    parts = dict.fromkeys(PARTS, Fraction(0))
    notes: set[str] = set()
    for (source, tier, band, batch, cacheable), values in sums.counts.items():
        ratio = ratios[source]
        assert ratio is not None
        level = _level(offer, tier, band, batch)
        cache = level.cache
        plain = values[INPUT] + values[IMAGE] + values[AUDIO]
        read, five, hour = values[READ], values[WRITE_5M], values[WRITE_1H]
        if not cacheable and read + five + hour:
            plain, read, five, hour = plain + read + five + hour, 0, 0, 0
        elif cache.read is None and read + five + hour:
            notes.add("no prompt caching on this offer: cache reads and writes billed as input")
            plain, read, five, hour = plain + read + five + hour, 0, 0, 0
        elif cache.write_5m is None and five + hour:
            notes.add("no cache-write price: cache writes billed as input")
            plain, five, hour = plain + five + hour, 0, 0
        elif cache.write_1h is None and hour:
            notes.add("1-hour cache writes priced at the 5-minute write price (no 1-hour price)")
            five, hour = five + hour, 0
        scale = ratio.factor / MILLION
        parts["input"] += plain * Fraction(level.input) * scale
        parts["cache_read"] += read * Fraction(cache.read or 0) * scale
        parts["cache_write"] += (
            five * Fraction(cache.write_5m or 0) + hour * Fraction(cache.write_1h or 0)
        ) * scale
        parts["output"] += values[OUTPUT] * Fraction(level.output) * scale
        parts["reasoning"] += values[REASONING] * Fraction(level.output) * scale
    subtotal = sum(parts.values(), Fraction(0))
    parts["fees"] = subtotal * sum((Fraction(f.percent) for f in provider.fees), Fraction(0)) / 100
    rate = fx.rate_fraction(offer.currency, currency)
    total = sum(parts.values(), Fraction(0)) * rate
    band_percent = max(
        (r.band_percent or Decimal(0) for r in ratios if r is not None), default=None
    )
    notes.update(_stat_notes(offer, stats))
    return ReplayCost(
        model=model.id,
        provider=provider.id,
        region=offer.region,
        path_kind=provider.kind,
        currency=currency,
        period_cost=to_decimal(total),
        breakdown={name: to_decimal(value * rate) for name, value in parts.items()},
        requests=stats["requests"],
        long_requests=stats["long"],
        long_token_share=to_decimal(long_tokens / all_tokens) if all_tokens else Decimal(0),
        excluded_requests=stats["excluded"],
        band_percent=band_percent or None,
        notes=tuple(sorted(notes)),
        lower_bound=replay_bound(offer, stats),
    )


def _stat_notes(offer: Offer, stats: dict[str, int]) -> list[str]:
    notes = []
    if stats["tier"]:
        notes.append(f"{calls(stats['tier'])} at long-context tier prices")
    if stats["banded"]:
        notes.append(f"{calls(stats['banded'])} inside a time-of-day price band")
    if stats["untimed"]:
        notes.append(f"{calls(stats['untimed'])} without a timestamp priced outside time bands")
    if stats["batch"]:
        if offer.batch is None:
            notes.append(f"{stats['batch']} batch calls at real-time prices (no batch price)")
        else:
            notes.append(f"{calls(stats['batch'])} at batch prices")
    if stats["long"]:
        notes.append(f"{calls(stats['long'])} longer than the context window")
    if stats["capped"]:
        notes.append(f"{stats['capped']} long calls priced as if compacted to fit the window")
    if stats["excluded"]:
        notes.append(f"{calls(stats['excluded'])} too long for the context window left out")
    if stats["split_calls"]:
        notes.append(f"long calls split into {calls(stats['split_calls'])}")
    notes.extend(replay_notes(offer, stats))
    if stats["uncacheable"]:
        notes.append(
            f"{calls(stats['uncacheable'])} shorter than the minimum cacheable prompt "
            f"({offer.cache_min_tokens} tokens): cache reads and writes billed as input"
        )
    return notes
