"""The entries an import adds, validated against the schema and written one JSON object a line
(a YAML flow mapping, which tokx's YAML loader reads), both by msgspec at C speed.

An entry is validated by converting it to its schema type with fields left out when they hold
their default (``omit_defaults``); that converted entry is what is encoded, so the line holds
exactly the fields that are set. JSON and YAML read such a line to the same typed entry:
strings are double-quoted with JSON escapes, which YAML shares; dates are quoted strings and
numbers that YAML 1.1 takes for text (``3E-7``) are both turned back into dates and Decimals by
the schema conversion; raw characters YAML would take for line breaks or refuse are written as
``\\uXXXX`` escapes (property-tested through the loader in ``tests/sync/test_flow.py``).
Strings are cleaned as the loader cleans them, so the entry validated here is the entry the file
loads as: the import checks its catalog from these entries without parsing its own text again
(issue 18: ``--add-models`` per entry near the cost of a plain import).
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import msgspec

from tokenexport_cli.safetext import clean
from tokenexport_cli.schema import CatalogFile

_ENCODER = msgspec.json.Encoder(decimal_format="number")
#: Encoded text that may hold a character the loader would strip (a JSON escape of a control
#: character, DEL or a C1 character) or read otherwise (U+2028, U+2029, a BOM, U+FFFE/FFFF):
#: such an entry is cleaned and escaped (``_careful``). False hits (``\\b``) only cost that path.
_SUSPECT = re.compile(
    rb"\\u00|\\[bfr]|\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]|\xef\xbb\xbf|\xef\xbf[\xbe\xbf]"
)
#: Characters that JSON may carry raw but that YAML reads as a line break or refuses.
_YAML_ESCAPES = {
    char.encode(): f"\\u{ord(char):04x}".encode()
    for char in ("\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff")
}

#: The sections of a catalog file, each with the type of its entries.
SECTION_TYPES: dict[str, Any] = {
    name: typing.get_args(hint)[0]
    for name, hint in typing.get_type_hints(CatalogFile).items()
    if typing.get_origin(hint) is tuple
}


def _line_type(kind: type) -> Any:
    """``kind`` (a schema Struct) with its defaults left out when encoded."""
    options = {"omit_defaults": True, "frozen": True, "kw_only": True}
    return types.new_class(f"{kind.__name__}Line", (kind,), options)


_LINE_TYPES: dict[type, Any] = {kind: _line_type(kind) for kind in SECTION_TYPES.values()}


def encode(entry: Any) -> tuple[bytes, Any]:
    """``entry`` validated against its schema type (``msgspec.ValidationError`` naming the key
    otherwise) and encoded as one JSON object; with the entry as written (cleaned, rarely)."""
    kind = type(entry)
    line = msgspec.convert(entry, _LINE_TYPES[kind], from_attributes=True)
    encoded = _ENCODER.encode(line)
    # every escape msgspec writes has a backslash: most lines have none and are plain ASCII
    plain = b"\\" not in encoded and b"\x7f" not in encoded and encoded.isascii()
    if plain or _SUSPECT.search(encoded) is None:
        return encoded, entry
    return _careful(line, kind)


def _careful(line: Any, kind: type) -> tuple[bytes, Any]:
    raw = _cleaned(msgspec.to_builtins(line, builtin_types=(Decimal, dt.date)))
    entry: Any = msgspec.convert(raw, kind)  # cleaning may have emptied a required text
    encoded = _ENCODER.encode(msgspec.convert(raw, _LINE_TYPES[kind]))
    for char, escape in _YAML_ESCAPES.items():
        encoded = encoded.replace(char, escape)
    return encoded, entry


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_cleaned(item) for item in value]
    return value


def lines(encoded: Iterable[bytes]) -> bytes:
    """A section's body: one ``- {...}`` line an entry."""
    return b"".join(b"- " + item + b"\n" for item in encoded)
