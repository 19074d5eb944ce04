"""Vendor price pages that rank first for direct offers (catalogs from 2026-11-27 on): DeepSeek's
own USD list, Zhipu's CNY list on bigmodel.cn, and Moonshot's and MiniMax's China platforms in CNY
from their own Chinese price pages (data/cn_platform_prices.yaml)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from tokenexport_cli.yamlsafe import load_yaml

from .offers import add_note
from .sources import Reference
from .vendor import VENDOR_CSV

CN_PLATFORM_FILE = Path(__file__).resolve().parent / "data" / "cn_platform_prices.yaml"
GENAI_CNY_PER_USD = Decimal("7.25")  # genai-prices zhipuai.yml price_comments
FEN = Decimal("0.01")
DEEPSEEK_PAGE_COPY = (
    "https://benchlm.ai/blog/posts/deepseek-api-pricing (2026-04-13 copy of the official page: "
    "deepseek-chat and deepseek-reasoner both DeepSeek-V3.2, cache hit $0.028, cache miss $0.28, "
    "output $0.42)"
)
V4_NOTICE = (
    "Not applied: the August 2026 weekday peak/off-peak scheme in vendor_prices rests on one "
    "third-party gateway notice that conflicts with another source and is not verified against "
    "api-docs.deepseek.com (reference-data/vendor_prices/SOURCES.md); this offer keeps the price "
    "every reference gives."
)


def _rows(ref: Reference) -> list[dict[str, str]]:
    return ref.csv_rows("vendor_prices/direct_vendor_prices.csv")


def _d(text: str) -> Decimal:
    return Decimal(text.strip()).normalize()


def deepseek_v32(ref: Reference) -> dict[str, Any]:
    """DeepSeek V3.2 on api.deepseek.com from DeepSeek's own price list (USD)."""
    row = next(r for r in _rows(ref) if r["model"].endswith("(V3.2-Exp)"))
    return {
        "model": "deepseek-v3.2",
        "provider": "deepseek",
        "provider_model_id": "deepseek-chat",
        "currency": "USD",
        "input": _d(row["input_cache_miss"]),
        "output": _d(row["output"]),
        "cache_read": _d(row["input_cache_hit"]),
        "context_window": 131072,
        "source": f"https://api-docs.deepseek.com/quick_start/pricing (DeepSeek's price page; "
        f"{DEEPSEEK_PAGE_COPY}; recorded in {VENDOR_CSV} from {row['source_url']})",
        "as_of": dt.date(2026, 7, 24),
        "note": "DeepSeek's own list: deepseek-chat (non-thinking) and deepseek-reasoner (thinking) "
        "serve V3.2 at one price. The vendor_prices row is recorded from litellm's deepseek-chat "
        "entry (whose source is the official page) as of 2026-07-24; context 128K per the page copy.",
    }


def deepseek_v4_note(offer: dict[str, Any]) -> dict[str, Any]:
    add_note(offer, V4_NOTICE)
    return offer


def _cny(usd: Decimal) -> Decimal:
    """genai-prices' USD figure back in CNY: it divided CNY by 7.25 and kept three decimals, so
    x 7.25 rounded to the fen (0.01 CNY) recovers the list price."""
    return (usd * GENAI_CNY_PER_USD).quantize(FEN, rounding=ROUND_HALF_EVEN).normalize()


#: the USD prices a zhipu offer arrives with, as its note names them
_USD_FIELDS = {
    "input": "input",
    "output": "output",
    "cache_read": "cache read",
    "cache_write": "cache write",
}
#: reference repositories by the name a note gives them
_QUOTED = {"pydantic/genai-prices@": "genai-prices", "anomalyco/models.dev@": "models.dev"}


def _quoted(source: str) -> str:
    """The reference an offer's USD prices come from, by name (its source otherwise)."""
    return next((name for prefix, name in _QUOTED.items() if source.startswith(prefix)), source)


# bigmodel.cn CNY rows in vendor_prices (model id -> CSV model column prefix)
_ZHIPU_ROWS = {"glm-5": "GLM-5", "glm-5.1": "GLM-5.1"}


def zhipu_cny(offer: dict[str, Any], ref: Reference) -> dict[str, Any]:
    """A Zhipu (bigmodel.cn) offer in CNY, its billing currency: the vendor_prices row where one
    exists, else genai-prices' USD converted back at genai-prices' own 7.25."""
    if offer["currency"] != "USD":
        return offer
    quoted = _quoted(str(offer["source"]))
    out = dict(offer, currency="CNY")
    row = next(
        (
            r
            for r in _rows(ref)
            if r["vendor"].startswith("Zhipu") and r["model"] == _ZHIPU_ROWS.get(offer["model"])
        ),
        None,
    )
    usd = {k: offer[k] for k in _USD_FIELDS if k in offer}
    for key, value in usd.items():
        out[key] = _cny(value)
    if row is not None:
        out["input"] = _d(row["input_cache_miss"])
        out["output"] = _d(row["output"])
        if row["input_cache_hit"].strip():
            out["cache_read"] = _d(row["input_cache_hit"])
        out["source"] = f"{row['source_url'].split(' ')[0]} ({row['source_kind']}; {VENDOR_CSV})"
        out["as_of"] = dt.date.fromisoformat(row["effective_or_as_of"].split()[-1])
    add_note(
        out,
        "Billed in CNY (bigmodel.cn has no USD list). "
        + (
            f"Prices from the vendor_prices row ({row['price_window']}); "
            if row is not None
            else ""
        )
        + f"{quoted} gives USD "
        + "/".join(f"{v}" for v in usd.values())
        + f" ({'/'.join(_USD_FIELDS[k] for k in usd)}), "
        + (
            "CNY / 7.25; x 7.25 to the fen = "
            if quoted == "genai-prices"
            else "x 7.25 (genai-prices' CNY per USD for bigmodel.cn) to the fen = "
        )
        + "/".join(f"{_cny(v)}" for v in usd.values())
        + ".",
    )
    return _zhipu_length_tiers(out, ref)


ZHIPU_PRICES = "pydantic/genai-prices@47df840:prices/providers/zhipuai.yml"
# "[0, 32k) input" as genai-prices writes bigmodel.cn's "输入长度 [0, 32K)"
_LOWEST_TIER = re.compile(r"\[0, (\d+)k\) input")
# "[0, 0.2k) output" as genai-prices writes bigmodel.cn's lowest output-length tier
_LOWEST_OUTPUT_TIER = re.compile(r"\[0, (\d+(?:\.\d+)?)k\) output")
#: bigmodel.cn models that genai-prices' price_comments puts in the tiered "GLM-5 series" while
#: the model's own description (added later) does not repeat it: flagged (earlier, not later)
_SERIES_TIERED = {"GLM-5.2": "GLM-5 series"}
_NOT_TIERED = (
    "genai-prices (price_comments) says bigmodel.cn bills GLM-4 standard models' input and output "
    "at the same per-token rate: no length tiers."
)
_TIERS_UNKNOWN = (
    "No stored source says whether bigmodel.cn tiers this model's price by input length "
    "(genai-prices names GLM-4.5-Air, GLM-4.7 and the GLM-5 series as tiered); if it does, "
    "prompts over 32K tokens are under-priced here."
)


def _zhipu_length_tiers(offer: dict[str, Any], ref: Reference) -> dict[str, Any]:
    """Mark the offers whose bigmodel.cn price is tiered by input length (per genai-prices'
    copy of the page) with ``priced_input_below``: only the lowest tier is sourced, so a longer
    prompt's cost is a lower bound. "32k" there is read as 32,000 (no stored source says
    32,768, and the smaller reading flags prompts earlier)."""
    model_id = offer["provider_model_id"]
    path = ref.data / "genai-prices" / "providers" / "zhipuai.yml"
    data = load_yaml(path)
    entry = next((m for m in data["models"] if str(m["id"]).lower() == str(model_id).lower()), None)
    if entry is None:
        add_note(offer, _TIERS_UNKNOWN)
        return offer
    description = " ".join(str(entry.get("description", "")).split())
    found = _LOWEST_TIER.search(description)
    series = _SERIES_TIERED.get(str(entry["id"]))
    if found is None and series is None:
        standard = str(entry["id"]).startswith("GLM-4-")
        add_note(offer, _NOT_TIERED if standard else _TIERS_UNKNOWN)
        return offer
    tokens = int(found.group(1)) * 1000 if found else 32000
    said = (
        f"the model's description: '{found.group(0)}' tier shown, 'Tiered pricing'"
        if found
        else f"price_comments: the {series} has 'tiered pricing by input/output length', "
        f"prices shown for the cheapest tier ([0, 32k) input)"
    )
    limit = {
        "tokens": tokens,
        "source": f"{ZHIPU_PRICES}#{entry['id']} ({said}; from open.bigmodel.cn/pricing)",
        "as_of": dt.date.fromisoformat(str(entry["prices_checked"])),
        "note": f"bigmodel.cn prices this model by input length (输入长度); only [0, 32K) is "
        f"sourced. 32K read as {tokens:,} (no stored source says 32,768; the smaller "
        f"reading flags prompts earlier). Tiers above it exist but no stored copy of the "
        f"vendor page gives them, so a longer prompt's cost is only known as a lower bound.",
    }
    out = dict(offer, priced_input_below=limit)
    shortest = _LOWEST_OUTPUT_TIER.search(description)
    if shortest is not None:
        out["priced_output_below"] = _output_limit(entry, shortest)
    return out


def _output_limit(entry: dict[str, Any], found: re.Match[str]) -> dict[str, Any]:
    """bigmodel.cn's output-length (输出长度) tier as genai-prices shows its lowest one:
    "[0, 0.2k) output" read as 200 tokens (0.2 x 1,000, as "32k" is read as 32,000)."""
    tokens = int(Decimal(found.group(1)) * 1000)
    return {
        "tokens": tokens,
        "source": f"{ZHIPU_PRICES}#{entry['id']} (the model's description: '{found.group(0)}' "
        f"tier shown, 'Tiered pricing'; price_comments: 'prices shown are for the cheapest "
        f"tier'; from open.bigmodel.cn/pricing)",
        "as_of": dt.date.fromisoformat(str(entry["prices_checked"])),
        "note": f"bigmodel.cn also prices this model by output length; only [0, "
        f"{found.group(1)}k) output is sourced. {found.group(1)}k read as {tokens:,} tokens "
        f"({found.group(1)} x 1,000, as 32k is read as 32,000). A response of {tokens:,} output tokens or "
        f"more bills at a higher tier no stored copy of the vendor page gives, so its cost is "
        f"only known as a lower bound.",
    }


_CN_PRICES = ("input", "output", "cache_read", "cache_write")


@cache
def _cn_platform_entries() -> dict[tuple[str, str], dict[str, Any]]:
    data = load_yaml(CN_PLATFORM_FILE)
    return {(e["provider"], e["model"]): e for e in data.get("offers") or []}


def cn_platform(offer: dict[str, Any]) -> dict[str, Any] | None:
    """The offer as the vendor's own Chinese price page gives it, in CNY; None where no page was
    found. Context window and max output stay the reference's unless the page states them."""
    entry = _cn_platform_entries().get((offer["provider"], offer["model"]))
    if entry is None:
        return None
    out = {k: v for k, v in offer.items() if k not in (*_CN_PRICES, "batch", "note")}
    out["currency"] = "CNY"
    out["provider_model_id"] = entry["provider_model_id"]
    for key in _CN_PRICES:
        if key in entry:
            out[key] = _d(str(entry[key]))
    if "caching" in entry:
        out["caching"] = entry["caching"]
    if "batch" in entry:
        batch = entry["batch"]
        out["batch"] = {
            "input": _d(str(batch["input"])),
            "output": _d(str(batch["output"])),
            "note": " ".join(str(batch["note"]).split()),
        }
    for key in ("context_window", "max_output"):
        if key in entry:
            out[key] = entry[key]
    out["source"] = entry["source"]
    out["as_of"] = entry["as_of"]
    out["note"] = " ".join(str(entry["note"]).split())
    return out
