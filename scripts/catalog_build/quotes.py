"""One source's price for one offer as the catalog records it: the package importer's entry plus
the provenance the build adds (which snapshot, which commit, which date it speaks for)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from tokenexport_cli.catalog.importers.base import Prices, SourceEntry

from .sources import (
    GENAI_COMMIT,
    GENAI_DATE,
    LITELLM_DATE,
    MODELSDEV_COMMIT,
    MODELSDEV_DATE,
    OPENROUTER_DATE,
    OPENROUTER_FILE,
    Reference,
)

SourceName = Literal["genai-prices", "litellm", "models.dev", "openrouter"]


@dataclass(frozen=True)
class Quote:
    """A priced source entry with where it came from; ``dated`` says whether ``as_of`` is the
    source's own check date for this price (genai-prices ``prices_checked``) rather than the
    date of the snapshot that holds it."""

    source: SourceName
    prices: Prices
    provider_model_id: str
    context_window: int | None
    max_output: int | None
    reference: str
    as_of: dt.date
    dated: bool = False
    notes: tuple[str, ...] = ()


def _priced(entry: SourceEntry | None) -> tuple[SourceEntry, Prices] | None:
    if entry is None or entry.prices is None:
        return None
    return entry, entry.prices


def from_openrouter(ref: Reference, model_id: str) -> Quote | None:
    found = _priced(ref.openrouter(model_id))
    if found is None:
        return None  # unknown, or a router pseudo-model priced at -1
    entry, prices = found
    return Quote(
        source="openrouter",
        prices=prices,
        provider_model_id=entry.provider_model_id,
        context_window=entry.context_window,
        max_output=entry.max_output,
        reference=f"{OPENROUTER_FILE} (reference-data copy of GET https://openrouter.ai/api/v1/models "
        "via anomalyco/models.dev@c2c5cc8:models.json)",
        as_of=OPENROUTER_DATE,
    )


def from_genai(ref: Reference, provider_file: str, model_id: str, at: dt.date) -> Quote | None:
    """The genai-prices price of ``model_id`` in force on ``at`` (start_date constraints applied)."""
    found = _priced(ref.genai(provider_file, model_id, at))
    if found is None:
        return None
    entry, prices = found
    notes = entry.notes  # the model's price_comments
    if entry.checked is None:
        notes += ("genai-prices entry has no prices_checked date; as_of is the commit date",)
    return Quote(
        source="genai-prices",
        prices=prices,
        provider_model_id=entry.provider_model_id,
        context_window=entry.context_window,
        max_output=entry.max_output,
        reference=f"pydantic/genai-prices@{GENAI_COMMIT}:prices/providers/{provider_file}.yml#{model_id}",
        as_of=entry.checked or GENAI_DATE,
        dated=entry.checked is not None,
        notes=notes,
    )


def from_litellm(ref: Reference, key: str) -> Quote | None:
    found = _priced(ref.litellm(key))
    if found is None:
        return None
    entry, prices = found
    return Quote(
        source="litellm",
        prices=prices,
        provider_model_id=entry.provider_model_id,
        context_window=entry.context_window,
        max_output=entry.max_output,
        reference=f"BerriAI/litellm:model_prices_and_context_window.json#{key} "
        "(via RoCry/llm-api-price@8442b93)",
        as_of=LITELLM_DATE,
    )


def from_modelsdev(ref: Reference, relpath: str) -> Quote | None:
    found = _priced(ref.modelsdev(relpath))
    if found is None:
        return None
    entry, prices = found
    return Quote(
        source="models.dev",
        prices=prices,
        provider_model_id=entry.provider_model_id,
        context_window=entry.context_window,
        max_output=entry.max_output,
        reference=f"anomalyco/models.dev@{MODELSDEV_COMMIT}:{relpath}",
        as_of=MODELSDEV_DATE,
    )
