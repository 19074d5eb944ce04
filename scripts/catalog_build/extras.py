"""Benchmarks, self-hosting profiles, market data and tokenizer families."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from tokenexport_cli.yamlsafe import load_yaml

from .sources import Reference
from .vendor import ARTICLE, ARTICLE_DATE, ARTICLE_SRC

ADDITIONS_FILE = Path(__file__).resolve().parent / "data" / "benchmark_additions.yaml"
#: The first DeepSeek-V3 release: its README rows are kept apart from V3-0324 (``deepseek-v3``)
ORIGINAL_V3: dict[str, Any] = {
    "id": "deepseek-v3-original",
    "name": "DeepSeek V3 (original release)",
    "vendor": "deepseek",
    "origin": "CN",
    "open_weights": True,
    "license": "MIT (deepseek-ai/DeepSeek-V3 code licence; reference-data/benchmarks/SOURCES.md)",
    "tokenizer": "deepseek-v3",
    "source": "deepseek-ai/DeepSeek-V3@e975062c42ac:README.md (reference-data/benchmarks/benchmarks_detail.csv)",
    "as_of": dt.date(2025, 6, 16),
    "note": "The first DeepSeek-V3 checkpoint, scored in its README as 'DeepSeek V3' / 'DeepSeek-V3'; "
    "no offer in the reference data. Its scores stay off deepseek-v3, which is the 0324 checkpoint.",
}

BENCH_NAMES = {
    "Claude 4 Opus": "claude-opus-4",
    "Claude Opus 4": "claude-opus-4",
    "Claude Opus 4 (latest)": "claude-opus-4",
    "Claude Opus 4 (w/o extended thinking)": "claude-opus-4",
    "Claude Opus 4 Non-thinking": "claude-opus-4",
    "Claude4 Opus Thinking": "claude-opus-4",
    "Claude Sonnet 4": "claude-sonnet-4",
    "Claude Sonnet 4 (latest)": "claude-sonnet-4",
    "Claude Sonnet 4 (w/o extended thinking)": "claude-sonnet-4",
    "Claude Sonnet 4.5": "claude-sonnet-4.5",
    "Claude Sonnet 4.5 (Thinking)": "claude-sonnet-4.5",
    "Claude Sonnet 4.5 (latest)": "claude-sonnet-4.5",
    "Claude Sonnet 4.6": "claude-sonnet-4.6",
    "Claude Haiku 4.5 (latest)": "claude-haiku-4.5",
    "Claude Opus 4.5": "claude-opus-4.5",
    "Claude Opus 4.6": "claude-opus-4.6",
    "Claude Opus 4.7": "claude-opus-4.7",
    "DeepSeek-R1-0528": "deepseek-r1-0528",
    "DeepSeek R1 0528": "deepseek-r1-0528",
    "Deepseek-R1-0528": "deepseek-r1-0528",
    "DeepSeek-V3.2": "deepseek-v3.2",
    "DeepSeek-V3.2-Exp": "deepseek-v3.2-exp",
    "DeepSeek V4 Flash": "deepseek-v4-flash",
    "DeepSeek V4 Pro": "deepseek-v4-pro",
    "DeepSeek V3": "deepseek-v3-original",
    "DeepSeek-V3": "deepseek-v3-original",
    "DeepSeek R1": "deepseek-r1",
    "DeepSeek-R1": "deepseek-r1",
    "DeepSeek V3 0324": "deepseek-v3",
    "DeepSeek-V3-0324": "deepseek-v3",
    "Deepseek-V3-0324": "deepseek-v3",
    "Gemini 2.5 Pro (06-05)": "gemini-2.5-pro",
    "Gemini 2.5 Pro": "gemini-2.5-pro",
    "Gemini-2.5 Pro": "gemini-2.5-pro",
    "Gemini 2.5 Flash": "gemini-2.5-flash",
    "Gemini 2.5 Flash-Lite": "gemini-2.5-flash-lite",
    "Gemini 3 Flash Preview": "gemini-3-flash",
    "Gemini 3.1 Pro Preview": "gemini-3.1-pro",
    "OpenAI-o3": "o3",
    "OpenAI O3": "o3",
    "o3": "o3",
    "OpenAI O4-mini": "o4-mini",
    "o4-mini": "o4-mini",
    "GPT-5 (thinking)": "gpt-5",
    "GPT-5": "gpt-5",
    "GPT-4.1": "gpt-4.1",
    "GPT-4o": "gpt-4o",
    "GPT-4o mini": "gpt-4o-mini",
    "GPT-5.4": "gpt-5.4",
    "GPT-5.5": "gpt-5.5",
    "GLM-4.6": "glm-4.6",
    "GLM-4.7": "glm-4.7",
    "GLM-5": "glm-5",
    "GLM-5.1": "glm-5.1",
    "GLM-4.5-Air": "glm-4.5-air",
    "Kimi K2 0905": "kimi-k2-0905",
    "K2 0905": "kimi-k2-0905",
    "K2 Thinking": "kimi-k2-thinking",
    "Kimi K2 Thinking": "kimi-k2-thinking",
    "Kimi K2.5": "kimi-k2.5",
    "Kimi K2.6": "kimi-k2.6",
    "MiniMax-M2": "minimax-m2",
    "MiniMax-M2.1": "minimax-m2.1",
    "MiniMax-M2.5": "minimax-m2.5",
    "Grok-4": "grok-4",
    "Grok 4": "grok-4",
    "Llama 3.3 70B": "llama-3.3-70b",
    "Llama-3.3-70B-Instruct": "llama-3.3-70b",
    "Llama 4 Maverick": "llama-4-maverick",
    "Llama 4 Maverick 17B Instruct": "llama-4-maverick",
    "Llama 4 Scout": "llama-4-scout",
    "Qwen3-235B-A22B-Instruct-2507": "qwen3-235b-a22b-2507",
    "Qwen3 235B 2507": "qwen3-235b-a22b-2507",
    "Qwen3-Next-80B-A3B-Instruct": "qwen3-next-80b-a3b",
    "Qwen3-32B Non-Thinking": "qwen3-32b",
    "Qwen3 32B": "qwen3-32b",
    "Qwen3 Max": "qwen3-max",
    "Qwen3-Coder 480B-A35B Instruct": "qwen3-coder-480b",
    "Qwen3.5 397B-A17B": "qwen3.5-397b-a17b",
    "Mistral Large 3": "mistral-large-3",
    "Devstral 2": "devstral-2",
    "Command A": "command-a",
    "Hy3 preview": "hy3-preview",
    "MiMo-V2.5-Pro": "mimo-v2.5-pro",
    "Step 3.5 Flash": "step-3.5-flash",
}

_HARNESS_BY_URL = (
    ("artificialanalysis", "artificial-analysis"),
    ("openrouter.ai", "artificial-analysis"),
    ("labs.scale.com", "scale-labs"),
    ("aider.chat", "aider-leaderboard"),
    ("swebench.com", "swebench-leaderboard"),
    ("huggingface.co", "vendor-reported"),
    ("anthropic.com", "vendor-blog"),
)


_DOCUMENT_KIND = {
    "akash-network/awesome-akash": "vendor model card (copy)",
    "deepseek-ai/DeepSeek-V3": "vendor README",
    "deepseek-ai/DeepSeek-R1": "vendor README",
    "deepseek-ai/DeepSeek-V3.2-Exp": "vendor README",
    "MoonshotAI/Kimi-K2": "vendor README",
    "MiniMax-AI/MiniMax-M2": "vendor README",
    "MiniMax-AI/MiniMax-M1": "vendor README",
}


def slug(text: str) -> str:
    text = text.lower().replace("τ", "tau").replace("$", "").replace("*", "")
    return re.sub(r"[^a-z0-9.]+", "-", text).strip("-.")[:80]


def _harness(row: dict[str, str]) -> str:
    repo = row["source_repo"]
    if repo == "anomalyco/models.dev":
        url = row["original_source_url"]
        return next((h for key, h in _HARNESS_BY_URL if key in url), "models-dev")
    if repo.startswith("arXiv"):
        return "glm-4.5-tech-report"
    # READMEs and model cards are both the vendor's own report, run with its own settings:
    # one harness, with the document named in the note
    return "vendor-reported"


_AGENTIC = ("agentic", "agent mode", "w/ tools", "openhands", "terminus", "inhouse framework")
_NON_THINKING = ("non-thinking", "nonthinking", "non thinking", "w/o extended thinking")


def variant(label: str, model_name: str) -> dict[str, Any]:
    """How a score was run, from the source's label and model name: thinking or not, agentic
    or agentless, single or multiple attempts, and the variant slug compared in ranking
    (scaffold and attempts; 'unspecified' when the label states neither)."""
    low, name = label.lower(), model_name.lower()
    out: dict[str, Any] = {}
    if any(word in name for word in _NON_THINKING):
        out["thinking"] = False
    elif "thinking" in name:
        out["thinking"] = True
    if "agentless" in low:
        out["agentic"] = False
    elif any(word in low for word in _AGENTIC):
        out["agentic"] = True
    if "multiple attempts" in low:
        out["attempts"] = "multiple"
    elif "single attempt" in low or "single patch" in low:
        out["attempts"] = "single"
    parts = []
    if "agentic" in out:
        parts.append("agentic" if out["agentic"] else "agentless")
    if "attempts" in out:
        parts.append(f"{out['attempts']}-attempt" + ("s" if out["attempts"] == "multiple" else ""))
    out["variant"] = "-".join(parts) or "unspecified"
    return out


def benchmark_id(family: str, label: str) -> str:
    """Distinct benchmarks get distinct ids: Terminal-Bench Hard and Terminal-Bench 2.x are not
    the Terminal-Bench its family name says."""
    base = slug(family or label)
    if base == "terminal-bench":
        low = label.lower()
        if "hard" in low:
            return "terminal-bench-hard"
        for version in ("2.0", "2.1"):
            if version in low:
                return f"terminal-bench-{version}"
    return base


BENCHMARK_KEYS = (
    "model",
    "benchmark",
    "score",
    "metric",
    "harness",
    "variant",
    "thinking",
    "agentic",
    "attempts",
    "setting",
    "source",
    "as_of",
    "note",
)


def additions(models: set[str]) -> list[dict[str, Any]]:
    """Model-card scores from data/benchmark_additions.yaml (newest catalog version only; pages
    read after the reference data's date keep the day they were read as as_of)."""
    data = load_yaml(ADDITIONS_FILE)
    out = []
    for row in data.get("benchmarks", []):
        as_of = row["as_of"]
        if not isinstance(as_of, dt.date):
            as_of = dt.date.fromisoformat(str(as_of))
        if row["model"] not in models:
            continue
        entry = {key: value for key, value in row.items() if key not in ("score", "as_of", "note")}
        entry["score"] = Decimal(str(row["score"]))
        entry["variant"] = row.get("variant", "unspecified")
        entry.update({"as_of": as_of, "note": " ".join(str(row.get("note", "")).split()) or None})
        out.append({key: value for key, value in entry.items() if value is not None})
    return out


def benchmarks(ref: Reference, models: set[str], version: str, at: dt.date) -> list[dict[str, Any]]:
    out = []
    for row in ref.csv_rows("benchmarks/benchmarks_detail.csv"):
        model = BENCH_NAMES.get(row["model"])
        if model not in models or not row["score"]:
            continue
        undated = not row["as_of"]
        as_of = dt.date(2026, 7, 2) if undated else dt.date.fromisoformat(row["as_of"][:10])
        if as_of > at:
            continue
        try:
            score = Decimal(row["score"].rstrip("%"))
        except ArithmeticError:
            continue
        source = f"{row['source_repo']}:{row['source_path']}"
        if row["commit"]:
            source = f"{row['source_repo']}@{row['commit'][:12]}:{row['source_path']}"
        note = f"source label '{row['benchmark']}' for '{row['model']}'"
        if repo_kind := _DOCUMENT_KIND.get(row["source_repo"]):
            note += f"; {repo_kind}"
        if row["note"]:
            note += f"; {row['note']}"
        if row["original_source_url"]:
            note += f"; original source {row['original_source_url']}"
        if undated:
            note += "; the models.dev entry has no date: as_of is the models.dev commit date"
        entry: dict[str, Any] = {
            "model": model,
            "benchmark": benchmark_id(row["benchmark_family"], row["benchmark"]),
            "score": score,
        }
        if row["metric"]:
            entry["metric"] = row["metric"]
        entry["harness"] = _harness(row)
        entry.update(variant(row["benchmark"], row["model"]))
        entry.update(
            {
                "source": source + " (reference-data/benchmarks/benchmarks_detail.csv)",
                "as_of": as_of,
                "note": note,
            }
        )
        out.append(entry)
    if version == "may":
        out.extend(article_table4(ref, models))
    else:
        out.extend(additions(models))
    return [{key: entry[key] for key in BENCHMARK_KEYS if key in entry} for entry in out]


_T4_MODELS = ["minimax-m2.5", "kimi-k2.5", "deepseek-v3.2", "gpt-5.5", "claude-opus-4"]
_T4_BENCH = {
    "MMLU": "mmlu",
    "HumanEval (Code)": "humaneval",
    "GPQA (Science)": "gpqa",
    "LiveCodeBench": "livecodebench",
    "SWE-bench": "swe-bench",
}


def article_table4(ref: Reference, models: set[str]) -> list[dict[str, Any]]:
    out = []
    for line in ref.article(ARTICLE).splitlines():
        for label, bench in _T4_BENCH.items():
            if line.startswith(label) and line.count("%") == 5:
                scores = re.findall(r"([\d.]+)%", line[len(label) :])
                for model, score in zip(_T4_MODELS, scores, strict=True):
                    if model in models:
                        out.append(
                            {
                                "model": model,
                                "benchmark": bench,
                                "score": Decimal(score),
                                "metric": "percent",
                                "harness": "article-2026-05",
                                "source": ARTICLE_SRC + ", Table 4",
                                "as_of": ARTICLE_DATE,
                                "note": f"Article row '{label}'; harness, setting and model variant not stated "
                                "(columns 'GPT-5.5' and 'Claude 4'; Claude 4 recorded as Claude Opus 4). "
                                "Secondary source: do not compare with other harnesses.",
                            }
                        )
    return out
