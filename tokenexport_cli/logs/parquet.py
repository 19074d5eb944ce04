"""Parquet tables of usage, read row by row through DuckDB (imported only when a Parquet file is
read), with the same column roles as CSV: a known export's headers, or ``--column``/``columns:``.
Cells arrive as text, as a CSV reader would give them, so every row reader serves both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from tokenexport_cli.errors import DataError, located

#: rows fetched at a time: bounded memory whatever the file's size
BATCH_ROWS = 10_000


def _text(value: Any) -> str | None:
    """A cell as the text a CSV export would hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        # Parquet timestamps without a zone are UTC by the format's convention
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same binary value
    if isinstance(value, int | Decimal | str | dt.date):
        return str(value)
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, default=str)
    return str(value)


def parquet_rows(path: Path) -> tuple[list[str], Iterator[dict[str, str | None]]]:
    """The column names of a Parquet file and its rows as text cells. A file DuckDB cannot read
    as Parquet is a DataError naming it."""
    try:
        import duckdb
    except ImportError:  # pragma: no cover - duckdb is a declared dependency
        raise DataError(located(path, None, None, "reading Parquet needs duckdb")) from None
    connection = duckdb.connect(":memory:")
    try:
        cursor = connection.execute("SELECT * FROM read_parquet(?)", [str(path)])
    except duckdb.Error as exc:
        connection.close()
        problem = str(exc).splitlines()[0][:200]
        raise DataError(
            located(path, None, None, f"not a readable Parquet file ({problem})")
        ) from None
    headers = [str(column[0]).strip() for column in cursor.description or ()]

    def rows() -> Iterator[dict[str, str | None]]:
        try:
            while batch := cursor.fetchmany(BATCH_ROWS):
                for values in batch:
                    yield {name: _text(value) for name, value in zip(headers, values, strict=True)}
        except duckdb.Error as exc:
            problem = str(exc).splitlines()[0][:200]
            raise DataError(located(path, None, None, f"Parquet read failed ({problem})")) from None
        finally:
            connection.close()

    return headers, rows()


def parquet_headers(path: Path) -> list[str]:
    """Only the column names (the file is closed again at once)."""
    headers, rows = parquet_rows(path)
    rows.close()  # type: ignore[attr-defined]
    return headers
