"""A fast block-YAML writer for the entries an import adds, whose output tokx's loader reads back
to the same values (property-tested) when strings carry no control characters (the loader
strips those; ``write.plain`` strips them first), so an import of many models stays cheap.

PyYAML's representer is pure Python (about 0.75 ms for a model and its offer) and re-reading the
text through the loader to check it costs twice that; this writer and an in-memory check of the
same data (``write.py``) keep ``--add-models`` linear and cheap per entry (issue 18).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

#: Written without quotes: starts with a letter (so never a number, date or special float), only
#: characters with no meaning in block context, no trailing space, and not a YAML 1.1 bool/null.
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ._/()+,-]*(?<! )\Z")
_RESERVED = frozenset(
    word
    for base in ("yes", "no", "true", "false", "on", "off", "null")
    for word in (base, base.capitalize(), base.upper())
)
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def scalar(value: Any) -> str:
    """One scalar in a form that resolves back to the same type and value."""
    kind = type(value)
    if kind is Decimal:
        return decimal_text(value)
    if kind is int:
        return str(value)
    if kind is dt.date:
        return value.isoformat()
    if isinstance(value, str):
        return _text(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write a {type(value).__name__} as YAML")


def decimal_text(value: Decimal) -> str:
    """Exact fixed-point text with a dot (a float tag, read back as Decimal); ``normalize``
    would round to the context's 28 digits."""
    text = format(value, "f")
    if "." not in text:
        return text + ".0"
    text = text.rstrip("0")
    return text + "0" if text.endswith(".") else text


def _text(value: str) -> str:
    if value.isprintable():
        if _PLAIN.match(value) and value not in _RESERVED:
            return value
        if "\\" not in value and '"' not in value:
            return f'"{value}"'
    return '"' + "".join(_escape(char) for char in value) + '"'


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    if char.isprintable():
        return char
    code = ord(char)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def entry(value: dict[str, Any]) -> str:
    """One element of a top-level section (``- key: value`` lines), its text ending in a newline."""
    out: list[str] = []
    _sequence_item(value, "", out)
    return "".join(out)


def document(sections: dict[str, Any]) -> str:
    """A whole file: top-level scalars and sections (lists of mappings, or mappings)."""
    out: list[str] = []
    _mapping(sections, "", out)
    return "".join(out)


_KEYS: dict[str, str] = {}


def _key(key: str) -> str:
    """A key as written (field names repeat on every entry: remembered, up to a point)."""
    name = _text(key)
    if len(_KEYS) < 4096:
        _KEYS[key] = name
    return name


def _mapping(value: dict[str, Any], indent: str, out: list[str]) -> None:
    for key, item in value.items():
        name = (_KEYS.get(key) or _key(key)) if type(key) is str else scalar(key)
        kind = type(item)
        if kind is str:  # the common case first: names, ids, sources, notes
            out.append(f"{indent}{name}: {_text(item)}\n")
        elif kind is dict and item:
            out.append(f"{indent}{name}:\n")
            _mapping(item, indent + "  ", out)
        elif kind in (list, tuple) and item:
            out.append(f"{indent}{name}:\n")
            for element in item:
                _sequence_item(element, indent, out)
        else:
            out.append(f"{indent}{name}: {_inline(item)}\n")


def _sequence_item(value: Any, indent: str, out: list[str]) -> None:
    if isinstance(value, dict) and value:
        start = len(out)
        _mapping(value, indent + "  ", out)
        out[start] = f"{indent}- {out[start][len(indent) + 2 :]}"
    elif isinstance(value, list | tuple) and value:
        out.append(f"{indent}-\n")
        for element in value:
            _sequence_item(element, indent + "  ", out)
    else:
        out.append(f"{indent}- {_inline(value)}\n")


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list | tuple):
        return "[]"
    return scalar(value)
