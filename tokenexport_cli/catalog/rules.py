"""Semantic checks on a merged catalog: references, currencies, cache fields, time bands, tiers,
batch terms, sourced provider facts and serving units that hold their weights. The sign and range
of a price is the bounds table's (``bounds.BOUNDS``), checked once where a file or a source is
read (``validation.check_bounds``, ``importers.base.check_entry``), not again here."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from tokenexport_cli.catalog.merge import Merged, Origin
from tokenexport_cli.schema import (
    FACT_FIELDS,
    Batch,
    Offer,
    PriceSide,
    Provider,
    ServingProfile,
    TimeBand,
    TokenizerFamily,
)
from tokenexport_cli.suggest import did_you_mean


def _suggest(name: str, known: Iterable[Any]) -> str:
    return did_you_mean(name, known, limit=1, cutoff=0.6)


def _check_time_band(band: TimeBand, origin: Origin, prefix: str) -> Iterator[str]:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(band.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        yield origin.problem(prefix + "timezone", f"unknown timezone '{band.timezone}'")
    if len(set(band.days)) != len(band.days):
        yield origin.problem(prefix + "days", "a weekday is listed twice")
    if not band.hours:
        yield origin.problem(prefix + "hours", "at least one hour range is required")
    for index, hours in enumerate(band.hours):
        start, end = hours.split("-")
        bad = [part for part in (start, end) if int(part[:2]) > 23 or int(part[3:]) > 59]
        if bad and not (end == "24:00" and start not in bad):
            yield origin.problem(f"{prefix}hours[{index}]", f"'{hours}' is not a valid time of day")
        elif start == end:
            yield origin.problem(f"{prefix}hours[{index}]", f"'{hours}' is an empty range")


def _check_batch(batch: Batch, origin: Origin) -> Iterator[str]:
    has_prices = batch.input is not None or batch.output is not None
    if (batch.discount is None) == (not has_prices):
        yield origin.problem("batch", "give either 'discount' or 'input'/'output' prices")
    if batch.discount is not None and not Decimal(0) < batch.discount < Decimal(1):
        yield origin.problem("batch.discount", f"must be between 0 and 1 (got {batch.discount})")


def _check_offer_references(
    offer: Offer, origin: Origin, merged: Merged, currencies: set[str]
) -> Iterator[str]:
    models = merged.keyed["models"]
    providers = merged.keyed["providers"]
    if offer.model not in models:
        yield origin.problem(
            "model", f"unknown model '{offer.model}'{_suggest(offer.model, models)}"
        )
    if offer.provider not in providers:
        hint = _suggest(offer.provider, providers)
        yield origin.problem("provider", f"unknown provider '{offer.provider}'{hint}")
    if offer.currency not in currencies:
        yield origin.problem(
            "currency", f"unknown currency '{offer.currency}' (no exchange rate in the manifest)"
        )


def _check_offer_terms(offer: Offer, origin: Origin, models: dict[Any, Any]) -> Iterator[str]:
    """Cache fields, tiers, time bands, batch terms and the priced length: what an offer that
    has none of them (``cache_read`` set, no tiers, bands, batch or priced length) cannot get
    wrong."""
    if offer.cache_read is None:
        for name in ("caching", "cache_min_tokens", "cache_write_1h"):
            if getattr(offer, name) is not None:
                yield origin.problem(name, "needs a cache_read price (the offer caches nothing)")
    previous = 0
    for index, tier in enumerate(offer.tiers):
        if tier.above <= previous:
            yield origin.problem(f"tiers[{index}].above", "tiers must be in increasing order")
        previous = tier.above
    for side, limit in offer.priced_below:
        yield from _check_priced_below(offer, side, limit.tokens, origin, models)
    for index, band in enumerate(offer.time_bands):
        yield from _check_time_band(band, origin, f"time_bands[{index}].")
    if offer.batch is not None:
        yield from _check_batch(offer.batch, origin)


def _check_priced_below(
    offer: Offer, side: PriceSide, tokens: int, origin: Origin, models: dict[Any, Any]
) -> Iterator[str]:
    """Prices known below ``tokens`` of ``side``: a request that long must be possible (below
    the context window, and for output below the longest response), else nothing is ever
    priced above it; an input limit must lie above every tier in force."""
    key = f"priced_{side}_below.tokens"
    found = models.get(offer.model)
    model = found[0] if found else None
    window = offer.context_window or (model.context_window if model else None)
    if window is not None and tokens >= window:
        yield origin.problem(key, f"must be below the context window {window:,} (got {tokens:,})")
    if side == "output":
        longest = offer.max_output or (model.max_output if model else None)
        if longest is not None and tokens >= longest:
            yield origin.problem(
                key, f"must be below the maximum output {longest:,} (got {tokens:,})"
            )
        return
    for tier in offer.tiers_in_force:
        if tier.above >= tokens:
            yield origin.problem(
                key, f"must be above every tier in force (a tier starts above {tier.above:,})"
            )
            break


def _check_offers(merged: Merged, currencies: set[str]) -> Iterator[str]:
    """Every offer's references and terms; the checks run for the offers that can fail them
    (a catalog holds thousands of offers, an import may add tens of thousands)."""
    models = merged.keyed["models"]
    providers = merged.keyed["providers"]
    for offer, origin in merged.keyed["offers"].values():
        if (
            offer.model not in models
            or offer.provider not in providers
            or offer.currency not in currencies
        ):
            yield from _check_offer_references(offer, origin, merged, currencies)
        if (
            offer.cache_read is None
            or offer.tiers
            or offer.time_bands
            or offer.batch is not None
            or offer.priced_input_below is not None
            or offer.priced_output_below is not None
        ):
            yield from _check_offer_terms(offer, origin, models)


#: A band of 100% or more would allow a count of zero tokens, or less.
MAX_BAND_PERCENT = 100


def _check_tokenizer(family: TokenizerFamily, origin: Origin, exact: set[str]) -> Iterator[str]:
    if family.kind == "exact":
        if family.reference or family.factor is not None or family.band_percent is not None:
            yield origin.problem("kind", "an exact family takes no reference, factor or band")
        return
    if family.reference is None or family.factor is None or family.band_percent is None:
        yield origin.problem(
            "kind", f"{family.kind} families need reference, factor and band_percent"
        )
        return
    if family.reference not in exact:
        hint = _suggest(family.reference, exact)
        yield origin.problem("reference", f"'{family.reference}' is not an exact family{hint}")
    if family.factor <= 0:
        yield origin.problem("factor", f"must be positive (got {family.factor})")
    if not 0 <= family.band_percent < MAX_BAND_PERCENT:
        yield origin.problem(
            "band_percent",
            f"must be at least 0 and below {MAX_BAND_PERCENT} (got {family.band_percent})",
        )


def _check_references(merged: Merged, section: str, field: str, target: str) -> Iterator[str]:
    known = merged.keyed[target]
    for entry, origin in merged.section(section):
        name = getattr(entry, field)
        if name not in known:
            label = target.rstrip("s")
            yield origin.problem(field, f"unknown {label} '{name}'{_suggest(name, known)}")


def _check_aliases(merged: Merged) -> Iterator[str]:
    """Model lookups ignore case (CatalogIndex), so names that differ only in case collide."""
    models = merged.keyed["models"]
    owner: dict[str, tuple[str, str]] = {}
    for key in models:
        model_id = str(key)
        owner[model_id.lower()] = (model_id, model_id)
    for key, (model, origin) in models.items():
        model_id = str(key)
        for index, alias in enumerate(model.aliases):
            lowered = alias.lower()
            other, spelled = owner.get(lowered, (model_id, alias))
            if other != model_id:
                case = "" if spelled == alias else f" (as '{spelled}'; names ignore case)"
                yield origin.problem(
                    f"aliases[{index}]", f"alias '{alias}' is already used by model '{other}'{case}"
                )
                continue
            owner[lowered] = (model_id, alias)


def _check_provider_facts(provider: Provider, origin: Origin) -> Iterator[str]:
    """Every billing, region or residency fact a provider states must name a source for it."""
    covered = {field for fact in provider.facts for field in fact.fields}
    for name in FACT_FIELDS:
        value = getattr(provider, name)
        if value not in (None, ()) and name not in covered:
            yield origin.problem(name, "has no source: add an entry to facts naming this field")


def _check_serving_unit(profile: ServingProfile, origin: Origin) -> Iterator[str]:
    """A replica must hold the model's weights: GPUs x memory >= weights, where both are known."""
    if profile.gpu_memory_gb is not None and profile.weights_gb is not None:
        memory = profile.gpu_memory_gb * profile.gpus_per_replica
        if memory < profile.weights_gb:
            yield origin.problem(
                "gpus_per_replica",
                f"{profile.gpus_per_replica} x {profile.gpu_memory_gb} GB = {memory} GB cannot hold "
                f"{profile.weights_gb} GB of weights",
            )


def check(merged: Merged) -> list[str]:
    """Every problem found, each a one-line message naming file, line and key path."""
    problems = list(merged.problems)
    currencies = {"USD", *(str(code) for code in merged.keyed["fx"])}
    for rate, origin in merged.section("fx"):
        if rate.per_usd <= 0:
            problems.append(origin.problem("per_usd", f"must be positive (got {rate.per_usd})"))
    problems.extend(_check_offers(merged, currencies))
    for provider, origin in merged.section("providers"):
        for index, fee in enumerate(provider.fees):
            if fee.percent < 0:
                problems.append(origin.problem(f"fees[{index}].percent", "must not be negative"))
        problems.extend(_check_provider_facts(provider, origin))
    for profile, origin in merged.section("serving"):
        problems.extend(_check_serving_unit(profile, origin))
    exact = {
        key for key, (family, _) in merged.keyed["tokenizers"].items() if family.kind == "exact"
    }
    for family, origin in merged.section("tokenizers"):
        problems.extend(_check_tokenizer(family, origin, {str(name) for name in exact}))
    problems.extend(_check_references(merged, "models", "tokenizer", "tokenizers"))
    for section in ("benchmarks", "serving", "market"):
        problems.extend(_check_references(merged, section, "model", "models"))
    for gpu, origin in merged.section("gpus"):
        if gpu.usd_per_gpu_hour < 0:
            problems.append(origin.problem("usd_per_gpu_hour", "price must not be negative"))
    problems.extend(_check_aliases(merged))
    return problems
