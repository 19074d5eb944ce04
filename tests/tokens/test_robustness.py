"""Inputs that crash or stall plain tiktoken count correctly for every family."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from token_samples import TIKTOKEN_FAMILIES

from tokenexport_cli.tokens import encoders
from tokenexport_cli.tokens.registry import (
    WORD_ENGINE,
    build_tiktoken,
    encoder,
    exact_family_names,
    get_exact_family,
)

MILLION = 1_000_000


def _reference_single_piece(family: str, text: str) -> int:
    """A text that is one pre-token: the BPE of that piece, straight from tiktoken's core."""
    reference = build_tiktoken(get_exact_family(family), use_cache=False)
    return len(reference._encode_single_piece(text.encode("utf-8")))


@pytest.mark.parametrize("family", TIKTOKEN_FAMILIES)
def test_million_spaces_counts_exactly(family: str) -> None:
    # \s+(?!\S) takes a whole trailing run, so the text is a single pre-token.
    assert encoder(family).count(" " * MILLION) == _reference_single_piece(family, " " * MILLION)


@pytest.mark.parametrize(
    "family", [f for f in exact_family_names() if get_exact_family(f).engine == WORD_ENGINE]
)
def test_million_spaces_word_by_word_families_match_hf_reference(family: str) -> None:
    from hf_reference import build_hf_tokenizer

    reference = build_hf_tokenizer(get_exact_family(family))
    text = " " * MILLION
    assert encoder(family).count(text) == len(reference.encode(text, add_special_tokens=False).ids)


@pytest.mark.parametrize("family", ["o200k_base", "cl100k_base", "qwen"])
def test_long_runs_between_words_match_quicktok(family: str) -> None:
    quicktok = pytest.importorskip("quicktok")
    reference = quicktok.get_encoding(get_exact_family(family).fast_name)
    for text in [
        "x" + " " * MILLION + "y",
        "a\n" + "\t" * 300_000 + "\n/b",
        "é," + " \n" * 200_000 + "z",
    ]:
        assert encoder(family).count(text) == len(reference.encode_ordinary(text))


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1 \t\n\r/,'中\u00a0")), max_size=80))
def test_python_pretokenised_path_equals_tiktoken(monkeypatch_text: str) -> None:
    """Force the long-run path on every whitespace pair and compare with plain encode_ordinary."""
    original = encoders._LONG_RUN_RE
    encoders._LONG_RUN_RE = re.compile(r"\s{2,}")
    try:
        for family in TIKTOKEN_FAMILIES:
            counter = encoder(family)
            assert isinstance(counter, encoders.TiktokenEncoder)
            text = monkeypatch_text
            expected = counter._list_length(text)
            if family == "qwen":
                import unicodedata

                text = unicodedata.normalize("NFC", text)
                expected = counter._list_length(text)
            assert counter._count_around_long_runs(text) == expected, (family, text)
    finally:
        encoders._LONG_RUN_RE = original


def test_long_whitespace_detection_finds_every_long_run() -> None:
    for offset in range(0, 600, 37):
        text = "x" * offset + " " * encoders.LONG_RUN + "y"
        assert encoders.may_have_long_whitespace(text)
    assert not encoders.may_have_long_whitespace("word " * 10_000)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_buffer_count_equals_encode_ordinary(text: str) -> None:
    """The list-free buffer path counts exactly what tiktoken's encode_ordinary returns."""
    for family in TIKTOKEN_FAMILIES:
        counter = encoder(family)
        assert isinstance(counter, encoders.TiktokenEncoder)
        clean = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        assert counter._buffer_length(clean) == counter._list_length(clean), (family, text)


@pytest.mark.parametrize(
    "text",
    [
        "<|endoftext|> hello",
        "a <|tokx-unused-special|> b",
        "<|tokx-unused-special|><|tokx-unused-special|>",
        "<|fim_prefix|>x<|im_start|>",
    ],
)
def test_special_token_text_counts_as_ordinary_text(text: str) -> None:
    for family in TIKTOKEN_FAMILIES:
        counter = encoder(family)
        assert isinstance(counter, encoders.TiktokenEncoder)
        assert counter.count(text) == counter._list_length(text) > 1, (family, text)


def test_lone_surrogates_are_replaced_like_tiktoken() -> None:
    text = "left \ud800 right \udfff"
    reference = build_tiktoken(get_exact_family("o200k_base"), use_cache=False)
    assert encoder("o200k_base").count(text) == len(reference.encode_ordinary(text))


def test_tiktoken_without_buffer_method_falls_back_to_lists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    family = get_exact_family("cl100k_base")

    class ListOnlyCore:
        def __init__(self, core: object) -> None:
            self.encode_ordinary = core.encode_ordinary  # type: ignore[attr-defined]

    encoding = build_tiktoken(family, use_cache=False)
    real = encoding._core_bpe
    encoding._core_bpe = ListOnlyCore(real)
    counter = encoders.TiktokenEncoder(encoding, family)
    text = "Fallback path: 中文 text, code() and  spaces\n"
    assert counter._length == counter._list_length
    assert counter.count(text) == len(real.encode_ordinary(text))


def test_regex_error_from_tiktoken_falls_back_to_python_splitting() -> None:
    """tiktoken reports a regex failure as ValueError; the count then comes from Python pieces."""
    family = get_exact_family("o200k_base")

    class FailingCore:
        def __init__(self, core: object) -> None:
            self.encode_ordinary = core.encode_ordinary  # type: ignore[attr-defined]
            self.encode_single_piece = core.encode_single_piece  # type: ignore[attr-defined]

        def encode_to_tiktoken_buffer(self, text: str, allowed: set[str]) -> object:
            raise ValueError("Regex error while tokenizing: backtrack limit exceeded")

    encoding = build_tiktoken(family, use_cache=False)
    real = encoding._core_bpe
    encoding._core_bpe = FailingCore(real)
    counter = encoders.TiktokenEncoder(encoding, family)
    text = "Some text,   with runs\n\n  and 中文 and numbers 12345."
    assert counter.count(text) == len(real.encode_ordinary(text))
