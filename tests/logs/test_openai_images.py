"""OpenAI's image tokens per model, worked by hand from its "Images and vision" guide (the page
and tokx's decisions where it is silent are in ``logs/openai_images.py``)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tokenexport_cli.logs.images import image_rule, image_tokens
from tokenexport_cli.logs.openai_images import openai_tokens, patches, rule_for


def test_the_pages_patch_examples() -> None:
    # 1024 x 1024: 32 x 32 = 1,024 patches, under the 1,536 budget
    assert patches(1024, 1024) == 1024
    # 1800 x 2400: 57 x 75 = 4,275 > 1,536 -> shrink 0.603, adjusted 0.5867 -> 1056 x 1408
    # -> 33 x 44 = 1,452
    assert patches(1800, 2400) == 1452


def test_tile_tokens_per_model_from_the_pages_table() -> None:
    # 1024 x 1024 high: shortest side to 768 -> 768 x 768 -> 2 x 2 tiles
    assert openai_tokens(1024, 1024, "high", "gpt-5") == 70 + 4 * 140
    assert openai_tokens(1024, 1024, "high", "gpt-5-chat-latest") == 70 + 4 * 140
    assert openai_tokens(1024, 1024, "high", "o3") == 75 + 4 * 150
    assert openai_tokens(1024, 1024, "high", "o1-pro") == 75 + 4 * 150
    assert openai_tokens(1024, 1024, "high", "computer-use-preview") == 65 + 4 * 129
    assert openai_tokens(1024, 1024, "high", "gpt-4.1") == 85 + 4 * 170
    assert openai_tokens(1024, 1024, "low", "gpt-4o-mini") == 2833
    assert openai_tokens(4096, 4096, "low", "o1") == 75


def test_patch_multipliers_per_model() -> None:
    # 1,024 patches x the page's multiplier, rounded up
    assert openai_tokens(1024, 1024, "high", "gpt-5-mini") == 1659  # 1,658.88
    assert openai_tokens(1024, 1024, "high", "gpt-5.4-nano") == 2520  # 2,519.04 rounded up
    assert openai_tokens(1024, 1024, "high", "o4-mini") == 1762  # 1,761.28
    assert openai_tokens(1024, 1024, None, "gpt-5.2") == 1024  # multiplier 1
    # low: the image as a 512 x 512 version -> 16 x 16 = 256 patches
    assert openai_tokens(1024, 1024, "low", "gpt-5-mini") == 415  # 256 x 1.62 = 414.72


def test_budgets_and_detail_levels_of_gpt_5_4_to_5_6() -> None:
    # 4000 x 3000 on gpt-5.4 high: to 2048 px -> 2048 x 1536 = 64 x 48 = 3,072 > 2,500;
    # shrink sqrt(1024 x 2500 / (2048 x 1536)) = 0.9021; 57.73 and 43.30 patches across ->
    # adjusted x min(57/57.73, 43/43.30) = 0.8907 -> 1824 x 1368 -> 57 x 43 = 2,451
    assert openai_tokens(4000, 3000, "high", "gpt-5.4") == 2451
    assert openai_tokens(4000, 3000, None, "gpt-5.4") == 2451  # auto is high on gpt-5.4
    # gpt-5.5: auto is original: 10,000 patches or 6,000 px; 125 x 94 = 11,750 > 10,000;
    # shrink 0.9238 -> 115.47 and 86.60 across -> x 86/86.60 -> 3669.6 x 2752.2 -> 3670 x 2752
    # -> 115 x 86 = 9,890
    assert openai_tokens(4000, 3000, None, "gpt-5.5") == 9890
    assert openai_tokens(4000, 3000, "original", "gpt-5.5") == 9890
    # GPT-5.6 family: original (and auto) keep the image's size: 125 x 94
    assert openai_tokens(4000, 3000, None, "gpt-5.6-sol") == 11750
    assert openai_tokens(4000, 3000, "high", "gpt-5.6") == 2451  # gpt-5.5's high limits


def test_models_the_page_does_not_name_take_the_longest_documented_prefix() -> None:
    assert rule_for("gpt-5.1") == rule_for("gpt-5")
    assert rule_for("o3-pro") == rule_for("o3")
    assert rule_for("gpt-4.1-mini-2025-04-14") == rule_for("gpt-4.1-mini")
    assert rule_for("gpt-5.2-codex") == rule_for("gpt-5.2")
    assert rule_for("gpt-5.4-mini") != rule_for("gpt-5.4")
    assert rule_for("chatgpt-4o-latest") == rule_for("gpt-4o")
    assert image_rule("computer-use-preview") == "openai"
    assert image_tokens("openai", (1024, 1024), "high", "gpt-5") == 630


@given(st.integers(1, 20_000), st.integers(1, 20_000), st.sampled_from([1536, 2500, 10_000]))
def test_patches_never_exceed_the_budget(width: int, height: int, budget: int) -> None:
    count = patches(width, height, budget, 6000)
    assert 1 <= count <= budget
    assert count <= max(1, (-(-width // 32)) * (-(-height // 32)))
