"""Model ids as logs spell them (dated, vendor-prefixed, variant-suffixed) resolved to catalog
models, and a source provider hint resolved to the offer the call was billed on."""

from __future__ import annotations

import re

from tokenexport_cli.catalog.index import CatalogIndex
from tokenexport_cli.schema import Model, Offer

# a release date at the end: -20250929, -2024-08-06, @20250929, -0528 (vendor snapshots)
_DATE = re.compile(r"(?:[-@_](?:20\d{2}-?\d{2}-?\d{2}|\d{4}))$")
# OpenRouter variants (:free, :thinking, :beta ...), never a Bedrock version such as ":0"
_VARIANT = re.compile(r":[a-z][a-z-]*$")
# Vendor spellings around a model id, each stripped in turn when the spelling as logged is
# not a catalog id or alias (the catalog's own ids and aliases always win):
# - Bedrock cross-region inference profiles put a geography before the vendor
#   ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", AWS Bedrock user guide "Supported Regions
#   and models for inference profiles": us., eu., apac., us-gov., global., jp., au. prefixes);
_REGION = re.compile(r"^(?:us|eu|apac|us-gov|global|jp|au|ca)\.(?=[a-z]+\.)")
# - Bedrock model ids are "<vendor>.<model>-v<N>:<M>" ("anthropic.claude-3-5-sonnet-20241022-v2:0",
#   "meta.llama3-3-70b-instruct-v1:0": Bedrock "Supported foundation models" table);
_BEDROCK_VENDOR = re.compile(
    r"^(?:anthropic|meta|amazon|mistral|cohere|ai21|deepseek|qwen|openai)\."
)
_BEDROCK_VERSION = re.compile(r"(?:-v\d+(?::\d+)?|:\d+)$")
# - moving aliases and previews: "-latest" (Anthropic and Mistral), "-preview" with or without
#   a date ("gemini-2.5-flash-preview-05-20"), "-exp", Google's stable version suffix "-001";
_MOVING = re.compile(r"-(?:latest|preview(?:-\d{2}-\d{2})?|exp(?:-\d{2}-\d{2})?|\d{3})$")
# - version numbers spelled with a hyphen ("claude-3-5-haiku" for "claude-3.5-haiku", the
#   Anthropic API id style) and an "-instruct" suffix the catalog id does not carry
#   ("moonshotai/kimi-k2-instruct", Groq and Together ids) are tried last;
_HYPHEN_VERSION = re.compile(r"(?<![\d.])(\d)-(\d)(?=-|$)")
_INSTRUCT = re.compile(r"-instruct$")
# - a models/ or accounts/<a>/models/ path (Gemini's modelVersion, Fireworks ids) and LiteLLM's
#   "<provider>/" routing prefix are handled by taking the part after the last "/".
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
    for form in list(forms):
        for rule in (_DATE, _MOVING):
            stripped = rule.sub("", form)
            if stripped != form:
                forms.append(stripped)
                forms.append(_DATE.sub("", stripped))
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
