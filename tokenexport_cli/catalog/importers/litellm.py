"""Importer for litellm's ``model_prices_and_context_window.json`` (USD per token, ``_above_Nk``
tier keys, ``*_batches`` keys)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from tokenexport_cli.catalog.importers.base import (
    PRICE_FIELDS,
    Prices,
    SourceEntry,
    expect,
    parse_json,
    per_million,
    positive_int,
    tier_of,
)
from tokenexport_cli.schema import Batch, Tier

FORMAT = "litellm"
DEFAULT_URL = (
    "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
)
URL_ENV = "TOKX_LITELLM_URL"
KEPT_FIELDS = ("time_bands",)
TEXT_MODES = {None, "chat", "completion", "responses"}
# litellm_provider -> catalog provider id; a provider named like a catalog id maps to itself
PROVIDER_MAP = {
    "bedrock": "aws-bedrock",
    "bedrock_converse": "aws-bedrock",
    "azure_ai": "azure-ai-foundry",
    "vertex_ai": "gcp-vertex",
    "gemini": "google-ai-studio",
    "together_ai": "together",
    "fireworks_ai": "fireworks",
    "dashscope": "alibaba-cloud",
    "moonshot": "moonshot",
    "zai": "zai",
}
_ABOVE = re.compile(
    r"^(input|output|cache_read_input_token|cache_creation_input_token)_cost"
    r"(?:_per_token)?(_above_1hr)?_above_(\d+)k_tokens$"
)
_ABOVE_FIELD = {
    "input": "input",
    "output": "output",
    "cache_read_input_token": "cache_read",
    "cache_creation_input_token": "cache_write",
}


def parse(data: bytes, where: str) -> list[SourceEntry]:
    """Every model entry of the file, priced or with a skip reason."""
    document = parse_json(data, where)
    expect(isinstance(document, dict), where, "not a litellm price file (expected an object)")
    entries = []
    for key, item in document.items():
        if key == "sample_spec" or not isinstance(item, dict):
            continue  # the schema example and file metadata such as ``last_updated``
        entries.append(_entry(key, item, f"{where}: {key}"))
    return entries


def source_provider(item: dict[str, Any]) -> str:
    provider = str(item.get("litellm_provider") or "")
    return "vertex_ai" if provider.startswith("vertex_ai") else provider


def _entry(key: str, item: dict[str, Any], where: str) -> SourceEntry:
    parts = key.split("/")
    names = [key, key.split("/", 1)[1]] if len(parts) > 1 else [key]
    names.append(parts[-1])
    mode = item.get("mode")
    prices: Prices | None = None
    skip = None
    if mode not in TEXT_MODES:
        skip = f"not a text model (mode {mode})"
    else:
        prices = _prices(item, where)
        if prices is None:
            skip = "no token price"
    modalities = item.get("supported_modalities") or ()
    return SourceEntry(
        key=key,
        provider=source_provider(item),
        provider_model_id=key.split("/", 1)[1] if len(parts) > 1 else key,
        names=tuple(dict.fromkeys(names)),
        prices=prices,
        skip_reason=skip,
        name=parts[-1],
        vendor=parts[-2] if len(parts) > 2 else None,
        context_window=positive_int(item.get("max_input_tokens")),
        max_output=positive_int(item.get("max_output_tokens")),
        input_modalities=tuple(str(m) for m in modalities),
        output_modalities=tuple(str(m) for m in item.get("supported_output_modalities") or ()),
        notes=(f"litellm source: {item['source']}",) if isinstance(item.get("source"), str) else (),
    )


def _prices(item: dict[str, Any], where: str) -> Prices | None:
    tiers: list[Tier] = []
    steps = item.get("tiered_pricing")
    if isinstance(steps, list) and steps:
        ordered = sorted(steps, key=lambda step: step["range"][0])
        first = ordered[0]
        base = {
            "input": per_million(first["input_cost_per_token"], f"{where}: tiered_pricing"),
            "output": per_million(first["output_cost_per_token"], f"{where}: tiered_pricing"),
        }
        for step in ordered[1:]:
            tiers.append(
                Tier(
                    above=int(step["range"][0]),
                    input=per_million(step["input_cost_per_token"], f"{where}: tiered_pricing"),
                    output=per_million(step["output_cost_per_token"], f"{where}: tiered_pricing"),
                )
            )
    else:
        if item.get("input_cost_per_token") is None or item.get("output_cost_per_token") is None:
            return None
        base = {
            "input": per_million(item["input_cost_per_token"], f"{where}: input_cost_per_token"),
            "output": per_million(item["output_cost_per_token"], f"{where}: output_cost_per_token"),
        }
    cache_read = item.get("cache_read_input_token_cost", item.get("input_cost_per_token_cache_hit"))
    if cache_read is not None:
        base["cache_read"] = per_million(cache_read, f"{where}: cache_read_input_token_cost")
    if item.get("cache_creation_input_token_cost") is not None:
        base["cache_write"] = per_million(
            item["cache_creation_input_token_cost"], f"{where}: cache_creation_input_token_cost"
        )
    if item.get("cache_creation_input_token_cost_above_1hr") is not None:
        base["cache_write_1h"] = per_million(
            item["cache_creation_input_token_cost_above_1hr"],
            f"{where}: cache_creation_input_token_cost_above_1hr",
        )
    tiers.extend(_above_tiers(item, base, where))
    return Prices(
        input=base["input"],
        output=base["output"],
        cache_read=base.get("cache_read"),
        cache_write=base.get("cache_write"),
        cache_write_1h=base.get("cache_write_1h"),
        tiers=tuple(sorted(tiers, key=lambda tier: tier.above)),
        batch=_batch(item, where),
    )


def _above_tiers(item: dict[str, Any], base: dict[str, Decimal], where: str) -> list[Tier]:
    """``input_cost_per_token_above_200k_tokens`` and friends; a field a tier leaves out keeps
    the base price (a tier bills the whole request, so cache prices must be carried over)."""
    above: dict[int, dict[str, Decimal]] = {}
    for name, value in item.items():
        match = _ABOVE.match(name)
        if match and value is not None:
            field_name = _ABOVE_FIELD[match.group(1)] + ("_1h" if match.group(2) else "")
            threshold = int(match.group(3)) * 1000
            above.setdefault(threshold, {})[field_name] = per_million(value, f"{where}: {name}")
    tiers = []
    for threshold, values in sorted(above.items()):
        # a 1-hour write price the tier does not state is unknown, not the base one
        merged = {
            name: values.get(name, None if name == "cache_write_1h" else base.get(name))
            for name in PRICE_FIELDS
        }
        if merged["input"] is None or merged["output"] is None:
            continue
        tiers.append(tier_of(threshold, merged))
    return tiers


def _batch(item: dict[str, Any], where: str) -> Batch | None:
    batch_input = item.get("input_cost_per_token_batches")
    batch_output = item.get("output_cost_per_token_batches")
    if batch_input is None or batch_output is None:
        return None
    return Batch(
        input=per_million(batch_input, f"{where}: input_cost_per_token_batches"),
        output=per_million(batch_output, f"{where}: output_cost_per_token_batches"),
        note="litellm *_cost_per_token_batches",
    )
