"""DeepSeek-V3 counted through tiktoken gives the same token ids as its tokenizer.json through HF
``tokenizers`` (the answer of record): fixed, random and arbitrary Unicode texts, and files."""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Any

import pytest
from hf_reference import build_hf_tokenizer
from hypothesis import given, settings
from hypothesis import strategies as st
from token_samples import SAMPLE

from tokenexport_cli.tokens import patterns
from tokenexport_cli.tokens.registry import (
    build_tiktoken,
    encoder,
    get_exact_family,
)

# Characters at every edge of the single regex: each CJK range's ends and its non-letters
# (marks U+3099-309A, symbols U+309B-309C, punctuation U+30A0/U+30FB, unassigned U+3040,
# U+3097-3098), ideographs just outside U+4E00-9FA5, digits of several scripts, marks,
# format and control characters, private use, every kind of space, ASCII punctuation.
_EDGES = (
    "\u4e00\u9fa5\u9fa6\u9fff\u3400\u3040\u3041\u3096\u3097\u3098\u3099\u309a\u309b\u309c"
    "\u309d\u309f\u30a0\u30a1\u30fa\u30fb\u30fc\u30ff\u3000\u3001\u3002\uff0c\uff01"
    "0189\u0663\u096a\u00bd\u2167\u2460\uff11"
    "aZ\u00e9\u0301\u0308\u01c5\u02b0\u0410\u05d0\u0627\u0e01\uac00"
    "\u200b\u200d\u2060\ufeff\u00ad\u0000\u0001\u001f\u007f\ue000"
    " \t\n\r\u000b\u000c\u0085\u00a0\u1680\u2000\u2028\u2029\u202f\u205f"
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\u00a7\u2014\u2019\u20ac\U0001f600\U0001f3fd"
)
_ALPHABET = [*_EDGES, "  ", "\r\n", "ab", "12345", "\u4e2d\u6587", "\u30ab\u30bf"]
FIXED = [
    *SAMPLE,
    "abc\u4e2d\u6587def123ghi4567",
    "x  12 \u4e2d  y",
    "\u3099\u30a2 \u30fb\u30a4 \u309b\u309c \u30a0 \u3040\u3097a \u3098\u3041",
    "a\u200db \u0000\u0001x \u200b\u200b",
    "\u30ab\u30bf\u30ab\u30ca\u30fb\u30c6\u30b9\u30c8\u3001\u3072\u3089\u304c\u306a",
    "foo.Bar,baz (Qux) -x --y",
    "\r\n\r\n  \r\n \u3000\u3000x",
    "\u0661\u0662\u0663\u0664 \u2167\u2168 \u00bd\u00bc 1\u00bd2",
]


@cache
def _pair() -> tuple[Any, Any]:
    """(tokenizer.json through HF tokenizers, tokx's tiktoken encoding with the official-form
    single regex)."""
    family = get_exact_family("deepseek-v3")
    return build_hf_tokenizer(family), build_tiktoken(family)


def _assert_same_ids(text: str) -> None:
    reference, ours = _pair()
    expected = reference.encode(text, add_special_tokens=False).ids
    assert ours.encode_ordinary(text) == expected, repr(text)


def test_deepseek_is_counted_through_tiktoken() -> None:
    family = get_exact_family("deepseek-v3")
    assert family.engine == "tiktoken"
    assert family.pattern == patterns.DEEPSEEK_V3


def test_cjk_ranges_hold_exactly_the_characters_the_pattern_assumes() -> None:
    ranges = [(0x4E00, 0x9FA5), (0x3040, 0x309F), (0x30A0, 0x30FF)]
    odd = {
        chr(code): unicodedata.category(chr(code))
        for start, end in ranges
        for code in range(start, end + 1)
        if not unicodedata.category(chr(code)).startswith("L")
    }
    assert odd == {
        "\u3040": "Cn",
        "\u3097": "Cn",
        "\u3098": "Cn",
        "\u3099": "Mn",
        "\u309a": "Mn",
        "\u309b": "Sk",
        "\u309c": "Sk",
        "\u30a0": "Pd",
        "\u30fb": "Po",
    }


@pytest.mark.parametrize("text", FIXED)
def test_fixed_texts_give_the_reference_ids(text: str) -> None:
    _assert_same_ids(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), max_size=50).map("".join))
def test_random_edge_texts_give_the_reference_ids(text: str) -> None:
    _assert_same_ids(text)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=120))
def test_arbitrary_unicode_gives_the_reference_ids(text: str) -> None:
    _assert_same_ids(text.encode("utf-16", "surrogatepass").decode("utf-16", "replace"))


def test_counting_encoder_counts_like_the_reference_on_long_mixed_text() -> None:
    reference, _ = _pair()
    text = "\n".join(FIXED) * 30 + " " * 5000 + "\u4e2d\u6587\uff0c" * 2000
    expected = len(reference.encode(text, add_special_tokens=False).ids)
    assert encoder("deepseek-v3").count(text) == expected
