"""Strip terminal escape sequences and control characters from text that came from outside
(sync responses, user files) before it can reach a terminal, a file name or a report."""

from __future__ import annotations

import re
from typing import Any

# ESC-introduced sequences (CSI ... final byte, OSC/DCS/APC/PM ... terminator, two-byte ESC x),
# their 8-bit C1 forms, then any other C0/C1 control character except tab and newline.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[@-Z\\-_]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)
_ONE_LINE = re.compile(r"[\t\n]")
# JSON text that may decode to a control character: an escape below U+0020, DEL or C1, or the
# raw bytes of DEL and C1 characters (JSON allows those unescaped).
_JSON_CONTROL = re.compile(
    rb"\\u00[0-1][0-9a-fA-F]|\\u007[fF]|\\u009[0-9a-fA-F]|\\[bf]|\x7f|\xc2[\x80-\x9f]"
)


def clean(text: str) -> str:
    """``text`` without escape sequences and control characters (tab and newline kept)."""
    if text.isprintable():
        return text
    return _ESCAPES.sub("", text)


def one_line(text: str) -> str:
    """``clean`` and tabs and newlines made spaces: for ids, names and messages."""
    return _ONE_LINE.sub(" ", clean(text))


def clean_json_tree(data: Any, raw: bytes) -> Any:
    """Every string (keys too) of decoded JSON cleaned, in one pass; skipped (linear scan of
    ``raw`` only) when the text cannot contain a control character."""
    if not _JSON_CONTROL.search(raw):
        return data
    return _clean_tree(data)


def _clean_tree(root: Any) -> Any:
    # iterative, so deep (already depth-checked) documents cannot exhaust the stack
    if isinstance(root, str):
        return one_line(root)
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key in list(node):
                value = node[key]
                if isinstance(key, str) and not key.isprintable():
                    del node[key]
                    key = one_line(key)
                    node[key] = value
                if isinstance(value, str):
                    node[key] = one_line(value) if not value.isprintable() else value
                elif isinstance(value, dict | list):
                    stack.append(value)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, str):
                    node[index] = one_line(value) if not value.isprintable() else value
                elif isinstance(value, dict | list):
                    stack.append(value)
    return root
