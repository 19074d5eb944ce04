"""Hyperscaler paths (Bedrock, Vertex AI, Azure AI Foundry) of generated models: the entries the
references list under each hyperscaler's own naming, matched to a generated model by name
(catalogs from 2026-11-27 on). The build's hyperscaler plan then splits them into the pricing
bases the references list (Bedrock global/regional, Azure global/us/eu)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from tokenexport_cli.catalog.importers import genai_prices
from tokenexport_cli.catalog.importers.base import SourceEntry

from .sources import Reference

AT = dt.date(2026, 11, 27)

# Bedrock model ids: an optional geographic inference profile, the publisher, then the model
# with an API version (anthropic.claude-opus-4-8-v1:0, us.amazon.nova-lite-v1:0)
BEDROCK_GEO = re.compile(r"^(global|regional|us|eu|apac|jp|au|ca)\.")
BEDROCK_PUBLISHER = re.compile(r"^[a-z0-9-]+\.")
API_VERSION = re.compile(r"(-v\d+)?(:\d+)?$")
# Vertex model names: a publisher path, "@default" for the current version, "-maas" for
# Model-as-a-Service partner models (google/gemma-4-26b-a4b-it-maas, claude-opus-4-8@default)
VERTEX_DEFAULT = re.compile(r"@default$")
MAAS = re.compile(r"-maas$")


def base(name: str) -> str:
    """A model name with the hyperscaler decorations taken off, lower case, ``.``/``:``/``_``
    as ``-``: how a hyperscaler entry and a generated model are matched."""
    out = name.lower().split("/")[-1]
    out = VERTEX_DEFAULT.sub("", MAAS.sub("", out))
    out = API_VERSION.sub("", out)
    return re.sub(r"[.:_]", "-", out)


def _bedrock_name(key: str) -> str | None:
    """The model part of a Bedrock id without a geographic profile; None for a profile id
    (``us.``, ``global.`` ...), which the hyperscaler plan derives from the plain or
    ``regional.`` id, and for per-region or routed litellm keys (``bedrock/us-east-1/...``)."""
    if "/" in key or BEDROCK_GEO.match(key):
        return None
    return BEDROCK_PUBLISHER.sub("", key)


class Index:
    """base name -> hyperscaler provider -> source references, built once per reference set."""

    def __init__(self, ref: Reference) -> None:
        self.found: dict[str, dict[str, list[str]]] = {}
        self._genai(ref)
        self._litellm(ref.litellm_entries())
        self._modelsdev(ref)

    def _add(self, name: str, provider: str, token: str) -> None:
        """Keep the first entry of each source per model and path: two entries of one source
        for one offer (a dated and an undated key) would be two primaries that may disagree."""
        tokens = self.found.setdefault(base(name), {}).setdefault(provider, [])
        if not any(t.split(":", 1)[0] == token.split(":", 1)[0] for t in tokens):
            tokens.append(token)

    def _genai(self, ref: Reference) -> None:
        for provider, file in (("aws-bedrock", "aws"), ("azure-ai-foundry", "azure")):
            path = ref.data / "genai-prices" / "providers" / f"{file}.yml"
            entries = genai_prices.parse(path.read_bytes(), str(path), AT)
            # a regional. entry first: the plan splits it into Bedrock's two pricing bases
            for entry in sorted(
                entries, key=lambda e: not e.provider_model_id.startswith("regional.")
            ):
                if entry.prices is None:
                    continue
                key = entry.provider_model_id
                if provider == "azure-ai-foundry":
                    self._add(key, provider, f"gp:{key}")
                elif key.startswith("regional."):
                    # the plan pairs it with the global. entry as Bedrock's two pricing bases
                    self._add(BEDROCK_PUBLISHER.sub("", key[9:]), provider, f"gp:{key}")
                elif (name := _bedrock_name(key)) is not None:
                    self._add(name, provider, f"gp:{key}")

    def _litellm(self, entries: Iterable[SourceEntry]) -> None:
        # Vertex's own vertex_ai/<name> keys before litellm's bare aliases of the same model
        ordered = sorted(
            (e for e in entries if e.prices is not None),
            key=lambda e: (not e.key.startswith("vertex_ai/"), e.key),
        )
        for entry in ordered:
            key, kind = entry.key, entry.provider
            if kind in ("bedrock", "bedrock_converse"):
                if (name := _bedrock_name(key)) is not None:
                    self._add(name, "aws-bedrock", f"ll:{key}")
            elif kind.startswith("vertex_ai") and "@" not in key.replace("@default", ""):
                self._add(key, "gcp-vertex", f"ll:{key}")
            elif kind in ("azure", "azure_ai") and key.count("/") == 1:
                self._add(key, "azure-ai-foundry", f"ll:{key}")

    def _modelsdev(self, ref: Reference) -> None:
        for provider, folder in (
            ("aws-bedrock", "amazon-bedrock"),
            ("gcp-vertex", "google-vertex"),
            ("azure-ai-foundry", "azure"),
        ):
            path = ref.data / "models.dev" / "providers" / folder / "models"
            for toml in sorted(path.glob("*.toml")) if path.is_dir() else ():
                name = toml.stem
                if provider == "aws-bedrock":
                    if _bedrock_name(name) is None:
                        continue
                    match = BEDROCK_PUBLISHER.sub("", name)
                else:
                    match = name
                if "@" in name.replace("@default", ""):
                    continue  # a pinned older version, not the model's current entry
                found = ref.modelsdev(f"providers/{folder}/models/{name}.toml")
                if found is not None and found.prices is not None:
                    self._add(match, provider, f"md:{name}")


_INDEXES: dict[int, Index] = {}


def paths(ref: Reference, names: Iterable[str], ambiguous: set[str]) -> dict[str, list[str]]:
    """The hyperscaler offers the references list for a model known by ``names`` (its id and
    aliases), as provider -> source references; names shared by two generated models are
    ``ambiguous`` and match nothing."""
    index = _INDEXES.get(id(ref))
    if index is None:
        index = _INDEXES[id(ref)] = Index(ref)
    out: dict[str, list[str]] = {}
    for key in dict.fromkeys(base(name) for name in names):
        if key in ambiguous:
            continue
        for provider, tokens in index.found.get(key, {}).items():
            listed = out.setdefault(provider, [])
            listed.extend(t for t in tokens if t not in listed)
    return out
