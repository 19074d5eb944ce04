"""The one way tokx opens a user's file for reading: regular files only, size checked from the
file's metadata before reading and again while reading, every OS failure an error naming it."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from tokenexport_cli.errors import DataError, TokxError, UsageError

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
        handle = os.fdopen(descriptor, "rb")
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


def read_text(path: Path, *, max_bytes: int, what: str = "file") -> str:
    """A UTF-8 text file, checked as ``read_bytes`` does; bad UTF-8 is a DataError."""
    data = read_bytes(path, max_bytes=max_bytes, what=what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not valid UTF-8 (byte {exc.start})") from None
