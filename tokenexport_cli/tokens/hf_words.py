"""Gemma 3 (``gemini``) counted word by word through HF ``tokenizers``: a lean loader and a count cache.

Gemma 3's ``tokenizer.json`` has no working pre-tokenizer (its ``Split`` on ``" "`` runs after
the normaliser has turned every space into ``▁``), so HF ``tokenizers`` runs its BPE over
whole 16K-character pieces and can cache nothing. tokx cuts the text into words itself, at
cuts that provably keep the count, counts each distinct word once through HF ``tokenizers``
and keeps the count in a per-process cache: real text repeats its words, so most words of a
large input are counted once.

Why a cut keeps the count: with no pre-tokenizer, a cut between characters ``a`` and ``b``
changes nothing when no vocabulary entry contains ``ab`` (after normalisation): no merge can
then join symbols across it, and BPE applies each side's merges in the same order alone as
together (it always takes the best-ranked pair, and the sides share none). Byte fallback is
per character, and unknown-token fusion never happens (every byte has a token). Gemma 3's
vocabulary has ``▁`` preceded only by ``▁`` or ``>`` (one entry, ``>▁</``), and ``\\n`` and
``\\t`` next only to themselves inside an entry, so ``PIECES`` cuts before a run of spaces
(``" "`` or ``▁``, the same after normalisation) not preceded by ``>``, and on both sides of
a run of newlines or of tabs. The added tokens Gemma matches in raw text before anything else
contain no such cut. The tests check these facts on the shipped file and the counts against
the ``tokenizer.json`` itself.

A word holding none of the first characters of those added tokens (``FIRST_OF_ADDED``) meets
no added token, and the normaliser only turns its spaces into ``▁`` (the pre-tokenizer then
splits nothing), so its count is the BPE model's own count of the normalised word: tokx asks
the model directly, at about half the cost of a full encode.

Loading: parsing the 33 MB ``tokenizer.json`` in ``tokenizers`` peaks at about 410 MB and
leaves about 380 MB resident (freed memory the allocator keeps). tokx keeps a compact form in
the user cache dir (vocabulary in id order, merges as id pairs, the rest of the JSON with an
empty model), builds the BPE model from it (about 220 MB at the peak) and hands freed memory
back to the system (``malloc_trim``), leaving about 90 MB. The compact form itself is made
(once) by reading the file piece by piece (about 125 MB at the peak, against about 300 MB
for ``json.loads`` of the whole file), with the whole parse as the fallback.
"""

from __future__ import annotations

import json
import re
import sys
from array import array
from collections import Counter
from collections.abc import Callable
from itertools import filterfalse, islice
from operator import mul
from pathlib import Path
from typing import Any

from tokenexport_cli.errors import DataError
from tokenexport_cli.tokens import parsed_cache
from tokenexport_cli.tokens.chunking import split_text

# Families counted word by word, with the regex that finds their words (see above).
# Possessive quantifiers (the classes are disjoint, so nothing is ever given back): the
# regex took 17% less time on the benchmark corpus than with plain greedy ones.
PIECES = {
    "gemini": re.compile(
        "\n++|\t++|[ \u2581]*+[^ \u2581\n\t>]*+(?:>[ \u2581]*+[^ \u2581\n\t>]*+)*+"
    )
}
# Every added token Gemma 3 keeps starts with one of these (tests check it on the file).
FIRST_OF_ADDED = re.compile("[<\\[\n\t\u2581]")
CACHE_WORDS = 200_000
LONG_WORD = 256
HF_PIECE_CHARS = 1 << 14
_BPE_SETTINGS = (
    "dropout",
    "unk_token",
    "continuing_subword_prefix",
    "end_of_word_suffix",
    "fuse_unk",
    "byte_fallback",
    "ignore_merges",
)


def is_word_cut(text: str, position: int) -> bool:
    """The cut rule ``PIECES["gemini"]`` implements, stated directly (for the tests)."""
    if position <= 0 or position >= len(text):
        return False
    before, after = text[position - 1], text[position]
    spaces = " \u2581"
    if after in spaces and before not in spaces and before != ">":
        return True
    return (before == "\n") != (after == "\n") or (before == "\t") != (after == "\t")


class HfWordEncoder:
    """Counts with a HF tokenizer word by word, each distinct word once per process."""

    def __init__(self, tokenizer: Any, pieces: re.Pattern[str]) -> None:
        self._tokenizer = tokenizer
        self._pieces = pieces
        self._cache: dict[str, int] = {"": 0}
        self._model = tokenizer.model

    def _encode(self, words: list[str]) -> list[int]:
        encodings = self._tokenizer.encode_batch_fast(words, add_special_tokens=False)
        return [len(encoding) for encoding in encodings]

    def _encode_words(self, words: list[str]) -> dict[str, int]:
        """Counts of short words: plain ones straight from the BPE model, the rest encoded."""
        tokenize = self._model.tokenize
        plain = FIRST_OF_ADDED.search
        found = {w: len(tokenize(w.replace(" ", "\u2581"))) for w in words if not plain(w)}
        others = [word for word in words if word not in found]
        found.update(zip(others, self._encode(others), strict=True))
        return found

    def _long(self, word: str) -> int:
        # HF's BPE is slow on one huge word; safe cuts keep the sum exact.
        return sum(self._encode(split_text(word, HF_PIECE_CHARS)))

    def count(self, text: str) -> int:
        try:
            return self._count(text)
        except UnicodeEncodeError:
            # Lone surrogates (from JSON, say): replaced, as the tiktoken families do.
            return self._count(text.encode("utf-16", "surrogatepass").decode("utf-16", "replace"))

    def _count(self, text: str) -> int:
        # Per word, only C code runs (the regex, Counter, the map/sum below); Python runs
        # once per distinct word of the text, and the model once per word new to the cache.
        counts = Counter(self._pieces.findall(text))
        cache = self._cache
        missing = list(filterfalse(cache.__contains__, counts))
        if not missing:
            return sum(map(mul, map(cache.__getitem__, counts), counts.values()))
        long_words = [word for word in missing if len(word) > LONG_WORD]
        found = self._encode_words([word for word in missing if len(word) <= LONG_WORD])
        cache.update(found)
        for word in long_words:  # counted, not kept
            cache[word] = (
                self._long(word) if len(word) > HF_PIECE_CHARS else self._encode([word])[0]
            )
        total = sum(map(mul, map(cache.__getitem__, counts), counts.values()))
        for word in long_words:
            del cache[word]
        if len(cache) > CACHE_WORDS + 1:  # full: start again from this text's new words
            cache.clear()
            cache[""] = 0
            cache.update(islice(found.items(), CACHE_WORDS))
        return total

    def count_batch(self, texts: list[str]) -> list[int]:
        return [self.count(text) for text in texts]


_STRING = rb'"((?:[^"\\]|\\.)*)"'
_MERGE = re.compile(rb"\[\s*" + _STRING + rb"\s*,\s*" + _STRING + rb"\s*\]")
_BETWEEN_MERGES = re.compile(rb"\s*,\s*")
_SPACE = re.compile(rb"\s*")
_AFTER_MERGES = re.compile(rb"\s*\]\s*\}\s*\}\s*")


def _json_string(raw: bytes) -> str:
    return json.loads(b'"' + raw + b'"') if b"\\" in raw else raw.decode("utf-8")


def _split_model(content: bytes) -> tuple[dict[str, Any], dict[str, int], bytes] | None:
    """(the spec without vocabulary and merges, the vocabulary, the merges array's body) read
    piece by piece, or None when the file is not laid out as ``"vocab": {...}, "merges": [...]``
    ending the model, the model ending the file (then the caller parses it whole).

    Parsing the whole 33 MB file at once holds every merge as a Python list of two strings
    (about 300 MB at the peak); this keeps the peak near the file's own size."""
    model = content.find(b'"model"')
    vocab_key = content.find(b'"vocab"', model)
    merges_key = content.find(b'"merges"', vocab_key)
    if min(model, vocab_key, merges_key) < 0 or content.count(b'"merges"') != 1:
        return None
    try:
        spec = json.loads(content[:vocab_key] + b'"vocab": {}, "merges": []}}')
        vocab_start = content.index(b"{", vocab_key)
        vocab_end = content.rindex(b"}", vocab_start, merges_key) + 1
        vocab = json.loads(content[vocab_start:vocab_end])
        if content[vocab_end:merges_key].strip() != b",":
            return None
        body_start = content.index(b"[", merges_key) + 1
    except ValueError:
        return None
    return spec, vocab, content[body_start:]


def _merge_ids(body: bytes, vocab: dict[str, int]) -> array | None:
    """The merges array's pairs as ids, or None unless the regex read every byte of it."""
    pairs = array("I")
    position = 0
    for match in _MERGE.finditer(body):
        gap = body[position : match.start()]
        if not (_BETWEEN_MERGES if position else _SPACE).fullmatch(gap):
            return None
        pairs.append(vocab[_json_string(match.group(1))])
        pairs.append(vocab[_json_string(match.group(2))])
        position = match.end()
    return pairs if _AFTER_MERGES.fullmatch(body[position:]) else None


def _compact(content: bytes, keep: Any, path: Path) -> tuple[str, list[str], bytes]:
    """(JSON with an empty BPE model and only the kept added tokens, vocabulary in id order,
    merges as native-endian uint32 id pairs)."""
    try:
        split = _split_model(content)
        pairs = _merge_ids(split[2], split[1]) if split is not None else None
        if split is None or pairs is None:
            spec = json.loads(content)
            vocab: dict[str, int] = spec["model"]["vocab"]
            pairs = array("I")
            for merge in spec["model"]["merges"]:
                left, right = merge.split(" ", 1) if isinstance(merge, str) else merge
                pairs.append(vocab[left])
                pairs.append(vocab[right])
        else:
            spec, vocab = split[0], split[1]
        del content, split
        tokens = [""] * len(vocab)
        for token, index in vocab.items():
            tokens[index] = token
        spec["model"]["vocab"], spec["model"]["merges"] = {}, []
        spec["added_tokens"] = [token for token in spec["added_tokens"] if keep(token)]
        return json.dumps(spec, ensure_ascii=False), tokens, pairs.tobytes()
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise DataError(f"{path}: malformed BPE tokenizer.json ({exc})") from None


def _added_token(token: dict[str, Any]) -> Any:
    from tokenizers import AddedToken

    return AddedToken(
        token["content"],
        single_word=token["single_word"],
        lstrip=token["lstrip"],
        rstrip=token["rstrip"],
        normalized=token["normalized"],
        special=token["special"],
    )


def _trim() -> None:
    """Hand freed heap memory back to the system (glibc only; elsewhere a no-op)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def build_lean(source: Any, data_dir: Path, read_verified: Callable[..., bytes]) -> Any:
    """The family's ``tokenizers.Tokenizer`` (special added tokens removed), from the compact
    form; ``read_verified`` reads the shipped file after checking its sha256 (registry's)."""
    from tokenizers import Tokenizer, models

    compact = parsed_cache.load(source, data_dir, "bpe", tuple)
    if compact is None:
        keep = source.keep_added_tokens
        compact = _compact(
            read_verified(source, data_dir),
            lambda token: keep and not token["special"],
            data_dir / source.data_file,
        )
        parsed_cache.store(source, data_dir, "bpe", compact)
    spec, tokens, merge_bytes = compact
    try:
        head = json.loads(spec)
        added, head["added_tokens"] = head["added_tokens"], []
        pipeline = Tokenizer.from_str(json.dumps(head))
        options = head["model"]
        ids = array("I")
        ids.frombytes(merge_bytes)
        merges = [(tokens[ids[i]], tokens[ids[i + 1]]) for i in range(0, len(ids), 2)]
        del ids
        vocab = {token: index for index, token in enumerate(tokens)}
        settings = {key: options[key] for key in _BPE_SETTINGS if options.get(key) is not None}
        tokenizer = Tokenizer(models.BPE(vocab, merges, **settings))
        del vocab, merges
        for part in ("normalizer", "pre_tokenizer", "post_processor", "decoder"):
            if getattr(pipeline, part) is not None:
                setattr(tokenizer, part, getattr(pipeline, part))
        # Added after the model, so each takes its vocabulary id.
        tokenizer.add_tokens([_added_token(token) for token in added])
    except Exception as exc:  # tokenizers raises plain Exception on bad specs
        raise DataError(f"{data_dir / source.data_file}: unusable tokenizer.json ({exc})") from None
    del tokens, compact
    _trim()
    return tokenizer
