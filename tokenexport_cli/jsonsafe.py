"""Decode untrusted JSON (sync responses, imported files) within limits: nesting depth checked
before decoding, every number's size checked while decoding, floats as exact Decimals, and
every string stripped of control characters and terminal escapes."""

from __future__ import annotations

import json
import re
from array import array
from decimal import Decimal, InvalidOperation
from itertools import accumulate
from typing import Any

from tokenexport_cli.safetext import clean_json_tree

#: Deeper documents are refused; real price sources nest about 6 levels.
MAX_JSON_DEPTH = 64
#: Numbers longer than this, or with an exponent beyond +-MAX_EXPONENT, are refused while
#: decoding; the bounds of each field (bounds.BOUNDS) are far narrower and apply later.
MAX_NUMBER_CHARS = 100
MAX_EXPONENT = 1000

_STRINGS = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"')
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
# opening brackets +1, closing -1, read as signed bytes
_DEPTH_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


class JsonProblem(ValueError):
    """Why a document is refused, in tokx's words."""


def depth_of(data: bytes) -> int:
    """The deepest nesting of arrays and objects, in linear time and constant stack."""
    brackets = _STRINGS.sub(b"", data).translate(None, _NOT_BRACKETS)
    steps = array("b", brackets.translate(_DEPTH_STEP))
    return max(accumulate(steps), default=0)


def _number(text: str) -> Decimal:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonProblem(f"a number of {len(text):,} characters is out of range")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise JsonProblem(f"{text!r} is not a number") from None
    if not value.is_finite() or abs(value.adjusted()) > MAX_EXPONENT:
        raise JsonProblem(f"number {text} is out of range")
    return value


def _integer(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonProblem(f"an integer of {len(text):,} digits is out of range")
    return int(text)


def _constant(name: str) -> Any:
    raise JsonProblem(f"non-finite number {name}")


def decode(data: bytes) -> Any:
    """The document, or JsonProblem (nesting, numbers) / ValueError (syntax, encoding)."""
    depth = depth_of(data)
    if depth > MAX_JSON_DEPTH:
        raise JsonProblem(f"nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        parsed = json.loads(data, parse_float=_number, parse_int=_integer, parse_constant=_constant)
    except RecursionError:  # unreachable after the depth check; kept as a backstop
        raise JsonProblem(f"nested deeper than {MAX_JSON_DEPTH} levels") from None
    return clean_json_tree(parsed, data)
