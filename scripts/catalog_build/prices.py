"""Turn one source's record for one offer into a Price (per million tokens, exact Decimals)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from .sources import (
    GENAI_COMMIT,
    GENAI_DATE,
    LITELLM_DATE,
    MODELSDEV_COMMIT,
    MODELSDEV_DATE,
    OPENROUTER_DATE,
    Price,
    Reference,
    norm,
    per_million,
)

PRICE_FIELDS = ("input", "output", "cache_read", "cache_write")
GENAI_FIELDS = {
    "input_mtok": "input",
    "output_mtok": "output",
    "cache_read_mtok": "cache_read",
    "cache_write_mtok": "cache_write",
}


def from_openrouter(ref: Reference, model_id: str) -> Price | None:
    entry = ref.openrouter.get(model_id)
    if entry is None:
        return None
    pricing = entry["pricing"]
    if Decimal(pricing["prompt"]) < 0:
        return None  # router pseudo-models price at -1
    return Price(
        input=per_million(pricing["prompt"]),
        output=per_million(pricing["completion"]),
        cache_read=per_million(pricing["input_cache_read"])
        if pricing.get("input_cache_read")
        else None,
        cache_write=per_million(pricing["input_cache_write"])
        if pricing.get("input_cache_write")
        else None,
        context_window=entry.get("context_length"),
        max_output=(entry.get("top_provider") or {}).get("max_completion_tokens"),
        source="openrouter/models_api_v1_snapshot_2026-05-15.json "
        "(reference-data copy of GET https://openrouter.ai/api/v1/models via anomalyco/models.dev@c2c5cc8:models.json)",
        as_of=OPENROUTER_DATE,
        provider_model_id=model_id,
    )


def _genai_flat(prices: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Base prices and long-context tiers from one genai-prices ModelPrice."""
    base: dict[str, Any] = {}
    tiered: dict[str, list[tuple[int, Decimal]]] = {}
    for key, name in GENAI_FIELDS.items():
        value = prices.get(key)
        if value is None:
            continue
        if isinstance(value, dict):
            base[name] = norm(Decimal(value["base"]))
            tiered[name] = sorted(
                (int(t["start"]), norm(Decimal(t["price"]))) for t in value["tiers"]
            )
        else:
            base[name] = norm(Decimal(value))
    starts = sorted({start for steps in tiered.values() for start, _ in steps})
    tiers = []
    for start in starts:
        tier: dict[str, Any] = {"above": start}
        for name in PRICE_FIELDS:
            if name not in base:
                continue
            current = base[name]
            for step_start, price in tiered.get(name, []):
                if step_start <= start:
                    current = price
            tier[name] = current
        tiers.append(tier)
    return base, tiers


def from_genai(ref: Reference, provider: str, model_id: str, at: dt.date) -> Price | None:
    """The genai-prices price of ``model_id`` in force on ``at`` (start_date constraints applied)."""
    entry = ref.genai.get(provider, {}).get("models", {}).get(model_id)
    if entry is None:
        return None
    raw = entry["prices"]
    conditional = raw if isinstance(raw, list) else [{"prices": raw}]
    base_prices: dict[str, Any] | None = None
    bands = []
    for item in conditional:
        constraint = item.get("constraint") or {}
        if "start_time" in constraint:
            bands.append(item)
        elif "start_date" in constraint:
            if constraint["start_date"] <= at:
                base_prices = item["prices"]
        else:
            base_prices = item["prices"]
    if base_prices is None:
        return None
    base, tiers = _genai_flat(base_prices)
    if "input" not in base or "output" not in base:
        return None
    time_bands = []
    for item in bands:
        band_base, _ = _genai_flat(item["prices"])
        start = str(item["constraint"]["start_time"])[:5]
        end = str(item["constraint"]["end_time"])[:5]
        time_bands.append(
            {
                "name": "genai-prices time constraint",
                "timezone": "UTC",
                "hours": [f"{start}-{end}"],
                **band_base,
            }
        )
    checked = entry.get("prices_checked")
    comments = " ".join(str(entry.get("price_comments") or "").split())
    batch = None
    if re.search(r"[Bb]atch API offers 50% discount", comments):
        batch = {
            "discount": Decimal("0.5"),
            "note": "genai-prices price_comments: Batch API offers 50% discount",
        }
    notes = []
    if entry.get("price_comments"):
        notes.append("genai-prices: " + " ".join(str(entry["price_comments"]).split()))
    return Price(
        **base,
        tiers=tuple(tiers),
        time_bands=tuple(time_bands),
        batch=batch,
        context_window=entry.get("context_window"),
        source=f"pydantic/genai-prices@{GENAI_COMMIT}:prices/providers/{provider}.yml#{model_id}",
        as_of=checked or GENAI_DATE,
        provider_model_id=model_id,
        notes=notes
        if checked
        else [*notes, "genai-prices entry has no prices_checked date; as_of is the commit date"],
    )


_ABOVE = re.compile(
    r"^(input|output|cache_read_input_token|cache_creation_input_token)_cost(?:_per_token)?_above_(\d+)k_tokens$"
)
_ABOVE_FIELD = {
    "input": "input",
    "output": "output",
    "cache_read_input_token": "cache_read",
    "cache_creation_input_token": "cache_write",
}


def from_litellm(ref: Reference, key: str) -> Price | None:
    entry = ref.litellm.get(key)
    if entry is None:
        return None
    source = f"BerriAI/litellm:model_prices_and_context_window.json#{key} (via RoCry/llm-api-price@8442b93)"
    tiers: list[dict[str, Any]] = []
    if "tiered_pricing" in entry:
        steps = sorted(entry["tiered_pricing"], key=lambda s: s["range"][0])
        first = steps[0]
        base: dict[str, Any] = {
            "input": per_million(first["input_cost_per_token"]),
            "output": per_million(first["output_cost_per_token"]),
        }
        for step in steps[1:]:
            tiers.append(
                {
                    "above": int(step["range"][0]),
                    "input": per_million(step["input_cost_per_token"]),
                    "output": per_million(step["output_cost_per_token"]),
                }
            )
    else:
        if entry.get("input_cost_per_token") is None or entry.get("output_cost_per_token") is None:
            return None
        base = {
            "input": per_million(entry["input_cost_per_token"]),
            "output": per_million(entry["output_cost_per_token"]),
        }
    cache_read = entry.get(
        "cache_read_input_token_cost", entry.get("input_cost_per_token_cache_hit")
    )
    if cache_read is not None:
        base["cache_read"] = per_million(cache_read)
    if entry.get("cache_creation_input_token_cost") is not None:
        base["cache_write"] = per_million(entry["cache_creation_input_token_cost"])
    above: dict[int, dict[str, Decimal]] = {}
    for name, value in entry.items():
        match = _ABOVE.match(name)
        if match and value is not None:
            above.setdefault(int(match.group(2)) * 1000, {})[_ABOVE_FIELD[match.group(1)]] = (
                per_million(value)
            )
    for threshold, values in sorted(above.items()):
        if "input" in values and "output" in values:
            tiers.append(
                {"above": threshold, **{f: values[f] for f in PRICE_FIELDS if f in values}}
            )
    batch = None
    if (
        entry.get("input_cost_per_token_batches") is not None
        and entry.get("output_cost_per_token_batches") is not None
    ):
        batch = {
            "input": per_million(entry["input_cost_per_token_batches"]),
            "output": per_million(entry["output_cost_per_token_batches"]),
            "note": "litellm *_cost_per_token_batches",
        }
    return Price(
        **base,
        tiers=tuple(tiers),
        batch=batch,
        context_window=entry.get("max_input_tokens"),
        max_output=entry.get("max_output_tokens"),
        source=source,
        as_of=LITELLM_DATE,
        provider_model_id=key.split("/", 1)[1]
        if "/" in key and not key.startswith(("gpt", "claude"))
        else key,
    )


def from_modelsdev(ref: Reference, relpath: str) -> Price | None:
    data = ref.modelsdev(relpath)
    if data is None or "cost" not in data:
        return None
    cost = data["cost"]
    if cost.get("input") is None or cost.get("output") is None:
        return None
    base: dict[str, Any] = {
        f: norm(Decimal(cost[f])) for f in PRICE_FIELDS if cost.get(f) is not None
    }
    tiers = []
    for tier in cost.get("tiers", []):
        size = (tier.get("tier") or {}).get("size")
        if size and tier.get("input") is not None and tier.get("output") is not None:
            tiers.append(
                {
                    "above": int(size),
                    **{f: norm(Decimal(tier[f])) for f in PRICE_FIELDS if tier.get(f) is not None},
                }
            )
    limit = data.get("limit", {})
    model_file = relpath.rsplit("/models/", 1)[-1].removesuffix(".toml")
    return Price(
        **base,
        tiers=tuple(tiers),
        context_window=limit.get("context"),
        max_output=limit.get("output"),
        source=f"anomalyco/models.dev@{MODELSDEV_COMMIT}:{relpath}",
        as_of=MODELSDEV_DATE,
        provider_model_id=model_file,
    )
