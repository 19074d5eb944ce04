"""Assemble offers for one catalog version: pick the primary source per offer, note the others."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from decimal import Decimal
from typing import Any

import msgspec

from tokenexport_cli.schema import WEEKDAYS

from . import quotes
from .providers import BY_ID
from .quotes import Quote, SourceName
from .registry import ModelSpec
from .sources import Reference

# Which sources a version may use, best first. May 2026 may use nothing dated after the article,
# except genai-prices evaluated at that date (its start_date constraints keep price history).
PRECEDENCE = {"may": ("gp",), "aug": ("gp", "ll", "md"), "nov": ("gp", "ll", "md")}
# From November 2026 OpenRouter's own API response comes first (catalogs/README.md, precedence)
OPENROUTER_PRECEDENCE = {"may": ("or",), "aug": ("gp", "md", "or"), "nov": ("or", "gp", "md")}
# Fields a lower-ranked source fills in, from November 2026, where the primary source does not
# give them and both agree on the base input and output prices.
FILLED = ("cache_read", "cache_write", "cache_write_1h", "tiers", "batch")
# OpenRouter's API states cache prices where OpenRouter charges them: none listed means none
# (and its API gives no batch prices: its batch API bills "typically 50%", per model)
NOT_FILLED: dict[SourceName, tuple[str, ...]] = {
    "openrouter": ("cache_read", "cache_write", "batch")
}
# how a note names another source that disagrees with the primary one
SOURCE_TITLES: dict[SourceName, str] = {
    "genai-prices": "genai-prices",
    "litellm": "litellm",
    "models.dev": "models.dev",
    "openrouter": "OpenRouter snapshot 2026-05-15",
}

LITELLM_PREFIXES = (
    "deepseek/",
    "gemini/",
    "vertex_ai/",
    "azure_ai/",
    "azure/",
    "dashscope/",
    "moonshot/",
    "zai/",
    "minimax/",
    "mistral/",
    "together_ai/",
    "fireworks_ai/accounts/fireworks/models/",
    "deepinfra/",
    "groq/",
    "novita/",
    "xai/",
    "openrouter/",
)


# The catalog names a provider's model the way the provider's own short name goes: litellm keys
# carry a routing prefix, and Fireworks' full API path (accounts/fireworks/models/<name>, used by
# litellm and models.dev) is shortened to <name> as genai-prices' fireworks.yml writes it.
FIREWORKS_PATH = "accounts/fireworks/models/"


def _resolve(ref: Reference, provider_id: str, token: str, at: dt.date) -> Quote | None:
    kind, _, key = token.partition(":")
    spec = BY_ID[provider_id]
    quote: Quote | None
    if kind == "gp":
        quote = quotes.from_genai(ref, spec.genai, key, at) if spec.genai else None
    elif kind == "ll":
        quote = quotes.from_litellm(ref, key)
        if quote is not None:
            model_id = next((key[len(p) :] for p in LITELLM_PREFIXES if key.startswith(p)), key)
            quote = replace(quote, provider_model_id=model_id)
    elif kind == "md":
        quote = quotes.from_modelsdev(ref, f"providers/{spec.modelsdev}/models/{key}.toml")
        if quote is not None:
            quote = replace(
                quote, provider_model_id=quote.provider_model_id.removeprefix(FIREWORKS_PATH)
            )
    elif kind == "or":
        quote = quotes.from_openrouter(ref, key)
    else:
        raise ValueError(f"unknown source in {token!r}")
    return quote


def _differs(a: Quote, b: Quote) -> bool:
    return a.prices.input != b.prices.input or a.prices.output != b.prices.output


def _fmt(quote: Quote) -> str:
    prices = quote.prices
    text = f"{prices.input}/{prices.output}"
    return text + (f" (cache read {prices.cache_read})" if prices.cache_read is not None else "")


def choose(
    ref: Reference,
    provider_id: str,
    tokens: list[str],
    version: str,
    at: dt.date,
    missing: list[str],
) -> Quote | None:
    """The primary source's quote, with the other sources' differing values in its notes."""
    order = OPENROUTER_PRECEDENCE[version] if provider_id == "openrouter" else PRECEDENCE[version]
    found: list[Quote] = []
    for kind in order:
        for token in tokens:
            if token.startswith(kind + ":"):
                quote = _resolve(ref, provider_id, token, at)
                if quote is None:
                    if version != "may" and provider_id != "openrouter":
                        missing.append(f"{provider_id}: {token}")
                    continue
                found.append(quote)
    if not found:
        return None
    if version == "nov":
        return _fill(found)
    primary, *others = found
    notes = list(primary.notes)
    batch = primary.prices.batch
    for other in others:
        title = SOURCE_TITLES[other.source]
        if other.source != primary.source and _differs(primary, other):
            notes.append(f"{title} gives {_fmt(other)} ({other.reference}, as of {other.as_of})")
            continue
        # Same base prices: fill in batch prices, which genai-prices mostly does not model. Tiers
        # are never copied: every source models them, so a primary source without tiers means
        # flat pricing (e.g. Claude Sonnet 4.6 on OpenRouter, "no tiered pricing").
        if other.prices.batch and batch is None:
            batch = other.prices.batch
            notes.append(f"batch prices from {title} ({other.reference})")
        if other.prices.tiers and not primary.prices.tiers:
            notes.append(
                f"{title} lists long-context tiers ({other.reference}); "
                "the primary source prices the whole window flat"
            )
    return replace(primary, prices=replace(primary.prices, batch=batch), notes=tuple(notes))


def _fill(found: list[Quote]) -> Quote:
    """The primary quote, with what it leaves out filled from agreeing lower-ranked sources and
    the disagreeing ones quoted in its notes (the discrepancy check lists them all)."""
    primary, *others = found
    notes = list(primary.notes)
    prices = primary.prices
    for other in others:
        title = SOURCE_TITLES[other.source]
        if other.source != primary.source and _differs(primary, other):
            notes.append(f"{title} gives {_fmt(other)} ({other.reference}, as of {other.as_of})")
            continue
        kept = NOT_FILLED.get(primary.source, ())
        filled = [
            name
            for name in FILLED
            if name not in kept and not getattr(prices, name) and getattr(other.prices, name)
        ]
        if filled:
            prices = replace(prices, **{name: getattr(other.prices, name) for name in filled})
            notes.append(f"{', '.join(filled)} from {title} ({other.reference})")
    return replace(primary, prices=prices, notes=tuple(notes))


def _plain(entry: msgspec.Struct) -> dict[str, Any]:
    """A tier, time band or batch as YAML-ready builtins: unset fields left out, and a band's
    ``days`` only when it is not every day (the schema's default)."""
    raw = msgspec.to_builtins(entry, builtin_types=(Decimal, dt.date))
    out = {key: value for key, value in raw.items() if value is not None}
    if tuple(out.get("days", ())) == WEEKDAYS:
        del out["days"]
    return out


def offer_dict(
    model_id: str, provider_id: str, quote: Quote, version: str = "aug"
) -> dict[str, Any]:
    prices = quote.prices
    offer: dict[str, Any] = {"model": model_id, "provider": provider_id}
    if quote.provider_model_id:
        offer["provider_model_id"] = quote.provider_model_id
    offer["currency"] = "USD"  # all four price sources are in US dollars
    offer["input"] = prices.input
    offer["output"] = prices.output
    if prices.cache_read is not None:
        offer["cache_read"] = prices.cache_read
    if prices.cache_write is not None:
        offer["cache_write"] = prices.cache_write
    if prices.cache_write_1h is not None and version == "nov":
        offer["cache_write_1h"] = prices.cache_write_1h
    if prices.tiers:
        offer["tiers"] = [_plain(tier) for tier in prices.tiers]
        if version != "nov":  # catalogs before 2026-11-27 had no 1-hour write price
            offer["tiers"] = [
                {k: v for k, v in tier.items() if k != "cache_write_1h"} for tier in offer["tiers"]
            ]
    if prices.time_bands:
        offer["time_bands"] = [_plain(band) for band in prices.time_bands]
    if prices.batch:
        offer["batch"] = _plain(prices.batch)
    if quote.context_window:
        offer["context_window"] = quote.context_window
    if quote.max_output:
        offer["max_output"] = quote.max_output
    offer["source"] = quote.reference
    offer["as_of"] = quote.as_of
    if quote.notes:
        offer["note"] = " ".join(n if n.endswith(".") else n + "." for n in quote.notes)
    return offer


def offer_plan(ref: Reference, spec: ModelSpec, version: str) -> dict[str, list[str]]:
    """Where each source lists each of the model's offers: ``provider`` or ``provider@region``
    to source references, best source first by the version's precedence."""
    plan = dict(spec.offers)
    if spec.openrouter:
        or_id = spec.openrouter
        plan["openrouter"] = [f"or:{or_id}", f"gp:{or_id}", f"md:{or_id}"]
    if version == "nov":
        plan = hyperscaler_plan(ref, plan)
    return plan


def resolve(ref: Reference, provider_id: str, token: str, at: dt.date) -> Quote | None:
    """One source reference's quote, as the build reads it."""
    return _resolve(ref, provider_id, token, at)


def model_offers(
    ref: Reference, spec: ModelSpec, version: str, at: dt.date, missing: list[str]
) -> list[dict[str, Any]]:
    out = []
    for path, tokens in sorted(offer_plan(ref, spec, version).items()):
        provider_id, _, region = path.partition("@")
        quote = choose(ref, provider_id, tokens, version, at, missing)
        if quote is None:
            continue
        if quote.prices.input < 0 or quote.prices.output < 0:
            print(f"skipping negative price {spec.id}@{provider_id}", file=sys.stderr)
            continue
        offer = offer_dict(spec.id, provider_id, quote, version)
        if region:
            offer = {"model": spec.id, "provider": provider_id, "region": region, **offer}
        out.append(offer)
    return out


def _known(ref: Reference, tokens: list[str]) -> list[str]:
    """The derived source references that exist in the reference data."""
    at = dt.date(2026, 11, 27)
    return [
        token
        for token in tokens
        if (token.startswith("ll:") and ref.litellm(token[3:]))
        or (token.startswith("gp:") and ref.genai("aws", token[3:], at))
    ]


def hyperscaler_plan(ref: Reference, plan: dict[str, list[str]]) -> dict[str, list[str]]:
    """Add the litellm entries of a hyperscaler's own naming to an offer's sources, and split
    Bedrock's pricing bases: ``global.`` cross-region inference at list price, and regional or
    geographic profiles (``regional.`` in genai-prices, ``us.`` in litellm) at their premium."""
    out = {key: list(tokens) for key, tokens in plan.items()}
    for token in plan.get("gcp-vertex", []):
        kind, _, key = token.partition(":")
        derived = f"vertex_ai/{key}"
        if kind == "md" and f"ll:{derived}" not in out["gcp-vertex"] and ref.litellm(derived):
            out["gcp-vertex"].append(f"ll:{derived}")
    for token in plan.get("azure-ai-foundry", []):
        name = token.removeprefix("ll:azure/")
        if name == token or "/" in name:
            continue
        # Azure OpenAI's deployment types as litellm prices them: Global Standard, and the US
        # and EU data zones; litellm's plain azure/<model> key is one of them, unlabelled
        for zone, prefix in (("global", "global-standard"), ("us", "us"), ("eu", "eu")):
            found = _known(ref, [f"ll:azure/{prefix}/{name}"])
            if found:
                out[f"azure-ai-foundry@{zone}"] = found
    bedrock = plan.get("aws-bedrock", [])
    regional = [t for t in bedrock if t.startswith("gp:regional.")]
    if regional:
        name = regional[0].removeprefix("gp:regional.")
        found = _known(ref, [f"gp:global.{name}", f"ll:global.{name}"])
        if found:
            del out["aws-bedrock"]
            out["aws-bedrock@regional"] = [*bedrock, *_known(ref, [f"ll:us.{name}"])]
            out["aws-bedrock@global"] = found
    return out


def add_note(offer: dict[str, Any], text: str) -> None:
    offer["note"] = (offer["note"] + " " if offer.get("note") else "") + text


def half(value: Decimal) -> Decimal:
    return (value / 2).normalize()
