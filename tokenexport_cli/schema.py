"""Typed, frozen domain objects of the catalog (schema version 1); msgspec validates them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

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
    context_window: PositiveInt | None = None
    max_output: PositiveInt | None = None
    tokenizer: Slug
    modalities: Modalities = Modalities()
    aliases: tuple[NonEmpty, ...] = ()
    source: NonEmpty
    as_of: dt.date
    note: str | None = None


class Fee(_Strict, frozen=True, kw_only=True):
    """A charge on top of token prices, e.g. an aggregator's fee on credit purchases."""

    kind: Literal["credit_purchase", "usage_markup"]
    percent: Decimal
    fixed_usd: Decimal | None = None
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

    above: PositiveInt
    input: Decimal
    output: Decimal
    cache_read: Decimal | None = None
    cache_write: Decimal | None = None


class TimeBand(_Strict, frozen=True, kw_only=True):
    """Prices that replace the base prices during some hours of some weekdays, in a timezone."""

    name: NonEmpty
    timezone: NonEmpty
    days: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    hours: tuple[HourRange, ...]
    input: Decimal
    output: Decimal
    cache_read: Decimal | None = None
    cache_write: Decimal | None = None


class Batch(_Strict, frozen=True, kw_only=True):
    """Batch API pricing: either a fractional ``discount`` off every price, or explicit prices."""

    discount: Decimal | None = None
    input: Decimal | None = None
    output: Decimal | None = None
    note: str | None = None


class Offer(_Strict, frozen=True, kw_only=True):
    """A model sold by a provider. Prices are per million tokens in ``currency``."""

    model: Slug
    provider: Slug
    region: str | None = None
    provider_model_id: str | None = None
    currency: CurrencyCode = "USD"
    input: Decimal
    output: Decimal
    cache_read: Decimal | None = None
    cache_write: Decimal | None = None
    tiers: tuple[Tier, ...] = ()
    time_bands: tuple[TimeBand, ...] = ()
    batch: Batch | None = None
    context_window: PositiveInt | None = None
    max_output: PositiveInt | None = None
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
    score: Decimal
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
    gpus_per_instance: PositiveInt = 1
    usd_per_gpu_hour: Decimal
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
    gpus_per_replica: PositiveInt
    input_tokens_per_s: Decimal
    output_tokens_per_s: Decimal
    setting: str | None = None
    source: NonEmpty
    as_of: dt.date
    note: str | None = None


class MarketShare(_Strict, frozen=True, kw_only=True):
    """Token volume of a model over a period (e.g. OpenRouter weekly tokens)."""

    model: Slug
    period: NonEmpty
    tokens: Decimal | None = None
    share_percent: Decimal | None = None
    rank: PositiveInt | None = None
    scope: NonEmpty
    source: NonEmpty
    as_of: dt.date
    note: str | None = None


class MeasuredRatios(_Strict, frozen=True, kw_only=True):
    """A family's token count over o200k_base's on the same text, per text class, as measured."""

    english: Decimal | None = None
    chinese: Decimal | None = None
    code: Decimal | None = None
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
    factor: Decimal | None = None
    band_percent: Decimal | None = None
    measured: MeasuredRatios | None = None
    source: NonEmpty
    as_of: dt.date
    note: str | None = None


class FxRate(_Strict, frozen=True, kw_only=True):
    """Units of ``currency`` per one US dollar."""

    currency: CurrencyCode
    per_usd: Decimal
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
