"""Match imported source entries to catalog models and providers, and plan the offers to write."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from tokenexport_cli.catalog.importers.base import SourceEntry, SourceInfo
from tokenexport_cli.catalog.index import CatalogIndex
from tokenexport_cli.schema import Catalog, Modalities, Model, Offer

OfferKey = tuple[str, str, str]
UNKNOWN_ORIGIN = "ZZ"  # ISO 3166 user-assigned code: origin not known from the source


@dataclass(frozen=True)
class Unmatched:
    """A source entry that did not become an offer, and why (``reason`` is a stable code)."""

    key: str
    provider: str
    reason: str  # no-price | no-provider | no-model | duplicate
    detail: str


@dataclass(frozen=True)
class ImportPlan:
    """What an import changes in the base catalog. Offers and models are in the order of the
    source entries that make them: a source's order is stable, and walking the entries in the
    order they were read is cheaper than sorting them (issue 18); reports sort by key."""

    source: SourceInfo
    base_version: str
    entries: int
    offers: tuple[Offer, ...]
    replaced: tuple[OfferKey, ...]
    added: tuple[OfferKey, ...]
    models: tuple[Model, ...]
    unmatched: tuple[Unmatched, ...]


def catalog_provider(entry: SourceEntry, module: ModuleType, index: CatalogIndex) -> str | None:
    mapped = module.PROVIDER_MAP.get(entry.provider)
    for candidate in (mapped, entry.provider, entry.provider.replace("_", "-")):
        if candidate and candidate in index.providers:
            return str(candidate)
    return None


def plan_import(
    catalog: Catalog,
    entries: list[SourceEntry],
    source: SourceInfo,
    module: ModuleType,
    *,
    add_models: bool = False,
) -> ImportPlan:
    """Every entry becomes an offer (replacing the base offer with the same key) or an Unmatched."""
    index = CatalogIndex(catalog)
    base_offers = {offer.key: offer for offer in catalog.offers}
    unmatched: list[Unmatched] = []
    candidates: dict[OfferKey, list[tuple[int, SourceEntry]]] = defaultdict(list)
    new_models = _NewModels(index, source)
    providers: dict[str, str | None] = {}  # a source names a few providers, each looked up once
    for position, entry in enumerate(entries):
        if entry.prices is None:
            unmatched.append(
                Unmatched(entry.key, entry.provider, "no-price", entry.skip_reason or "")
            )
            continue
        if entry.provider not in providers:
            providers[entry.provider] = catalog_provider(entry, module, index)
        provider = providers[entry.provider]
        if provider is None:
            detail = f"source provider '{entry.provider}' is not a catalog provider"
            unmatched.append(Unmatched(entry.key, entry.provider, "no-provider", detail))
            continue
        model_id = None
        for name in entry.names:
            model = index.find_model(name)
            if model is not None:
                model_id = model.id
                break
        if model_id is None and add_models:
            model_id = new_models.add(entry)
        if model_id is None:
            detail = "no catalog model has any of these ids or aliases: " + ", ".join(entry.names)
            unmatched.append(Unmatched(entry.key, entry.provider, "no-model", detail))
            continue
        candidates[(model_id, provider, "")].append((position, entry))
    offers: list[Offer] = []
    replaced: list[OfferKey] = []
    added: list[OfferKey] = []
    imported = (
        f"imported by tokx from {source.format} ({source.location}), retrieved {source.stamp}"
    )
    prefix = source_ref(source, "")
    for key, ranked in candidates.items():
        base = base_offers.get(key)
        winner = ranked[0][1]
        if len(ranked) > 1:
            ranked.sort(key=lambda pair: _rank(base, *pair))
            winner = ranked[0][1]
            for _, loser in ranked[1:]:
                detail = f"offer {'/'.join(key[:2])} already imported from '{winner.key}'"
                unmatched.append(Unmatched(loser.key, loser.provider, "duplicate", detail))
        offers.append(_offer(key, winner, base, source, module, imported, prefix))
        (added if base is None else replaced).append(key)
    return ImportPlan(
        source=source,
        base_version=catalog.version,
        entries=len(entries),
        offers=tuple(offers),
        replaced=tuple(replaced),
        added=tuple(added),
        models=new_models.models(),
        unmatched=tuple(unmatched),
    )


def _rank(base: Offer | None, position: int, entry: SourceEntry) -> tuple[int, int, int]:
    """Of entries that make the same offer, the first wins: the base offer's own provider
    model id, then the fewest path segments, then the earliest in the source."""
    same_id = base is not None and base.provider_model_id == entry.provider_model_id
    return (0 if same_id else 1, entry.key.count("/"), position)


def source_ref(source: SourceInfo, key: str) -> str:
    """Where an offer or model came from: the format, the URL or file, and the entry's key."""
    return f"{source.format}:{source.location}#{key}"


def _offer(
    key: OfferKey,
    entry: SourceEntry,
    base: Offer | None,
    source: SourceInfo,
    module: ModuleType,
    imported: str,
    source_prefix: str,
) -> Offer:
    """The offer ``entry`` makes; ``imported`` is the note every offer of the import has and
    ``source_prefix`` their ``source_ref`` up to the entry's key."""
    assert entry.prices is not None
    prices = entry.prices
    values: dict[str, Any] = {
        "tiers": prices.tiers,
        "time_bands": prices.time_bands,
        "batch": prices.batch,
    }
    note = imported
    if base is not None or entry.checked is not None or entry.notes:
        notes = [imported]
        if base is not None:
            kept = {name: getattr(base, name) for name in module.KEPT_FIELDS}
            kept = {name: value for name, value in kept.items() if value}
            # prices still unknown above a length stay marked, unless the source now prices it
            for side, limit in base.priced_below:
                longest = (entry.context_window, entry.max_output if side == "output" else None)
                fits = all(limit.tokens < bound for bound in longest if bound is not None)
                tiered = side == "input" and any(t.above >= limit.tokens for t in prices.tiers)
                if fits and not tiered:
                    kept[f"priced_{side}_below"] = limit
            if kept:
                values.update(kept)
                notes.append(
                    f"{', '.join(kept)} kept from {base.source} ({base.as_of}): "
                    f"{source.format} does not publish them"
                )
        if entry.checked is not None:
            notes.append(f"{source.format} prices_checked {entry.checked}")
        notes.extend(entry.notes)
        note = "; ".join(notes)
    return Offer(
        model=key[0],
        provider=key[1],
        provider_model_id=entry.provider_model_id,
        currency="USD",
        input=prices.input,
        output=prices.output,
        cache_read=prices.cache_read,
        cache_write=prices.cache_write,
        cache_write_1h=prices.cache_write_1h,
        context_window=entry.context_window,
        max_output=entry.max_output,
        source=source_prefix + entry.key,
        as_of=source.as_of,
        note=note,
        **values,
    )


_NOT_SLUG = re.compile(r"[^a-z0-9._-]+")


class _NewModels:
    """Models created for unmatched entries (``--add-models``), grouped by a slug of their id:
    the first entry of a group makes the model, every entry's names it owns are its aliases."""

    def __init__(self, index: CatalogIndex, source: SourceInfo) -> None:
        self.index = index
        self.source = source
        self.first: dict[str, SourceEntry] = {}
        self.owner: dict[str, str] = {}
        # ``owner`` never changes a name's owner: a model's aliases are known as names come
        self.aliases: dict[str, list[str]] = {}
        tokenizers = index.tokenizers
        fallback = next(iter(tokenizers), "unknown")
        self.tokenizer = next((t for t in ("unknown", "o200k_base") if t in tokenizers), fallback)

    def add(self, entry: SourceEntry) -> str:
        names = entry.names
        lowered = [name.lower() for name in names]
        owner = self.owner
        for name in lowered:
            model_id = owner.get(name)
            if model_id is not None:
                self.aliases[model_id] += [
                    name
                    for name, lower in zip(names, lowered, strict=True)
                    if lower != model_id and owner.get(lower) == model_id
                ]
                return model_id
        model_id = self._slug(entry)
        self.first[model_id] = entry
        owner.setdefault(model_id, model_id)
        self.aliases[model_id] = [
            name
            for name, lower in zip(names, lowered, strict=True)
            if owner.setdefault(lower, model_id) == model_id and lower != model_id
        ]
        return model_id

    def _slug(self, entry: SourceEntry) -> str:
        tail = entry.provider_model_id.rsplit("/", 1)[-1]
        base = _NOT_SLUG.sub("-", tail.lower()).lstrip("._-")[:72] or "model"
        slug = base
        counter = 2
        while self.index.find_model(slug) is not None or slug in self.first:
            slug = f"{base}-{counter}"
            counter += 1
        return slug

    def models(self) -> tuple[Model, ...]:
        head = f"added by tokx catalog import --add-models from {self.source.format}: "
        unknown = (
            f"origin unknown ({UNKNOWN_ORIGIN}); tokenizer unknown (counted as '{self.tokenizer}')"
        )
        # the same few texts and modality pairs on every model: made once, shared
        notes = {True: head + unknown, False: head + unknown + "; open_weights unknown (false)"}
        modalities: dict[tuple[tuple[str, ...], tuple[str, ...]], Modalities] = {}
        prefix, as_of, tokenizer = source_ref(self.source, ""), self.source.as_of, self.tokenizer
        models = []
        for model_id, first in self.first.items():
            pair = (first.input_modalities or ("text",), first.output_modalities or ("text",))
            if pair not in modalities:
                modalities[pair] = Modalities(input=pair[0], output=pair[1])
            model = Model(
                id=model_id,
                name=first.name or first.provider_model_id,
                vendor=first.vendor or first.provider,
                origin=UNKNOWN_ORIGIN,
                open_weights=bool(first.open_weights),
                released=first.released,
                context_window=first.context_window,
                max_output=first.max_output,
                tokenizer=tokenizer,
                modalities=modalities[pair],
                aliases=tuple(dict.fromkeys(self.aliases[model_id])),
                source=prefix + first.key,
                as_of=as_of,
                note=notes[first.open_weights is not None],
            )
            models.append(model)
        return tuple(models)
