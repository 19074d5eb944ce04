"""What a price depends on besides the token counts (catalogs from 2026-11-27 on): how a prompt
gets cached, the shortest cacheable prefix, Anthropic's 1-hour cache writes and the long-context
tiers Anthropic withdrew, each with the page that states it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from .offers import add_note

ANTHROPIC_PRICING = (
    "https://platform.claude.com/docs/zh-CN/about-claude/pricing (Anthropic pricing page: "
    "'1h Cache Writes' column, 2x base input for every model listed)"
)
ANTHROPIC_MINIMUMS = (
    "Anthropic prompt-caching docs as quoted in github.com/anthropics/anthropic-sdk-python/issues/1194 "
    "(4096 Opus 4.6/4.5 and Haiku 4.5; 1024 Sonnet 4.6/4.5, Opus 4.1/4, Sonnet 4/3.7; 2048 Haiku 3.5/3)"
)
LITELLM_MINIMUMS = (
    "https://docs.litellm.ai/docs/completion/prompt_caching (last_updated 2026-10-07; table of "
    "minimum input tokens: OpenAI 1,024; Claude Opus 5 512; Sonnet 5, Opus 4.8, Sonnet 4.x, "
    "Opus 4/4.1 1,024; Haiku 4.5, Opus 4.5/4.6/4.7 4,096)"
)
GEMINI_MINIMUMS = (
    "https://ai.google.dev/gemini-api/docs/caching (implicit caching on by default for Gemini 2.5 "
    "and newer; minimums: page updated 2026-07-07 lists 2.5 Flash/Pro 2,048, 3.1 Pro Preview and "
    "3.5 Flash 4,096; the 2026-05-07 version lists Gemini 3 Flash Preview 1,024, 3 Pro Preview 4,096)"
)
OPENAI_AUTOMATIC = (
    "https://openrouter.ai/docs/features/prompt-caching ('Prompt caching with OpenAI is automated'); "
    + LITELLM_MINIMUMS
)
DEEPSEEK_AUTOMATIC = (
    "https://docs.helicone.ai/gateway/concepts/prompt-caching (automatic caching for OpenAI, Grok, "
    "Groq, DeepSeek, Moonshot AI, Azure OpenAI; no minimum stated for DeepSeek)"
)
TIER_REMOVAL = (
    "https://getaibook.com/news/claudes-1m-context-just-got-practical-for-coding-and-agent-workflows "
    "(Anthropic made 1M context GA for Opus 4.6 and Sonnet 4.6 on 2026-03-13: 'standard pricing now "
    "applies across the full 1M window', rollout stated for Bedrock, Vertex AI and Azure Foundry)"
)
ANTHROPIC_BATCH = (
    "https://docs.anthropic.com/en/docs/build-with-claude/batch-processing (batch price table: "
    "half the standard input and output price, e.g. Claude Sonnet 4 $1.50/$7.50 against $3/$15)"
)
OPENAI_BATCH = (
    "https://help.openai.com/en/articles/9197833-batch-api-faq ('Each model will be offered at 50% "
    "cost discount vs. the synchronous APIs'; most models, not all)"
)
GEMINI_BATCH = (
    "https://developers.googleblog.com/scale-your-ai-workloads-batch-mode-gemini-api (2025-07-07: "
    "'Batch jobs are priced at 50% less than the standard rate for a given model')"
)
# (vendor, provider, model id prefix) -> the vendor's own page stating its batch discount
VENDOR_BATCH = {
    ("anthropic", "anthropic", "claude-"): ("Message Batches API", ANTHROPIC_BATCH),
    ("openai", "openai", ""): ("Batch API", OPENAI_BATCH),
    ("google", "google-ai-studio", "gemini-"): ("Batch Mode", GEMINI_BATCH),
}
TIER_REMOVED_ON = dt.date(2026, 3, 13)
TIER_REMOVED_MODELS = {"claude-opus-4.6", "claude-sonnet-4.6"}

# (model id pattern, minimum cacheable tokens, source); first match wins
_CLAUDE_MINIMUMS: tuple[tuple[str, int, str], ...] = (
    (r"^claude-opus-4\.[567]", 4096, LITELLM_MINIMUMS),
    (r"^claude-haiku-4\.5", 4096, ANTHROPIC_MINIMUMS),
    (r"^claude-(3-)?haiku-3|^claude-3(\.5)?-haiku", 2048, ANTHROPIC_MINIMUMS),
    (r"^claude-opus-5", 512, LITELLM_MINIMUMS),
    (r"^claude-(sonnet-5|opus-4\.8)", 1024, LITELLM_MINIMUMS),
    (
        r"^claude-(sonnet-4|opus-4|sonnet-3\.7|3-7-sonnet|3-5-sonnet|3-opus)",
        1024,
        ANTHROPIC_MINIMUMS,
    ),
)
_GEMINI_MINIMUMS: tuple[tuple[str, int], ...] = (
    (r"^gemini-2\.5-(flash|pro)", 2048),
    (r"^gemini-3\.1-pro", 4096),
    (r"^gemini-3\.5-flash", 4096),
    (r"^gemini-3-flash", 1024),
    (r"^gemini-3-pro", 4096),
)
OPENAI_PATHS = {"openai", "azure-ai-foundry", "openrouter"}
GOOGLE_PATHS = {"google-ai-studio", "gcp-vertex", "openrouter"}


def policy(model: str, vendor: str, provider: str) -> tuple[str, int | None, str] | None:
    """(caching mode, minimum cacheable tokens or None, source) where a page states them."""
    if vendor == "anthropic":
        for pattern, minimum, source in _CLAUDE_MINIMUMS:
            if re.match(pattern, model):
                return "explicit", minimum, source
        return None
    if vendor == "openai" and provider in OPENAI_PATHS:
        return "automatic", 1024, OPENAI_AUTOMATIC
    if vendor == "google" and provider in GOOGLE_PATHS:
        for pattern, minimum in _GEMINI_MINIMUMS:
            if re.match(pattern, model):
                return "automatic", minimum, GEMINI_MINIMUMS
        return None
    if vendor == "deepseek" and provider == "deepseek":
        return "automatic", None, DEEPSEEK_AUTOMATIC
    return None


def apply(offer: dict[str, Any], vendor: str) -> None:
    """Add caching facts, Anthropic's 1-hour write price and withdrawn tiers to one offer."""
    model, provider = offer["model"], offer["provider"]
    if offer.get("cache_read") is not None:
        found = policy(model, vendor, provider)
        if found is not None:
            mode, minimum, source = found
            offer["caching"] = mode
            if minimum is not None:
                offer["cache_min_tokens"] = minimum
            add_note(
                offer,
                f"Caching {mode}"
                + (f", minimum {minimum} tokens" if minimum else "")
                + f" ({source}).",
            )
    needs_1h = offer.get("cache_write") is not None and offer.get("cache_write_1h") is None
    if vendor == "anthropic" and needs_1h and offer["currency"] == "USD":
        offer["cache_write_1h"] = (offer["input"] * 2).normalize()
        add_note(
            offer,
            "cache_write_1h = 2 x base input, Anthropic's 1-hour write multiplier "
            f"({ANTHROPIC_PRICING}); no reference gives this path's own 1-hour price.",
        )
    for (who, path, prefix), (name, page) in VENDOR_BATCH.items():
        if (vendor, provider) == (who, path) and model.startswith(prefix) and "batch" not in offer:
            offer["batch"] = {"discount": Decimal("0.5"), "note": f"{name}: 50% off"}
            add_note(offer, f"Batch discount from the vendor's batch page ({page}).")
    if model in TIER_REMOVED_MODELS and offer.get("tiers"):
        offer["tiers"] = [{**tier, "until": TIER_REMOVED_ON} for tier in offer["tiers"]]
        add_note(
            offer,
            f"The >{offer['tiers'][0]['above']:,}-token tier was withdrawn on {TIER_REMOVED_ON} "
            f"and is kept for the record only ({TIER_REMOVAL}).",
        )
