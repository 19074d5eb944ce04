"""Safe cuts: counting the pieces of a text cut there gives the count of the whole, for every family."""

from __future__ import annotations

import io
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokenexport_cli.textfiles import decode_utf8
from tokenexport_cli.tokens.chunking import (
    is_safe_cut,
    plan_byte_ranges,
    split_text,
)
from tokenexport_cli.tokens.registry import encoder, exact_family_names

# Characters chosen to hit every pattern edge: newlines, mixed whitespace, "/", contractions,
# letters of both cases, digits, CJK, combining marks, punctuation, emoji, Unicode spaces.
ALPHABET = [
    *"\n\n\n\r  \t/'sStTaAbZz019.,;:!-_(){}#\"<>$@[]`\\~&",
    "中",
    "文",
    "カ",
    "\u0301",
    "\u00a0",
    "\u3000",
    "\u2028",
    "\u0085",
    "😀",
    "é",
    "ß",
]
texts = st.text(alphabet=st.sampled_from(ALPHABET), max_size=60)
FAMILIES = exact_family_names()


def _cut_points(text: str) -> list[int]:
    return [p for p in range(1, len(text)) if is_safe_cut(text, p)]


def _assert_every_cut_keeps_counts(text: str) -> None:
    for family in FAMILIES:
        counter = encoder(family)
        whole = counter.count(text)
        for cut in _cut_points(text):
            parts = counter.count(text[:cut]) + counter.count(text[cut:])
            assert parts == whole, (family, text, cut)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_counting_at_every_safe_cut_equals_counting_whole(text: str) -> None:
    _assert_every_cut_keeps_counts(text)


@settings(max_examples=60, deadline=None)
@given(texts, st.integers(min_value=1, max_value=20))
def test_split_text_pieces_sum_to_the_whole(text: str, max_chars: int) -> None:
    pieces = split_text(text, max_chars)
    assert "".join(pieces) == text
    for family in ("o200k_base", "qwen", "deepseek-v3"):
        counter = encoder(family)
        assert sum(counter.count(piece) for piece in pieces) == counter.count(text)


@settings(max_examples=60, deadline=None)
@given(st.lists(texts, min_size=1, max_size=8), st.integers(min_value=1, max_value=64))
def test_byte_ranges_cover_the_file_and_keep_counts(parts: list[str], target: int) -> None:
    data = "".join(parts).encode("utf-8")
    ranges = plan_byte_ranges(io.BytesIO(data), len(data), target, window=8)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    assert all(a_end == b_start for (_, a_end), (b_start, _) in pairwise(ranges))
    for family in ("cl100k_base", "o200k_base", "mistral-tekken"):
        counter = encoder(family)
        pieces = [decode_utf8(data[start:end])[0] for start, end in ranges]
        assert sum(counter.count(piece) for piece in pieces) == counter.count(data.decode("utf-8"))


# Letters next to ASCII punctuation, apostrophes and marks: the letter|punctuation cut.
JSONISH = st.text(alphabet=st.sampled_from([*"abSTdlmrv'\":,.{}[]/\\_-$ 1\n", "é", "中", "\u0301"]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSONISH)
def test_letter_punctuation_cuts_keep_every_family_count(text: str) -> None:
    _assert_every_cut_keeps_counts(text)


def _ranges_keeping_counts(text: str, target: int) -> list[tuple[int, int]]:
    """Plan byte ranges for ``text`` and check every family counts them as the whole."""
    data = text.encode()
    ranges = plan_byte_ranges(io.BytesIO(data), len(data), target, window=256)
    pieces = [data[start:end].decode() for start, end in ranges]
    for family in FAMILIES:
        counter = encoder(family)
        assert sum(counter.count(piece) for piece in pieces) == counter.count(text), family
    return ranges


def test_minified_json_without_spaces_gets_cut() -> None:
    text = '{"id":"abc","items":[{"name":"widget","tags":["x","y"]}]}' * 2000
    assert len(_ranges_keeping_counts(text, 4096)) > 20
    assert not is_safe_cut("it's", 2) and is_safe_cut("ab,", 2) and is_safe_cut('a"', 1)


def test_slash_after_newline_is_not_a_cut() -> None:
    # o200k's punctuation piece ends with [\r\n/]*, so ";\n/" is one piece.
    assert not is_safe_cut("x;\n/y", 3)
    assert is_safe_cut("x;\ny", 3)


def test_long_line_is_cut_between_words() -> None:
    text = "word " * 5000
    pieces = split_text(text, 1000)
    assert len(pieces) > 10
    assert sum(encoder("o200k_base").count(p) for p in pieces) == encoder("o200k_base").count(text)


def test_decode_counts_each_invalid_sequence_like_replace() -> None:
    data = b"ok \xff\xfe \xe4\xb8 end \xc3"
    text, replaced = decode_utf8(data)
    assert text == data.decode("utf-8", "replace")
    assert replaced == text.count("\ufffd") == 4


# Ideographs next to Chinese punctuation, with near misses: Ext-A letters (U+3400), a Yijing
# hexagram symbol (U+4DC0), kana, marks, full-width letters, ASCII and spaces.
CHINESE = st.text(
    alphabet=st.sampled_from(
        [
            *"中文一龥\u9fff，。、；：！？「」（）…",
            "\u3400",
            "\u4dc0",
            "カ",
            "\u0301",
            "Ａ",
            *"a1 ,'\n",
        ]
    )
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CHINESE)
def test_ideograph_punctuation_cuts_keep_every_family_count(text: str) -> None:
    _assert_every_cut_keeps_counts(text)


def test_one_line_of_chinese_gets_cut_into_ranges() -> None:
    text = (
        "自然语言处理是人工智能的一个分支，研究计算机与人类语言的交互。模型、数据；评测：好！吗？"
        * 300
    )
    ranges = _ranges_keeping_counts(text, 2048)
    assert len(ranges) >= len(text.encode()) // 2048 - 1  # about one range per 2 KB
    assert is_safe_cut("文，", 1) and is_safe_cut("龥。", 1)
    assert not is_safe_cut("\u4dc0，", 1) and not is_safe_cut("\u3400，", 1)
    assert not is_safe_cut("文「", 1)
