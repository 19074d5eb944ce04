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
    Gigabytes,
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


FactField = Literal["billing_entity", "billing_country", "regions", "data_residency", "compliance"]
FACT_FIELDS: tuple[str, ...] = (
    "billing_entity",
    "billing_country",
    "regions",
    "data_residency",
    "compliance",
)


class FactSource(_Strict, frozen=True, kw_only=True):
    """Where provider facts come from: the fields a page supports, the page, and what it says."""

    fields: tuple[FactField, ...]
    url: NonEmpty
    as_of: dt.date
    says: NonEmpty
    note: str | None = None


class Provider(_Strict, frozen=True, kw_only=True):
    """Who runs the meter: one delivery path (vendor API, aggregator, platform, cloud, self-host).

    ``billing_entity`` and ``billing_country`` name the entity that bills a customer outside the
    exceptions listed in ``data_residency`` (e.g. EEA customers billed by an Irish affiliate);
    every fact filled in is backed by an entry of ``facts``."""

    id: Slug
    name: NonEmpty
    kind: PathKind
    billing_entity: str | None = None
    billing_country: Country | None = None
    regions: tuple[str, ...] = ()
    data_residency: str | None = None
    compliance: tuple[str, ...] = ()
    fees: tuple[Fee, ...] = ()
    facts: tuple[FactSource, ...] = ()
    url: str | None = None
    source: NonEmpty
    as_of: dt.date
    note: str | None = None


class Tier(_Strict, frozen=True, kw_only=True):
    """Long-context tier: a prompt of more than ``above`` tokens bills the whole request here.
    A tier with ``until`` was withdrawn on that date: it stays on record, and is not priced."""

    above: TokenLimit
    input: Price
    output: Price
    cache_read: Price | None = None
    cache_write: Price | None = None
    cache_write_1h: Price | None = None
    until: dt.date | None = None


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


class PricedBelow(_Strict, frozen=True, kw_only=True):
    """Prices are published only for requests of fewer than ``tokens`` input tokens
    (``priced_input_below``) or output tokens (``priced_output_below``): the path bills longer
    ones at tiers the catalog does not have (``source`` says they exist)."""

    tokens: TokenLimit
    source: NonEmpty
    as_of: dt.date
    note: str | None = None


#: The side of a request a ``PricedBelow`` limit counts: its prompt or its response
PriceSide = Literal["input", "output"]
CachingMode = Literal["automatic", "explicit"]
CACHE_TTLS: tuple[str, ...] = ("5m", "1h")
CacheTtl = Literal["5m", "1h"]


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
    # a cache write kept for one hour (Anthropic's 1h TTL); ``cache_write`` is the default TTL
    cache_write_1h: Price | None = None
    # how a prompt gets cached, and the shortest prefix the provider caches at all
    caching: CachingMode | None = None
    cache_min_tokens: TokenLimit | None = None
    tiers: tuple[Tier, ...] = ()
    # longer prompts (responses) bill at tiers the catalog lacks: a cost is then a lower bound
    priced_input_below: PricedBelow | None = None
    priced_output_below: PricedBelow | None = None
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

    @property
    def tiers_in_force(self) -> tuple[Tier, ...]:
        """Long-context tiers still billed; a tier with ``until`` was withdrawn on that date."""
        return tuple(tier for tier in self.tiers if tier.until is None)

    @property
    def priced_below(self) -> tuple[tuple[PriceSide, PricedBelow], ...]:
        """The lengths from which this path's prices are not published, input first."""
        limits: tuple[tuple[PriceSide, PricedBelow | None], ...] = (
            ("input", self.priced_input_below),
            ("output", self.priced_output_below),
        )
        return tuple((side, limit) for side, limit in limits if limit is not None)


Attempts = Literal["single", "multiple"]


class Benchmark(_Strict, frozen=True, kw_only=True):
    """One reported score. ``harness`` says who ran it; ``variant`` how (scaffold, attempts).

    Different harnesses and different variants never mix; ``thinking`` and ``setting`` record
    the model's mode (extended thinking, reasoning effort) where the source states it."""

    model: Slug
    benchmark: Slug
    score: Score
    metric: str | None = None
    harness: NonEmpty
    variant: Slug = "unspecified"
    thinking: bool | None = None
    agentic: bool | None = None
    attempts: Attempts | None = None
    setting: str | None = None
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
    """Measured throughput of one deployable unit (a replica) of a model on some GPUs.

    A replica is the smallest set of GPUs the source deployed the model on (enough to hold its
    weights at ``precision``); ``input_tokens_per_s`` and ``output_tokens_per_s`` are what that
    whole unit processes at the same time (prefill and decode node groups, or one batch)."""

    id: Slug
    model: Slug
    engine: NonEmpty
    gpu: NonEmpty
    gpus_per_replica: Count
    input_tokens_per_s: Throughput
    output_tokens_per_s: Throughput
    layout: str | None = None
    precision: str | None = None
    gpu_memory_gb: Gigabytes | None = None
    weights_gb: Gigabytes | None = None
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


class MeasuredRatios(_Strict, frozen=True, kw_only=True):
    """A family's token count over o200k_base's on the same text, per text class, as measured."""

    english: Factor | None = None
    chinese: Factor | None = None
    code: Factor | None = None
    source: NonEmpty


class TokenizerFamily(_Strict, frozen=True, kw_only=True):
    """How to count tokens for a family: exactly, reconstructed, or a reference family times a factor.

    ``reconstructed`` families are counted by tokx's own reconstruction of an unpublished
    vocabulary; like approximate ones they carry a reference, factor and band, used when the
    reconstruction is not available.
    """

    id: Slug
    kind: Literal["exact", "reconstructed", "approximate"]
    reference: Slug | None = None
    factor: Factor | None = None
    band_percent: Percent | None = None
    measured: MeasuredRatios | None = None
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
