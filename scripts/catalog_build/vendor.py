"""Offers from vendor_prices/direct_vendor_prices.csv and the first article's Table 3."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from .offers import add_note, half
from .sources import Reference

VENDOR_CSV = "reference-data/vendor_prices/direct_vendor_prices.csv"
ARTICLE = "token-export-boom-2026-05.txt"
ARTICLE_SRC = (
    "reference/articles/token-export-boom-2026-05.txt (AI in China, 'China's AI Models Dominate Global "
    "API Traffic', 2026-05-28)"
)
ARTICLE_DATE = dt.date(2026, 5, 28)
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def _rows(ref: Reference, model: str, window_prefix: str) -> dict[str, str]:
    for row in ref.csv_rows("vendor_prices/direct_vendor_prices.csv"):
        if row["model"] == model and row["price_window"].startswith(window_prefix):
            return row
    raise KeyError((model, window_prefix))


def _d(text: str) -> Decimal:
    return Decimal(text.strip()).normalize()


def deepseek_direct(ref: Reference, version: str) -> list[dict[str, Any]]:
    """DeepSeek V4 on api.deepseek.com: all-hours prices in May 2026, weekday peak bands from August 2026."""
    offers = []
    for model in ("deepseek-v4-flash", "deepseek-v4-pro"):
        if version == "may":
            window = "all hours"
            rows = [
                r
                for r in ref.csv_rows("vendor_prices/direct_vendor_prices.csv")
                if r["model"] == model
                and r["price_window"].startswith(window)
                and "salahadawi" in r["source_url"]
            ]
            row = rows[0]
            offer: dict[str, Any] = {
                "model": model,
                "provider": "deepseek",
                "provider_model_id": model,
                "currency": "USD",
                "input": _d(row["input_cache_miss"]),
                "output": _d(row["output"]),
                "cache_read": _d(row["input_cache_hit"]),
                "context_window": 1000000,
                "max_output": 384000,
                "source": f"{row['source_url']} (quoting api-docs.deepseek.com/quick_start/pricing; {VENDOR_CSV})",
                "as_of": dt.date(2026, 5, 12)
                if model == "deepseek-v4-flash"
                else dt.date(2026, 5, 28),
                "note": f"{row['effective_or_as_of']}. {row['other']}. {row['notes']}. No time-of-day pricing was in force: "
                "the UTC 16:30-00:30 night discount ended 2025-09-05 16:00 UTC (official page copy in vendor_prices).",
            }
            if model == "deepseek-v4-flash":
                offer["effective"] = dt.date(2026, 4, 26)
            offers.append(offer)
            continue
        row = _rows(ref, model, "peak UTC")
        peak = {
            "input": _d(row["input_cache_miss"]),
            "output": _d(row["output"]),
            "cache_read": _d(row["input_cache_hit"]),
        }
        offers.append(
            {
                "model": model,
                "provider": "deepseek",
                "provider_model_id": model,
                "currency": "USD",
                "input": half(peak["input"]),
                "output": half(peak["output"]),
                "cache_read": half(peak["cache_read"]),
                "time_bands": [
                    {
                        "name": "peak",
                        "timezone": "UTC",
                        "days": WEEKDAYS,
                        "hours": ["01:00-04:00", "06:00-10:00"],
                        **peak,
                    }
                ],
                "context_window": 1000000,
                "max_output": 384000,
                "effective": dt.date(2026, 8, 16),
                "source": f"{row['source_url']} ({row['source_kind']}; {VENDOR_CSV})",
                "as_of": dt.date(2026, 8, 16),
                "note": "Base prices are off-peak, derived exactly as half of peak ('off-peak = half of peak' in the source); "
                "peak applies weekdays UTC 01:00-04:00 and 06:00-10:00 (Beijing 09:00-12:00 and 14:00-18:00) from "
                "2026-08-16 16:00 UTC. Sources conflict: github nrenvo/dsh-turn-trace src/pricing.ts gives V4-Flash peak "
                "0.006/0.3/1.2; this gateway notice was chosen because it cites api-docs.deepseek.com and is the "
                "newest, but it is not verified against the official page. "
                + (
                    "genai-prices (prices_checked 2026-06-02) still gives 0.435/0.87 with cache read 0.003625, "
                    "the pre-August all-hours price."
                    if model == "deepseek-v4-pro"
                    else "genai-prices (prices_checked 2026-05-12) still gives 0.14/0.28 with cache read 0.0028, "
                    "the pre-August all-hours price."
                ),
            }
        )
        cny_off = _rows(ref, model, "off-peak (announced")
        cny_peak = _rows(ref, model, "peak Beijing")
        offers.append(
            {
                "model": model,
                "provider": "deepseek",
                "region": "cn",
                "provider_model_id": model,
                "currency": "CNY",
                "input": _d(cny_off["input_cache_miss"]),
                "output": _d(cny_off["output"]),
                "cache_read": _d(cny_off["input_cache_hit"]),
                "time_bands": [
                    {
                        "name": "peak",
                        "timezone": "Asia/Shanghai",
                        "hours": ["09:00-12:00", "14:00-18:00"],
                        "input": _d(cny_peak["input_cache_miss"]),
                        "output": _d(cny_peak["output"]),
                        "cache_read": _d(cny_peak["input_cache_hit"]),
                    }
                ],
                "source": f"{cny_peak['source_url']} ({cny_peak['source_kind']}; {VENDOR_CSV})",
                "as_of": dt.date(2026, 6, 29),
                "note": "CNY prices announced 2026-06-29 for mid-July 2026 (news); base = off-peak, band = peak. The source "
                "does not restrict peak to weekdays, so it applies every day here; the August USD notice makes peak "
                "weekdays-only, which may also apply to CNY billing (unverified).",
            }
        )
    return offers


def qwen3_max_cn(ref: Reference) -> dict[str, Any]:
    rows = [
        r
        for r in ref.csv_rows("vendor_prices/direct_vendor_prices.csv")
        if r["model"] == "qwen3-max" and r["currency"] == "CNY"
    ]
    per_k = Decimal(1000)

    def m(text: str) -> Decimal:
        return (Decimal(text) * per_k).normalize()

    base, *rest = rows
    tiers = []
    for row, above in zip(rest, (32000, 128000), strict=True):
        tiers.append(
            {
                "above": above,
                "input": m(row["input_cache_miss"]),
                "output": m(row["output"]),
                "cache_read": m(row["input_cache_hit"]),
            }
        )
    return {
        "model": "qwen3-max",
        "provider": "alibaba-cloud-cn",
        "provider_model_id": "qwen3-max",
        "currency": "CNY",
        "input": m(base["input_cache_miss"]),
        "output": m(base["output"]),
        "cache_read": m(base["input_cache_hit"]),
        "cache_write": m("0.003125"),
        "tiers": tiers,
        "batch": {
            "discount": Decimal("0.5"),
            "note": "batch = half of real-time price (help.aliyun.com billing page); the scrape gives batch "
            "2.5/10 -> 1.25/5 CNY per 1M for the first tier",
        },
        "context_window": 262144,
        "max_output": 65536,
        "source": f"{base['source_url']} ({base['source_kind']}; {VENDOR_CSV})",
        "as_of": dt.date(2026, 8, 21),
        "note": "Per-1K CNY prices x 1000. cache_read is the implicit cache hit; explicit cache: create 3.125, hit 0.25 "
        "CNY per 1M. Tiers by input length (<=32K, 32K-128K, 128K-256K). The source scrape is undated: "
        "as_of is the reference-data snapshot date. Third-party JSON parsed from the Aliyun model page.",
    }


_TABLE3 = {
    "DeepSeek V4": ("deepseek-v4-pro", "deepseek", "cn"),
    "MiniMax M2.5": ("minimax-m2.5", "minimax-cn", None),
    "Kimi K2.5": ("kimi-k2.5", "moonshot-cn", None),
    "GLM 5": ("glm-5", "zhipu", None),
    "Qwen 3.6-Max": ("qwen3.6-max", "alibaba-cloud-cn", None),
    "GPT-5.5 Pro": ("gpt-5.5-pro", "openai", None),
    "Claude 4 Opus": ("claude-opus-4", "anthropic", None),
    "Gemini 2.5 Pro": ("gemini-2.5-pro", "google-ai-studio", None),
}
_PRICE = r"(?:¥(?P<{0}cny>\d+\.\d\d) \(~\$(?P<{0}usd>\d+\.\d\d)\)|\$(?P<{0}plain>\d+\.\d\d))"
_ROW = re.compile(
    r"^(?P<name>[A-Za-z][\w .-]+?)"
    + _PRICE.format("i")
    + _PRICE.format("o")
    + r"(?P<ctx>\d+[KM])~?\d+%"
)


def article_table3(ref: Reference) -> list[dict[str, Any]]:
    """Table 3 of the May 2026 article, one dict per row with prices in the currency the article gives."""
    rows = []
    for line in ref.article(ARTICLE).splitlines():
        match = _ROW.match(line.strip())
        if not match or match["name"] not in _TABLE3:
            continue
        model, provider, region = _TABLE3[match["name"]]
        cny = match["icny"] is not None
        rows.append(
            {
                "label": match["name"],
                "model": model,
                "provider": provider,
                "region": region,
                "currency": "CNY" if cny else "USD",
                "input": _d(match["icny"] or match["iplain"]),
                "output": _d(match["ocny"] or match["oplain"]),
                "usd_shown": (match["iusd"], match["ousd"]) if cny else None,
                "context": match["ctx"],
            }
        )
    return rows


def apply_article(offers: list[dict[str, Any]], ref: Reference) -> list[dict[str, Any]]:
    """Primary source wins where one exists for the same offer; otherwise the article's price is the offer."""
    by_key = {(o["model"], o["provider"], o.get("region")): o for o in offers}
    added = []
    for row in article_table3(ref):
        shown = (
            f" (article shows ~${row['usd_shown'][0]}/~${row['usd_shown'][1]} at 7.2 CNY/USD)"
            if row["usd_shown"]
            else ""
        )
        text = (
            f"Article 2026-05 Table 3 gives {row['currency']} {row['input']:f}/{row['output']:f} per 1M{shown}, "
            f"context {row['context']}."
        )
        key = (row["model"], row["provider"], row["region"])
        if key in by_key:
            add_note(by_key[key], text + " The primary source above wins.")
            continue
        offer: dict[str, Any] = {"model": row["model"], "provider": row["provider"]}
        if row["region"]:
            offer["region"] = row["region"]
        offer.update(
            {
                "currency": row["currency"],
                "input": row["input"],
                "output": row["output"],
                "source": ARTICLE_SRC + ", Table 3",
                "as_of": ARTICLE_DATE,
                "note": text
                + " No other source gives this offer's price as of May 2026; the article is a "
                "secondary source and names no pricing page.",
            }
        )
        added.append(offer)
    return offers + added
