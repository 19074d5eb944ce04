"""A saved aggregate (``--aggregate FILE``): the cells an emitted SQL statement produced in a
warehouse, as CSV or Parquet with the columns of ``warehouse.sql.CELL_COLUMNS``, read back and
checked row by row; every problem names the file, the line (CSV) or row, and the column."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from tokenexport_cli.bounds import check
from tokenexport_cli.dates import MAX_UNIX_SECONDS
from tokenexport_cli.errors import DataError, located
from tokenexport_cli.logs.record import NO_TIME, SourceTotals
from tokenexport_cli.safetext import one_line
from tokenexport_cli.warehouse.cells import SLOTS_PER_WEEK, Cell, CellPlan, Cells
from tokenexport_cli.warehouse.summary import Summary

REQUIRED = (
    "model",
    "slot",
    "exact",
    "requests",
    "input",
    "cache_read",
    "cache_write_5m",
    "output",
    "reasoning",
    "prompt_min",
    "prompt_max",
    "whole_max",
)
OPTIONAL = (
    "provider",
    "bucket",
    "batch",
    "first_seen",
    "last_seen",
    "cost",
    "costed",
    "answer_min",
    "answer_max",
)
COUNTED = ("input", "cache_read", "cache_write_5m", "output", "reasoning")
TRUE, FALSE = frozenset({"true", "t", "1", "yes"}), frozenset({"false", "f", "0", "no"})


class _Row:
    def __init__(self, path: Path, line: int, values: dict[str, Any]) -> None:
        self.path, self.line, self.values = path, line, values

    def fail(self, column: str, problem: str) -> DataError:
        return DataError(located(self.path, self.line, column, problem))

    def whole(self, column: str, default: int | None = None) -> int:
        value = self.values.get(column)
        if value is None or (isinstance(value, str) and not value.strip()):
            if default is not None:
                return default
            raise self.fail(column, "missing")
        if isinstance(value, bool):
            raise self.fail(column, f"expected a whole number, got {value!r}")
        try:
            exact = value if isinstance(value, int) else Decimal(str(value).strip())
        except InvalidOperation:
            raise self.fail(column, f"expected a whole number, got {_short(value)}") from None
        if not isinstance(exact, int) and (
            not exact.is_finite() or exact != exact.to_integral_value()
        ):
            raise self.fail(column, f"expected a whole number, got {_short(value)}")
        # every range is checked before int(): int(Decimal("1e999999999")) takes minutes
        if column == "slot":
            if not -1 <= exact < SLOTS_PER_WEEK:
                raise self.fail(
                    column,
                    f"expected -1 (no time) or 0 to {SLOTS_PER_WEEK - 1}, got {_short(exact)}",
                )
            return int(exact)
        if exact < 0:
            raise self.fail(column, f"negative ({_short(exact)})")
        if column in ("first_seen", "last_seen"):
            problem = None
            if exact > MAX_UNIX_SECONDS:
                problem = f"Unix time out of range (1970 to 9999, got {_short(exact)})"
        else:
            problem = check(exact, "token_count")
        if problem:
            raise self.fail(column, problem)
        return int(exact)

    def flag(self, column: str) -> bool:
        value = self.values.get(column)
        if value is None or isinstance(value, bool):
            return bool(value)
        text = str(value).strip().lower()
        if text in TRUE | FALSE:
            return text in TRUE
        raise self.fail(column, f"expected true or false, got {value!r}")

    def money(self, column: str) -> Decimal:
        value = self.values.get(column)
        if value is None or (isinstance(value, str) and not value.strip()):
            return Decimal(0)
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise self.fail(column, f"not a cost: {value!r}") from None
        if not amount.is_finite() or amount < 0:
            raise self.fail(column, f"not a cost: {_short(value)}")
        problem = check(amount, "money")
        if problem:
            raise self.fail(column, problem)
        return amount

    def text(self, column: str) -> str | None:
        value = self.values.get(column)
        text = "" if value is None else one_line(str(value)).strip()  # ids reach a terminal
        return text or None


def _short(value: Any) -> str:
    text = str(value) if isinstance(value, int | Decimal) else repr(value)
    return text if len(text) <= 40 else text[:40] + "..."


def _rows(path: Path) -> tuple[list[str], list[tuple[Any, ...]], bool]:
    import duckdb

    from tokenexport_cli.errors import UsageError
    from tokenexport_cli.inputfile import open_regular

    # checked here, as every input is: DuckDB would wait forever on a FIFO, read a device
    # without end, and take a folder or a missing name (with * in it) as a glob
    handle, _ = open_regular(path, what="saved aggregate", missing=UsageError)
    handle.close()
    suffix = path.suffix.lower()
    quoted = "'" + str(path).replace("'", "''") + "'"
    if suffix in (".parquet", ".pq"):
        source = f"read_parquet({quoted})"
    elif suffix in (".csv", ".tsv"):
        delimiter = "\\t" if suffix == ".tsv" else ","
        source = f"read_csv({quoted}, header = true, all_varchar = true, delim = E'{delimiter}')"
    else:
        raise DataError(located(path, None, None, "an aggregate is a .csv or .parquet file"))
    db = duckdb.connect(":memory:")
    db.execute("SET enable_progress_bar = false")
    try:
        cursor = db.execute(f"SELECT * FROM {source}")
        headers = [column[0] for column in cursor.description or ()]
        return headers, cursor.fetchall(), suffix != ".parquet"
    except duckdb.Error as exc:
        problem = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable"
        raise DataError(located(path, None, None, problem)) from None
    finally:
        db.close()


def _cell(row: _Row, sources: dict[tuple[str, str | None], int]) -> Cell:
    model = row.text("model")
    if model is None:
        raise row.fail("model", "empty")
    key = (model, row.text("provider"))
    requests = row.whole("requests")
    if requests == 0:
        raise row.fail("requests", "a cell holds at least one call")
    sums = [row.whole(name) for name in COUNTED]
    low, high, whole = row.whole("prompt_min"), row.whole("prompt_max"), row.whole("whole_max")
    if low > high or high > whole:
        raise row.fail("prompt_min", f"prompt_min {low}, prompt_max {high}, whole_max {whole}")
    slot = row.whole("slot")
    if not -1 <= slot < SLOTS_PER_WEEK:
        raise row.fail("slot", f"expected -1 (no time) or 0 to {SLOTS_PER_WEEK - 1}, got {slot}")
    exact = row.flag("exact")
    if exact and any(total % requests for total in sums):
        raise row.fail("exact", "an exact cell's sums are whole multiples of its requests")
    first, last = row.whole("first_seen", NO_TIME), row.whole("last_seen", NO_TIME)
    # answers (output and reasoning): without them, anything up to whole_max - prompt_min
    shortest, longest = row.whole("answer_min", 0), row.whole("answer_max", whole - low)
    if shortest > longest or longest > whole:
        raise row.fail(
            "answer_min", f"answer_min {shortest}, answer_max {longest}, whole_max {whole}"
        )
    return Cell(
        source=sources.setdefault(key, len(sources)),
        slot=slot,
        batch=row.flag("batch"),
        exact=exact,
        requests=requests,
        counts=(sums[0], sums[1], sums[2], 0, sums[3], sums[4], 0, 0),
        prompt_min=low,
        prompt_max=high,
        whole_max=whole,
        first=first,
        last=last,
        cost=row.money("cost"),
        costed=row.whole("costed", 0),
        answer_min=shortest,
        answer_max=longest,
    )


class AggregateTraffic:
    """A saved aggregate as a replay's traffic: its cells as they are (a cell that spans a
    boundary of an offer being priced is an error then, naming the cell)."""

    def __init__(self, path: Path) -> None:
        headers, rows, text = _rows(path)
        missing = [name for name in REQUIRED if name not in headers]
        if missing:
            raise DataError(
                located(
                    path,
                    1 if text else None,
                    None,
                    f"missing cell columns {', '.join(missing)} (an aggregate has "
                    f"{', '.join(REQUIRED + OPTIONAL)}; the file has {', '.join(headers)})",
                )
            )
        if not rows:
            raise DataError(located(path, None, None, "no cells"))
        sources: dict[tuple[str, str | None], int] = {}
        cells = tuple(
            _cell(
                _Row(
                    path, number + 2 if text else number + 1, dict(zip(headers, row, strict=True))
                ),
                sources,
            )
            for number, row in enumerate(rows)
        )
        self._cells = Cells(tuple(sources), cells)
        self.summary = _summary(path, self._cells)

    def cells(self, plan: CellPlan) -> Cells:
        return self._cells

    def close(self) -> None:
        pass


def _summary(path: Path, cells: Cells) -> Summary:
    totals = [SourceTotals(model, provider) for model, provider in cells.sources]
    stamps: list[int] = []
    for cell in cells.cells:
        total = totals[cell.source]
        total.requests += cell.requests
        for index, value in enumerate(cell.counts):
            total.counts[index] += value
        total.recorded_cost += cell.cost
        total.costed_requests += cell.costed
        stamps.extend(stamp for stamp in (cell.first, cell.last) if stamp != NO_TIME)
    period = None
    if stamps:
        period = (
            dt.datetime.fromtimestamp(min(stamps), dt.UTC),
            dt.datetime.fromtimestamp(max(stamps), dt.UTC),
        )
    return Summary(
        totals=totals,
        period=period,
        longest=max(cell.whole_max for cell in cells.cells),
        files={str(path): "aggregate"},
        warnings=(),
    )
