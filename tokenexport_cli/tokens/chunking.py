"""Where text may be cut without changing any family's token count, and UTF-8 decoding that counts errors.

A cut at position p is safe when ``text[p-1] == "\\n"`` and ``text[p]`` is neither
whitespace nor ``"/"``. Why this holds for every shipped pre-tokenizer (cl100k, o200k,
qwen, llama3, tekken and DeepSeek-V3's split sequence):

- No pre-token can run from a newline into a following non-space character: the
  optional one-character prefixes (``[^\\r\\n\\p{L}\\p{N}]?``) exclude ``\\r\\n``, the
  punctuation pieces end with ``[\\r\\n]*`` (o200k/tekken: ``[\\r\\n/]*``, hence the
  ``"/"`` exclusion) and the remaining alternatives match whitespace only.
- The whitespace run that ends at the newline is one piece whether or not text follows:
  ``\\s*[\\r\\n]+`` (cl100k: ``\\s*[\\r\\n]`` or ``\\s++$``) takes it to its last newline in
  both cases, and the only look-ahead, ``(?!\\S)``, sits in a later alternative.
- No pattern looks behind, so the right part is split exactly as in the whole text.
- Unicode NFC (Qwen) cannot compose or reorder across a newline, which is a starter
  that combines with nothing.

A second cut, used for long lines, is before a space that sits between two ASCII
letters (``"a| b"``): no piece takes a trailing space after letters, every pattern lets a
piece start with one optional space before letters, and neither side has whitespace at
its edge for ``$`` or ``(?!\\S)`` to see.

A third, for long lines without spaces (minified JSON, say), is between an ASCII letter and
ASCII punctuation other than the apostrophe (``"b|\","``): the piece holding the letter is a
letter piece (optionally with a one-character prefix) or a contraction, and every pattern
ends it at the first character that is neither a letter nor a mark unless an apostrophe
starts a contraction; the right side starts with that punctuation in the whole text too,
and no pattern looks behind.

A fourth, for Chinese prose with neither newlines nor ASCII (one giant line, say), is between
a CJK unified ideograph (U+4E00-U+9FFF, all letters) and Chinese sentence punctuation
(``，。、；：！？``): the ideograph sits in a letter piece, which no pattern extends to
punctuation (DeepSeek-V3 isolates ideograph runs outright); the right side starts at the
punctuation in the whole text too; and NFC changes neither character.

The tokenizer.json families (DeepSeek-V3, GLM, MiniMax, Gemma 3) also match added tokens in
the raw text before pre-tokenising (GLM and MiniMax, counted with tiktoken, as allowed special
tokens); none of those tokx keeps contains a cut (checked in the tests), so a cut never splits
one. Gemma 3 has no pre-tokenizer at all (its BPE runs over
the whole text, spaces turned into ``▁``): there a cut is safe because no token of its
vocabulary contains a newline followed by another character, an ASCII letter followed by
``▁`` or by the punctuation above, or an ideograph followed by Chinese punctuation, so no
merge can cross a cut (the tests check the vocabulary).

The same newline cut is safe on UTF-8 bytes: after ``b"\\n"`` the decoder holds no state, and
the next byte is accepted only when it starts a character that is not whitespace and
not ``"/"`` (ASCII ``!``..``~`` except ``/``, or a lead byte whose characters contain no
Unicode whitespace). The tests check the claim with hypothesis for every family.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise
from typing import BinaryIO

# After a newline, the byte-level cut accepts ASCII "!".."~" except "/", and lead bytes C3-E0
# (U+00C0-0FFF) and E4-F4 (U+4000 up), which start no whitespace character; C2, E1, E2 and E3
# do (U+0085/00A0, U+1680, U+2000-205F, U+3000).


_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# ASCII punctuation and symbols except the apostrophe, which may start a contraction, and
# except ``:>]_|``, which follow a letter inside added tokens that the HF-format families
# match in ordinary text (``<think>``, ``<|image|>``, ``<minimax:tool_call>``, Gemma's
# ``<table>`` and ``[multimodal]``): a cut there would split such a token.
_PUNCT_AFTER_LETTER = frozenset('!"#$%&()*+,-./;<=?@[\\^`{}~')
_IDEOGRAPHS = ("\u4e00", "\u9fff")
_CJK_PUNCT = frozenset("，。、；：！？")


def _char_class(chars: frozenset[str]) -> str:
    return "[" + "".join(re.escape(char) for char in sorted(chars)) + "]"


_PUNCT_CLASS = _char_class(_PUNCT_AFTER_LETTER)
_TEXT_CUT = re.compile(
    rf"\n(?=[^\s/])|(?<=[A-Za-z])(?= [A-Za-z])|(?<=[A-Za-z])(?={_PUNCT_CLASS})"
    rf"|(?<=[{_IDEOGRAPHS[0]}-{_IDEOGRAPHS[1]}])(?={_char_class(_CJK_PUNCT)})"
)
# The same cuts on UTF-8: an ideograph is E4 B8-BF xx or E5-E9 xx xx (a lead byte, so it
# starts a character even after invalid bytes), and the punctuation above is EF BC 81/8C/9A/
# 9B/9F or E3 80 81/82.
_BYTE_CUT = re.compile(
    rb"\n(?=[!-.0-~\xc3-\xe0\xe4-\xf4])|(?<=[A-Za-z])(?= [A-Za-z])|(?<=[A-Za-z])(?="
    + _PUNCT_CLASS.encode()
    + rb")|(?<=\xe4[\xb8-\xbf][\x80-\xbf]|[\xe5-\xe9][\x80-\xbf][\x80-\xbf])"
    rb"(?=\xef\xbc[\x81\x8c\x9a\x9b\x9f]|\xe3\x80[\x81\x82])"
)


def is_safe_cut(text: str, position: int) -> bool:
    """True when counting ``text[:position]`` and ``text[position:]`` apart gives the whole count."""
    if position <= 0 or position >= len(text):
        return True
    before, following = text[position - 1], text[position]
    if before == "\n":
        return not following.isspace() and following != "/"
    if before in _ASCII_LETTERS and following in _PUNCT_AFTER_LETTER:
        return True
    if _IDEOGRAPHS[0] <= before <= _IDEOGRAPHS[1] and following in _CJK_PUNCT:
        return True
    return (
        following == " "
        and before in _ASCII_LETTERS
        and position + 1 < len(text)
        and text[position + 1] in _ASCII_LETTERS
    )


def _cut_position(match: re.Match[str] | re.Match[bytes]) -> int:
    return match.start() + 1 if match.group(0)[:1] in ("\n", b"\n") else match.start()


def last_safe_cut(text: str, end: int, start: int = 0) -> int:
    """The largest safe cut in ``[start, end]`` (newline cuts first), or -1 when there is none."""
    newline = text.rfind("\n", start, end)
    while newline >= start:
        if is_safe_cut(text, newline + 1):
            return newline + 1
        newline = text.rfind("\n", start, newline)
    space = text.rfind(" ", start, end)
    while space > start:
        if is_safe_cut(text, space):
            return space
        space = text.rfind(" ", start, space)
    return -1


def first_safe_cut(text: str, start: int) -> int:
    """The smallest safe cut at or after ``start`` (``len(text)`` when there is none)."""
    if start > 0 and is_safe_cut(text, start):
        return start
    for match in _TEXT_CUT.finditer(text, max(start - 1, 0)):
        cut = _cut_position(match)
        if cut >= start and is_safe_cut(text, cut):
            return cut
    return len(text)


def split_text(text: str, max_chars: int) -> list[str]:
    """Cut text into pieces of about ``max_chars`` at safe cuts only (a piece may be longer)."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > max_chars:
        cut = last_safe_cut(text, start + max_chars, start + 1)
        if cut == -1:
            cut = first_safe_cut(text, start + max_chars)
        if cut >= len(text):
            break
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def safe_byte_cut(data: bytes, start: int) -> int:
    """The first safe cut in ``data`` at or after ``start`` with a byte after it, or -1."""
    for match in _BYTE_CUT.finditer(data, max(start - 1, 0)):
        cut = _cut_position(match)
        if cut >= start:
            return cut
    return -1


def plan_byte_ranges(
    handle: BinaryIO, size: int, target: int, window: int = 1 << 16
) -> list[tuple[int, int]]:
    """Byte ranges of about ``target`` bytes covering a file, cut only at safe cuts.

    Reads only small windows around each intended cut, so planning a 2 GB file is cheap.
    """
    cuts = [0]
    position = target
    while position < size:
        handle.seek(position)
        found = -1
        offset = position
        while found == -1 and offset < size:
            data = handle.read(window + 1)
            found = safe_byte_cut(data, 1)
            if found != -1:
                found += offset
            else:
                offset += window
                handle.seek(offset)
        if found == -1 or found >= size:
            break
        cuts.append(found)
        position = found + target
    cuts.append(size)
    return list(pairwise(cuts))


def iter_ranges(handle: BinaryIO, ranges: list[tuple[int, int]]) -> Iterator[bytes]:
    """Yield the bytes of each range in turn."""
    for start, end in ranges:
        handle.seek(start)
        yield handle.read(end - start)
