"""Gemma 3 (``gemini``) counted word by word: the cut rule holds on the shipped file, the word
regex cuts exactly there, and counts and ids equal the ``tokenizer.json`` through HF tokenizers."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from token_samples import SAMPLE

from tokenexport_cli.tokens import hf_words
from tokenexport_cli.tokens.registry import (
    DATA_DIR,
    encoder,
    get_exact_family,
    read_verified,
)

ORDINARY = [text for text in SAMPLE if "<|" not in text and "[INST]" not in text]
_ALPHABET = [
    *" \u2581>\n\ta.<[中，😀\u0301",
    "\t\t",
    "  ",
    "\n\n",
    "> ",
    "<table>",
    "<tr>",
    "[multimodal]",
    "word",
    "\u2581\u2581",
    "\r\n",
]


@cache
def _spec() -> dict[str, Any]:
    return json.loads(read_verified(get_exact_family("gemini").source))


@cache
def _reference() -> Any:
    """The verified tokenizer.json loaded untouched, minus its special added tokens (the
    ``encode_ordinary`` semantics every family counts with)."""
    from tokenizers import Tokenizer

    spec = dict(_spec())
    spec["added_tokens"] = [t for t in spec["added_tokens"] if not t["special"]]
    return Tokenizer.from_str(json.dumps(spec))


def _reference_count(text: str) -> int:
    return len(_reference().encode(text, add_special_tokens=False).ids)


def test_gemini_is_counted_word_by_word() -> None:
    assert isinstance(encoder("gemini"), hf_words.HfWordEncoder)


def test_vocabulary_has_no_entry_across_a_word_cut() -> None:
    before_space: set[str] = set()
    around: dict[str, set[str]] = {"\n": set(), "\t": set()}
    for entry in _spec()["model"]["vocab"]:
        for position in range(1, len(entry)):
            before, after = entry[position - 1], entry[position]
            if after == "\u2581":
                before_space.add(before)
            for char, neighbours in around.items():
                if before == char:
                    neighbours.add(after)
                if after == char:
                    neighbours.add(before)
    assert before_space <= {"\u2581", ">"}
    assert around == {"\n": {"\n"}, "\t": {"\t"}}
    assert " " not in "".join(_spec()["model"]["vocab"])  # spaces are all ▁ there


def test_every_byte_has_a_token_so_unknown_tokens_never_fuse() -> None:
    vocab = _spec()["model"]["vocab"]
    assert all(f"<0x{byte:02X}>" in vocab for byte in range(256))
    assert _spec()["normalizer"] == {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}


def test_every_kept_added_token_starts_with_a_first_of_added_character() -> None:
    kept = [t["content"] for t in _spec()["added_tokens"] if not t["special"]]
    assert all(hf_words.FIRST_OF_ADDED.match(token) for token in kept)
    assert all(not t["normalized"] for t in _spec()["added_tokens"] if not t["special"])


def test_no_kept_added_token_contains_a_word_cut() -> None:
    kept = [t["content"] for t in _spec()["added_tokens"] if not t["special"]]
    assert kept
    cut = [
        token for token in kept if any(hf_words.is_word_cut(token, p) for p in range(len(token)))
    ]
    assert cut == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), max_size=40).map("".join))
def test_word_regex_cuts_exactly_at_the_rule(text: str) -> None:
    words = hf_words.PIECES["gemini"].findall(text)
    assert "".join(words) == text
    cuts, position = set(), 0
    for word in words[:-1]:
        position += len(word)
        if word:
            cuts.add(position)
    cuts.discard(len(text))
    assert cuts == {p for p in range(1, len(text)) if hf_words.is_word_cut(text, p)}


@pytest.mark.parametrize("text", ORDINARY)
def test_fixed_texts_count_like_the_reference(text: str) -> None:
    assert encoder("gemini").count(text) == _reference_count(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), max_size=40).map("".join))
def test_random_texts_count_like_the_reference(text: str) -> None:
    assert encoder("gemini").count(text) == _reference_count(text)


def test_lean_tokenizer_gives_the_reference_ids() -> None:
    kept = [t["content"] for t in _spec()["added_tokens"] if not t["special"]][:60]
    text = "\n".join(ORDINARY) + " and ".join(kept) + "  x > </b>\n\n\n\t\t \u2581\u2581y"
    lean = encoder("gemini")._tokenizer  # type: ignore[attr-defined]
    expected = _reference().encode(text, add_special_tokens=False).ids
    assert lean.encode(text, add_special_tokens=False).ids == expected


def test_cache_overflow_and_long_words_keep_counts_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hf_words, "CACHE_WORDS", 50)
    monkeypatch.setattr(hf_words, "HF_PIECE_CHARS", 300)
    counter = hf_words.HfWordEncoder(encoder("gemini")._tokenizer, hf_words.PIECES["gemini"])  # type: ignore[attr-defined]
    texts = [
        " ".join(f"w{i}x{i * 7}" for i in range(400)),
        "中文段落，日本語のテキスト、" * 200 + "\n" + "x" * 2000,
        "\n".join(ORDINARY),
    ]
    for text in texts:
        assert counter.count(text) == _reference_count(text)
        assert counter.count(text) == _reference_count(text)  # again, from the cache
    assert len(counter._cache) <= 50 + 1


def test_compact_form_is_cached_and_rebuilt_when_corrupted(tmp_path, monkeypatch) -> None:
    import shutil

    from tokenexport_cli.tokens import parsed_cache

    monkeypatch.setenv("TOKX_CACHE_DIR", str(tmp_path / "cache"))
    source = get_exact_family("gemini").source
    shutil.copy(DATA_DIR / source.data_file, tmp_path / source.data_file)
    first = hf_words.build_lean(source, tmp_path, read_verified)
    cached = parsed_cache.cache_path(source, "bpe")
    assert cached.is_file()
    blob = bytearray(cached.read_bytes())
    blob[-5] ^= 0xFF
    cached.write_bytes(bytes(blob))
    again = hf_words.build_lean(source, tmp_path, read_verified)
    text = "\n".join(ORDINARY)
    assert again.encode(text).ids == first.encode(text).ids


def test_lone_surrogates_count_like_their_replacement() -> None:
    text = "broken \ud83d pair and \udc00 alone"
    replaced = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    assert encoder("gemini").count(text) == _reference_count(replaced)


def test_piecewise_parse_of_the_shipped_file_equals_a_whole_parse() -> None:
    from array import array

    content = read_verified(get_exact_family("gemini").source)
    split = hf_words._split_model(content)
    assert split is not None
    pairs = hf_words._merge_ids(split[2], split[1])
    assert pairs is not None
    vocab = _spec()["model"]["vocab"]
    expected = array("I")
    for left, right in _spec()["model"]["merges"]:
        expected.extend((vocab[left], vocab[right]))
    assert pairs == expected
    assert split[1] == vocab


def test_other_layouts_fall_back_to_a_whole_parse(tmp_path) -> None:
    spec = {
        "added_tokens": [],
        "model": {"type": "BPE", "merges": [["a", "b"]], "vocab": {"a": 0, "b": 1, "ab": 2}},
    }
    content = json.dumps(spec).encode()
    assert hf_words._split_model(content) is None  # merges before vocab
    _, tokens, pairs = hf_words._compact(content, lambda token: True, tmp_path / "x.json")
    assert tokens == ["a", "b", "ab"] and len(pairs) == 8
    broken = b'{"model": {"vocab": {"a": 0, "b": 1}, "merges": [["a", "b"] ["b", "a"]]}}'
    split = hf_words._split_model(broken)
    assert split is not None and hf_words._merge_ids(split[2], split[1]) is None
