"""Decode untrusted JSON (sync responses, imported files) within limits: the number of objects
counted before decoding, nesting and every number's size checked while decoding, floats as
exact Decimals, and every string stripped of control characters and terminal escapes."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from tokenexport_cli.safetext import clean_json_tree

#: Numbers longer than this, or with an exponent beyond +-MAX_EXPONENT, are refused while
#: decoding; the bounds of each field (bounds.BOUNDS) are far narrower and apply later.
MAX_NUMBER_CHARS = 100
MAX_EXPONENT = 1000


class JsonProblem(ValueError):
    """Why a document is refused, in tokx's words."""


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


def decode(data: bytes, max_objects: int | None = None) -> Any:
    """The document, or JsonProblem / ValueError (syntax, encoding).

    Refused: more than ``max_objects`` objects (counted as ``{`` bytes before anything is
    built, so a brace inside a string counts too: stricter, never laxer), nesting past the
    interpreter's recursion limit (the C decoder checks it as it descends, about 1,000
    levels), and numbers past MAX_NUMBER_CHARS / MAX_EXPONENT (checked as each is decoded).
    """
    if max_objects is not None:
        objects = data.count(b"{")
        if objects > max_objects:
            raise JsonProblem(f"more than {max_objects:,} JSON objects ({objects:,})")
    try:
        parsed = json.loads(data, parse_float=_number, parse_int=_integer, parse_constant=_constant)
    except RecursionError:
        raise JsonProblem("nested too deeply") from None
    return clean_json_tree(parsed, data)
