"""Assemble one catalog version (models, providers, offers, extras) and write its folder."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path
from typing import Any

from tokenexport_cli.catalog import load_path
from tokenexport_cli.catalog.importers.base import SourceEntry
from tokenexport_cli.schema import Catalog

from . import discrepancies, emit, extras, facts, generated, market, selfhost, vendor
from .manifest import manifest
from .nov import NOV_ALIASES, distinct_names, nov_offers, unique
from .offers import model_offers
from .providers import PROVIDERS, ProviderSpec
from .registry import MODELS, ModelSpec
from .registry_west import MODELS_WEST
from .sources import (
    MODELSDEV_COMMIT,
    MODELSDEV_DATE,
    OPENROUTER_DATE,
    OPENROUTER_FILE,
    Reference,
)

ALL_MODELS = MODELS + MODELS_WEST
ARTICLE_MODELS = {
    "minimax-m2.5",
    "kimi-k2.5",
    "deepseek-v3.2",
    "deepseek-v4-pro",
    "glm-5",
    "qwen3.6-max",
    "gpt-5.5-pro",
    "claude-opus-4",
    "gemini-2.5-pro",
    "gemini-3-flash",
    "llama-4-ultra",
    "mistral-large-3",
}
KNOWN_MODALITIES = {"text", "image", "audio", "video", "pdf", "file"}

VERSIONS = {
    "2026-05-28": (
        "may",
        dt.date(2026, 5, 28),
        "As of the first article (May 2026): OpenRouter snapshot 2026-05-15, genai-prices evaluated at "
        "2026-05-28, vendor prices dated on or before then, and the article's Table 3/4 figures.",
    ),
    "2026-08-21": (
        "aug",
        dt.date(2026, 8, 21),
        "As of the newest reference data: genai-prices HEAD 2026-08-21, litellm 2026-07-24, models.dev "
        "2026-07-02, vendor prices up to 2026-08-16, OpenRouter snapshot 2026-05-15.",
    ),
    "2026-11-27": (
        "nov",
        dt.date(2026, 11, 27),
        "The same reference data as 2026-08-21 under the written source precedence "
        "(catalogs/README.md): vendor pages first for direct offers, OpenRouter's own API for "
        "OpenRouter, then genai-prices, litellm, models.dev; cache, batch and tier details filled "
        "from agreeing sources; native CNY for bigmodel.cn and the Moonshot and MiniMax China "
        "platforms, converted at the yuan's published central parity; hyperscaler paths for "
        "generated models; every difference from a reference listed in known_differences.yaml.",
    ),
}


def _meta(ref: Reference, spec: ModelSpec) -> tuple[SourceEntry | None, str, dt.date]:
    """The model's own models.dev metadata file (models/<vendor>/<id>.toml), if it has one."""
    if spec.meta:
        entry = ref.modelsdev(f"models/{spec.meta}.toml")
        if entry is not None:
            return (
                entry,
                f"anomalyco/models.dev@{MODELSDEV_COMMIT}:models/{spec.meta}.toml",
                MODELSDEV_DATE,
            )
        print(f"missing models.dev meta {spec.meta}", file=sys.stderr)
    return None, "", OPENROUTER_DATE


def _openrouter(ref: Reference, spec: ModelSpec) -> SourceEntry | None:
    return ref.openrouter(spec.openrouter) if spec.openrouter else None


def released(ref: Reference, spec: ModelSpec) -> dt.date | None:
    """models.dev's release_date (a full date), else the day OpenRouter listed the model."""
    meta, _, _ = _meta(ref, spec)
    if meta is not None and meta.released is not None:
        return meta.released
    listed = _openrouter(ref, spec)
    return listed.released if listed else None


def model_entry(
    ref: Reference, spec: ModelSpec, aliases: list[str], offers: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A model's facts; a generated model that neither models.dev nor OpenRouter describes
    takes its source, date and context window from the offer that prices it (``offers``)."""
    meta, source, as_of = _meta(ref, spec)
    priced = offers[0] if offers and not source and not _openrouter(ref, spec) else None
    listed = _openrouter(ref, spec)
    sources = [source] if source else []
    if listed:
        sources.append(f"{OPENROUTER_FILE}#{listed.key}")
    out: dict[str, Any] = {
        "id": spec.id,
        "name": spec.name,
        "vendor": spec.vendor,
        "origin": spec.origin,
    }
    open_weights = (
        spec.open_weights if spec.open_weights is not None else meta and meta.open_weights
    )
    out["open_weights"] = bool(open_weights)
    if spec.license:
        out["license"] = spec.license
    rel = released(ref, spec)
    if rel:
        out["released"] = rel
    # models.dev's limits first, OpenRouter's where models.dev has none
    context = (
        (meta and meta.context_window)
        or (listed and listed.context_window)
        or (priced and priced.get("context_window"))
    )
    if context:
        out["context_window"] = context
    max_out = (meta and meta.max_output) or (listed and listed.max_output)
    if max_out:
        out["max_output"] = max_out
    out["tokenizer"] = spec.tokenizer
    mods = meta if meta and (meta.input_modalities or meta.output_modalities) else listed
    if mods and mods.input_modalities and mods.output_modalities:
        out["modalities"] = {
            direction: sorted(m for m in names if m in KNOWN_MODALITIES) or ["text"]
            for direction, names in (
                ("input", mods.input_modalities),
                ("output", mods.output_modalities),
            )
        }
    if aliases:
        out["aliases"] = aliases
    out["source"] = "; ".join(sources) or (priced["source"] if priced else vendor.ARTICLE_SRC)
    out["as_of"] = as_of if source else (OPENROUTER_DATE if listed else vendor.ARTICLE_DATE)
    if priced is not None:
        out["as_of"] = priced["as_of"]
    notes = [spec.note] if spec.note else []
    if spec.open_weights is None and meta is None:
        notes.append("open_weights unknown (no source); recorded as false")
    if notes:
        out["note"] = " ".join(notes)
    return out


def provider_entry(spec: ProviderSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"id": spec.id, "name": spec.name, "kind": spec.kind}
    if spec.extra:
        out.update(spec.extra)
    if spec.url:
        out["url"] = spec.url
    out.update({"source": spec.source, "as_of": spec.as_of})
    if spec.note:
        out["note"] = spec.note
    return out


def _aliases(spec: ModelSpec, offers: list[dict[str, Any]]) -> list[str]:
    names = list(spec.aliases)
    if spec.openrouter:
        names.append(spec.openrouter)
    names += [o["provider_model_id"] for o in offers if o.get("provider_model_id")]
    for token in (t for tokens in spec.offers.values() for t in tokens):
        names.append(
            token.split(":", 1)[1].rsplit("/", 1)[-1]
            if token.startswith("md:")
            else token.split(":", 1)[1]
        )
    seen, out = {spec.id.lower()}, []
    for name in names:
        if name.lower() not in seen:
            seen.add(name.lower())
            out.append(name)
    return out


OFFER_KEYS = (
    "model",
    "provider",
    "region",
    "provider_model_id",
    "currency",
    "input",
    "output",
    "cache_read",
    "cache_write",
    "cache_write_1h",
    "caching",
    "cache_min_tokens",
    "tiers",
    "priced_input_below",
    "priced_output_below",
    "time_bands",
    "batch",
    "context_window",
    "max_output",
    "effective",
    "source",
    "as_of",
    "note",
)


def _ordered(offer: dict[str, Any]) -> dict[str, Any]:
    """Keys in schema order, so hand editors find every offer laid out the same way."""
    return {key: offer[key] for key in OFFER_KEYS if key in offer}


def assemble(ref: Reference, version: str, at: dt.date) -> dict[str, Any]:
    missing: list[str] = []
    models, offers = [], []
    specs, extra_aliases = ALL_MODELS, {}
    if version == "nov":
        generated_specs, extra_aliases = generated.generate(ref, ALL_MODELS, NOV_ALIASES)
        specs = ALL_MODELS + generated_specs
    for spec in specs:
        rel = released(ref, spec)
        if version == "may" and rel is not None and rel > at:
            continue
        model_offer_list = [
            o
            for o in model_offers(ref, spec, version, at, missing)
            if version == "nov"
            or not (o["model"].startswith("deepseek-v4") and o["provider"] == "deepseek")
        ]
        if version == "nov":
            model_offer_list = nov_offers(ref, spec, model_offer_list)
        if version == "may" and not model_offer_list and spec.id not in ARTICLE_MODELS:
            continue
        offers += model_offer_list
        models.append((spec, model_offer_list))
    if version == "nov":
        offers += [o for o in vendor.deepseek_direct(ref, "aug") if o.get("region") == "cn"]
    else:
        offers += vendor.deepseek_direct(ref, version)
    if version in ("aug", "nov"):
        offers = [
            o
            for o in offers
            if not (o["model"] == "qwen3-max" and o["provider"] == "alibaba-cloud-cn")
        ]
        offers.append(vendor.qwen3_max_cn(ref))
    else:
        offers = vendor.apply_article(offers, ref)
    if missing:
        print(f"[{version}] unresolved references:\n  " + "\n  ".join(missing), file=sys.stderr)
    # benchmarks and market rows stay those of the hand registry's models in every version
    model_ids = {spec.id for spec, _ in models if spec in ALL_MODELS} | {extras.ORIGINAL_V3["id"]}
    entries = [
        model_entry(
            ref,
            spec,
            unique(
                _aliases(spec, offs),
                (*NOV_ALIASES.get(spec.id, ()), *extra_aliases.get(spec.id, ())),
            ),
            offs if spec not in ALL_MODELS else None,
        )
        if version == "nov"
        else model_entry(ref, spec, _aliases(spec, offs))
        for spec, offs in models
    ]
    if version == "nov":
        entries = distinct_names(entries)
        kept = {entry["id"] for entry in entries}
        offers = [offer for offer in offers if offer["model"] in kept]
    # provider facts carry the dates they were read (2026-11): the two newest versions have them
    sourced = facts.load_facts()
    with_facts = version in ("aug", "nov")
    return {
        "models": [*entries, dict(extras.ORIGINAL_V3)],
        "providers": [
            facts.with_facts(provider_entry(p), sourced.get(p.id) if with_facts else None)
            for p in PROVIDERS
        ],
        "offers": sorted(
            map(_ordered, offers), key=lambda o: (o["provider"], o["model"], o.get("region") or "")
        ),
        "benchmarks": sorted(
            extras.benchmarks(ref, model_ids, version, at),
            key=lambda b: (b["model"], b["benchmark"], b["harness"], b["source"], str(b["score"])),
        ),
        # rows from undated pages carry the day they were read: only the newest version has them
        "gpus": selfhost.gpus(ref)
        + [g for g in selfhost.assumed_gpus() if version == "aug" or g["as_of"] <= at],
        "serving": [s for s in selfhost.serving() if version == "aug" or s["as_of"] <= at],
        "market": [m for m in market.market(ref) if m["model"] in model_ids],
        "tokenizers": market.tokenizers(),
    }


def write_version(ref: Reference, out_root: Path, version_id: str) -> Catalog:
    """Write ``out_root/<version_id>/`` and return it as tokx loads it: the package's loader
    validates it (schema, unique ids and aliases, references, currencies, prices, time bands),
    raising CatalogInvalid with every problem as ``file:line: key: problem``."""
    kind, at, description = VERSIONS[version_id]
    catalog = write_folder(
        out_root / version_id, manifest(version_id, description, kind), assemble(ref, kind, at)
    )
    if kind == "nov":
        write_known_differences(ref, catalog, out_root, version_id)
    return catalog


def version_specs(ref: Reference, kind: str) -> list[ModelSpec]:
    """The model specs a version is built from: the registry, plus generated ones from November."""
    if kind != "nov":
        return ALL_MODELS
    return ALL_MODELS + generated.generate(ref, ALL_MODELS, NOV_ALIASES)[0]


def write_known_differences(ref: Reference, catalog: Catalog, out_root: Path, version: str) -> None:
    """catalogs/known-differences/<version>.yaml: every difference from a reference, with why;
    differences nothing explains are left out (so the discrepancy check fails) and printed."""
    kind, at, _ = VERSIONS[version]
    diffs = discrepancies.compare(ref, catalog, version_specs(ref, kind), kind, at)
    rows, unexplained = discrepancies.table(diffs, catalog, kind)
    emit.dump(
        {"known_differences": rows},
        out_root / "known-differences" / f"{version}.yaml",
        f"Catalog {version}: every difference between an offer and a reference source that "
        "carries it, with the reason and its source (scripts/check_discrepancies.py)",
    )
    for diff in unexplained:
        print(f"unexplained: {diff.describe()}", file=sys.stderr)


def write_folder(folder: Path, manifest_data: dict[str, Any], data: dict[str, Any]) -> Catalog:
    """Replace ``folder`` with the catalog files of ``data`` (the sections ``assemble`` returns)
    and load it back with tokx's loader, which raises CatalogInvalid on any problem."""
    if folder.exists():
        shutil.rmtree(folder)
    emit.dump(
        manifest_data,
        folder / "manifest.yaml",
        f"Catalog {manifest_data['catalog_version']}: manifest",
    )
    emit.dump({"models": data["models"]}, folder / "models.yaml", "Models")
    emit.dump(
        {"providers": data["providers"]}, folder / "providers.yaml", "Providers (delivery paths)"
    )
    by_provider: dict[str, list[dict[str, Any]]] = {}
    for offer in data["offers"]:
        by_provider.setdefault(offer["provider"], []).append(offer)
    for provider_id, offers in sorted(by_provider.items()):
        emit.dump(
            {"offers": offers},
            folder / "offers" / f"{provider_id}.yaml",
            f"Offers sold by {provider_id}",
        )
    emit.dump(
        {"benchmarks": data["benchmarks"]},
        folder / "benchmarks.yaml",
        "Benchmark scores (never mix harnesses)",
    )
    emit.dump(
        {"gpus": data["gpus"], "serving": data["serving"]},
        folder / "selfhost.yaml",
        "Self-hosting: GPU hourly prices and serving throughput per replica",
    )
    emit.dump(
        {"market": data["market"]}, folder / "market.yaml", "Market data (OpenRouter weekly tokens)"
    )
    emit.copy_data(market.TOKENIZER_FAMILIES, folder / "tokenizers.yaml")
    return load_path(folder)
