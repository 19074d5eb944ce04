"""The embedded engine: CSV, JSONL and Parquet usage tables read by DuckDB (out of core, on all
cores), summed per source model in one pass and into pricing cells in a second, with the same
cell definition as the Python path. Rows that do not read (a negative or unparseable count, a
timestamp or cost that does not parse, no model) are counted and skipped with a warning naming
the first; a table of nothing else is an error naming it."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from tokenexport_cli.dates import MAX_UNIX_SECONDS
from tokenexport_cli.errors import DataError, located
from tokenexport_cli.logs.record import COUNT_FIELDS, NO_TIME, SourceTotals, UsageTable
from tokenexport_cli.logs.vendors import MAX_TOKEN_COUNT
from tokenexport_cli.textfiles import InputWarning
from tokenexport_cli.warehouse.cells import Cell, CellPlan, Cells
from tokenexport_cli.warehouse.summary import Summary

PARQUET = frozenset({".parquet", ".pq"})
CSV = frozenset({".csv", ".tsv"})
JSONL = frozenset({".jsonl", ".ndjson"})
#: DuckDB's own cap; the aggregation spills to a temporary folder beyond it
MEMORY_LIMIT = "600MB"
VIEW = "tokx_usage"
SUMMED = ("input", "cache_read", "cache_write_5m", "output", "reasoning")


def _reader(files: Sequence[Path]) -> str:
    names = "[" + ", ".join("'" + str(path).replace("'", "''") + "'" for path in files) + "]"
    suffix = files[0].suffix.lower()
    if any(path.suffix.lower() != suffix for path in files):
        raise DataError(f"{files[0]}: a usage table in several files needs one format for all")
    if suffix in PARQUET:
        return f"read_parquet({names}, union_by_name = true)"
    if suffix in CSV:
        delimiter = "\\t" if suffix == ".tsv" else ","
        return (
            f"read_csv({names}, header = true, all_varchar = true, delim = E'{delimiter}', "
            "union_by_name = true)"
        )
    return f"read_json({names}, format = 'newline_delimited', union_by_name = true)"


class DuckTable:
    """One usage table (one or more files of one format) opened in DuckDB."""

    def __init__(self, files: Sequence[Path], columns: Mapping[str, str] | None) -> None:
        import duckdb
        from sqlglot import exp

        from tokenexport_cli.logs.vendors import LineError
        from tokenexport_cli.warehouse.mapping import table_mapping
        from tokenexport_cli.warehouse.sql import Builder, usage_select

        self.files = list(files)
        self._spill = tempfile.mkdtemp(prefix="tokx-duckdb-")
        self.db = duckdb.connect(
            ":memory:",
            config={
                "memory_limit": MEMORY_LIMIT,
                "temp_directory": self._spill,
            },
        )
        self.db.execute("SET TimeZone = 'UTC'")
        self.db.execute("SET enable_progress_bar = false")  # stdout carries results only
        try:
            self.db.execute(f"CREATE VIEW {VIEW} AS SELECT * FROM {_reader(self.files)}")
            described = self.db.execute(f"DESCRIBE SELECT * FROM {VIEW}").fetchall()
        except duckdb.Error as exc:
            self.close()
            kind = "Parquet file" if self.files[0].suffix.lower() in PARQUET else "usage table"
            problem = f"not a readable {kind} ({_first_line(exc)[:200]})"
            raise DataError(located(self.files[0], None, None, problem)) from None
        self.types = {str(row[0]): str(row[1]) for row in described}
        try:
            self.mapping = table_mapping(list(self.types), columns)
        except LineError as exc:
            self.close()
            raise DataError(located(self.files[0], 1, None, str(exc))) from None
        builder = Builder(self.mapping, self.types, "duckdb")
        self._usage = usage_select(builder, exp.to_table(VIEW))
        self.usage = self._usage.sql(dialect="duckdb")

    def close(self) -> None:
        self.db.close()
        shutil.rmtree(self._spill, ignore_errors=True)

    def _run(self, sql: str) -> list[tuple[Any, ...]]:
        import duckdb

        try:
            return self.db.execute(sql).fetchall()
        except duckdb.Error as exc:
            raise DataError(located(self.files[0], None, None, _first_line(exc))) from None

    def summary(self) -> Summary:
        """Per source model: calls and count sums; the period, the longest call, the skips."""
        from tokenexport_cli.warehouse.sql import bad_condition

        bad = bad_condition().sql(dialect="duckdb")
        sums = ", ".join(f'SUM("{name}")' for name in SUMMED)
        rows = self._run(
            f'SELECT "model", "provider", {bad} AS "bad", COUNT(*), {sums}, '
            'MAX("input" + "cache_read" + "cache_write_5m" + "output" + "reasoning"), '
            'MIN("stamp"), MAX("stamp"), SUM("cost"), COUNT("cost") '
            f'FROM ({self.usage}) AS "usage_rows" GROUP BY ALL ORDER BY "model", "provider"'
        )
        totals: list[SourceTotals] = []
        skipped = longest = 0
        first: int | None = None
        last: int | None = None
        for model, provider, is_bad, calls, *values in rows:
            if is_bad:
                skipped += calls
                continue
            *counted, whole, low, high, cost, costed = values
            total = SourceTotals(*_shown(model, provider), requests=calls)
            for name, value in zip(SUMMED, counted, strict=True):
                total.counts[COUNT_FIELDS.index(name)] = int(value)
            total.recorded_cost = Decimal(cost or 0)
            total.costed_requests = costed
            totals.append(total)
            longest = max(longest, int(whole))
            if low is not None:
                first = low if first is None else min(first, low)
                last = high if last is None else max(last, high)
        warnings: list[InputWarning] = []
        if skipped:
            line, problem = self._first_bad()
            where = located(self.files[0], line, None, problem) if len(self.files) == 1 else problem
            if not totals:
                raise DataError(where)
            warnings.append(
                InputWarning(
                    str(self.files[0]),
                    "skipped_lines",
                    f"{self.files[0]}: skipped {skipped} rows that could not be read "
                    f"(first: {where})",
                    skipped,
                )
            )
        if not totals:
            raise DataError(f"{self.files[0]}: no rows")
        period = None
        if first is not None and last is not None:
            period = (
                dt.datetime.fromtimestamp(first, dt.UTC),
                dt.datetime.fromtimestamp(last, dt.UTC),
            )
        fmt = self.mapping.format
        return Summary(
            totals=totals,
            period=period,
            longest=longest,
            files={str(path): fmt for path in self.files},
            warnings=tuple(warnings),
        )

    def _first_bad(self) -> tuple[int | None, str]:
        """(line in a CSV file, or row; what is wrong) of the first row that does not read."""
        from tokenexport_cli.warehouse.sql import bad_condition

        bad = bad_condition().sql(dialect="duckdb")
        (found,) = self._run(
            f'SELECT * FROM (SELECT row_number() OVER () AS "row_number", * FROM ({self.usage}) '
            f'AS "usage_rows") WHERE {bad} ORDER BY "row_number" LIMIT 1'
        )
        number, model, _provider, stamp, stamp_given, *values = found
        counts, cost, cost_given = values[:5], values[5], values[6]
        mapping = self.mapping
        if model is None:
            problem = f"{' / '.join(mapping.model)}: empty model"
        elif stamp_given and stamp is None:
            problem = f"{mapping.timestamp}: not a timestamp"
        elif stamp is not None and not 0 <= stamp <= MAX_UNIX_SECONDS:
            problem = f"{mapping.timestamp}: out of range in UTC (1970 to 9999)"
        elif cost_given and (cost is None or cost < 0):
            problem = f"{mapping.cost}: not a cost"
        else:
            role, value = next(
                (role, value)
                for role, value in zip(SUMMED, counts, strict=True)
                if value is None or not 0 <= value <= MAX_TOKEN_COUNT
            )
            header = _term_text(getattr(mapping, role))
            problem = f"{header}: " + (
                "not a token count"
                if value is None
                else f"negative token count ({value})"
                if value < 0
                else f"token count out of range (more than {MAX_TOKEN_COUNT:,})"
            )
        suffix = self.files[0].suffix.lower()
        return (number + 1 if suffix in CSV else number), problem

    def cells(self, plan: CellPlan, sources: Sequence[tuple[str, str | None]]) -> Cells:
        from tokenexport_cli.warehouse.sql import cells_select

        rows = self._run(cells_select(self._usage.copy(), plan).sql(dialect="duckdb"))
        return cells_from_rows(rows, sources)

    def into(self, table: UsageTable) -> None:
        """The Python path on a table DuckDB reads: every row that reads, into ``table``."""
        from tokenexport_cli.warehouse.sql import bad_condition

        bad = bad_condition().sql(dialect="duckdb")
        counted = ", ".join(f'"{name}"' for name in SUMMED)
        cursor = self.db.execute(
            f'SELECT "model", "provider", "stamp", {counted}, "cost" '
            f'FROM ({self.usage}) AS "usage_rows" WHERE NOT ({bad})'
        )
        while batch := cursor.fetchmany(100_000):
            for model, provider, stamp, read_in, read, write, out, thought, cost in batch:
                table.add_row(
                    model,
                    provider,
                    NO_TIME if stamp is None else stamp,
                    (read_in, read, write, 0, out, thought, 0, 0),
                    False,
                    None if cost is None else Decimal(cost),
                    None,
                )


class DuckTraffic:
    """The embedded engine as a replay's traffic: summed on opening, cut into cells on demand."""

    def __init__(self, files: Sequence[Path], columns: Mapping[str, str] | None) -> None:
        self.table = DuckTable(files, columns)
        try:
            self.summary = self.table.summary()
        except BaseException:
            self.table.close()
            raise

    def cells(self, plan: CellPlan) -> Cells:
        return self.table.cells(plan, self.summary.sources)

    def close(self) -> None:
        self.table.close()


def cells_from_rows(
    rows: Sequence[Sequence[Any]], sources: Sequence[tuple[str, str | None]]
) -> Cells:
    """Cells from result rows in ``CELL_COLUMNS`` order; the sources keep the given order."""
    index = {source: position for position, source in enumerate(sources)}
    cells = []
    for row in rows:
        model, provider, _bucket, slot, batch, exact, requests, *counted = row
        read_in, read, write, out, thought, low, high, whole, first, last, cost, costed, *answer = (
            counted
        )
        cells.append(
            Cell(
                source=index[_shown(model, provider)],
                slot=int(slot),
                batch=bool(batch),
                exact=bool(exact),
                requests=int(requests),
                counts=(int(read_in), int(read), int(write), 0, int(out), int(thought), 0, 0),
                prompt_min=int(low),
                prompt_max=int(high),
                whole_max=int(whole),
                first=NO_TIME if first is None else int(first),
                last=NO_TIME if last is None else int(last),
                cost=Decimal(cost or 0),
                costed=int(costed),
                answer_min=int(answer[0]),
                answer_max=int(answer[1]),
            )
        )
    return Cells(tuple(sources), tuple(cells))


def _shown(model: str, provider: str | None) -> tuple[str, str | None]:
    """A source's ids as tokx shows them: a table's cells reach a terminal, so no escape
    sequences (``safetext``, as ``UsageTable`` does on the Python path)."""
    from tokenexport_cli.safetext import one_line

    return one_line(model), None if provider is None else one_line(provider)


def _term_text(term: Any) -> str:
    text = term.total or "0"
    if term.json:
        text += "." + term.json[0]
    for part in term.minus:
        if part.total is not None:
            text += " - " + _term_text(part)
    return text


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
