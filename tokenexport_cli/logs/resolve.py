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
    spelled = name.strip()
    forms = [spelled]
    base = _VARIANT.sub("", spelled)
    forms.append(base)
    if "/" in base:
        forms.append(base.rsplit("/", 1)[1])
    for form in list(forms):
        undated = _DATE.sub("", form)
        if undated != form:
            forms.append(undated)
    return list(dict.fromkeys(forms))


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
