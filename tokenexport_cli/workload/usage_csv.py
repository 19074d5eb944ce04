"""Usage-CSV inputs: one request a row with recorded token counts and no text; header names are
matched case-insensitively against the common spellings in ``COLUMN_NAMES``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from tokenexport_cli.dates import DateProblem
from tokenexport_cli.errors import DataError
from tokenexport_cli.inputfile import CsvRows, open_text
from tokenexport_cli.workload.chat import parse_timestamp
from tokenexport_cli.workload.request import RecordedUsage, Request, WorkloadWarning

# Accepted header names per role, after lower-casing and turning runs of other characters into
# '_' ("Prompt Tokens" and "prompt_tokens_details.cached_tokens" both match). Only the input
# (prompt) tokens column is required.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "model": ("model", "model_name", "model_id", "engine"),
    "prompt_tokens": (
        "prompt_tokens",
        "input_tokens",
        "tokens_in",
        "n_context_tokens_total",
        "prompt",
        "input",
    ),
    "completion_tokens": (
        "completion_tokens",
        "output_tokens",
        "tokens_out",
        "n_generated_tokens_total",
        "completion",
        "output",
    ),
    "cached_tokens": (
        "cached_tokens",
        "prompt_tokens_details_cached_tokens",
        "input_cached_tokens",
        "cached_input_tokens",
        "cache_read_tokens",
        "cache_read_input_tokens",
    ),
    "timestamp": ("timestamp", "time", "created", "created_at", "date", "datetime", "start_time"),
}
REQUIRED_COLUMNS = ("prompt_tokens",)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise_header(name: str) -> str:
    return _NON_WORD.sub("_", name.strip().lower()).strip("_")


def map_columns(header: list[str]) -> dict[str, int]:
    """Role -> column index for the roles this header has (first match wins)."""
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        positions.setdefault(normalise_header(name), index)
    found: dict[str, int] = {}
    for role, names in COLUMN_NAMES.items():
        for name in names:
            if name in positions:
                found[role] = positions[name]
                break
    return found


def _count(cell: str, where: str, column: str, required: bool) -> int | None:
    text = cell.strip().replace(",", "").replace("_", "")
    if not text:
        if required:
            raise DataError(f"{where}: {column}: expected a whole number, got an empty cell")
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value != value.to_integral_value() or value < 0:
        raise DataError(f"{where}: {column}: expected a whole number, got {cell.strip()!r}")
    return int(value)


def read_usage_csv(path: Path, warnings: list[WorkloadWarning]) -> Iterator[Request]:
    """Stream one Request (usage only) per data row; missing columns are a DataError that lists
    the columns the file has."""
    with open_text(path, what="usage CSV file", encoding="utf-8-sig") as handle:
        reader = CsvRows(handle, path)
        header = next(reader, None)
        if header is None:
            raise DataError(f"{path}: empty CSV file, expected a header row")
        columns = map_columns(header)
        missing = [role for role in REQUIRED_COLUMNS if role not in columns]
        if missing:
            wanted = ", ".join(
                f"{role} (or {', '.join(COLUMN_NAMES[role][1:4])})" for role in missing
            )
            has = ", ".join(repr(name) for name in header) or "none"
            raise DataError(f"{path}: missing column {wanted}; the file has columns {has}")
        yield from _rows(path, reader, header, columns)


def _rows(path: Path, reader: Any, header: list[str], columns: dict[str, int]) -> Iterator[Request]:
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        where = f"{path}:{reader.line_num}"

        def cell(role: str, row: list[str] = row) -> str:
            index = columns.get(role)
            return row[index] if index is not None and index < len(row) else ""

        counts = {
            role: _count(cell(role), where, header[columns[role]], role in REQUIRED_COLUMNS)
            for role in ("prompt_tokens", "completion_tokens", "cached_tokens")
            if role in columns
        }
        stamp = cell("timestamp").strip()
        timestamp = None
        if stamp:
            try:
                timestamp = parse_timestamp(stamp)
            except DateProblem as exc:
                raise DataError(f"{where}: {header[columns['timestamp']]}: {exc}") from None
        yield Request(
            source=where,
            usage=RecordedUsage(
                prompt_tokens=counts.get("prompt_tokens"),
                completion_tokens=counts.get("completion_tokens"),
                cached_tokens=counts.get("cached_tokens"),
            ),
            model=cell("model").strip() or None,
            timestamp=timestamp,
        )
