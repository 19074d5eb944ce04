"""The counting patterns split text exactly as the official ones: same token ids, every family."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from token_samples import SAMPLE, TIKTOKEN_FAMILIES

from tokenexport_cli.tokens import patterns
from tokenexport_cli.tokens.registry import build_tiktoken, get_exact_family, tekken_pattern


@cache
def _pair(family: str) -> tuple[Any, Any]:
    """(official, counting) encodings of one family, built from tokx's files."""
    exact = get_exact_family(family)
    return build_tiktoken(exact), build_tiktoken(exact, counting=True)


def _assert_same_tokens(text: str) -> None:
    for family in TIKTOKEN_FAMILIES:
        official, counting = _pair(family)
        assert counting.encode_ordinary(text) == official.encode_ordinary(text), (family, text)


def test_counting_encodings_really_use_another_pattern() -> None:
    for family in TIKTOKEN_FAMILIES:
        official, counting = _pair(family)
        assert counting._pat_str != official._pat_str
        assert counting._pat_str.startswith("(?:")


@pytest.mark.parametrize(
    "text",
    [
        *SAMPLE,
        "ends with spaces   ",
        "ends with a newline and spaces\n   ",
        "  \n  \n\t \r\n x",
        "a  b   c    d\t\te",
        "it's IT'S they'LL we'Re I'd You'VE 'm",
        "1 12 123 1234 12345 ٣٤٥ ½ Ⅻ",
        "x/\n/y.,;\n\n//z\r\r\n",
        "\u00a0\u00a0x\u3000\u3000y\u2028z\u0085w",
        "a\u0301\u0301 \u0301x ÀÉ ǅungla ʰʲ",
        "中文，标点。  空格 混合English words",
        "😀 😀😀  👍🏽\n🇫🇷",
    ],
)
def test_fixed_texts_give_identical_tokens(text: str) -> None:
    _assert_same_tokens(text)


_ALPHABET = [*"aZé\u0301ǅʰ中あ1٣½ '’\"s.,/-_(\n\r\t\u00a0\u3000😀", "'s", "'LL", "  ", "\r\n"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), max_size=60).map("".join))
def test_random_texts_give_identical_tokens(text: str) -> None:
    _assert_same_tokens(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=120))
def test_arbitrary_unicode_gives_identical_tokens(text: str) -> None:
    _assert_same_tokens(text.encode("utf-16", "surrogatepass").decode("utf-16", "replace"))


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("a|b", ["a", "b"]),
        ("(a|b)|c", ["(a|b)", "c"]),
        ("[|]|x", ["[|]", "x"]),
        ("[]|]|x", ["[]|]", "x"]),
        ("[^]|]|x", ["[^]|]", "x"]),
        (r"\||x", [r"\|", "x"]),
        ("[a[|]]|x", ["[a[|]]", "x"]),
        ("(?i:'s|'t)|x", ["(?i:'s|'t)", "x"]),
    ],
)
def test_top_level_alternatives(pattern: str, expected: list[str]) -> None:
    assert patterns._top_level_alternatives(pattern) == expected


@pytest.mark.parametrize("pattern", ["(a|b", "a)|b", "[ab|c"])
def test_unbalanced_patterns_are_left_alone(pattern: str) -> None:
    assert patterns._top_level_alternatives(pattern) is None
    assert patterns.counting_pattern(pattern) == pattern


@pytest.mark.parametrize(
    "pattern",
    [
        r"a|b|c",  # no fancy syntax: fancy_regex already hands it all to the regex crate
        r"a|\s+(?!\S)|b",  # one plain alternative: nothing to merge
        r"x++|y|\s+(?!\S)",  # possessive first: stops the grouping at once
    ],
)
def test_patterns_without_gain_are_unchanged(pattern: str) -> None:
    assert patterns.counting_pattern(pattern) == pattern


def test_grouping_stops_at_the_first_fancy_alternative() -> None:
    assert patterns.counting_pattern(r"a|b|c(?=d)|e") == r"(?:a|b)|c(?=d)|e"
    assert patterns.counting_pattern(r"a|b|c{1,3}+|e|\s+(?!\S)") == r"(?:a|b)|c{1,3}+|e|\s+(?!\S)"


def test_every_shipped_pattern_is_grouped_up_to_its_lookahead() -> None:
    # DeepSeek-V3's single-regex form has more alternatives after its lookahead (checked below).
    shipped = [p for p in patterns.OFFICIAL.values() if p != patterns.DEEPSEEK_V3]
    for pattern in [*shipped, tekken_pattern()]:
        counting = patterns.counting_pattern(pattern)
        assert counting.startswith("(?:")
        assert counting.endswith(r"|\s+(?!\S)|\s+") or counting.endswith(r"|\s+(?!\S)|\s")
        group = counting[3 : counting.index(r")|\s+(?!\S)")]
        assert not patterns._FANCY.search(group)


def test_deepseek_pattern_is_grouped_up_to_its_lookahead() -> None:
    counting = patterns.counting_pattern(patterns.DEEPSEEK_V3)
    alternatives = patterns._top_level_alternatives(patterns.DEEPSEEK_V3)
    assert alternatives is not None
    lookahead = next(i for i, a in enumerate(alternatives) if patterns._FANCY.search(a))
    assert alternatives[lookahead].startswith(r"\s+(?!")
    assert counting == "(?:" + "|".join(alternatives[:lookahead]) + ")|" + "|".join(
        alternatives[lookahead:]
    )
