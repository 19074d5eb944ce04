"""Price recorded usage on one offer, call by call as billed: the long-context tier chosen by
the call's whole prompt, the time-of-day band by its timestamp, the batch price where it went
through a batch API; counts converted to the offer's tokenizer family and the cache structure
kept under the offer's own caching rules (``cache_rules``)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from tokenexport_cli.logs.record import COUNT_FIELDS, NO_TIME, UsageTable
from tokenexport_cli.pricing.engine import to_decimal
from tokenexport_cli.pricing.fx import Fx
from tokenexport_cli.pricing.traffic import in_band
from tokenexport_cli.schema import Model, Offer, Provider
from tokenexport_cli.tokens.family_ratio import FamilyRatio

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
    1-hour write prices, and the minimum cacheable prompt (carried; cells do not yet split
    by it, see README "Replaying recorded traffic")."""
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


def _levels(offer: Offer) -> list[PriceLevel]:
    base = cache_rules(offer, offer.cache_read, offer.cache_write, offer.cache_write_1h)
    levels = [PriceLevel(offer.input, offer.output, base)]
    for tier in offer.tiers:
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


Key = tuple[int, int, int, bool]  # source, tier, band, batch


class _Sums:
    """Token sums per price class, in whole tokens."""

    def __init__(self) -> None:
        self.counts: dict[Key, list[int]] = {}

    def add(self, key: Key, values: Sequence[int]) -> None:
        row = self.counts.get(key)
        if row is None:
            self.counts[key] = list(values)
            return
        for index, value in enumerate(values):
            row[index] += value


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
    window = offer.context_window or model.context_window
    bands = offer.time_bands
    columns = [table.columns[name] for name in COUNT_FIELDS]
    sums = _Sums()
    stats: defaultdict[str, int] = defaultdict(int)
    whole_by_source: defaultdict[int, int] = defaultdict(int)
    long_by_source: defaultdict[int, int] = defaultdict(int)
    band_cache: dict[int, int] = {}
    # Tier thresholds and the window in each source's own tokens, as whole numbers: for a
    # whole token count n, n * factor > limit exactly when n > floor(limit / factor).
    limits_by_source: dict[int, tuple[list[int], int | None]] = {}
    for source, ratio in enumerate(ratios):
        if ratio is not None:
            limits_by_source[source] = (
                [math.floor(Fraction(tier.above) / ratio.factor) for tier in offer.tiers],
                None if window is None else math.floor(Fraction(window) / ratio.factor),
            )
    requests = 0
    for row, source in enumerate(table.source):
        limits = limits_by_source.get(source)
        if limits is None:
            continue
        source_limits, source_window = limits
        values = [column[row] for column in columns]
        prompt = table.prompt[row]
        answer = values[OUTPUT] + values[REASONING]
        whole = prompt + answer
        whole_by_source[source] += whole
        batch = table.batch[row] == 1
        requests += 1
        if source_window is not None and whole > source_window:
            stats["long"] += 1
            long_by_source[source] += whole
            room = source_window - answer
            if long_inputs == "exclude" or room <= 0:
                stats["excluded"] += 1
                continue
            if long_inputs == "cap":
                # compacted to fit: every part of the prompt shrinks in proportion, in whole
                # tokens (a compaction is an estimate; the note says so)
                stats["capped"] += 1
                for index in (INPUT, READ, WRITE_5M, WRITE_1H, IMAGE, AUDIO):
                    values[index] = values[index] * room // prompt
            else:
                calls = math.ceil(prompt / room)
                stats["split_calls"] += calls
                values[OUTPUT] *= calls
                values[REASONING] *= calls
            prompt = min(prompt, room)
        tier = 0
        for index, above in enumerate(source_limits):
            if prompt > above:
                tier = index + 1
        band = -1
        if bands and not batch:
            stamp = table.timestamp[row]
            if stamp == NO_TIME:
                stats["untimed"] += 1
            else:
                minute = stamp // 60
                band = band_cache.get(minute, -2)
                if band == -2:
                    band = next((i for i, b in enumerate(bands) if in_band(b, stamp)), -1)
                    band_cache[minute] = band
                if band >= 0:
                    stats["banded"] += 1
        if tier:
            stats["tier"] += 1
        if batch:
            stats["batch"] += 1
        sums.add((source, tier, band, batch), values)
    stats["requests"] = requests
    all_tokens = Fraction(0)
    long_tokens = Fraction(0)
    for source, tokens in whole_by_source.items():
        factor = ratios[source].factor  # type: ignore[union-attr]
        all_tokens += tokens * factor
        long_tokens += long_by_source[source] * factor
    return _assemble(
        offer, model, provider, ratios, fx, currency, sums, stats, long_tokens, all_tokens
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
    for (source, tier, band, batch), values in sums.counts.items():
        ratio = ratios[source]
        assert ratio is not None
        level = _level(offer, tier, band, batch)
        cache = level.cache
        plain = values[INPUT] + values[IMAGE] + values[AUDIO]
        read, five, hour = values[READ], values[WRITE_5M], values[WRITE_1H]
        if cache.read is None and read + five + hour:
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
    )


def _stat_notes(offer: Offer, stats: dict[str, int]) -> list[str]:
    notes = []
    if stats["tier"]:
        notes.append(f"{stats['tier']} calls at long-context tier prices")
    if stats["banded"]:
        notes.append(f"{stats['banded']} calls inside a time-of-day price band")
    if stats["untimed"]:
        notes.append(f"{stats['untimed']} calls without a timestamp priced outside time bands")
    if stats["batch"]:
        if offer.batch is None:
            notes.append(f"{stats['batch']} batch calls at real-time prices (no batch price)")
        else:
            notes.append(f"{stats['batch']} calls at batch prices")
    if stats["long"]:
        notes.append(f"{stats['long']} calls longer than the context window")
    if stats["capped"]:
        notes.append(f"{stats['capped']} long calls priced as if compacted to fit the window")
    if stats["excluded"]:
        notes.append(f"{stats['excluded']} calls too long for the context window left out")
    if stats["split_calls"]:
        notes.append(f"long calls split into {stats['split_calls']} calls")
    return notes
