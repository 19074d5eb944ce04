"""Atomic file writes: temporary file in the same folder, fsync, rename over the target."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from tokenexport_cli.errors import TokxError, UsageError


def write_atomic(
    path: Path,
    data: bytes,
    *,
    check: Callable[[Path], object] | None = None,
    make_parents: bool = False,
) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new file, never a part.

    ``check`` runs on the finished temporary file before the rename; if it raises, the target
    is left as it was. ``OSError`` propagates for the caller to report with its own words.
    """
    if make_parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0600 would make it unshareable
        if check is not None:
            check(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_target(
    path: Path,
    data: bytes,
    *,
    label: str,
    check: Callable[[Path], object] | None = None,
    make_parents: bool = False,
) -> None:
    """Write a file a user named (``--output``, a baseline, GITHUB_STEP_SUMMARY ...).

    A regular file (or a new one) is replaced atomically, so a failed write leaves the previous
    file as it was; an existing device or FIFO (``/dev/null``, ``/dev/stdout``) is written in
    place. Every failure (a directory, a missing folder, no permission, a full disk) is one
    UsageError: ``label: cannot write 'path': reason``.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise _cannot_write(label, path, exc) from None
    try:
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise UsageError(f"{label}: cannot write '{path}': it is a directory")
        if info is not None and (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
            _write_in_place(path, data)
            return
        if info is not None and not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{label}: cannot write '{path}': not a regular file")
        folder = path.parent if str(path.parent) else Path(".")
        if not make_parents and not folder.is_dir():
            raise UsageError(f"{label}: folder '{folder}' does not exist")
        write_atomic(path, data, check=check, make_parents=make_parents)
    except OSError as exc:
        raise _cannot_write(label, path, exc) from None


#: A step summary larger than this is not appended to (GitHub itself caps one at 1 MiB).
MAX_APPEND_BYTES = 16 * 1024 * 1024


def append_target(path: Path, data: bytes, *, label: str) -> None:
    """Append to a file a user named, atomically: the old content plus ``data`` replaces it,
    so a full disk leaves the previous content whole. Failures as in ``write_target``."""
    from tokenexport_cli.inputfile import read_bytes

    existing = b""
    if os.path.lexists(path) and not _is_special(path):
        try:
            existing = read_bytes(path, max_bytes=MAX_APPEND_BYTES, what="file")
        except TokxError as exc:
            raise UsageError(f"{label}: {exc.message}") from None
    write_target(path, existing + data, label=label)


def _is_special(path: Path) -> bool:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def _write_in_place(path: Path, data: bytes) -> None:
    # non-blocking open: a FIFO nobody reads is an error (ENXIO), not a hang
    descriptor = os.open(path, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        os.set_blocking(descriptor, True)
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)


def _cannot_write(label: str, path: Path, exc: OSError) -> UsageError:
    return UsageError(f"{label}: cannot write '{path}': {exc.strerror or type(exc).__name__}")


def write_cache(path: Path, data: bytes) -> bool:
    """Best effort, for caches: atomic, and a cache that cannot be written only costs speed;
    the failure is a warning (``progress.warn``), never an error."""
    try:
        write_atomic(path, data, make_parents=True)
    except OSError as exc:
        from tokenexport_cli.progress import warn

        warn(f"cache not written ({path}: {exc.strerror or type(exc).__name__}); continuing")
        return False
    return True


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable where the platform allows it."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
