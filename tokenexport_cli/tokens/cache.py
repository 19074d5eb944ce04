"""Count cache: tokens per (content sha256, family, tokenizer-data version) in a SQLite file.

SQLite gives atomic writes and safe concurrent use by several tokx runs (WAL mode and a
busy timeout) without lock files of our own. The database lives in the user cache dir
(``TOKX_CACHE_DIR`` overrides); a cache that cannot be opened or written degrades to
counting without a cache rather than failing the run.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from tokenexport_cli.tokens.registry import cache_dir, data_version

_SCHEMA = """
CREATE TABLE IF NOT EXISTS counts (
    content_sha256 TEXT NOT NULL,
    family TEXT NOT NULL,
    data_version TEXT NOT NULL,
    tokens INTEGER NOT NULL,
    replaced INTEGER NOT NULL,
    PRIMARY KEY (content_sha256, family, data_version)
) WITHOUT ROWID
"""


def sha256_of(handle: BinaryIO, block: int = 1 << 20) -> str:
    """Hex sha256 of everything left in a binary stream."""
    digest = hashlib.sha256()
    while chunk := handle.read(block):
        digest.update(chunk)
    return digest.hexdigest()


class CountCache:
    """Cached exact counts. ``get`` returns (tokens, replaced UTF-8 sequences) or None."""

    def __init__(self, path: Path | None = None, version: str | None = None) -> None:
        self.path = path or cache_dir() / "counts.sqlite3"
        self.version = version or data_version()
        self._db: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(_SCHEMA)
            self._db = db
        except (OSError, sqlite3.Error):
            self._db = None

    @property
    def usable(self) -> bool:
        return self._db is not None

    def get(self, content_sha256: str, family: str) -> tuple[int, int] | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT tokens, replaced FROM counts WHERE content_sha256=? AND family=? AND data_version=?",
                (content_sha256, family, self.version),
            ).fetchone()
        except sqlite3.Error:
            return None
        return (int(row[0]), int(row[1])) if row else None

    def put_many(self, rows: Iterable[tuple[str, str, int, int]]) -> None:
        """Store (content_sha256, family, tokens, replaced) rows in one transaction."""
        if self._db is None:
            return
        values = [
            (sha, family, self.version, tokens, replaced) for sha, family, tokens, replaced in rows
        ]
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany("INSERT OR REPLACE INTO counts VALUES (?, ?, ?, ?, ?)", values)
        except sqlite3.Error:
            pass  # a busy or read-only cache must not fail a count

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> CountCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
