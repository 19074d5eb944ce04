"""Atomic file writes: temporary file in the same folder, fsync, rename over the target."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


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


def write_cache(path: Path, data: bytes) -> bool:
    """Best effort, for caches: atomic, and a cache that cannot be written only costs speed."""
    try:
        write_atomic(path, data, make_parents=True)
    except OSError:
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
