"""``manifest.yaml`` of a catalog version: FX rate and the sources it was built from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from . import market, vendor
from .sources import OPENROUTER_DATE

READ_ON = dt.date(2026, 11, 27)  # stored copies read for this version; pages without a date
# vendor and platform pages the 2026-11-27 rules cite (scripts/catalog_build/caching.py, nov.py)
NOV_PAGES: list[dict[str, Any]] = [
    {"id": page_id, "title": title, "url": url, "as_of": as_of}
    for page_id, title, url, as_of in (
        (
            "anthropic-pricing",
            "Anthropic pricing (1h cache writes 2x base input)",
            "https://platform.claude.com/docs/zh-CN/about-claude/pricing",
            READ_ON,
        ),
        (
            "anthropic-batch",
            "Anthropic batch processing (batch prices: half the standard price)",
            "https://docs.anthropic.com/en/docs/build-with-claude/batch-processing",
            READ_ON,
        ),
        (
            "anthropic-1m-ga",
            "Claude 1M context GA for Opus/Sonnet 4.6, no long-context premium",
            "https://getaibook.com/news/claudes-1m-context-just-got-practical-for-coding-and-agent-workflows",
            dt.date(2026, 3, 13),
        ),
        (
            "cache-minimums",
            "Minimum cacheable input tokens per provider (litellm docs)",
            "https://docs.litellm.ai/docs/completion/prompt_caching",
            dt.date(2026, 10, 7),
        ),
        (
            "gemini-caching",
            "Gemini API context caching (implicit caching, minimum tokens)",
            "https://ai.google.dev/gemini-api/docs/caching",
            dt.date(2026, 7, 7),
        ),
        (
            "gemini-batch",
            "Batch Mode in the Gemini API (50% off)",
            "https://developers.googleblog.com/scale-your-ai-workloads-batch-mode-gemini-api",
            dt.date(2025, 7, 7),
        ),
        (
            "openai-batch",
            "OpenAI Batch API FAQ (50% off the synchronous APIs)",
            "https://help.openai.com/en/articles/9197833-batch-api-faq",
            READ_ON,
        ),
        (
            "openrouter-faq",
            "OpenRouter FAQ (provider pricing passed through)",
            "https://openrouter.ai/docs/faq",
            READ_ON,
        ),
        (
            "deepseek-pricing",
            "DeepSeek Models & Pricing (copy: V3.2 $0.028/$0.28/$0.42)",
            "https://benchlm.ai/blog/posts/deepseek-api-pricing",
            dt.date(2026, 4, 13),
        ),
    )
]
# The CNY rate of the November 2026 catalogs: a published reference rate, the China Foreign
# Exchange Trade System's central parity of the yuan against the US dollar (announced for the
# People's Bank of China), the newest such announcement found in the stored pages.
FX_NOV = {
    "currency": "CNY",
    "per_usd": Decimal("6.9858"),
    "source": "Xinhua, 'Market exchange rates in China', 2026-01-27: central parity U.S. dollar 100 = "
    "698.58 yuan, announced by the China Foreign Exchange Trade System (copy read at "
    "http://www.sjzmxmy.com/english/20260127/cba751482a5e433bb6c121e58d8ae77b/c.html)",
    "as_of": dt.date(2026, 1, 27),
    "note": "A published reference rate (the yuan's central parity against the US dollar on "
    "2026-01-27), not a rate for the catalog's own date: no later announcement was found in the "
    "stored pages. It replaces genai-prices' 7.25, an unsourced conversion constant that is still "
    "used only to turn genai-prices' USD figures for bigmodel.cn back into the CNY list. Other "
    "pairings: MiniMax's own 7.00 (genai-prices minimax.yml); the May 2026 article 7.2. Override "
    "with --fx.",
}


def manifest(version_id: str, description: str, kind: str) -> dict[str, Any]:
    fx = (
        {
            "currency": "CNY",
            "per_usd": Decimal("7.2"),
            "source": vendor.ARTICLE_SRC + ", Table 3 caption",
            "as_of": vendor.ARTICLE_DATE,
            "note": "The article converts at 7.2 CNY/USD. Other pairings in the reference data: genai-prices zhipuai.yml "
            "7.25, genai-prices minimax.yml 7.00 (vendor_prices/direct_vendor_prices.csv). Override as needed.",
        }
        if kind == "may"
        else {
            "currency": "CNY",
            "per_usd": Decimal("7.25"),
            "source": "pydantic/genai-prices@47df840:prices/providers/zhipuai.yml price_comments",
            "as_of": dt.date(2026, 6, 17),
            "note": "genai-prices' conversion for Zhipu's CNY prices (May/June 2026); not a market rate. Other pairings: "
            "genai-prices minimax.yml 7.00; the May 2026 article 7.2. Override as needed.",
        }
    )
    if kind == "nov":
        fx = FX_NOV
    pages = NOV_PAGES if kind == "nov" else []
    return {
        "schema_version": 1,
        "catalog_version": version_id,
        "released": dt.date.fromisoformat(version_id),
        "description": description,
        "fx": [fx],
        "sources": [
            {
                "id": "genai-prices",
                "title": "pydantic/genai-prices provider YAMLs @47df840",
                "url": "https://github.com/pydantic/genai-prices",
                "as_of": dt.date(2026, 8, 21),
                "license": "MIT",
            },
            {
                "id": "litellm",
                "title": "BerriAI/litellm model_prices_and_context_window.json (via RoCry/llm-api-price@8442b93)",
                "url": "https://github.com/BerriAI/litellm",
                "as_of": dt.date(2026, 7, 24),
                "license": "MIT",
            },
            {
                "id": "models-dev",
                "title": "anomalyco/models.dev @f3fc692",
                "url": "https://github.com/anomalyco/models.dev",
                "as_of": dt.date(2026, 7, 2),
                "license": "MIT",
            },
            {
                "id": "openrouter-snapshot",
                "title": "OpenRouter GET /api/v1/models snapshot",
                "url": "https://openrouter.ai/api/v1/models",
                "as_of": OPENROUTER_DATE,
                "license": "content from the OpenRouter API; copy from a MIT repo",
            },
            {
                "id": "vendor-prices",
                "title": "reference-data/vendor_prices/direct_vendor_prices.csv (facts with URLs)",
                "url": "reference-data/vendor_prices/direct_vendor_prices.csv",
                "as_of": dt.date(2026, 8, 16),
            },
            {
                "id": "article-2026-05",
                "title": "China's AI Models Dominate Global API Traffic (AI in China)",
                "url": "reference/articles/token-export-boom-2026-05.txt",
                "as_of": vendor.ARTICLE_DATE,
            },
            {
                "id": "article-hyperscalers",
                "title": "China AI System #4: China's Token Exports Are Exploding (undated)",
                "url": "reference/articles/token-exports-and-hyperscalers.txt",
                "as_of": market.ARTICLE2_AS_OF,
            },
            {
                "id": "benchmarks",
                "title": "reference-data/benchmarks/benchmarks_detail.csv (9 sources)",
                "url": "reference-data/benchmarks/SOURCES.md",
                "as_of": dt.date(2026, 7, 2),
                "license": "per source (MIT/Apache/Modified-MIT)",
            },
            {
                "id": "selfhost",
                "title": "reference-data/selfhost (skypilot catalog, DeepSeek open-infra-index, blogs)",
                "url": "reference-data/selfhost/SOURCES.md",
                "as_of": dt.date(2026, 5, 22),
                "license": "Apache-2.0 / CC0 / blogs",
            },
            {
                "id": "tokenizers",
                "title": "reference/TOKENIZERS.md measurements",
                "url": "reference/TOKENIZERS.md",
                "as_of": market.TOKENIZERS_DATE,
            },
            *pages,
        ],
    }
