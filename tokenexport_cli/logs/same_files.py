"""The same log file given twice (the same path, a link to it, or a copy: the same size and
sha256 of content) is read once, with a warning: a table without request ids could not tell
its rows from new calls. Only files of a size already seen are hashed, so a single log costs
nothing extra."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from tokenexport_cli.textfiles import InputWarning


def _sha256(path: Path) -> str:
    from tokenexport_cli.errors import DataError
    from tokenexport_cli.inputfile import open_regular

    digest = hashlib.sha256()
    handle, _ = open_regular(path, what="log file")
    with handle:
        try:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        except OSError as exc:
            raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return digest.hexdigest()


class SameFiles:
    """Files seen so far, by resolved path and by size and content."""

    def __init__(self) -> None:
        self._paths: dict[Path, Path] = {}  # resolved -> as first given
        self._sizes: dict[int, list[Path]] = {}  # size -> resolved paths of that size
        self._digests: dict[Path, str] = {}

    def _digest(self, resolved: Path) -> str:
        if resolved not in self._digests:
            self._digests[resolved] = _sha256(resolved)
        return self._digests[resolved]

    def repeat(self, path: Path) -> InputWarning | None:
        """None for a file not seen yet (now seen); else the warning that it is read once."""
        resolved = path.resolve()
        earlier = self._paths.get(resolved)
        if earlier is not None:
            return InputWarning(
                str(path), "duplicate_file", f"{path}: given more than once: read once", 1
            )
        size = resolved.stat().st_size
        for other in self._sizes.get(size, []) if size else ():
            if self._digest(other) == self._digest(resolved):
                self._paths[resolved] = self._paths[other]
                return InputWarning(
                    str(path),
                    "duplicate_file",
                    f"{path}: the same content as {self._paths[other]} (size and sha256): "
                    "read once",
                    1,
                )
        self._paths[resolved] = path
        self._sizes.setdefault(size, []).append(resolved)
        return None


def distinct_files(files: Sequence[Path]) -> tuple[list[Path], list[InputWarning]]:
    """``files`` without repeats (first copy kept), and a warning per repeat."""
    seen = SameFiles()
    kept: list[Path] = []
    warnings: list[InputWarning] = []
    for path in files:
        warning = seen.repeat(path)
        if warning is None:
            kept.append(path)
        else:
            warnings.append(warning)
    return kept, warnings
