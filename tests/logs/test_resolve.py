"""Model ids as logs spell them resolve to catalog models (alias rules plus the catalog's
aliases); what does not resolve is listed with its calls and share, never priced at zero."""

from __future__ import annotations

from pathlib import Path

import pytest

from tokenexport_cli.api.choices import CatalogChoice, open_catalog
from tokenexport_cli.api.replay import ReplayRequest, replay
from tokenexport_cli.logs.resolve import resolve_model

EXAMPLES = Path(__file__).parent.parent.parent / "examples"
LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
NEWEST = "2026-11-27"


@pytest.mark.parametrize(
    ("logged", "model"),
    [
        ("gpt-4o-2024-08-06", "gpt-4o"),  # dated snapshot
        ("openai/gpt-5-mini-2025-08-07", "gpt-5-mini"),  # OpenRouter slug
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4.5"),  # Anthropic API id
        ("claude-3-5-sonnet-latest", "claude-3.5-sonnet"),  # moving alias, hyphenated version
        ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4.5"),  # Bedrock profile
        ("bedrock/anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3.5-haiku"),  # LiteLLM
        ("meta.llama3-3-70b-instruct-v1:0", "llama-3.3-70b"),  # Bedrock model id
        ("claude-sonnet-4-5@20250929", "claude-sonnet-4.5"),  # Vertex AI
        ("models/gemini-2.5-flash", "gemini-2.5-flash"),  # Gemini modelVersion path
        ("gemini-2.5-flash-preview-05-20", "gemini-2.5-flash"),  # dated preview
        ("gemini-2.0-flash-001", "gemini-2.0-flash"),  # Google's stable version suffix
        ("moonshotai/kimi-k2-instruct", "kimi-k2"),  # Groq/Together spelling
        ("qwen-max-latest", "qwen-max"),
        ("openai/gpt-4o:extended", "gpt-4o"),  # OpenRouter variant
        ("deepseek-chat", "deepseek-v3.2"),  # the catalog's own alias
        # the spellings each rule in logs/resolve.py cites, as its source writes them
        ("claude-haiku-4-5@20251001", "claude-haiku-4.5"),  # Vertex AI date after "@"
        ("anthropic.claude-opus-4-6-v1", "claude-opus-4.6"),  # Bedrock "-v1" without ":0"
        ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4.5"),  # global
        ("jp.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4.5"),  # JP geography
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),  # OpenAI snapshot
        ("gpt-4-0613", "gpt-4"),  # OpenAI "-MMDD" snapshot
        ("gemini-1.5-pro-001", "gemini-1.5-pro"),  # Vertex AI three-digit stable version
        ("gemini-1.5-flash-preview-0514", "gemini-1.5-flash"),  # date, then "-preview"
        ("gemini-2.5-pro-preview-06-05", "gemini-2.5-pro"),
        ("anthropic/claude-sonnet-4.5:extended", "claude-sonnet-4.5"),  # OpenRouter variant
    ],
)
def test_vendor_spellings_resolve(logged: str, model: str) -> None:
    index = open_catalog(CatalogChoice(version=NEWEST))
    found = resolve_model(index, logged)
    assert found is not None and found.id == model


def test_a_geography_no_source_lists_is_not_stripped() -> None:
    # "ca." is not among the Bedrock cross-Region geographies (AWS CDK enum): left unresolved
    index = open_catalog(CatalogChoice(version=NEWEST))
    assert resolve_model(index, "ca.anthropic.claude-sonnet-4-5-20250929-v1:0") is None


def test_catalog_ids_win_over_stripped_spellings() -> None:
    index = open_catalog(CatalogChoice(version=NEWEST))
    # "-latest" is its own catalog id here: the rule that strips it must not run first
    found = resolve_model(index, "mistral-large-latest")
    assert found is not None and found.id == "mistral-large-latest"
    assert resolve_model(index, "not-a-model-2509") is None


def test_the_bundled_usage_log_resolves_every_line() -> None:
    result = replay(
        ReplayRequest(
            paths=(EXAMPLES / "usage-log.jsonl",),
            catalog=CatalogChoice(version=NEWEST),
            alternatives=0,
        )
    )
    assert result.requests == 64
    assert all(source.resolved for source in result.sources)
    assert not any("left out" in note for line in result.lines for note in line.cost.notes)


def test_each_unresolved_model_is_listed_with_its_calls_and_share() -> None:
    result = replay(
        ReplayRequest(
            paths=(LOGS / "openrouter_activity.csv",),
            catalog=CatalogChoice(version=NEWEST),
            alternatives=1,
        )
    )
    (unknown,) = [s for s in result.sources if s.resolved is None]
    share = f"{unknown.token_share * 100:.1f}%"
    (line,) = [x for x in result.lines if x.role == "alternative"]
    assert f"mistralai/mystery-model-2509 (1 call, {share})" in " ".join(line.cost.notes)
