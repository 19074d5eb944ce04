"""Typed, frozen domain objects of the catalog (schema version 1); msgspec validates them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from tokenexport_cli.bounds import (
    Count,
    Discount,
    Factor,
    FixedFee,
    FxRateValue,
    HourlyPrice,
    MarketTokens,
    Percent,
    Price,
    Score,
    Throughput,
    TokenLimit,
)

SCHEMA_VERSION = 1

Slug = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]
Country = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")]
CurrencyCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$")]
HourRange = Annotated[str, msgspec.Meta(pattern=r"^\d{2}:\d{2}-\d{2}:\d{2}$")]
PositiveInt = Annotated[int, msgspec.Meta(gt=0)]
NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]

PathKind = Literal["direct", "aggregator", "platform", "hyperscaler", "selfhost"]
PATH_KINDS: tuple[str, ...] = ("direct", "aggregator", "platform", "hyperscaler", "selfhost")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class _Strict(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Base: immutable, keyword-only, unknown keys rejected."""


class Modalities(_Strict, frozen=True, kw_only=True):
    input: tuple[str, ...] = ("text",)
    output: tuple[str, ...] = ("text",)


class Model(_Strict, frozen=True, kw_only=True):
    """A model as its vendor publishes it, independent of who sells it."""

    id: Slug
    name: NonEmpty
    vendor: NonEmpty
    origin: Country
    open_weights: bool
    license: str | None = None
    released: dt.date | None = None
    context_window: TokenLimit | None = None
    max_output: TokenLimit | None = None
    tokenizer: Slug
    modalities: Modalities = Modalities()
    aliases: tuple[NonEmpty, ...] = ()
    source: NonEmpty
    as_of: dt.date
    note: str | None = None


class Fee(_Strict, frozen=True, kw_only=True):
    """A charge on top of token prices, e.g. an aggregator's fee on credit purchases."""

    kind: Literal["credit_purchase", "usage_markup"]
    percent: Percent
    fixed_usd: FixedFee | None = None
    note: str | None = None
    source: NonEmpty
    as_of: dt.date


class Provider(_Strict, frozen=True, kw_only=True):
    """Who runs the meter: one delivery path (vendor API, aggregator, platform, cloud, self-host)."""

    id: Slug
    name: NonEmpty
    kind: PathKind
    billing_entity: str | None = None
    billing_country: Country | None = None
    regions: tuple[str, ...] = ()
    data_residency: str | None = None
    compliance: tuple[str, ...] = ()
    fees: tuple[Fee, ...] = ()
    url: str | None = None
    source: NonEmpty
    as_of: dt.date
    note: str | None = None


class Tier(_Strict, frozen=True, kw_only=True):
    """Long-context tier: a prompt of more than ``above`` tokens bills the whole request here."""

    above: TokenLimit
    input: Price
    output: Price
    cache_read: Price | None = None
    cache_write: Price | None = None


class TimeBand(_Strict, frozen=True, kw_only=True):
    """Prices that replace the base prices during some hours of some weekdays, in a timezone."""

    name: NonEmpty
    timezone: NonEmpty
    days: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    hours: tuple[HourRange, ...]
    input: Price
    output: Price
    cache_read: Price | None = None
    cache_write: Price | None = None


class Batch(_Strict, frozen=True, kw_only=True):
    """Batch API pricing: either a fractional ``discount`` off every price, or explicit prices."""

    discount: Discount | None = None
    input: Price | None = None
    output: Price | None = None
    note: str | None = None


class Offer(_Strict, frozen=True, kw_only=True):
    """A model sold by a provider. Prices are per million tokens in ``currency``."""

    model: Slug
    provider: Slug
    region: str | None = None
    provider_model_id: str | None = None
    currency: CurrencyCode = "USD"
    input: Price
    output: Price
    cache_read: Price | None = None
    cache_write: Price | None = None
    tiers: tuple[Tier, ...] = ()
    time_bands: tuple[TimeBand, ...] = ()
    batch: Batch | None = None
    context_window: TokenLimit | None = None
    max_output: TokenLimit | None = None
    effective: dt.date | None = None
    source: NonEmpty
    as_of: dt.date
    note: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.model, self.provider, self.region or "")


class Benchmark(_Strict, frozen=True, kw_only=True):
    """One reported score. ``harness`` says who ran it how; different harnesses never mix."""

    model: Slug
    benchmark: Slug
    score: Score
    metric: str | None = None
    harness: NonEmpty
    source: NonEmpty
    as_of: dt.date
    note: str | None = None


class GpuPrice(_Strict, frozen=True, kw_only=True):
    """Hourly rental price of one GPU model at one provider."""

    id: Slug
    gpu: NonEmpty
    provider: NonEmpty
    gpus_per_instance: Count = 1
    usd_per_gpu_hour: HourlyPrice
    pricing: NonEmpty = "on-demand"
    source: NonEmpty
    as_of: dt.date
    note: str | None = None


class ServingProfile(_Strict, frozen=True, kw_only=True):
    """Measured serving throughput of one model replica on some GPUs with some engine."""

    id: Slug
    model: Slug
    engine: NonEmpty
    gpu: NonEmpty
    gpus_per_replica: Count
    input_tokens_per_s: Throughput
    output_tokens_per_s: Throughput
    setting: str | None = None
    source: NonEmpty
    as_of: dt.date
    note: str | None = None


class MarketShare(_Strict, frozen=True, kw_only=True):
    """Token volume of a model over a period (e.g. OpenRouter weekly tokens)."""

    model: Slug
    period: NonEmpty
    tokens: MarketTokens | None = None
    share_percent: Percent | None = None
    rank: Count | None = None
    scope: NonEmpty
    source: NonEmpty
    as_of: dt.date
    note: str | None = None


class TokenizerFamily(_Strict, frozen=True, kw_only=True):
    """How to count tokens for a family: exactly, or as a reference family times a factor."""

    id: Slug
    kind: Literal["exact", "approximate"]
    reference: Slug | None = None
    factor: Factor | None = None
    band_percent: Percent | None = None
    source: NonEmpty
    as_of: dt.date
    note: str | None = None


class FxRate(_Strict, frozen=True, kw_only=True):
    """Units of ``currency`` per one US dollar."""

    currency: CurrencyCode
    per_usd: FxRateValue
    source: NonEmpty
    as_of: dt.date
    note: str | None = None


class SourceRef(_Strict, frozen=True, kw_only=True):
    id: Slug
    title: NonEmpty
    url: NonEmpty
    as_of: dt.date
    license: str | None = None


class Manifest(_Strict, frozen=True, kw_only=True):
    """``manifest.yaml`` of a catalog version folder."""

    schema_version: int
    catalog_version: NonEmpty
    released: dt.date
    description: str | None = None
    fx: tuple[FxRate, ...] = ()
    sources: tuple[SourceRef, ...] = ()


class CatalogFile(_Strict, frozen=True, kw_only=True):
    """Any data file of a catalog version, or a user's overlay: every section is optional."""

    schema_version: int | None = None
    fx: tuple[FxRate, ...] = ()
    models: tuple[Model, ...] = ()
    providers: tuple[Provider, ...] = ()
    offers: tuple[Offer, ...] = ()
    benchmarks: tuple[Benchmark, ...] = ()
    gpus: tuple[GpuPrice, ...] = ()
    serving: tuple[ServingProfile, ...] = ()
    market: tuple[MarketShare, ...] = ()
    tokenizers: tuple[TokenizerFamily, ...] = ()


class Catalog(_Strict, frozen=True, kw_only=True):
    """A whole, validated catalog: one version plus any overlays, merged."""

    version: str
    released: dt.date
    fx: tuple[FxRate, ...]
    sources: tuple[SourceRef, ...]
    models: tuple[Model, ...]
    providers: tuple[Provider, ...]
    offers: tuple[Offer, ...]
    benchmarks: tuple[Benchmark, ...]
    gpus: tuple[GpuPrice, ...]
    serving: tuple[ServingProfile, ...]
    market: tuple[MarketShare, ...]
    tokenizers: tuple[TokenizerFamily, ...]
    overlays: tuple[str, ...] = ()
