"""Encoders that count tokens: tiktoken (panic-safe) and the optional quicktok fast path."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from tokenexport_cli.tokens.chunking import first_safe_cut, last_safe_cut
from tokenexport_cli.tokens.patterns import UNUSED_SPECIAL

if TYPE_CHECKING:
    from typing import Protocol

    class ExactFamily(Protocol):
        """What an encoder needs of a family (``registry.ExactFamily`` has it)."""

        @property
        def name(self) -> str: ...
        @property
        def nfc(self) -> bool: ...
        @property
        def fast_name(self) -> str | None: ...


# tiktoken's regex overflows its stack (a Rust panic, printed to stderr and raised as
# BaseException) on whitespace runs of some 10^5-10^6 characters. Runs from this length on
# are pre-tokenised in Python instead; the stride test below finds every run that long.
LONG_RUN = 1024
_STRIDE = 256
_SAMPLED_RUN = re.compile(r"\s{3,}")
_LONG_RUN_RE = re.compile(rf"\s{{{LONG_RUN},}}")


def may_have_long_whitespace(text: str) -> bool:
    """Cheap test that is true whenever ``text`` holds a whitespace run of ``LONG_RUN`` or more.

    A run that long covers at least three consecutive positions that are multiples of
    ``_STRIDE`` and the ``3 * _STRIDE`` characters from the first of them, so sampling every
    ``_STRIDE``-th character and confirming candidates misses none.
    """
    if len(text) < LONG_RUN:
        return False
    sampled = text[::_STRIDE]
    for match in _SAMPLED_RUN.finditer(sampled):
        for index in range(match.start(), match.end() - 2):
            begin = index * _STRIDE
            if text[begin : begin + 2 * _STRIDE].isspace():
                return True
    return False


class TiktokenEncoder:
    """Counts with a ``tiktoken.Encoding`` using ``encode_ordinary`` semantics, long whitespace included.

    Counting asks tiktoken's core for a token buffer (``encode_to_tiktoken_buffer`` with no
    special token allowed, which splits and merges exactly as ``encode_ordinary``) rather
    than a list: building one Python int per token cost 10-15% of the time. tiktoken
    builds without that method fall back to ``encode_ordinary``.
    """

    def __init__(self, encoding: Any, family: ExactFamily) -> None:
        import regex

        self._encoding = encoding
        self._bpe = encoding._core_bpe
        self._nfc = family.nfc
        # Added tokens the family matches in ordinary text (byte-level tokenizer.json families).
        self._allowed = set(encoding.special_tokens_set) - {UNUSED_SPECIAL}
        self._pieces = regex.compile(encoding._pat_str)
        self.name = family.name
        self._length = (
            self._buffer_length
            if hasattr(self._bpe, "encode_to_tiktoken_buffer")
            else self._list_length
        )
        # Only the Rust core is used from here on; dropping tiktoken's Python copy of the
        # ranks saves ~25 MB per process (tiktoken reads it only for introspection).
        encoding._mergeable_ranks = {}

    def _buffer_length(self, text: str) -> int:
        view = memoryview(self._bpe.encode_to_tiktoken_buffer(text, self._allowed))
        return view.nbytes // view.itemsize

    def _list_length(self, text: str) -> int:
        if self._allowed:
            return len(self._bpe.encode(text, self._allowed))
        return len(self._bpe.encode_ordinary(text))

    def _core_count(self, text: str) -> int:
        """Count text without long whitespace runs (regex errors fall back to Python splitting)."""
        try:
            return self._length(text)
        except UnicodeEncodeError:
            # Lone surrogates (from JSON, say): replaced as tiktoken's encode_ordinary does.
            text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
            return self._core_count(text)
        except ValueError:
            # tiktoken reports a regex failure (its backtracking limit) as ValueError.
            return self._count_pieces(text)

    def _count_pieces(self, text: str) -> int:
        return sum(
            len(self._encoding._encode_single_piece(piece.encode("utf-8")))
            for piece in self._pieces.findall(text)
        )

    def count(self, text: str) -> int:
        if self._nfc and not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        if not may_have_long_whitespace(text):
            return self._core_count(text)
        return self._count_around_long_runs(text)

    def count_batch(self, texts: list[str]) -> list[int]:
        return [self.count(text) for text in texts]

    def _count_around_long_runs(self, text: str) -> int:
        """Encode normally between safe cuts; pre-tokenise the regions holding long runs in Python.

        A region runs from the last safe cut before a long run to the first one after it,
        so the Python ``regex`` module (same pattern) splits it exactly as tiktoken would,
        and each piece goes straight to the BPE, which handles long pieces fine.
        """
        total = 0
        position = 0
        for run in _LONG_RUN_RE.finditer(text):
            if run.start() < position:
                continue
            region_start = last_safe_cut(text, run.start(), position)
            region_start = position if region_start == -1 else region_start
            region_end = first_safe_cut(text, run.end())
            if region_start > position:
                total += self._core_count(text[position:region_start])
            total += self._count_pieces(text[region_start:region_end])
            position = region_end
        if position < len(text):
            # finditer found every long run, so the tail holds none.
            total += self._core_count(text[position:])
        return total


class FastEncoder:
    """quicktok-v1 for the families it reproduces exactly; tiktoken stays the answer of record."""

    def __init__(self, tokenizer: Any, nfc: bool) -> None:
        self._tokenizer = tokenizer
        self._nfc = nfc

    @classmethod
    def try_load(cls, family: ExactFamily) -> FastEncoder | None:
        """The fast encoder for a family, or None when quicktok is missing or lacks the family."""
        if family.fast_name is None:
            return None
        try:
            import quicktok
        except ImportError:
            return None
        try:
            return cls(quicktok.get_encoding(family.fast_name), family.nfc)
        except (RuntimeError, KeyError, ValueError):
            return None

    def count(self, text: str) -> int:
        if self._nfc and not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        return int(self._tokenizer.count(text))

    def count_batch(self, texts: list[str]) -> list[int]:
        return [self.count(text) for text in texts]
