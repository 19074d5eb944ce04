"""Text inputs, shared by the tokens and workload stages: expand files, folders and globs, tell
binary from text, decode UTF-8 counting bad bytes, and the one warning type about an input."""

from __future__ import annotations

import codecs
import glob as globbing
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tokenexport_cli.errors import UsageError

BINARY_SNIFF_BYTES = 8 * 1024
WarningKind = Literal[
    "binary",
    "invalid_utf8",
    "empty",
    "non_text",
    "skipped_lines",
    "counted_locally",
    "duplicate_file",
    "special_file",
]


@dataclass(frozen=True, slots=True)
class InputWarning:
    """Something a user should know about an input; returned as data, never printed by the core."""

    source: str
    kind: WarningKind
    message: str
    count: int = 0


def special_files_warning(special: Sequence[Path], where: str) -> InputWarning:
    """The one warning about FIFOs, devices and sockets found in folders and skipped."""
    noun = "such file" if len(special) == 1 else "such files"
    return InputWarning(
        str(special[0]),
        "special_file",
        f"{special[0]}: a FIFO, device or socket in the {where}, skipped "
        f"({len(special)} {noun} in all)",
        len(special),
    )


def looks_binary(head: bytes) -> bool:
    """True when the first bytes of an input contain a NUL byte (how git and grep decide)."""
    return b"\x00" in head[:BINARY_SNIFF_BYTES]


_errors = threading.local()


def _replace_and_count(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _errors.count = getattr(_errors, "count", 0) + 1
    return ("\ufffd", exc.end)


codecs.register_error("tokx-replace-count", _replace_and_count)


def decode_utf8(data: bytes) -> tuple[str, int]:
    """Decode UTF-8 like ``errors="replace"`` and return how many invalid sequences were replaced."""
    _errors.count = 0
    text = data.decode("utf-8", "tokx-replace-count")
    return text, _errors.count


def _hidden(name: str) -> bool:
    return name.startswith(".")


def walk_directory(directory: Path, special: list[Path] | None = None) -> list[Path]:
    """Regular files under ``directory``, sorted, leaving out hidden files and directories;
    FIFOs, devices and sockets (or links to them) are never read, and go to ``special``."""
    found: list[Path] = []
    for root, dirs, names in os.walk(directory):
        dirs[:] = sorted(name for name in dirs if not _hidden(name))
        found.extend(Path(root) / name for name in sorted(names) if not _hidden(name))
    files = [path for path in found if path.is_file()]
    if special is not None and len(files) < len(found):
        special.extend(path for path in found if not path.is_file() and os.path.exists(path))
    return files


def expand_path(path: Path, special: list[Path] | None = None) -> list[Path]:
    """One file, or every file of a directory; empty if the path does not exist. A FIFO,
    device or socket (given, or in the directory) is never read, and goes to ``special``."""
    if path.is_dir():
        return walk_directory(path, special)
    if path.is_file():
        return [path]
    if special is not None and os.path.exists(path):
        special.append(path)
    return []


def expand_glob(pattern: str, base: Path, special: list[Path] | None = None) -> list[Path]:
    """Files matching ``pattern`` (``**`` recurses), relative to ``base`` unless absolute;
    a matched directory contributes all its files. Special files matched go to ``special``."""
    matches = sorted(globbing.glob(pattern, root_dir=base, recursive=True))
    files: list[Path] = []
    seen: set[Path] = set()
    for match in matches:
        for path in expand_path(base / match, special):
            if path not in seen:
                seen.add(path)
                files.append(path)
    return files


def expand_paths(
    paths: Sequence[Path | str], base: Path | None = None, special: list[Path] | None = None
) -> list[Path]:
    """Files named, found under folders or matched by globs, in the order given; a path that
    matches nothing is an error naming it. Special files found in folders go to ``special``."""
    found: list[Path] = []
    here = base or Path(".")
    for raw in paths:
        path = Path(raw) if base is None or Path(raw).is_absolute() else base / raw
        if path.is_dir() or path.is_file():
            found.extend(expand_path(path, special))
        elif os.path.exists(path):  # a FIFO, device or socket: never read (inputfile)
            from tokenexport_cli.inputfile import special_kind

            raise UsageError(f"{raw}: is {special_kind(path)}, expected a file")
        elif globbing.has_magic(str(raw)):
            files = expand_glob(str(raw), here, special)
            if not files:
                raise UsageError(f"{raw}: no files match this pattern")
            found.extend(files)
        else:
            raise UsageError(f"{raw}: no such file or directory")
    return found
