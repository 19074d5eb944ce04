"""Text-file inputs: resolve paths, directories and globs, and read one file as one request."""

from __future__ import annotations

from pathlib import Path

from tokenexport_cli.errors import DataError
from tokenexport_cli.inputfile import open_regular
from tokenexport_cli.textfiles import (
    BINARY_SNIFF_BYTES,
    decode_utf8,
    expand_glob,
    expand_path,
    looks_binary,
)
from tokenexport_cli.workload.request import Request, WorkloadWarning

# Larger files are not read here but counted by path, streamed, by the tokens stage.
INLINE_TEXT_BYTES = 16 * 1024 * 1024


def read_text_request(path: Path, warnings: list[WorkloadWarning]) -> Request | None:
    """One file as one request, or None (with a warning) if it is binary or empty."""
    source = str(path)
    try:
        handle, size = open_regular(path, what="input file")
        with handle:
            head = handle.read(BINARY_SNIFF_BYTES)
            if looks_binary(head):
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
    text, replaced = decode_utf8(data)
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


__all__ = ["expand_glob", "expand_path", "read_text_request"]
