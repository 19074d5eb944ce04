"""Parsed forms of shipped tokenizer files kept in the user cache dir, checked on every read.

Parsing a shipped file (a ``.tiktoken`` rank table, a 33 MB ``tokenizer.json``) costs more than
using its result, so the parsed form is kept as a marshal blob whose header records the
payload's own sha256 and the size and mtime of the shipped file it was verified from; a read
checks both and returns None on any mismatch, so the caller re-verifies the shipped file.
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from pathlib import Path
from typing import Any

from tokenexport_cli.tokens.sources import TokenizerSource

_MAGIC = b"TOKXRNK1"
#: The largest parsed form is tens of MB; a larger file is not one tokx wrote.
MAX_CACHE_BYTES = 256 * 1024 * 1024


def cache_dir() -> Path:
    """The user cache dir for tokx (``TOKX_CACHE_DIR`` overrides platformdirs)."""
    from tokenexport_cli.userdirs import cache_dir as user_cache_dir

    return user_cache_dir()


def cache_path(source: TokenizerSource, kind: str = "") -> Path:
    """Where one parsed form of a source is kept (``kind`` tells forms of one file apart)."""
    tag = f"py{sys.version_info[0]}{sys.version_info[1]}"
    suffix = f"-{kind}" if kind else ""
    return cache_dir() / "ranks" / f"{source.family}-{source.sha256[:16]}{suffix}-{tag}.marshal"


def _stamp(path: Path) -> bytes:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}".encode().ljust(48, b" ")


def load(source: TokenizerSource, data_dir: Path, kind: str, expected: type) -> Any | None:
    """The cached parsed form, or None when missing, stale, corrupted or not of ``expected`` type."""
    from tokenexport_cli.inputfile import read_cache

    # a FIFO or a link to a device where the cache was is a miss, never a hang
    blob = read_cache(cache_path(source, kind), max_bytes=MAX_CACHE_BYTES)
    if blob is None:
        return None
    try:
        stamp = _stamp(data_dir / source.data_file)
    except OSError:
        return None
    head = len(_MAGIC)
    if blob[:head] != _MAGIC or blob[head : head + 48] != stamp:
        return None
    digest, payload = blob[head + 48 : head + 80], blob[head + 80 :]
    if hashlib.sha256(payload).digest() != digest:
        return None
    try:
        value = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    return value if isinstance(value, expected) else None


def store(source: TokenizerSource, data_dir: Path, kind: str, value: Any) -> None:
    """Keep a parsed form (best effort: a read-only cache dir must not fail a count)."""
    payload = marshal.dumps(value)
    blob = _MAGIC + _stamp(data_dir / source.data_file) + hashlib.sha256(payload).digest() + payload
    from tokenexport_cli.atomic import write_cache

    write_cache(cache_path(source, kind), blob)
