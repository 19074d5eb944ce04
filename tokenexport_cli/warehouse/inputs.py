"""Which engine reads a replay's input: a saved aggregate as it is; a usage table (Parquet; CSV,
TSV or JSONL rows in a known column layout) in DuckDB when it is Parquet or at least
``DUCKDB_FROM_BYTES`` in all, or when asked; everything else (API logs, session logs, smaller
tables) on the Python path, whose readers also de-duplicate calls logged twice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from tokenexport_cli.errors import InvalidValue
from tokenexport_cli.warehouse.engine import CSV, JSONL, PARQUET

if TYPE_CHECKING:
    from tokenexport_cli.logs.local_count import LocalCounter
    from tokenexport_cli.textfiles import InputWarning
    from tokenexport_cli.warehouse.summary import Traffic


@dataclass(frozen=True)
class TrafficSource:
    """What a replay reads: log paths (or a saved aggregate), and how."""

    paths: tuple[Path, ...]
    aggregate: Path | None = None
    engine: str = "auto"
    columns: Mapping[str, str] | None = None
    log_format: str | None = None
    counter: LocalCounter | None = None  # counts calls that record no usage from their text


#: usage tables from this size (all files together) go to DuckDB (README "Warehouse-scale
#: replay"); Parquet always does
DUCKDB_FROM_BYTES = 64 * 1024 * 1024
TABLE_LOG_FORMATS = frozenset({"openrouter-csv", "litellm-csv"})


def _headers(path: Path) -> list[str] | None:
    """A table file's column names, or None when it is not a flat table."""
    from tokenexport_cli.inputfile import bounded_lines, csv_header, open_text

    suffix = path.suffix.lower()
    if suffix in CSV:
        return csv_header(path, dialect="excel-tab" if suffix == ".tsv" else "excel")
    if suffix in JSONL:
        with open_text(path, what="log file") as handle:
            for raw in bounded_lines(handle, path):
                if raw.strip():
                    try:
                        first: Any = msgspec.json.decode(raw)
                    except (msgspec.DecodeError, RecursionError):
                        return None  # not a flat table; the log readers say why
                    if isinstance(first, dict) and not any(
                        isinstance(value, dict | list) for value in first.values()
                    ):
                        return [str(key) for key in first]
                    return None
    return None


def _table_kind(path: Path, columns: Mapping[str, str] | None, log_format: str | None) -> str:
    """'parquet', 'known' (a table the Python readers read too), 'new' (a table only the
    DuckDB mapping reads) or 'log'."""
    from tokenexport_cli.logs.exports import detect_table
    from tokenexport_cli.warehouse.mapping import is_otel_table

    suffix = path.suffix.lower()
    if suffix in PARQUET:
        return "parquet"
    headers = _headers(path)
    if headers is None:
        return "log"
    python_reads = suffix in CSV
    if columns or log_format in TABLE_LOG_FORMATS or detect_table(headers):
        return "known" if python_reads else "new"
    if log_format is None and is_otel_table(headers):
        return "new"
    return "log"


def open_traffic(request: TrafficSource) -> Traffic:
    from tokenexport_cli.logs.same_files import distinct_files
    from tokenexport_cli.textfiles import expand_paths

    if request.aggregate is not None:
        from tokenexport_cli.warehouse.aggregate import AggregateTraffic

        if request.paths:
            raise InvalidValue("give log files or a saved aggregate, not both", "aggregate")
        return AggregateTraffic(request.aggregate)
    if not request.paths:
        raise InvalidValue("no log file given", "paths")
    files, repeats = distinct_files(expand_paths(list(request.paths)))
    columns = request.columns or None
    kinds = [_table_kind(path, columns, request.log_format) for path in files]
    tables = bool(files) and "log" not in kinds
    engine = request.engine
    if engine == "auto":
        size = sum(path.stat().st_size for path in files)
        big = "parquet" in kinds or size >= DUCKDB_FROM_BYTES
        engine = "duckdb" if tables and big else "python"
    if engine == "duckdb":
        if not tables:
            log = files[kinds.index("log")] if files else request.paths[0]
            raise InvalidValue(
                f"{log}: not a usage table (DuckDB reads Parquet, and CSV or JSONL tables in a "
                "known column layout or mapped with columns); read it on the Python path",
                "engine",
            )
        from dataclasses import replace

        from tokenexport_cli.warehouse.engine import DuckTraffic

        traffic = DuckTraffic(files, columns)
        if repeats:  # read once; the Python readers say so themselves
            traffic.summary = replace(
                traffic.summary, warnings=(*repeats, *traffic.summary.warnings)
            )
        return traffic
    return _python_traffic(request, files, kinds, tables, repeats)


def _python_traffic(
    request: TrafficSource,
    files: Sequence[Path],
    kinds: list[str],
    tables: bool,
    repeats: Sequence[InputWarning],
) -> Traffic:
    from tokenexport_cli.logs.detect import LogRead, read_logs
    from tokenexport_cli.warehouse.summary import LogTraffic

    if tables and any(kind in ("parquet", "new") for kind in kinds):
        # tables only the SQL mapping reads: rows fetched through DuckDB, summed in Python
        from tokenexport_cli.logs.record import UsageTable
        from tokenexport_cli.warehouse.engine import DuckTable

        duck = DuckTable(files, request.columns or None)
        try:
            summary = duck.summary()
            table = UsageTable()
            duck.into(table)
        finally:
            duck.close()
        skipped = sum(warning.count or 0 for warning in summary.warnings)
        warnings = (*repeats, *summary.warnings)
        read = LogRead(table, summary.files, len(table) + skipped, skipped, warnings)
        return LogTraffic(read)
    return LogTraffic(
        read_logs(request.paths, request.log_format, request.columns or None, request.counter)
    )
