"""Text-file inputs: resolve paths, directories and globs, and read one file as one request."""

from __future__ import annotations

import glob as globbing
import os
from pathlib import Path

from tokenexport_cli.errors import DataError
from tokenexport_cli.workload.request import Request, WorkloadWarning

BINARY_SNIFF_BYTES = 8 * 1024
# Larger files are not read here but counted by path, streamed, by the tokens stage.
INLINE_TEXT_BYTES = 16 * 1024 * 1024
_REPLACEMENT = "\ufffd"
_REPLACEMENT_BYTES = _REPLACEMENT.encode()


def _hidden(name: str) -> bool:
    return name.startswith(".")


def walk_directory(directory: Path) -> list[Path]:
    """Regular files under ``directory``, sorted, leaving out hidden files and directories."""
    found: list[Path] = []
    for root, dirs, names in os.walk(directory):
        dirs[:] = sorted(name for name in dirs if not _hidden(name))
        found.extend(Path(root) / name for name in sorted(names) if not _hidden(name))
    return [path for path in found if path.is_file()]


def expand_path(path: Path) -> list[Path]:
    """One file, or every file of a directory; empty if the path does not exist."""
    if path.is_dir():
        return walk_directory(path)
    return [path] if path.is_file() else []


def expand_glob(pattern: str, base: Path) -> list[Path]:
    """Files matching ``pattern`` (``**`` recurses), relative to ``base`` unless absolute;
    a matched directory contributes all its files."""
    matches = sorted(globbing.glob(pattern, root_dir=base, recursive=True))
    files: list[Path] = []
    seen: set[Path] = set()
    for match in matches:
        for path in expand_path(base / match):
            if path not in seen:
                seen.add(path)
                files.append(path)
    return files


def decode_text(data: bytes) -> tuple[str, int]:
    """Decode UTF-8, replacing invalid sequences; also return how many were replaced."""
    try:
        return data.decode("utf-8"), 0
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        return text, text.count(_REPLACEMENT) - data.count(_REPLACEMENT_BYTES)


def read_text_request(path: Path, warnings: list[WorkloadWarning]) -> Request | None:
    """One file as one request, or None (with a warning) if it is binary or empty."""
    source = str(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(BINARY_SNIFF_BYTES)
            if b"\0" in head:
                warnings.append(WorkloadWarning(source, "binary", f"{source}: binary file skipped"))
                return None
            if not head:
                warnings.append(WorkloadWarning(source, "empty", f"{source}: empty file skipped"))
                return None
            if size > INLINE_TEXT_BYTES:
                return Request(source=source, path=path, streamed=True)
            data = head + handle.read()
    except OSError as exc:
        raise DataError(f"{source}: cannot read: {exc.strerror or exc}") from None
    text, replaced = decode_text(data)
    if replaced:
        warnings.append(
            WorkloadWarning(
                source,
                "invalid_utf8",
                f"{source}: {replaced} invalid UTF-8 sequence(s) replaced",
                replaced,
            )
        )
    return Request(source=source, parts=(text,), path=path)
