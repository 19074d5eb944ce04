"""Gemma 3 (``gemini``) counted word by word with tiktoken: the cut rule and the facts the
conversion rests on hold on the shipped file, the word regex cuts exactly there, and counts
equal the ``tokenizer.json`` itself through HF tokenizers (the reference, a test dependency)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from token_samples import SAMPLE

from tokenexport_cli.tokens import gemma
from tokenexport_cli.tokens.registry import (
    DATA_DIR,
    encoder,
    get_exact_family,
    read_verified,
)

ORDINARY = [text for text in SAMPLE if "<|" not in text and "[INST]" not in text]
# Characters Gemma 3's vocabulary lacks (byte fallback): two from U+0800 up whose UTF-8
# starts like a vocabulary character's, and one below (a test checks each).
UNKNOWN_HIGH, UNKNOWN_CJK, UNKNOWN_LOW = "\U00020001", "\u4e0c", "\u0560"
_ALPHABET = [
    *" \u2581>\n\ta.<[中，😀\u0301",
    UNKNOWN_HIGH,
    UNKNOWN_CJK,
    UNKNOWN_LOW,
    "YYYY",
    "diffformul",
    "::::",
    "<unused12>",
    "\u2581" * 32,
    " " * 33,
    "\n" * 32,
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
    assert isinstance(encoder("gemini"), gemma.WordEncoder)


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
    assert all(gemma.FIRST_OF_ADDED.match(token) for token in kept)
    assert all(not t["normalized"] for t in _spec()["added_tokens"] if not t["special"])


def test_no_kept_added_token_contains_a_word_cut() -> None:
    kept = [t["content"] for t in _spec()["added_tokens"] if not t["special"]]
    assert kept
    cut = [token for token in kept if any(gemma.is_word_cut(token, p) for p in range(len(token)))]
    assert cut == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), max_size=40).map("".join))
def test_word_regex_cuts_exactly_at_the_rule(text: str) -> None:
    words = gemma.PIECES["gemini"].findall(text)
    assert "".join(words) == text
    cuts, position = set(), 0
    for word in words[:-1]:
        position += len(word)
        if word:
            cuts.add(position)
    cuts.discard(len(text))
    assert cuts == {p for p in range(1, len(text)) if gemma.is_word_cut(text, p)}


@pytest.mark.parametrize("text", ORDINARY)
def test_fixed_texts_count_like_the_reference(text: str) -> None:
    assert encoder("gemini").count(text) == _reference_count(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), max_size=40).map("".join))
def test_random_texts_count_like_the_reference(text: str) -> None:
    assert encoder("gemini").count(text) == _reference_count(text)


def test_cache_overflow_and_long_words_keep_counts_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gemma, "CACHE_WORDS", 50)
    monkeypatch.setattr(gemma, "PIECE_CHARS", 300)
    counter = gemma.build(get_exact_family("gemini").source, DATA_DIR, read_verified)
    texts = [
        " ".join(f"w{i}x{i * 7}" for i in range(400)),
        "中文段落，日本語のテキスト、" * 200 + "\n" + "x" * 2000,
        "\n".join(ORDINARY),
        UNKNOWN_HIGH.join(["中文", "<td>", "YYYY", "", "x" * 700]),
    ]
    for text in texts:
        assert counter.count(text) == _reference_count(text)
        assert counter.count(text) == _reference_count(text)  # again, from the cache
    assert len(counter._cache) <= 50 + 1


def test_converted_ranks_are_cached_and_rebuilt_when_corrupted(tmp_path, monkeypatch) -> None:
    import shutil

    from tokenexport_cli.tokens import parsed_cache

    monkeypatch.setenv("TOKX_CACHE_DIR", str(tmp_path / "cache"))
    source = get_exact_family("gemini").source
    shutil.copy(DATA_DIR / source.data_file, tmp_path / source.data_file)
    text = "\n".join(ORDINARY)
    first = gemma.build(source, tmp_path, read_verified).count(text)
    cached = parsed_cache.cache_path(source, "gemma-ranks")
    assert cached.is_file()
    blob = bytearray(cached.read_bytes())
    blob[-5] ^= 0xFF
    cached.write_bytes(bytes(blob))
    assert (
        gemma.build(source, tmp_path, read_verified).count(text) == first == _reference_count(text)
    )


def test_lone_surrogates_count_like_their_replacement() -> None:
    text = "broken \ud83d pair and \udc00 alone"
    replaced = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    assert encoder("gemini").count(text) == _reference_count(replaced)
    # A long word counted before the failing one is still not kept.
    counter = gemma.build(get_exact_family("gemini").source, DATA_DIR, read_verified)
    text = "y" * (gemma.LONG_WORD + 1) + " \ud83d"
    replaced = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    assert counter.count(text) == _reference_count(replaced)
    assert max(map(len, counter._cache)) <= gemma.LONG_WORD


def test_piecewise_parse_of_the_shipped_file_equals_a_whole_parse() -> None:
    from array import array

    content = read_verified(get_exact_family("gemini").source)
    assert gemma._split_model(content) is not None
    _, tokens, pairs = gemma._parse(content)
    vocab = _spec()["model"]["vocab"]
    expected = array("I")
    for left, right in _spec()["model"]["merges"]:
        expected.extend((vocab[left], vocab[right]))
    assert pairs == expected
    assert {token: index for index, token in enumerate(tokens)} == vocab


def test_other_layouts_fall_back_to_a_whole_parse() -> None:
    spec = {
        "added_tokens": [],
        "model": {"type": "BPE", "merges": [["a", "b"]], "vocab": {"a": 0, "b": 1, "ab": 2}},
    }
    content = json.dumps(spec).encode()
    assert gemma._split_model(content) is None  # merges before vocab
    _, tokens, pairs = gemma._parse(content)
    assert tokens == ["a", "b", "ab"] and list(pairs) == [0, 1]
    broken = b'{"model": {"vocab": {"a": 0, "b": 1}, "merges": [["a", "b"] ["b", "a"]]}}'
    split = gemma._split_model(broken)
    assert split is not None and gemma._merge_ids(split[2], split[1]) is None


# The facts the conversion to tiktoken ranks rests on (gemma's docstring, point 3).


@cache
def _merge_results() -> list[str]:
    return [left + right for left, right in _spec()["model"]["merges"]]


def _is_run(token: str) -> bool:
    return len(token) > 1 and token[0] in "\u2581\n\t" and token == token[0] * len(token)


def test_merges_come_in_one_block_per_token_but_space_runs_which_come_first() -> None:
    results = _merge_results()
    space_runs = [i for i, token in enumerate(results) if _is_run(token) and token[0] == "\u2581"]
    others = [i for i, token in enumerate(results) if not _is_run(token)]
    assert max(space_runs) < min(others)  # every merge of a ▁ run before any merge but runs
    # A run of n spaces: both HF's pair ranks and tiktoken's token ranks (first merge) grow
    # it from the left, (k, 1) before (1, 1), into runs of 31: ▁▁ is made last, and a longer
    # run's first merge comes before a shorter one's.
    pairs = [tuple(_spec()["model"]["merges"][i]) for i in space_runs]
    assert pairs[-1] == ("\u2581", "\u2581")
    first = {len(results[i]): i for i in reversed(space_runs)}
    assert sorted(first, key=first.__getitem__) == sorted(first, reverse=True)
    seen: set[str] = set()
    for previous, token in zip(["", *results], results, strict=False):
        if token != previous and not _is_run(token):
            assert token not in seen, token  # a block of its own
        seen.add(token)


def test_newlines_and_tabs_never_reach_the_merge_step() -> None:
    # Every run of them is cut into added tokens (leftmost-longest) before BPE.
    kept = {t["content"] for t in _spec()["added_tokens"] if not t["special"]}
    assert {char * n for char in "\n\t" for n in range(1, 32)} <= kept


def test_every_split_of_a_merged_token_into_two_symbols_is_a_merge() -> None:
    merges = {(left, right) for left, right in _spec()["model"]["merges"]}
    made = set(_merge_results())
    symbols = made | {token for token in _spec()["model"]["vocab"] if len(token) == 1}
    assert all(left in symbols and right in symbols for left, right in merges)
    missing = [
        (token[:cut], token[cut:])
        for token in made
        for cut in range(1, len(token))
        if token[:cut] in symbols
        and token[cut:] in symbols
        and (token[:cut], token[cut:]) not in merges
    ]
    assert missing == []


def test_unreachable_lists_every_token_bpe_does_not_make_from_its_own_text() -> None:
    rank = {token: index for index, token in reversed(list(enumerate(_merge_results())))}

    def bpe(text: str) -> list[str]:
        parts = list(text)
        while True:
            ranked = [
                (rank[parts[i] + parts[i + 1]], i)
                for i in range(len(parts) - 1)
                if parts[i] + parts[i + 1] in rank
            ]
            if not ranked:
                return parts
            _, i = min(ranked)
            parts[i : i + 2] = [parts[i] + parts[i + 1]]

    unreachable = {token: len(bpe(token)) for token in rank if len(bpe(token)) != 1}
    expected = {token.replace(" ", "\u2581"): n for token, n in gemma.UNREACHABLE.items()}
    assert unreachable == expected
    assert all(_reference_count(token) == n for token, n in unreachable.items())


def test_unknown_characters_in_the_alphabet_are_what_they_claim() -> None:
    vocab = _spec()["model"]["vocab"]
    assert not {UNKNOWN_HIGH, UNKNOWN_CJK, UNKNOWN_LOW} & set(vocab)
    for char in (UNKNOWN_HIGH, UNKNOWN_CJK):
        prefix = char.encode()[:2]
        assert any(len(t) == 1 and t.encode()[:2] == prefix for t in vocab)
