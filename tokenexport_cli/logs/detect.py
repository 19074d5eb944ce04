"""Read log files into a usage table: expand paths, pick each file's format (or take the one
forced), read it line by line in bounded memory, and turn bad lines into one clear error or,
when the rest of the file is valid, a counted skip with a warning."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from tokenexport_cli.errors import DataError, UsageError, located
from tokenexport_cli.inputfile import CsvRows, open_regular, open_text, read_head
from tokenexport_cli.logs.agents import CodexSession, claude_code_line
from tokenexport_cli.logs.exports import (
    ROW_READERS,
    check_columns,
    detect_table,
    mapped_reader,
    unknown_headers,
)
from tokenexport_cli.logs.langfuse import is_observation, observation_record
from tokenexport_cli.logs.otel import otel_records
from tokenexport_cli.logs.record import UsageRecord, UsageTable
from tokenexport_cli.logs.same_files import SameFiles
from tokenexport_cli.logs.text_sample import TextSample, call_text, observation_text
from tokenexport_cli.logs.vendors import LineError, NoUsage, record_from_response
from tokenexport_cli.textfiles import InputWarning, expand_paths, looks_binary
from tokenexport_cli.wording import counted as counted_noun

if TYPE_CHECKING:
    from tokenexport_cli.logs.local_count import LocalCounter

LOG_FORMATS: tuple[str, ...] = (
    "claude-code",
    "codex",
    "otel",
    "openai",
    "anthropic",
    "gemini",
    "langfuse",
    "openrouter-csv",
    "litellm-csv",
)
#: API responses of all three vendors share one reader: their usage fields tell them apart.
API_FORMATS = frozenset({"openai", "anthropic", "gemini"})
MAX_LINE_BYTES = 64 * 1024 * 1024  # the bound chat JSONL inputs have (workload/chat.py)
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024  # a whole-file .json log is read at once: bounded
TABLE_SUFFIXES = frozenset({".csv", ".tsv", ".parquet"})
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
    counted_locally: int = 0  # calls without usage, counted from their request text
    sample: TextSample | None = None  # request text of calls, where the log carries it


def check_log_format(name: str | None) -> None:
    if name is not None and name not in LOG_FORMATS:
        raise UsageError(f"unknown log format '{name}' (choose from {', '.join(LOG_FORMATS)})")


def detect_object(obj: Any) -> str:
    """The format of a file from its first JSON object."""
    if not isinstance(obj, dict):
        raise LineError("expected a JSON object on each line")
    if "resourceSpans" in obj:
        return "otel"
    if is_observation(obj):
        return "langfuse"
    if obj.get("type") in CODEX_TYPES and "payload" in obj:
        return "codex"
    if obj.get("type") in CLAUDE_CODE_TYPES and ("uuid" in obj or "sessionId" in obj):
        return "claude-code"
    if obj.get("type") == "summary" and "leafUuid" in obj:
        return "claude-code"
    return "openai"  # an API response, bare, paired or batched: its usage tells whose


class _FileReader:
    """State while reading one file: line numbers, the first bad line, records added."""

    def __init__(
        self,
        path: Path,
        table: UsageTable,
        counter: LocalCounter | None,
        sample: TextSample | None = None,
    ) -> None:
        self.path = path
        self.table = table
        self.counter = counter
        self.sample = sample
        self.records = 0
        self.lines = 0
        self.bad = 0
        self.first_bad: tuple[int, str] | None = None
        self.vendor: str | None = None  # API responses: whose they turned out to be

    def fail(self, line: int, problem: str) -> None:
        self.bad += 1
        if self.first_bad is None:
            self.first_bad = (line, problem)

    def add(self, record: UsageRecord | None) -> bool:
        """Add a call; True when it is a new one (not a call already read)."""
        if record is None:
            return False
        rows = len(self.table)
        self.table.add(record)
        self.records += 1
        return len(self.table) > rows

    def offer_text(self, text_of: Any, obj: Any) -> None:
        """The request text of the call just added, into the sample if its reservoir keeps
        it (decided before the text is taken out of ``obj``)."""
        if self.sample is not None:
            source = self.table.source[-1]
            slot = self.sample.slot(source)
            if slot is not None:
                self.sample.put(source, slot, text_of(obj))

    def add_response(self, obj: Any, fmt: str) -> None:
        """An API response's record; a request without usage counted from its text."""
        try:
            found = record_from_response(obj)
        except NoUsage:
            if self.counter is None:
                raise
            found = self.counter.record(obj)
            has_text = True
        else:
            has_text = "request" in obj
            if found is not None and self.counter is not None and has_text:
                found = self.counter.with_request(found, obj)
        if found is not None and self.vendor is None:
            self.vendor = VENDOR_FORMATS.get(found.provider or "", fmt)
        if self.add(found) and has_text:
            self.offer_text(call_text, obj)


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Non-blank lines, as they are (JSON decoding ignores the surrounding whitespace; not
    stripping saves copying every line of a gigabyte log). A line longer than
    ``MAX_LINE_BYTES`` is a broken file, not a call: an error naming it."""
    handle, _ = open_regular(path, what="log file", buffering=1 << 20)
    with handle:
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
            elif fmt == "langfuse":
                if reader.add(observation_record(obj)):
                    reader.offer_text(observation_text, obj)
            else:
                reader.add_response(obj, fmt)
        except (LineError, msgspec.DecodeError) as exc:
            reader.fail(number, str(exc))
        except RecursionError:  # msgspec's own depth limit: a hostile line, not a call
            reader.fail(number, "JSON nested too deeply")
    return reader.vendor or fmt or "openai"


def document_bytes(path: Path) -> bytes:
    from tokenexport_cli.inputfile import read_bytes

    return read_bytes(path, max_bytes=MAX_DOCUMENT_BYTES, what="log file")


def _read_json_document(reader: _FileReader) -> str:
    """A whole-file JSON document: an OTLP export, one response, or a list of responses."""
    try:
        document = msgspec.json.decode(document_bytes(reader.path))
    except msgspec.DecodeError as exc:
        raise DataError(located(reader.path, None, None, f"not JSON: {exc}")) from None
    except RecursionError:
        raise DataError(located(reader.path, None, None, "JSON nested too deeply")) from None
    if isinstance(document, dict) and isinstance(document.get("data"), list):
        document = document["data"]  # a Langfuse API page: {"data": [...], "meta": {...}}
    items = document if isinstance(document, list) else [document]
    fmt = "openai"
    for index, item in enumerate(items, start=1):
        reader.lines += 1
        try:
            fmt = detect_object(item)
            if fmt == "otel":
                for record in otel_records(item):
                    reader.add(record)
            elif fmt == "langfuse":
                if reader.add(observation_record(item)):
                    reader.offer_text(observation_text, item)
            else:
                reader.add_response(item, fmt)
        except LineError as exc:
            reader.fail(index, str(exc))
    return reader.vendor or fmt


def _read_table(reader: _FileReader, forced: str | None, columns: Mapping[str, str] | None) -> str:
    if reader.path.suffix.lower() == ".parquet":
        from tokenexport_cli.logs.parquet import parquet_rows

        headers, cells = parquet_rows(reader.path)
        return _read_rows(reader, forced, columns, headers, cells)
    with open_text(reader.path, what="log file") as handle:
        dialect = "excel-tab" if reader.path.suffix.lower() == ".tsv" else "excel"
        rows = CsvRows(handle, reader.path, dialect)
        headers = [name.strip() for name in next(rows, [])]
        return _read_rows(reader, forced, columns, headers, rows.dicts(headers))


def _read_rows(
    reader: _FileReader,
    forced: str | None,
    columns: Mapping[str, str] | None,
    headers: list[str],
    rows: Iterator[Mapping[str, str | None]],
) -> str:
    """Rows of a CSV/TSV or Parquet table, by the user's column roles or a known header set."""
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
    for number, row in enumerate(rows, start=2):
        reader.lines += 1
        try:
            reader.add(read_row(row))  # type: ignore[arg-type]  # Parquet nulls read as absent
        except LineError as exc:
            reader.fail(number, str(exc))
    return fmt


def _read_file(
    path: Path,
    table: UsageTable,
    forced: str | None,
    columns: Mapping[str, str] | None,
    counter: LocalCounter | None,
    sample: TextSample | None = None,
) -> tuple[str, _FileReader]:
    reader = _FileReader(path, table, counter, sample)
    suffix = path.suffix.lower()
    if (
        columns
        or forced in ("openrouter-csv", "litellm-csv")
        or (suffix in TABLE_SUFFIXES and forced in (None, *ROW_READERS))
    ):
        return _read_table(reader, forced, columns), reader
    if forced in (None, "langfuse") and suffix == ".json":
        return _read_json_document(reader), reader
    fmt = None if forced is None else ("openai" if forced in API_FORMATS else forced)
    return _read_jsonl(reader, fmt), reader


LogGroup = tuple[Sequence[Path | str], Mapping[str, str] | None]


def read_logs(
    paths: Sequence[Path | str],
    log_format: str | None = None,
    columns: Mapping[str, str] | None = None,
    counter: LocalCounter | None = None,
) -> LogRead:
    """Every record of every log file under ``paths``; the same file named twice (or a copy of
    it: the same size and sha256) is read once, with a warning.
    ``columns`` maps roles to the headers of a CSV/TSV table in no known format; ``counter``
    counts requests that record no usage from their text (without it they are bad lines)."""
    return read_log_groups([(paths, columns)], log_format, counter)


def read_log_groups(
    groups: Sequence[LogGroup], log_format: str | None = None, counter: LocalCounter | None = None
) -> LogRead:
    """``read_logs`` over several groups of paths, each with its own column mapping (a
    workload's ``inputs``), into one table."""
    check_log_format(log_format)
    for _, columns in groups:
        if columns:
            check_columns(columns)
    table = UsageTable()
    sample = TextSample()
    files: dict[str, str] = {}
    warnings: list[InputWarning] = []
    seen = SameFiles()
    lines = skipped = 0
    special: list[Path] = []
    for paths, columns in groups:
        for path in expand_paths(list(paths), special=special):
            repeat = seen.repeat(path)
            if repeat is not None:
                warnings.append(repeat)
                continue
            head = read_head(path, 8192, what="log file")
            if not head.strip():
                warnings.append(InputWarning(str(path), "empty", f"{path}: empty log file"))
                continue
            if looks_binary(head) and not _binary_table(path):
                warnings.append(
                    InputWarning(str(path), "binary", f"{path}: binary file, not a log")
                )
                continue
            fmt, reader = _read_file(path, table, log_format, columns, counter, sample)
            files[str(path)] = fmt
            lines += reader.lines
            if counter is not None:
                warnings += counter.take_warnings(str(path))
            skipped += _report_bad_lines(reader, warnings)
    if special:  # a FIFO or a link to /dev/urandom in a logs folder: never opened
        from tokenexport_cli.textfiles import special_files_warning

        warnings.append(special_files_warning(special, "log folders"))
    if not len(table):
        every = [str(path) for paths, _ in groups for path in paths]
        raise DataError("no API call with recorded usage found in " + ", ".join(every))
    counted = counter.total if counter is not None else 0
    if table.batch_paired:
        counted = max(0, counted - table.batch_paired)
        warnings.append(
            InputWarning(
                "logs",
                "counted_locally",
                f"{counted_noun(table.batch_paired, 'batch request')} without usage paired by custom_id with "
                "their recorded results in an output file: each counted once, as recorded",
                table.batch_paired,
            )
        )
    return LogRead(table, files, lines, skipped, tuple(warnings), counted, sample)


def _binary_table(path: Path) -> bool:
    """Binary files tokx reads as tables (Parquet)."""
    return path.suffix.lower() == ".parquet"


def _report_bad_lines(reader: _FileReader, warnings: list[InputWarning]) -> int:
    """Bad lines of one file: an error when nothing else in it could be read, else a counted
    skip with a warning. Returns the lines skipped."""
    if reader.first_bad is None:
        return 0
    line, problem = reader.first_bad
    path = reader.path
    if reader.records == 0:
        raise DataError(located(path, line, None, problem))
    warnings.append(
        InputWarning(
            str(path),
            "skipped_lines",
            f"{path}: skipped {reader.bad} of {reader.lines} lines that could not be read "
            f"(first: line {line}: {problem})",
            reader.bad,
        )
    )
    return reader.bad
