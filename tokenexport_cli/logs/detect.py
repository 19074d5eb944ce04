"""Read log files into a usage table: expand paths, pick each file's format (or take the one
forced), read it line by line in bounded memory, and turn bad lines into one clear error or,
when the rest of the file is valid, a counted skip with a warning."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import msgspec

from tokenexport_cli.errors import DataError, UsageError, located
from tokenexport_cli.logs.agents import CodexSession, claude_code_line
from tokenexport_cli.logs.exports import (
    ROW_READERS,
    check_columns,
    detect_table,
    mapped_reader,
    unknown_headers,
)
from tokenexport_cli.logs.otel import otel_records
from tokenexport_cli.logs.record import UsageRecord, UsageTable
from tokenexport_cli.logs.vendors import LineError, record_from_response
from tokenexport_cli.textfiles import InputWarning, expand_paths, looks_binary

LogFormat = Literal[
    "claude-code", "codex", "otel", "openai", "anthropic", "gemini", "openrouter-csv", "litellm-csv"
]
LOG_FORMATS: tuple[str, ...] = (
    "claude-code",
    "codex",
    "otel",
    "openai",
    "anthropic",
    "gemini",
    "openrouter-csv",
    "litellm-csv",
)
#: API responses of all three vendors share one reader: their usage fields tell them apart.
API_FORMATS = frozenset({"openai", "anthropic", "gemini"})
MAX_LINE_BYTES = 64 * 1024 * 1024  # the bound chat JSONL inputs have (workload/chat.py)
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024  # a whole-file .json log is read at once: bounded
TABLE_SUFFIXES = frozenset({".csv", ".tsv"})
CLAUDE_CODE_TYPES = frozenset({"user", "assistant", "summary", "system", "file-history-snapshot"})
VENDOR_FORMATS = {"openai": "openai", "anthropic": "anthropic", "google": "gemini"}
CODEX_TYPES = frozenset({"session_meta", "turn_context", "event_msg", "response_item"})


@dataclass(frozen=True)
class LogRead:
    """What reading the logs gave: the records, which format each file had, and warnings."""

    table: UsageTable
    files: dict[str, str]  # file -> format
    lines: int
    skipped: int
    warnings: tuple[InputWarning, ...]


def check_log_format(name: str | None) -> None:
    if name is not None and name not in LOG_FORMATS:
        raise UsageError(f"unknown log format '{name}' (choose from {', '.join(LOG_FORMATS)})")


def detect_object(obj: Any) -> str:
    """The format of a file from its first JSON object."""
    if not isinstance(obj, dict):
        raise LineError("expected a JSON object on each line")
    if "resourceSpans" in obj:
        return "otel"
    if obj.get("type") in CODEX_TYPES and "payload" in obj:
        return "codex"
    if obj.get("type") in CLAUDE_CODE_TYPES and ("uuid" in obj or "sessionId" in obj):
        return "claude-code"
    if obj.get("type") == "summary" and "leafUuid" in obj:
        return "claude-code"
    return "openai"  # an API response, bare, paired or batched: its usage tells whose


class _FileReader:
    """State while reading one file: line numbers, the first bad line, records added."""

    def __init__(self, path: Path, table: UsageTable) -> None:
        self.path = path
        self.table = table
        self.records = 0
        self.lines = 0
        self.bad = 0
        self.first_bad: tuple[int, str] | None = None
        self.vendor: str | None = None  # API responses: whose they turned out to be

    def fail(self, line: int, problem: str) -> None:
        self.bad += 1
        if self.first_bad is None:
            self.first_bad = (line, problem)

    def add(self, record: UsageRecord | None) -> None:
        if record is not None:
            self.table.add(record)
            self.records += 1


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Non-blank lines, as they are (JSON decoding ignores the surrounding whitespace; not
    stripping saves copying every line of a gigabyte log). A line longer than
    ``MAX_LINE_BYTES`` is a broken file, not a call: an error naming it."""
    with path.open("rb", buffering=1 << 20) as handle:
        number = 0
        while raw := handle.readline(MAX_LINE_BYTES + 1):
            number += 1
            if len(raw) > MAX_LINE_BYTES:
                raise DataError(located(path, number, None, "line longer than 64 MiB"))
            if not raw.isspace():
                yield number, raw


def _read_jsonl(reader: _FileReader, fmt: str | None) -> str:
    decode = msgspec.json.decode
    codex = CodexSession()
    for number, line in _lines(reader.path):
        reader.lines += 1
        try:
            if fmt == "claude-code":
                reader.records += claude_code_line(line, reader.table)
                continue
            obj = decode(line)
            if fmt is None:
                fmt = detect_object(obj)
                if fmt == "claude-code":
                    reader.records += claude_code_line(line, reader.table)
                    continue
            if not isinstance(obj, dict):
                raise LineError("expected a JSON object")
            if fmt == "otel":
                for record in otel_records(obj):
                    reader.add(record)
            elif fmt == "codex":
                reader.add(codex.record(obj))
            else:
                found = record_from_response(obj)
                if found is not None and reader.vendor is None:
                    reader.vendor = VENDOR_FORMATS.get(found.provider or "", fmt)
                reader.add(found)
        except (LineError, msgspec.DecodeError) as exc:
            reader.fail(number, str(exc))
        except RecursionError:  # msgspec's own depth limit: a hostile line, not a call
            reader.fail(number, "JSON nested too deeply")
    return reader.vendor or fmt or "openai"


def _document(path: Path) -> bytes:
    from tokenexport_cli.inputfile import read_bytes

    return read_bytes(path, max_bytes=MAX_DOCUMENT_BYTES, what="log file")


def _read_json_document(reader: _FileReader) -> str:
    """A whole-file JSON document: an OTLP export, one response, or a list of responses."""
    try:
        document = msgspec.json.decode(_document(reader.path))
    except msgspec.DecodeError as exc:
        raise DataError(located(reader.path, None, None, f"not JSON: {exc}")) from None
    except RecursionError:
        raise DataError(located(reader.path, None, None, "JSON nested too deeply")) from None
    items = document if isinstance(document, list) else [document]
    fmt = "openai"
    for index, item in enumerate(items, start=1):
        reader.lines += 1
        try:
            fmt = detect_object(item)
            if fmt == "otel":
                for record in otel_records(item):
                    reader.add(record)
            else:
                found = record_from_response(item)
                if found is not None and reader.vendor is None:
                    reader.vendor = VENDOR_FORMATS.get(found.provider or "", fmt)
                reader.add(found)
        except LineError as exc:
            reader.fail(index, str(exc))
    return reader.vendor or fmt


def _read_table(reader: _FileReader, forced: str | None, columns: Mapping[str, str] | None) -> str:
    with reader.path.open(encoding="utf-8", errors="replace", newline="") as handle:
        dialect = "excel-tab" if reader.path.suffix.lower() == ".tsv" else "excel"
        rows = csv.DictReader(handle, dialect=dialect)
        headers = [name.strip() for name in rows.fieldnames or ()]
        if columns:
            try:
                read_row = mapped_reader(columns, headers)
            except LineError as exc:
                raise DataError(located(reader.path, 1, None, str(exc))) from None
            fmt = "columns"
        else:
            found = forced if forced in ROW_READERS else detect_table(headers)
            if found is None:
                raise DataError(located(reader.path, 1, None, unknown_headers(headers)))
            fmt, read_row = found, ROW_READERS[found]
        rows.fieldnames = headers
        for number, row in enumerate(rows, start=2):
            reader.lines += 1
            try:
                reader.add(read_row(row))
            except LineError as exc:
                reader.fail(number, str(exc))
    return fmt


def _read_file(
    path: Path, table: UsageTable, forced: str | None, columns: Mapping[str, str] | None
) -> tuple[str, _FileReader]:
    reader = _FileReader(path, table)
    if (
        columns
        or forced in ROW_READERS
        or (forced is None and path.suffix.lower() in TABLE_SUFFIXES)
    ):
        return _read_table(reader, forced, columns), reader
    if forced is None and path.suffix.lower() == ".json":
        return _read_json_document(reader), reader
    fmt = None if forced is None else ("openai" if forced in API_FORMATS else forced)
    return _read_jsonl(reader, fmt), reader


def read_logs(
    paths: Sequence[Path | str],
    log_format: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> LogRead:
    """Every record of every log file under ``paths``; the same file named twice is read once.
    ``columns`` maps roles to the headers of a CSV/TSV table in no known format."""
    check_log_format(log_format)
    if columns:
        check_columns(columns)
    table = UsageTable()
    files: dict[str, str] = {}
    warnings: list[InputWarning] = []
    seen: set[Path] = set()
    lines = skipped = 0
    for path in expand_paths(list(paths)):
        resolved = path.resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        with path.open("rb") as handle:
            head = handle.read(8192)
        if not head.strip():
            warnings.append(InputWarning(str(path), "empty", f"{path}: empty log file"))
            continue
        if looks_binary(head):
            warnings.append(InputWarning(str(path), "binary", f"{path}: binary file, not a log"))
            continue
        fmt, reader = _read_file(path, table, log_format, columns)
        files[str(path)] = fmt
        lines += reader.lines
        if reader.first_bad is not None:
            line, problem = reader.first_bad
            if reader.records == 0:
                raise DataError(located(path, line, None, problem))
            skipped += reader.bad
            warnings.append(
                InputWarning(
                    str(path),
                    "skipped_lines",
                    f"{path}: skipped {reader.bad} of {reader.lines} lines that could not be read "
                    f"(first: line {line}: {problem})",
                    reader.bad,
                )
            )
    if not len(table):
        raise DataError("no API call with recorded usage found in " + ", ".join(map(str, paths)))
    return LogRead(table, files, lines, skipped, tuple(warnings))


def _first_object(path: Path) -> Any:
    with path.open("rb") as handle:
        while raw := handle.readline(MAX_LINE_BYTES + 1):
            if not raw.isspace():
                try:
                    return msgspec.json.decode(raw)
                except (msgspec.DecodeError, RecursionError):
                    return None
    return None


def is_usage_log(path: Path) -> bool:
    """Whether a file (or every file under a folder) is a log tokx reads usage from, rather
    than sample text or a chat request log: a known export header, an OTLP export, a session
    log, or API responses that record usage."""
    files = [path] if path.is_file() else expand_paths([path]) if path.is_dir() else []
    if not files:
        return False
    for file in files:
        suffix = file.suffix.lower()
        if suffix in TABLE_SUFFIXES:
            with file.open(encoding="utf-8", errors="replace", newline="") as handle:
                headers = next(csv.reader(handle), [])
            if detect_table([name.strip() for name in headers]) is None:
                return False
            continue
        if suffix == ".json":
            try:
                obj = msgspec.json.decode(_document(file))
            except (msgspec.DecodeError, RecursionError):
                return False
        elif suffix in (".jsonl", ".ndjson"):
            obj = _first_object(file)
        else:
            return False
        if not isinstance(obj, dict):
            return False
        if detect_object(obj) == "openai" and not _records_usage(obj):
            return False
    return True


def _records_usage(obj: dict[str, Any]) -> bool:
    body = obj.get("response") if isinstance(obj.get("response"), dict) else obj
    if isinstance(body, dict) and isinstance(body.get("body"), dict):
        body = body["body"]
    result = obj.get("result")
    if isinstance(result, dict) and isinstance(result.get("message"), dict):
        body = result["message"]
    return isinstance(body, dict) and ("usage" in body or "usageMetadata" in body)
