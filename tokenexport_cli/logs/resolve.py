"""Model ids as logs spell them (dated, vendor-prefixed, variant-suffixed) resolved to catalog
models, and a source provider hint resolved to the offer the call was billed on."""

from __future__ import annotations

import re

from tokenexport_cli.catalog.index import CatalogIndex
from tokenexport_cli.schema import Model, Offer

# Each rule below strips one vendor spelling around a model id; a rule is tried only when the
# spelling as logged is not a catalog id or alias (the catalog's own ids and aliases always win).
# Sources were read on 2026-11-27 (the as-of date of every rule here).
#
# A release date at the end:
# - "-YYYYMMDD" (Anthropic, "claude-sonnet-4-5-20250929") and "@YYYYMMDD" (the same models on
#   Vertex AI, "claude-haiku-4-5@20251001"): Anthropic, "Model IDs and versioning",
#   https://platform.claude.com/docs/en/about-claude/models/model-ids-and-versions;
# - "-YYYY-MM-DD" (OpenAI snapshots, "gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18"): the model
#   constants of OpenAI's own SDK, https://github.com/openai/openai-go/pull/24 (chat.go);
# - "-MMDD" (older OpenAI snapshots, "gpt-4-0613"): OpenAI's deprecations page, "Each model
#   version is dated with an -MMDD suffix", as quoted in
#   https://community.openai.com/t/what-is-the-price-of-gpt-3-5-turbo/554656/5.
_DATE = re.compile(r"(?:[-@_](?:20\d{2}-?\d{2}-?\d{2}|\d{4}))$")
# OpenRouter variants: "a suffix appended to a model ID with a colon" (":free", ":extended",
# ":thinking", ":nitro" ...), https://openrouter.ai/docs/guides/routing/model-variants/overview;
# never a Bedrock version such as ":0" (a digit).
_VARIANT = re.compile(r":[a-z][a-z-]*$")
# Amazon Bedrock cross-Region inference profiles put a geography before the vendor
# ("us.anthropic.claude-sonnet-4-6"). The geographies are those of the AWS CDK enum
# CrossRegionInferenceProfileRegion (GLOBAL, US, EU, APAC, US_GOV, JP, AU),
# https://docs.aws.amazon.com/cdk/api/v2/docs/@aws-cdk_aws-bedrock-alpha.CrossRegionInferenceProfileRegion.html;
# profiles are "named after the model that they support" (Bedrock user guide, "Supported Regions
# and models for inference profiles",
# https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html).
# The lower-case dotted spelling is the one shown in the stored pages (us., eu., apac.); the
# spelling of us-gov., jp., au. and global. follows the same pattern but no stored page showed it.
_REGION = re.compile(r"^(?:us|eu|apac|us-gov|global|jp|au)\.(?=[a-z]+\.)")
# Bedrock model ids are "<vendor>.<model>": "anthropic.claude-{name}-{major}-{minor}" (Anthropic,
# "Model IDs and versioning", above) and "meta.llama3-70b-instruct-v1:0" (Bedrock ids as listed in
# https://gammainfra.com/glossary/cross-region-inference-profile). Only these two vendor
# prefixes were seen in a stored page; the others (amazon, mistral, cohere, ai21, deepseek, qwen,
# openai) are Bedrock's provider names as tokx spells them and are NOT confirmed from a page.
_BEDROCK_VENDOR = re.compile(
    r"^(?:anthropic|meta|amazon|mistral|cohere|ai21|deepseek|qwen|openai)\."
)
# Bedrock version suffix: "-v1:0" on dated models ("anthropic.claude-sonnet-4-5-20250929-v1:0")
# and "-v1" alone on "anthropic.claude-opus-4-6-v1" (Anthropic, "Model IDs and versioning").
_BEDROCK_VERSION = re.compile(r"-v\d+(?::\d+)?$")
# Moving aliases and previews:
# - "-latest": OpenAI's "chatgpt-4o-latest" (openai-go, above); Anthropic's earlier convenience
#   aliases such as "claude-3-7-sonnet-latest" (Anthropic, "Model IDs and versioning": aliases
#   "the Claude API accepts for some earlier models"; the spelling as in LlamaIndex's Anthropic
#   model table, https://developers.llamaindex.ai/typescript/framework-api-reference/variables/all_available_v3_7_models/);
#   "Gemini and Mistral already offer provider-managed latest names" (LiteLLM, "Latest model
#   aliases", https://docs.litellm.ai/docs/model_latest_aliases, updated 2026-11-06);
# - "-preview" with or without "-MM-DD" ("gemini-2.5-flash-preview-05-20") and "-exp" with or
#   without "-MM-DD" ("gemini-2.0-pro-exp-02-05"): the Gemini API's model list as returned by
#   models.list (copy of 2025-10-21, https://pastebin.com/sd29EWNs);
# - "-NNN", Google's stable version number: "append the three-digit version number to the model
#   with a hyphen", "gemini-1.5-pro-001" (Vertex AI, "Model versions and lifecycle",
#   https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versioning).
_MOVING = re.compile(r"-(?:latest|preview(?:-\d{2}-\d{2})?|exp(?:-\d{2}-\d{2})?|\d{3})$")
# Version numbers spelled with a hyphen, "claude-{name}-{major}-{minor}" (Anthropic, "Model IDs
# and versioning") for the catalog's "claude-sonnet-4.5".
_HYPHEN_VERSION = re.compile(r"(?<![\d.])(\d)-(\d)(?=-|$)")
# "-instruct" (e.g. "moonshotai/kimi-k2-instruct"): tokx's own normalisation, not a provider rule
# (catalog ids leave the suffix out); tried last.
_INSTRUCT = re.compile(r"-instruct$")
# A "models/" path (the Gemini API's model names, models.list above) and LiteLLM's
# "<provider>/" routing prefix ("bedrock/anthropic...") are handled by taking the part after
# the last "/"; so is Fireworks' "accounts/<a>/models/<m>" (not confirmed from a stored page).
#: log vendor names that are not catalog provider ids
PROVIDER_HINTS: dict[str, str] = {
    "google": "google-ai-studio",
    "gemini": "google-ai-studio",
    "gcp.gemini": "google-ai-studio",
    "gcp.vertex_ai": "gcp-vertex",
    "vertex_ai": "gcp-vertex",
    "bedrock": "aws-bedrock",
    "aws.bedrock": "aws-bedrock",
    "azure": "azure-ai-foundry",
    "az.ai.openai": "azure-ai-foundry",
}


def _candidates(name: str) -> list[str]:
    """Spellings to look up, from the name as logged to the most stripped."""
    spelled = name.strip()
    forms = [spelled]
    base = _VARIANT.sub("", spelled)
    forms.append(base)
    if "/" in base:
        base = base.rsplit("/", 1)[1]
        forms.append(base)
    unprefixed = _BEDROCK_VENDOR.sub("", _REGION.sub("", base))
    if unprefixed != base:
        forms.append(unprefixed)
        unversioned = _BEDROCK_VERSION.sub("", unprefixed)
        forms.append(unversioned)
    pending = list(forms)
    while pending:  # each pass shortens a form, so this ends
        form = pending.pop(0)
        for rule in (_DATE, _MOVING):
            stripped = rule.sub("", form)
            if stripped != form and stripped not in forms:
                forms.append(stripped)
                pending.append(stripped)
    for form in list(forms):
        dotted = _HYPHEN_VERSION.sub(r"\1.\2", form)
        forms.extend((dotted, _INSTRUCT.sub("", dotted)))
    return [form for form in dict.fromkeys(forms) if form]


def resolve_model(index: CatalogIndex, name: str) -> Model | None:
    """The catalog model a logged id names: by id or alias, then without the vendor prefix,
    variant suffix or release date."""
    for form in _candidates(name):
        found = index.find_model(form)
        if found is not None:
            return found
    return None


def billed_offer(index: CatalogIndex, model: Model, provider_hint: str | None) -> Offer | None:
    """The offer a logged call was billed on: the named provider's, else the direct path's."""
    offers = index.offers(model.id)
    if provider_hint:
        wanted = PROVIDER_HINTS.get(provider_hint.lower(), provider_hint.lower())
        named = [offer for offer in offers if offer.provider == wanted]
        if named:
            return named[0]
    direct = [o for o in offers if index.providers[o.provider].kind == "direct"]
    return direct[0] if direct else None
