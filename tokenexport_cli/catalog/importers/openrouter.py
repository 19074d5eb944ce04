"""Importer for an OpenRouter ``GET /api/v1/models`` response (USD per token, as strings)."""

from __future__ import annotations

from typing import Any

from tokenexport_cli.catalog.importers.base import (
    Prices,
    SourceEntry,
    decimal_of,
    expect,
    parse_json,
    per_million,
    positive_int,
)
from tokenexport_cli.dates import DateProblem, from_unix
from tokenexport_cli.errors import DataError

FORMAT = "openrouter"
DEFAULT_URL = "https://openrouter.ai/api/v1/models"
URL_ENV = "TOKX_OPENROUTER_URL"
# every entry is sold by OpenRouter itself; the catalog's provider id for it
PROVIDER_MAP = {"openrouter": "openrouter"}
# what this format cannot say: a replaced offer keeps these from the base catalog
KEPT_FIELDS = ("tiers", "time_bands", "batch")


def parse(data: bytes, where: str) -> list[SourceEntry]:
    """Every model in the response, priced or with the reason it cannot be."""
    document = parse_json(data, where)
    expect(
        isinstance(document, dict) and isinstance(document.get("data"), list),
        where,
        "not an OpenRouter models response (expected an object with a 'data' list)",
    )
    return [_entry(item, f"{where}: data[{index}]") for index, item in enumerate(document["data"])]


def _entry(item: Any, where: str) -> SourceEntry:
    expect(isinstance(item, dict) and isinstance(item.get("id"), str), where, "entry has no 'id'")
    model_id: str = item["id"]
    where = f"{where} ({model_id})"
    names = [model_id]
    for extra in (item.get("canonical_slug"), item.get("hugging_face_id")):
        if isinstance(extra, str) and extra:
            names.append(extra)
    if "/" in model_id:
        names.append(model_id.split("/", 1)[1])
    architecture = item.get("architecture") or {}
    top = item.get("top_provider") or {}
    released = None
    if isinstance(item.get("created"), int):
        try:
            released = from_unix(item["created"]).date()
        except DateProblem as exc:
            raise DataError(f"{where}: created: {exc}") from None
    prices, skip = _prices(item.get("pricing"), where)
    return SourceEntry(
        key=model_id,
        provider="openrouter",
        provider_model_id=model_id,
        names=tuple(dict.fromkeys(name for name in names if name)),  # "odd/" has no tail
        prices=prices,
        skip_reason=skip,
        name=_display_name(item.get("name"), model_id),
        vendor=model_id.split("/", 1)[0] if "/" in model_id else None,
        context_window=positive_int(item.get("context_length")),
        max_output=positive_int(top.get("max_completion_tokens")),
        open_weights=True if item.get("hugging_face_id") else None,
        released=released,
        input_modalities=tuple(architecture.get("input_modalities") or ()),
        output_modalities=tuple(architecture.get("output_modalities") or ()),
    )


def _display_name(name: Any, model_id: str) -> str:
    if not isinstance(name, str) or not name.strip():
        return model_id
    # "DeepSeek: DeepSeek V3.2" -> "DeepSeek V3.2"
    return name.split(": ", 1)[1] if ": " in name else name


def _prices(pricing: Any, where: str) -> tuple[Prices | None, str | None]:
    if not isinstance(pricing, dict) or pricing.get("prompt") in (None, ""):
        return None, "no token price"
    if pricing.get("completion") in (None, ""):
        return None, "no token price"
    prompt = decimal_of(pricing["prompt"], f"{where}: pricing.prompt")
    completion = decimal_of(pricing["completion"], f"{where}: pricing.completion")
    if prompt < 0 or completion < 0:
        return None, "variable price (router pseudo-model)"

    def optional(key: str) -> Any:
        value = pricing.get(key)
        return None if value in (None, "") else per_million(value, f"{where}: pricing.{key}")

    return (
        Prices(
            input=per_million(prompt, f"{where}: pricing.prompt"),
            output=per_million(completion, f"{where}: pricing.completion"),
            cache_read=optional("input_cache_read"),
            cache_write=optional("input_cache_write"),
        ),
        None,
    )
