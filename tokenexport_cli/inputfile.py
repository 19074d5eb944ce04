"""The one way tokx opens a user's file for reading: regular files only, size checked from the
file's metadata before reading and again while reading (or, for files read line by line, each
line read with a bound), every OS failure an error naming it."""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from tokenexport_cli.errors import DataError, TokxError, UsageError, located

#: Opening a FIFO for reading blocks until a writer appears; non-blocking open returns at once.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_READ_CHUNK = 1024 * 1024


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def special_kind(path: Path) -> str | None:
    """What ``path`` is when it exists and is not a regular file ("a FIFO (named pipe)")."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    return None if stat.S_ISREG(mode) else _kind(mode)


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def open_regular(
    path: Path,
    *,
    what: str = "file",
    max_bytes: int | None = None,
    missing: type[TokxError] = DataError,
    missing_hint: str = "",
    buffering: int = -1,
) -> tuple[BinaryIO, int]:
    """Open ``path`` for binary reading, with its size; refuse anything but a regular file.

    A FIFO, device, socket or directory is a UsageError naming the path (reading one could
    block forever or never end); a missing file raises ``missing``; any other OS failure
    (permissions, I/O) is a DataError with the path.
    """
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise missing(f"{path}: {what} not found{missing_hint}") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, expected a {what}") from None
    except OSError as exc:
        special = special_kind(path)  # a socket cannot even be opened (ENXIO)
        if special:
            raise UsageError(f"{path}: is {special}, expected a {what}") from None
        raise DataError(f"{path}: cannot read: {_reason(exc)}") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{path}: is {_kind(info.st_mode)}, expected a {what}")
        if max_bytes is not None and info.st_size > max_bytes:
            raise DataError(
                f"{path}: file is {info.st_size:,} bytes, over the {max_bytes:,}-byte limit"
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        handle = os.fdopen(descriptor, "rb", buffering=buffering)
    except OSError as exc:
        os.close(descriptor)
        raise DataError(f"{path}: cannot read: {_reason(exc)}") from None
    except BaseException:
        os.close(descriptor)
        raise
    return handle, info.st_size


def read_bytes(
    path: Path,
    *,
    max_bytes: int,
    what: str = "file",
    missing: type[TokxError] = DataError,
    missing_hint: str = "",
) -> bytes:
    """The whole content of a regular file of at most ``max_bytes`` (a file that grows past the
    limit while it is read is refused too)."""
    handle, _ = open_regular(
        path, what=what, max_bytes=max_bytes, missing=missing, missing_hint=missing_hint
    )
    chunks: list[bytes] = []
    size = 0
    with handle:
        try:
            while True:
                chunk = handle.read(min(_READ_CHUNK, max_bytes + 1 - size))
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise DataError(f"{path}: file grew over the {max_bytes:,}-byte limit")
                chunks.append(chunk)
        except OSError as exc:
            raise DataError(f"{path}: cannot read: {_reason(exc)}") from None
    return b"".join(chunks)


def read_head(path: Path, size: int, *, what: str = "file") -> bytes:
    """The first ``size`` bytes of a regular file (to tell binary from text, or a format)."""
    handle, _ = open_regular(path, what=what)
    with handle:
        try:
            return handle.read(size)
        except OSError as exc:
            raise DataError(f"{path}: cannot read: {_reason(exc)}") from None


def read_text(path: Path, *, max_bytes: int, what: str = "file") -> str:
    """A UTF-8 text file, checked as ``read_bytes`` does; bad UTF-8 is a DataError."""
    data = read_bytes(path, max_bytes=max_bytes, what=what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not valid UTF-8 (byte {exc.start})") from None


def read_cache(path: Path, *, max_bytes: int) -> bytes | None:
    """A cache file's content, or None when it is missing, not a regular file (a FIFO there
    would block, a link to a device never end), over ``max_bytes`` or unreadable: a cache
    that cannot be read is only a miss."""
    try:
        return read_bytes(path, max_bytes=max_bytes, what="cache file")
    except TokxError:
        return None


#: The longest line a line-by-line reader (JSONL, CSV, TSV) takes; a longer one is a broken
#: file, not a record, and is never held in memory whole.
MAX_LINE_BYTES = 64 * 1024 * 1024


def line_limit_problem() -> str:
    return f"line longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB"


def open_text(path: Path, *, what: str = "file", encoding: str = "utf-8") -> TextIO:
    """``open_regular`` as text: bad UTF-8 replaced, newlines as they are (for ``csv``)."""
    handle, _ = open_regular(path, what=what)
    return io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline="")


def bounded_lines(handle: TextIO, path: Path) -> Iterator[str]:
    """The lines of ``handle``, each read with a bound: a line over ``MAX_LINE_BYTES`` is a
    DataError naming ``path:line`` after reading at most that much of it."""
    limit = MAX_LINE_BYTES
    number = 0
    try:
        while line := handle.readline(limit + 1):
            number += 1
            if len(line) > limit:
                raise DataError(located(path, number, None, line_limit_problem()))
            yield line
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {_reason(exc)}") from None


class CsvRows:
    """The rows of a CSV/TSV file read through ``bounded_lines``; malformed CSV (a field over
    the ``csv`` module's size limit) is a DataError naming ``path:line``."""

    def __init__(self, handle: TextIO, path: Path, dialect: str = "excel") -> None:
        self.path = path
        self._reader = csv.reader(bounded_lines(handle, path), dialect=dialect)

    @property
    def line_num(self) -> int:
        return self._reader.line_num

    def __iter__(self) -> CsvRows:
        return self

    def __next__(self) -> list[str]:
        try:
            return next(self._reader)
        except csv.Error as exc:
            problem = f"not valid CSV: {exc}"
            raise DataError(located(self.path, self._reader.line_num, None, problem)) from None

    def dicts(self, headers: list[str]) -> Iterator[dict[str, str]]:
        """The remaining rows as header -> cell (``csv.DictReader`` without its blank rows;
        a short row leaves its last headers out)."""
        for row in self:
            if row:
                yield dict(zip(headers, row, strict=False))


def csv_header(path: Path, *, dialect: str = "excel", what: str = "file") -> list[str]:
    """The first row of a CSV/TSV file, stripped (``[]`` for an empty file), read bounded."""
    with open_text(path, what=what) as handle:
        return [name.strip() for name in next(CsvRows(handle, path, dialect), [])]
