"""The optional quicktok fast path agrees with tiktoken, the answer of record, on a varied sample."""

from __future__ import annotations

import pytest
from token_samples import SAMPLE

from tokenexport_cli.tokens.encoders import FastEncoder
from tokenexport_cli.tokens.registry import encoder

pytest.importorskip("quicktok", reason="the fast extra (quicktok-v1) is not installed")

VARIED = [*SAMPLE, "\n".join(SAMPLE) * 20, "x" + " " * 5000 + "y", "e\u0301" * 50]


@pytest.mark.parametrize("family", ["o200k_base", "cl100k_base", "qwen"])
def test_fast_counts_equal_tiktoken(family: str) -> None:
    fast = encoder(family, fast=True)
    assert isinstance(fast, FastEncoder)
    for text in VARIED:
        assert fast.count(text) == encoder(family).count(text), text[:40]


def test_families_quicktok_does_not_cover_fall_back() -> None:
    assert not isinstance(encoder("deepseek-v3", fast=True), FastEncoder)
    assert not isinstance(encoder("llama3", fast=True), FastEncoder)
