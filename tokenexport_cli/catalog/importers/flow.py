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
(issue 18: ``--add-models`` per entry near the cost of a plain import). A section's entries are
validated with one msgspec call and encoded with another (``section_lines``): per-entry calls
cost more than the C work they do.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections.abc import Iterable, Sequence
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
#: ``list[line type]``: a section's entries are validated by one msgspec call
_LINE_LISTS: dict[type, Any] = {
    kind: types.GenericAlias(list, (line,)) for kind, line in _LINE_TYPES.items()
}


def encode(entry: Any) -> tuple[bytes, Any]:
    """``entry`` validated against its schema type (``msgspec.ValidationError`` naming the key
    otherwise) and encoded as one JSON object; with the entry as written (cleaned, rarely)."""
    encoded, written = _encode_all(type(entry), [entry])
    return encoded[:-1], written[0]


def section_lines(section: str, entries: Sequence[Any]) -> tuple[bytes, list[Any]]:
    """A section's body (as ``lines`` makes it) for ``entries``, all of the section's schema
    type; with the entries as written. Validated with one msgspec call (a ValidationError at
    ``$[index].key`` otherwise) and encoded with one."""
    encoded, written = _encode_all(SECTION_TYPES[section], entries)
    if not encoded:
        return b"", written
    # "- " before each line, none after the last: one more pass over the text, not three
    return b"".join((b"- ", memoryview(encoded.replace(b"\n", b"\n- "))[:-2])), written


def _encode_all(kind: type, entries: Sequence[Any]) -> tuple[bytes, list[Any]]:
    """One JSON object a line (JSON escapes every newline in a string), and the entries."""
    converted = msgspec.convert(entries, _LINE_LISTS[kind], from_attributes=True)
    encoded = _ENCODER.encode_lines(converted)
    written = list(entries)
    # every escape msgspec writes has a backslash: most lines have none and are plain ASCII
    if b"\\" in encoded or b"\x7f" in encoded or not encoded.isascii():
        encoded = _careful_lines(encoded, converted, kind, written)
    return encoded, written


def _careful_lines(encoded: bytes, converted: list[Any], kind: type, written: list[Any]) -> bytes:
    """``encoded`` with each suspect line (``_SUSPECT``) written again by ``_careful``, and its
    entry in ``written`` replaced by the cleaned one."""
    items = encoded.split(b"\n")
    for index, item in enumerate(items[:-1]):
        if (b"\\" in item or b"\x7f" in item or not item.isascii()) and _SUSPECT.search(item):
            items[index], written[index] = _careful(converted[index], kind)
    return b"\n".join(items)


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


def entry_lines(text: str, contents: CatalogFile) -> dict[str, list[bytes]] | None:
    """Each entry's line (``- {...}``) of a file this writer wrote, by section, when the file
    (``text``, which the loader read as ``contents``) has exactly that shape: comments, then
    ``schema_version: 1``, then sections of one line an entry, as many as ``contents`` holds.
    None for any other shape (a file edited by hand into block style, say). A line at the
    start of a line and ending its mapping holds the whole entry, so it reads the same in any
    file of this shape: an import copies an earlier import's entries it keeps this way."""
    found: dict[str, list[bytes]] = {}
    section: list[bytes] | None = None
    for line in text.encode("utf-8").split(b"\n"):
        if section is not None and line.startswith(b"- {") and line.endswith(b"}"):
            section.append(line)
        elif not line or line.startswith(b"#") or (line == b"schema_version: 1" and not found):
            continue
        elif line.endswith(b":") and line[:-1].decode() in SECTION_TYPES:
            name = line[:-1].decode()
            if name in found:
                return None
            section = found[name] = []
        else:
            return None
    for name in SECTION_TYPES:
        if len(found.get(name, ())) != len(getattr(contents, name)):
            return None
    return found


def lines(encoded: Iterable[bytes]) -> bytes:
    """A section's body: one ``- {...}`` line an entry."""
    return b"".join(b"- " + item + b"\n" for item in encoded)
