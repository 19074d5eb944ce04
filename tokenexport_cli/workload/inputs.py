"""Resolve a workload's input sources to files and stream their requests, collecting warnings."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tokenexport_cli.errors import DataError
from tokenexport_cli.inputfile import special_kind
from tokenexport_cli.textfiles import special_files_warning
from tokenexport_cli.workload.chat import read_chat_jsonl
from tokenexport_cli.workload.files import expand_glob, expand_path, read_text_request
from tokenexport_cli.workload.request import Request, WorkloadWarning
from tokenexport_cli.workload.usage_csv import read_usage_csv

InputKind = Literal["text", "chat_jsonl", "usage_csv", "logs"]
CHAT_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True)
class ResolvedInput:
    """One input source of a workload, resolved to the files it reads, in order."""

    kind: InputKind
    label: str
    files: tuple[Path, ...]
    columns: tuple[tuple[str, str], ...] = ()  # logs tables: role -> header
    special: tuple[Path, ...] = ()  # FIFOs, devices, sockets found and skipped (a warning)

    @property
    def records_usage(self) -> bool:
        return self.kind != "text"


class ResolveError(Exception):
    """A source names nothing; the caller turns this into a located message."""


def resolve(kind: str, value: str, base: Path) -> ResolvedInput:
    """Resolve one source (``path``, ``glob``, ``chat_jsonl`` or ``usage_csv``) against ``base``."""
    skipped: list[Path] = []  # special files found, never read
    if kind == "glob":
        files = expand_glob(value, base, skipped)
        if not files:
            raise ResolveError(f"'{value}' matched no files (in {base})")
        return ResolvedInput("text", value, tuple(files), special=tuple(skipped))
    path = base / value
    if not path.exists():
        raise ResolveError(f"'{value}' not found (in {base})")
    special = special_kind(path)  # a FIFO or a device is never read (inputfile)
    folders = kind in ("path", "logs")
    if special is not None and not (folders and path.is_dir()):
        expected = "a file or folder" if folders else "a file"
        raise ResolveError(f"'{value}' is {special}, expected {expected}")
    if folders:
        files = expand_path(path, skipped)
        if not files:
            raise ResolveError(f"'{value}' holds no files")
        if kind == "logs":  # the log reader walks the folder itself (and counts FIFOs in it)
            return ResolvedInput("logs", value, (path,))
        return ResolvedInput("text", value, tuple(files), special=tuple(skipped))
    return ResolvedInput("chat_jsonl" if kind == "chat_jsonl" else "usage_csv", value, (path,))


def guess_input(value: str, base: Path) -> ResolvedInput:
    """A quick-form ``--input``: ``.jsonl``/``.ndjson`` files are chat logs, anything else is
    text; a value that is not an existing path but has glob characters is a glob."""
    path = base / value
    if path.is_file() and path.suffix.lower() in CHAT_SUFFIXES:
        return resolve("chat_jsonl", value, base)
    if not path.exists() and any(char in value for char in "*?["):
        return resolve("glob", value, base)
    return resolve("path", value, base)


def _requests_of(
    item: ResolvedInput, path: Path, warnings: list[WorkloadWarning]
) -> Iterator[Request]:
    if item.kind == "chat_jsonl":
        yield from read_chat_jsonl(path, warnings)
    elif item.kind == "usage_csv":
        yield from read_usage_csv(path, warnings)
    elif item.kind == "logs":
        raise DataError(
            f"{item.label}: logs are priced from their recorded usage, not counted as "
            "text (estimate, recommend, check and report read them; tokx replay too)"
        )
    else:
        request = read_text_request(path, warnings)
        if request is not None:
            yield request


class RequestStream:
    """The requests of a workload, read lazily, one at a time, in input order.

    Iterate it once. ``warnings`` fills as it goes (skipped binary files, replaced invalid UTF-8,
    uncounted images); ``count`` is the number yielded so far; ``per_file`` lists each file that
    yielded requests, with how many, in order. Reaching the end without a single request raises DataError: a workload with nothing to count is an error, not a zero.
    """

    def __init__(self, inputs: Sequence[ResolvedInput], origin: str) -> None:
        self.inputs = tuple(inputs)
        self.origin = origin
        self.warnings: list[WorkloadWarning] = []
        self.count = 0
        self.per_file: list[tuple[Path, int]] = []

    def __iter__(self) -> Iterator[Request]:
        for item in self.inputs:
            if item.special:  # never opened: a FIFO would block, a device never end
                self.warnings.append(special_files_warning(item.special, "workload's inputs"))
            for path in item.files:
                before = self.count
                for request in _requests_of(item, path, self.warnings):
                    self.count += 1
                    yield request
                if self.count > before:
                    self.per_file.append((path, self.count - before))
        if self.count == 0:
            labels = ", ".join(item.label for item in self.inputs)
            skipped = f" ({len(self.warnings)} skipped)" if self.warnings else ""
            raise DataError(f"{self.origin}: the inputs hold no requests{skipped}: {labels}")
