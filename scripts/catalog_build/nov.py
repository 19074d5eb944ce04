"""The November 2026 rules applied to the registry's and the generated models (catalogs from
2026-11-27 on): vendor pages first, native currency, caching facts, and one name per model."""

from __future__ import annotations

import sys
from typing import Any

from . import caching, vendor_nov
from .offers import add_note
from .providers import PROVIDERS
from .registry import ModelSpec
from .sources import Reference

# vendor API ids that name a model only from November 2026 on (each with the page saying so)
NOV_ALIASES = {
    # benchlm.ai copy of api-docs.deepseek.com (2026-04-13): both endpoints serve DeepSeek-V3.2
    "deepseek-v3.2": ("deepseek-chat", "deepseek-reasoner"),
}

OPENROUTER_FAQ = (
    "https://openrouter.ai/docs/faq ('OpenRouter passes through the pricing of the underlying "
    "providers')"
)


CN_PLATFORMS_IN_USD = {
    provider: f"USD as models.dev lists it; no CNY price for this model was found on {name}'s "
    "Chinese price page (data/cn_platform_prices.yaml), so this may be the international list."
    for provider, name in (("moonshot-cn", "Moonshot"), ("minimax-cn", "MiniMax"))
}
DIRECT = {p.id for p in PROVIDERS if p.kind == "direct"}


def distinct_names(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each id or alias names one model: a later (generated) model loses an alias an earlier
    model already has, and one whose id is taken is left out."""
    seen: set[str] = set()
    out = []
    for entry in entries:
        if entry["id"].lower() in seen:
            print(f"generated model {entry['id']} already named; left out", file=sys.stderr)
            continue
        seen.add(entry["id"].lower())
        aliases = [a for a in entry.get("aliases", []) if a.lower() not in seen]
        seen.update(a.lower() for a in aliases)
        if aliases:
            entry["aliases"] = aliases
        else:
            entry.pop("aliases", None)
        out.append(entry)
    return out


def unique(names: list[str], more: tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys([*names, *more]))


def nov_offers(
    ref: Reference, spec: ModelSpec, offers: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The November 2026 rules on one model's offers: vendor pages first, native currency,
    caching facts and Anthropic's 1-hour writes and withdrawn tiers."""
    out = []
    for offer in offers:
        if offer["provider"] == "deepseek" and spec.id == "deepseek-v3.2":
            offer = vendor_nov.deepseek_v32(ref)
        elif offer["provider"] == "deepseek" and spec.id.startswith("deepseek-v4"):
            offer = vendor_nov.deepseek_v4_note(offer)
        elif offer["provider"] == "zhipu":
            offer = vendor_nov.zhipu_cny(offer, ref)
        elif offer["provider"] in CN_PLATFORMS_IN_USD and offer["currency"] == "USD":
            native = vendor_nov.cn_platform(offer)
            if native is not None:
                offer = native
            else:
                add_note(offer, CN_PLATFORMS_IN_USD[offer["provider"]])
        caching.apply(offer, spec.vendor)
        out.append(offer)
    return passed_through(out)


def passed_through(offers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OpenRouter's API has no field for long-context tiers: where its prices equal the vendor's
    own direct offer, that offer's tiers apply on OpenRouter too."""
    direct = [o for o in offers if o["provider"] in DIRECT and o["currency"] == "USD"]
    for offer in offers:
        if offer["provider"] != "openrouter" or offer.get("tiers"):
            continue
        for own in direct:
            same = (own["input"], own["output"]) == (offer["input"], offer["output"])
            if same and own.get("tiers"):
                offer["tiers"] = own["tiers"]
                add_note(
                    offer,
                    f"tiers from {own['provider']}'s own offer ({own['source']}): the API prices "
                    f"equal it, and {OPENROUTER_FAQ}.",
                )
                break
    return offers
