"""Price one offer for one usage profile, exactly in Decimal: per-request costs over the sample
distribution, long-context tiers, time-of-day bands, prompt cache, batch, fees and currency."""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, field, fields, replace
from decimal import (
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from fractions import Fraction
from functools import lru_cache
from itertools import accumulate

from tokenexport_cli.errors import DataError
from tokenexport_cli.pricing.fx import Fx
from tokenexport_cli.pricing.traffic import band_share_fraction, uniform_weights
from tokenexport_cli.pricing.unpublished import LowerBound, lower_bound
from tokenexport_cli.schema import CacheTtl, Model, Offer, Provider

MILLION = 1_000_000
ZERO = Decimal(0)
NOTHING = Fraction(0)


@dataclass(frozen=True)
class Shape:
    """One request as a tokenizer family counts it; ``input_tokens`` includes the shared prefix."""

    input_tokens: int
    output_tokens: int


@dataclass(frozen=True)
class Usage:
    """Everything pricing needs to know about a workload, for one tokenizer family."""

    shapes: tuple[Shape, ...]
    requests_per_month: Decimal
    prefix_tokens: int = 0
    cache_hit_rate: Decimal = ZERO
    batch_fraction: Decimal = ZERO
    traffic_weights: tuple[Decimal, ...] = field(default_factory=uniform_weights)
    traffic_timezone: str = "UTC"
    family: str = "fixed"
    band_percent: Decimal | None = None  # token counts are approximate within this band
    output_band_percent: Decimal | None = None  # ... and output counts (scaled from logs)
    reconstructed: bool = False  # ... and reconstructed (Claude), not scaled from a reference
    cache_ttl: CacheTtl = "5m"  # how long cache writes are kept: "1h" bills the 1-hour price
    note: str | None = None  # e.g. "tokens calibrated from 120 requests"


@dataclass(frozen=True)
class Prices:
    input: Decimal
    output: Decimal
    cache_read: Decimal | None
    cache_write: Decimal | None
    cache_write_1h: Decimal | None = None
    cache_min_tokens: int | None = None  # a shorter shared prefix is not cached at all

    def write_price(self, ttl: str) -> Decimal | None:
        """The cache-write price for a TTL: the 1-hour price where the offer has one."""
        if ttl == "1h" and self.cache_write_1h is not None:
            return self.cache_write_1h
        return self.cache_write


@dataclass(frozen=True)
class Breakdown:
    """Monthly cost by cause; the parts add up to the total exactly."""

    input: Decimal
    cached_input: Decimal
    cache_write: Decimal
    output: Decimal
    tier_surcharge: Decimal
    time_of_day: Decimal
    batch_savings: Decimal
    fees: Decimal

    @property
    def total(self) -> Decimal:
        return (
            self.input
            + self.cached_input
            + self.cache_write
            + self.output
            + self.tier_surcharge
            + self.time_of_day
            + self.batch_savings
            + self.fees
        )


BREAKDOWN_FIELDS = tuple(part.name for part in fields(Breakdown))


@dataclass(frozen=True)
class CostLine:
    """The monthly cost of one offer for one workload, unrounded, in ``currency``."""

    model: str
    provider: str
    region: str | None
    path_kind: str
    currency: str
    monthly: Decimal
    per_request: Decimal
    breakdown: Breakdown
    calls_per_request: Decimal
    context_window: int | None
    notes: tuple[str, ...] = ()
    band_percent: Decimal | None = None
    reconstructed: bool = False
    lower_bound: LowerBound | None = None  # set: every amount is a lower bound (see its note)

    @property
    def per_1k_requests(self) -> Decimal:
        return self.per_request * 1000


@dataclass(frozen=True)
class Exclusion:
    """A candidate that could not be priced for this workload, and why."""

    model: str
    provider: str | None
    reason: str
    kind: str = "context window too small"  # the reason's category, for counts per reason


@dataclass(frozen=True)
class PricingOptions:
    currency: str = "USD"
    long_inputs: str = "exclude"  # or "split"


class ShapeSet:
    """Sample requests sorted by prompt size, with running sums, so that any prompt-size range
    (a tier) is summed in O(log n) instead of once per request."""

    def __init__(self, shapes: tuple[Shape, ...]) -> None:
        ordered = sorted(shapes, key=lambda shape: shape.input_tokens)
        self.inputs = [shape.input_tokens for shape in ordered]
        self.outputs = [shape.output_tokens for shape in ordered]  # in prompt order
        self.sorted_outputs = sorted(self.outputs)  # for output-length limits
        self.cum_input = [0, *accumulate(self.inputs)]
        self.cum_output = [0, *accumulate(self.outputs)]

    def segment(self, above: int | None, upto: int | None) -> tuple[int, int, int]:
        """(count, input tokens, output tokens) of requests with above < prompt <= upto."""
        lo = 0 if above is None else bisect_right(self.inputs, above)
        hi = len(self.inputs) if upto is None else bisect_right(self.inputs, upto)
        hi = max(hi, lo)
        return (
            hi - lo,
            self.cum_input[hi] - self.cum_input[lo],
            self.cum_output[hi] - self.cum_output[lo],
        )


# Sums and products of catalog decimals, and division by a million, are exact at this
# precision; the Inexact trap turns any silent rounding into an error instead.
EXACT = Context(prec=120, traps=[Inexact, InvalidOperation, DivisionByZero, Overflow])
ROUNDED = Context(prec=28)
DECIMAL_MILLION = Decimal(1_000_000)


def to_decimal(value: Fraction) -> Decimal:
    """The one rounding step: exact when the value is a terminating decimal, else 28 digits."""
    return ROUNDED.divide(Decimal(value.numerator), Decimal(value.denominator))


def _f(value: Decimal | None) -> Fraction:
    return _fraction(value) if value is not None else NOTHING


@lru_cache(maxsize=8192)
def _fraction(value: Decimal) -> Fraction:
    """Catalog prices repeat across offers and requests: convert each Decimal once."""
    return Fraction(value)


def _components(
    count: int, input_tokens: int, output_tokens: int, prices: Prices, usage: Usage
) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(input, cached input, cache write, output) cost of ``count`` requests, per-million prices.

    Cached prefix tokens bill at the cache-read price on a hit; on a miss the prefix is written
    to the cache at the cache-write price for the usage's TTL where the offer has one, else billed
    as plain input. A prefix shorter than the offer's minimum cacheable length is never cached.
    """
    write_price = prices.write_price(usage.cache_ttl)
    cacheable = prices.cache_read is not None and (
        prices.cache_min_tokens is None or usage.prefix_tokens >= prices.cache_min_tokens
    )
    with localcontext(EXACT):
        prefix = Decimal(usage.prefix_tokens * count)
        cached = prefix * usage.cache_hit_rate if cacheable else ZERO
        written = (prefix - cached) if (write_price is not None and cached) else ZERO
        plain = input_tokens - cached - written
        return (
            plain * prices.input / DECIMAL_MILLION,
            cached * (prices.cache_read or ZERO) / DECIMAL_MILLION,
            written * (write_price or ZERO) / DECIMAL_MILLION,
            output_tokens * prices.output / DECIMAL_MILLION,
        )


def _exact_total(parts: tuple[Decimal, ...]) -> Fraction:
    with localcontext(EXACT):
        return Fraction(sum(parts, ZERO))


def _sum(parts: list[tuple[Decimal, Decimal, Decimal, Decimal]]) -> tuple[Decimal, ...]:
    with localcontext(EXACT):
        return tuple(sum((part[i] for part in parts), ZERO) for i in range(4))


def _base_prices(offer: Offer) -> Prices:
    return Prices(
        offer.input,
        offer.output,
        offer.cache_read,
        offer.cache_write,
        offer.cache_write_1h,
        offer.cache_min_tokens,
    )


def _tiered(
    shapes: ShapeSet, offer: Offer, usage: Usage, override: Prices | None = None
) -> tuple[Decimal, ...]:
    """Cost components with each request at its tier's prices (or all at ``override``)."""
    tiers_now = offer.tiers_in_force
    if override is not None or not tiers_now:
        count, tokens_in, tokens_out = shapes.segment(None, None)
        return _sum(
            [_components(count, tokens_in, tokens_out, override or _base_prices(offer), usage)]
        )
    bounds = [None, *(tier.above for tier in tiers_now)]
    minimum = offer.cache_min_tokens
    tiers = [
        _base_prices(offer),
        *(
            Prices(t.input, t.output, t.cache_read, t.cache_write, t.cache_write_1h, minimum)
            for t in tiers_now
        ),
    ]
    parts = []
    for index, prices in enumerate(tiers):
        upto = bounds[index + 1] if index + 1 < len(bounds) else None
        count, tokens_in, tokens_out = shapes.segment(bounds[index], upto)
        if count:
            parts.append(_components(count, tokens_in, tokens_out, prices, usage))
    return _sum(parts)


def _batch_prices(offer: Offer, shapes: ShapeSet, usage: Usage) -> tuple[Decimal, ...] | None:
    batch = offer.batch
    if batch is None:
        return None
    if batch.discount is not None:
        with localcontext(EXACT):
            keep = 1 - batch.discount
            return tuple(part * keep for part in _tiered(shapes, offer, usage))
    prices = Prices(
        batch.input if batch.input is not None else offer.input,
        batch.output if batch.output is not None else offer.output,
        offer.cache_read,
        offer.cache_write,
        offer.cache_write_1h,
        offer.cache_min_tokens,
    )
    return _tiered(shapes, offer, usage, override=prices)


def fit_shapes(
    shapes: tuple[Shape, ...], context_window: int | None, prefix_tokens: int, long_inputs: str
) -> tuple[tuple[Shape, ...], str | None]:
    """Requests that fit the window, splitting oversize ones when asked; or an exclusion reason.

    A split request becomes ceil(body / room) chunk calls, each carrying the shared prefix and
    producing the request's output, plus one combining call whose input is the prefix and
    every chunk's output.
    """
    if context_window is None:
        return shapes, None
    oversize = [s for s in shapes if s.input_tokens + s.output_tokens > context_window]
    if not oversize:
        return shapes, None
    largest = max(s.input_tokens + s.output_tokens for s in oversize)
    if long_inputs != "split":
        return shapes, (
            f"context window {context_window:,} too small: {len(oversize)} of "
            f"{len(shapes)} sample requests need up to {largest:,} tokens"
        )
    result = [s for s in shapes if s.input_tokens + s.output_tokens <= context_window]
    for shape in oversize:
        room = context_window - shape.output_tokens - prefix_tokens
        body = shape.input_tokens - prefix_tokens
        if room <= 0:
            return shapes, (
                f"context window {context_window:,} cannot hold the shared prefix "
                f"and {shape.output_tokens:,} output tokens"
            )
        calls = math.ceil(body / room)
        result.extend(Shape(prefix_tokens + room, shape.output_tokens) for _ in range(calls - 1))
        result.append(Shape(prefix_tokens + body - room * (calls - 1), shape.output_tokens))
        combine = Shape(prefix_tokens + calls * shape.output_tokens, shape.output_tokens)
        if combine.input_tokens + combine.output_tokens > context_window:
            return shapes, (
                f"context window {context_window:,} too small to combine {calls} chunk answers"
            )
        result.append(combine)
    return tuple(result), None


def price_offer(
    offer: Offer, model: Model, provider: Provider, usage: Usage, fx: Fx, options: PricingOptions
) -> CostLine | Exclusion:
    """Monthly cost of ``usage`` on ``offer`` in ``options.currency``."""
    if not usage.shapes:
        raise DataError("the workload has no sample requests to price")
    context_window = offer.context_window or model.context_window
    shapes, reason = fit_shapes(
        usage.shapes, context_window, usage.prefix_tokens, options.long_inputs
    )
    if reason is not None:
        return Exclusion(model.id, provider.id, reason)
    shape_set = ShapeSet(shapes)
    # exact Decimal sums per price scenario, then exact fractions where shares and FX come in
    listed = [
        Fraction(part) for part in _tiered(shape_set, offer, usage, override=_base_prices(offer))
    ]
    listed_total = sum(listed, NOTHING)
    tier_total = _exact_total(_tiered(shape_set, offer, usage))
    realtime = 1 - _f(usage.batch_fraction)
    time_of_day = NOTHING
    shares = NOTHING
    for band in offer.time_bands:
        share = band_share_fraction(band, usage.traffic_weights, usage.traffic_timezone)
        shares += share
        band_prices = Prices(band.input, band.output, band.cache_read, band.cache_write)
        band_prices = replace(band_prices, cache_min_tokens=offer.cache_min_tokens)
        band_total = _exact_total(_tiered(shape_set, offer, usage, override=band_prices))
        time_of_day += realtime * share * (band_total - tier_total)
    if shares > 1:
        raise DataError(
            f"offer of {model.id} by {provider.id}: time bands overlap "
            f"(they cover {float(shares):.4f} of the traffic)"
        )
    batch_total = _batch_prices(offer, shape_set, usage)
    batch_savings = NOTHING
    notes: list[str] = [usage.note] if usage.note else []
    if usage.batch_fraction and batch_total is None:
        notes.append("no batch price: batchable requests priced in real time")
    elif batch_total is not None:
        batch_savings = _f(usage.batch_fraction) * (_exact_total(batch_total) - tier_total)
    subtotal = tier_total + time_of_day + batch_savings
    fees = subtotal * sum((Fraction(fee.percent) for fee in provider.fees), NOTHING) / 100
    requests = len(usage.shapes)
    # all sample requests together, in the offer's currency -> one average request, converted
    rate = fx.rate_fraction(offer.currency, options.currency) / requests
    parts = (*listed, tier_total - listed_total, time_of_day, batch_savings, fees)
    monthly = Fraction(usage.requests_per_month)
    breakdown = Breakdown(*(to_decimal(part * rate * monthly) for part in parts))
    if context_window is None:
        notes.append("context window unknown")
    if len(shapes) != requests:
        notes.append(f"split into {Decimal(len(shapes)) / requests:.2f} calls per request")
    bands = (usage.band_percent, usage.output_band_percent)
    bound = lower_bound(offer, shape_set, len(shapes), *bands)
    return CostLine(
        model=model.id,
        provider=provider.id,
        region=offer.region,
        path_kind=provider.kind,
        currency=options.currency,
        monthly=to_decimal(sum(parts, NOTHING) * rate * monthly),
        per_request=to_decimal(sum(parts, NOTHING) * rate),
        breakdown=breakdown,
        calls_per_request=Decimal(len(shapes)) / requests,
        context_window=context_window,
        notes=(*notes, bound.note) if bound else tuple(notes),
        band_percent=usage.band_percent,
        reconstructed=usage.reconstructed,
        lower_bound=bound,
    )
