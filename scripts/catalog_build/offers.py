"""Assemble offers for one catalog version: pick the primary source per offer, note the others."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from decimal import Decimal
from typing import Any

from . import prices
from .providers import BY_ID
from .registry import ModelSpec
from .sources import Price, Reference

# Which sources a version may use, best first. May 2026 may use nothing dated after the article,
# except genai-prices evaluated at that date (its start_date constraints keep price history).
PRECEDENCE = {"may": ("gp",), "aug": ("gp", "ll", "md")}
OPENROUTER_PRECEDENCE = {"may": ("or",), "aug": ("gp", "md", "or")}
SOURCE_NAMES = {
    "gp": "genai-prices",
    "ll": "litellm",
    "md": "models.dev",
    "or": "OpenRouter snapshot 2026-05-15",
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


def _resolve(ref: Reference, provider_id: str, token: str, at: dt.date) -> Price | None:
    kind, _, key = token.partition(":")
    spec = BY_ID[provider_id]
    if kind == "gp":
        return prices.from_genai(ref, spec.genai or "", key, at) if spec.genai else None
    if kind == "ll":
        price = prices.from_litellm(ref, key)
        if price is not None:
            model_id = next((key[len(p) :] for p in LITELLM_PREFIXES if key.startswith(p)), key)
            price = replace(price, provider_model_id=model_id)
        return price
    if kind == "md":
        return prices.from_modelsdev(ref, f"providers/{spec.modelsdev}/models/{key}.toml")
    if kind == "or":
        return prices.from_openrouter(ref, key)
    raise ValueError(f"unknown source in {token!r}")


def _differs(a: Price, b: Price) -> bool:
    return a.input != b.input or a.output != b.output


def _fmt(p: Price) -> str:
    text = f"{p.input}/{p.output}"
    return text + (f" (cache read {p.cache_read})" if p.cache_read is not None else "")


def choose(
    ref: Reference,
    provider_id: str,
    tokens: list[str],
    version: str,
    at: dt.date,
    missing: list[str],
) -> Price | None:
    """The primary source's price, with the other sources' differing values in its notes."""
    order = OPENROUTER_PRECEDENCE[version] if provider_id == "openrouter" else PRECEDENCE[version]
    found: list[tuple[str, Price]] = []
    for kind in order:
        for token in tokens:
            if token.startswith(kind + ":"):
                price = _resolve(ref, provider_id, token, at)
                if price is None:
                    if version == "aug" and provider_id != "openrouter":
                        missing.append(f"{provider_id}: {token}")
                    continue
                found.append((kind, price))
    if not found:
        return None
    primary_kind, primary = found[0]
    notes = list(primary.notes)
    extra: dict[str, object] = {}
    for kind, other in found[1:]:
        if kind != primary_kind and _differs(primary, other):
            notes.append(
                f"{SOURCE_NAMES[kind]} gives {_fmt(other)} ({other.source}, as of {other.as_of})"
            )
            continue
        # Same base prices: fill in batch prices, which genai-prices does not model. Tiers are
        # never copied: every source models them, so a primary source without tiers means flat
        # pricing (e.g. Claude Sonnet 4.6 on OpenRouter, "no tiered pricing").
        if other.batch and not primary.batch and "batch" not in extra:
            extra["batch"] = other.batch
            notes.append(f"batch prices from {SOURCE_NAMES[kind]} ({other.source})")
        if other.tiers and not primary.tiers:
            notes.append(
                f"{SOURCE_NAMES[kind]} lists long-context tiers ({other.source}); "
                "the primary source prices the whole window flat"
            )
    return replace(primary, notes=notes, **extra)  # type: ignore[arg-type]


def offer_dict(
    model_id: str,
    provider_id: str,
    price: Price,
    region: str | None = None,
    effective: dt.date | None = None,
) -> dict[str, Any]:
    offer: dict[str, Any] = {"model": model_id, "provider": provider_id}
    if region:
        offer["region"] = region
    if price.provider_model_id:
        offer["provider_model_id"] = price.provider_model_id
    offer["currency"] = price.currency
    offer["input"] = price.input
    offer["output"] = price.output
    if price.cache_read is not None:
        offer["cache_read"] = price.cache_read
    if price.cache_write is not None:
        offer["cache_write"] = price.cache_write
    if price.tiers:
        offer["tiers"] = [dict(t) for t in price.tiers]
    if price.time_bands:
        offer["time_bands"] = [dict(b) for b in price.time_bands]
    if price.batch:
        offer["batch"] = dict(price.batch)
    if price.context_window:
        offer["context_window"] = int(price.context_window)
    if price.max_output:
        offer["max_output"] = int(price.max_output)
    if effective:
        offer["effective"] = effective
    offer["source"] = price.source
    offer["as_of"] = price.as_of
    notes = ([price.note] if price.note else []) + list(price.notes)
    if notes:
        offer["note"] = " ".join(n if n.endswith(".") else n + "." for n in notes)
    return offer


def model_offers(
    ref: Reference, spec: ModelSpec, version: str, at: dt.date, missing: list[str]
) -> list[dict[str, Any]]:
    out = []
    plan = dict(spec.offers)
    if spec.openrouter:
        or_id = spec.openrouter
        plan["openrouter"] = [f"or:{or_id}", f"gp:{or_id}", f"md:{or_id}"]
    for provider_id, tokens in sorted(plan.items()):
        price = choose(ref, provider_id, tokens, version, at, missing)
        if price is None:
            continue
        if price.input < 0 or price.output < 0:
            print(f"skipping negative price {spec.id}@{provider_id}", file=sys.stderr)
            continue
        out.append(offer_dict(spec.id, provider_id, price))
    return out


def add_note(offer: dict[str, Any], text: str) -> None:
    offer["note"] = (offer["note"] + " " if offer.get("note") else "") + text


def half(value: Decimal) -> Decimal:
    return (value / 2).normalize()
