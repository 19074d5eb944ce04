"""Gemma 3 (``gemini``) counted word by word with tiktoken's merge step over converted ranks.

Gemma 3's ``tokenizer.json`` has no working pre-tokenizer (its ``Split`` on ``" "`` runs after
the normaliser has turned every space into ``▁``), so its BPE runs over whole stretches of
text. tokx cuts the text into words itself, at cuts that provably keep the count, counts each
distinct word once and keeps the count in a per-process cache: real text repeats its words,
so most words of a large input are counted once.

Why a cut keeps the count: with no pre-tokenizer, a cut between characters ``a`` and ``b``
changes nothing when no vocabulary entry contains ``ab`` (after normalisation): no merge can
then join symbols across it, and BPE applies each side's merges in the same order alone as
together (it always takes the best-ranked pair, and the sides share none). Byte fallback is
per character, and unknown-token fusion never happens (every byte has a token). Gemma 3's
vocabulary has ``▁`` preceded only by ``▁`` or ``>`` (one entry, ``>▁</``), and ``\\n`` and
``\\t`` next only to themselves inside an entry, so ``PIECES`` cuts before a run of spaces
(``" "`` or ``▁``, the same after normalisation) not preceded by ``>``, and on both sides of
a run of newlines or of tabs. The added tokens Gemma matches in raw text before anything else
contain no such cut. The tests check these facts on the shipped file.

A word is counted as HF ``tokenizers`` counts it, without HF ``tokenizers`` (whose BPE model
took 1.0-1.7 s to build, against about 0.3 s for tiktoken's core):

1. **Added tokens.** Gemma matches its non-special added tokens in the raw text first,
   leftmost-longest (newline and tab runs, literal ``▁`` runs, ``<unusedN>``, HTML tags ...);
   each is one token and cuts the word. Every one starts with a ``FIRST_OF_ADDED`` character,
   so a word without one has none, and the others are scanned from those characters only.
2. **Byte fallback.** A character missing from the vocabulary becomes one token per UTF-8
   byte, and those byte tokens merge with nothing, so it also cuts the word. tiktoken sees
   the same for characters below U+0800; above, its rank table holds each vocabulary
   character's byte prefixes (below), which an unknown character could start with, so such
   characters are cut out in Python (the converted table lists the vocabulary's characters
   from U+0800 up).
3. **BPE.** Between those, the normalised text (``▁`` for space) is one BPE word. Gemma's
   merges, in rank order, come in one block per resulting token, except the runs of ``▁``
   (and of ``\\n`` and ``\\t``, which never get here: every run of them is made of added
   tokens), which all come first and cut a run into runs of 31 from the left under HF's
   pair ranks and tiktoken's token ranks alike; and every split of a token into two tokens
   that merges can make is in the list. So the pair HF merges next is the pair whose result
   comes first in the merge list, which is tiktoken's rule with a token's rank being the
   position of its first merge. Single characters get the lowest ranks (HF starts from
   characters; tiktoken starts from bytes and first completes each character through its
   byte prefixes), and tokens no merge makes are left out. tiktoken returns a piece that is
   itself a token as that one token without merging; four tokens are not what BPE makes of
   their own text (``UNREACHABLE``), and are counted as BPE counts them. The tests check
   each fact on the shipped file, and the counts against the ``tokenizer.json`` itself
   through HF ``tokenizers``.

The converted ranks are kept in the user cache dir like the other rank tables, made once by
reading ``tokenizer.json`` piece by piece (a first use peaked at 163 MB of RSS for the whole
process, conversion included; ``json.loads`` of the whole file alone holds about 300 MB), with
the whole parse as the fallback.
"""

from __future__ import annotations

import json
import re
from array import array
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import Any

from tokenexport_cli.errors import DataError
from tokenexport_cli.tokens import parsed_cache
from tokenexport_cli.tokens.chunking import split_text
from tokenexport_cli.tokens.patterns import UNUSED_SPECIAL

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
# Tokens BPE does not make from their own text (space form, with the count BPE gives it);
# tests recompute the list from the shipped file.
UNREACHABLE = {" YYYY": 3, " yyyy": 3, " diffformul": 4, " ::::::::": 3}
CACHE_WORDS = 200_000
LONG_WORD = 256
PIECE_CHARS = 1 << 14
_SPACE = "\u2581"
_RANKS_KIND = "gemma-ranks"


def is_word_cut(text: str, position: int) -> bool:
    """The cut rule ``PIECES["gemini"]`` implements, stated directly (for the tests)."""
    if position <= 0 or position >= len(text):
        return False
    before, after = text[position - 1], text[position]
    spaces = " \u2581"
    if after in spaces and before not in spaces and before != ">":
        return True
    return (before == "\n") != (after == "\n") or (before == "\t") != (after == "\t")


class _WordCounts(dict[str, int]):
    """Word counts of one process; a word missing from it is counted on the spot (``new``
    lists the words one text added, ``long`` those counted but not to be kept)."""

    def __init__(self, owner: WordEncoder) -> None:
        super().__init__({"": 0})
        self._owner = owner
        self.new: list[str] = []
        self.long: list[str] = []

    def __missing__(self, word: str) -> int:
        owner = self._owner
        if len(word) > LONG_WORD:
            self.long.append(word)
            count = owner._long(word) if len(word) > PIECE_CHARS else owner._word(word)
        else:
            self.new.append(word)
            count = owner._word(word)
        self[word] = count
        return count


class WordEncoder:
    """Counts Gemma 3 tokens word by word, each distinct word once per process."""

    def __init__(self, core: Any, added: list[str], known_high: str) -> None:
        self._core = core
        self._pieces = PIECES["gemini"]
        self._added = frozenset(added)
        self._added_lengths = sorted({len(token) for token in added}, reverse=True)
        # Characters tiktoken gets right on its own: the vocabulary's, and all below U+0800.
        self._known = frozenset(known_high) | frozenset(map(chr, range(0x800)))
        self._cache = _WordCounts(self)

    def _bpe(self, text: str) -> int:
        """One BPE word (no added token, no character outside the vocabulary)."""
        if not text:
            return 0
        if _SPACE in text:
            text = text.replace(_SPACE, " ")
        known = UNREACHABLE.get(text)
        if known is not None:
            return known
        return len(self._core.encode_single_piece(text.encode("utf-8")))

    def _between_added(self, text: str) -> int:
        """Text holding no added token: characters outside the vocabulary cut it."""
        if text.isascii() or self._known.issuperset(text):
            return self._bpe(text)
        total, start = 0, 0
        for index in [i for i, char in enumerate(text) if char not in self._known]:
            total += self._bpe(text[start:index]) + len(text[index].encode("utf-8"))
            start = index + 1
        return total + self._bpe(text[start:])

    def _word(self, word: str) -> int:
        """A word's count: its added tokens (leftmost-longest), then the text between them."""
        if not FIRST_OF_ADDED.search(word):
            return self._between_added(word)
        total, start, position = 0, 0, 0
        while (found := FIRST_OF_ADDED.search(word, position)) is not None:
            at = found.start()
            size = next((n for n in self._added_lengths if word[at : at + n] in self._added), 0)
            if not size:
                position = at + 1
                continue
            total += self._between_added(word[start:at]) + 1
            start = position = at + size
        return total + self._between_added(word[start:])

    def _long(self, word: str) -> int:
        # Safe cuts keep the sum exact and bound the merge step's work per piece.
        return sum(self._word(piece) for piece in split_text(word, PIECE_CHARS))

    def count(self, text: str) -> int:
        try:
            return self._count(text)
        except UnicodeEncodeError:
            # Lone surrogates (from JSON, say): replaced, as the tiktoken families do.
            return self._count(text.encode("utf-16", "surrogatepass").decode("utf-16", "replace"))

    def _count(self, text: str) -> int:
        # Per word, only C code runs (the regex, and map/sum over the cache, a dict whose
        # ``__missing__`` counts a word new to it); Python runs once per new word.
        cache = self._cache
        cache.new.clear()
        cache.long.clear()
        try:
            total = sum(map(cache.__getitem__, self._pieces.findall(text)))
        finally:
            for word in cache.long:  # counted, not kept (also when a word fails to encode)
                del cache[word]
        if len(cache) > CACHE_WORDS + 1:  # full: start again from this text's new words
            kept = {word: cache[word] for word in islice(cache.new, CACHE_WORDS) if word in cache}
            cache.clear()
            cache[""] = 0
            cache.update(kept)
        return total

    def count_batch(self, texts: list[str]) -> list[int]:
        return [self.count(text) for text in texts]


_STRING = rb'"((?:[^"\\]|\\.)*)"'
_MERGE = re.compile(rb"\[\s*" + _STRING + rb"\s*,\s*" + _STRING + rb"\s*\]")
_BETWEEN_MERGES = re.compile(rb"\s*,\s*")
_LEADING_SPACE = re.compile(rb"\s*")
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
        if not (_BETWEEN_MERGES if position else _LEADING_SPACE).fullmatch(gap):
            return None
        pairs.append(vocab[_json_string(match.group(1))])
        pairs.append(vocab[_json_string(match.group(2))])
        position = match.end()
    return pairs if _AFTER_MERGES.fullmatch(body[position:]) else None


def _parse(content: bytes) -> tuple[dict[str, Any], list[str], array]:
    """(the spec without vocabulary and merges, the vocabulary in id order, merges as id pairs)."""
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
    return spec, tokens, pairs


def convert(content: bytes, keep: Callable[[dict[str, Any]], bool], path: Path) -> tuple[Any, ...]:
    """(tiktoken ranks, kept added tokens, vocabulary characters from U+0800 up) of a
    SentencePiece-style BPE ``tokenizer.json`` (see the module's docstring)."""
    try:
        spec, tokens, pairs = _parse(content)
        first: dict[str, int] = {}
        for index in range(0, len(pairs), 2):
            first.setdefault(tokens[pairs[index]] + tokens[pairs[index + 1]], index)
        ranks: dict[bytes, int] = {bytes([byte]): byte for byte in range(256)}
        singles = [token for token in tokens if len(token) == 1]
        for char in singles:
            encoded = char.replace(_SPACE, " ").encode("utf-8")
            for end in range(2, len(encoded) + 1):
                ranks.setdefault(encoded[:end], len(ranks))
        for token in sorted(first, key=first.__getitem__):
            ranks[token.replace(_SPACE, " ").encode("utf-8")] = len(ranks)
        added = [token["content"] for token in spec["added_tokens"] if keep(token)]
        known_high = "".join(char for char in singles if char >= "\u0800")
        return ranks, added, known_high
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise DataError(f"{path}: malformed BPE tokenizer.json ({exc})") from None


def build(source: Any, data_dir: Path, read_verified: Callable[..., bytes]) -> WordEncoder:
    """The family's word encoder, from the cached converted ranks or the verified file
    (``read_verified`` checks its sha256, see registry)."""
    import tiktoken

    tables = parsed_cache.load(source, data_dir, _RANKS_KIND, tuple)
    if tables is None:
        keep = source.keep_added_tokens
        tables = convert(
            read_verified(source, data_dir),
            lambda token: keep and not token["special"],
            data_dir / source.data_file,
        )
        parsed_cache.store(source, data_dir, _RANKS_KIND, tables)
    ranks, added, known_high = tables
    encoding = tiktoken.Encoding(
        name=f"tokx-{source.family}",
        pat_str=r"\S+|\s+",  # never used: words reach the merge step directly
        mergeable_ranks=ranks,
        special_tokens={UNUSED_SPECIAL: len(ranks)},
    )
    return WordEncoder(encoding._core_bpe, list(added), str(known_high))
