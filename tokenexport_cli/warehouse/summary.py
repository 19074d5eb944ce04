"""What a replay knows about its traffic before pricing (per source model totals, the period,
the longest call), and where its cells come from: the Python path over a read log, DuckDB over a
usage table, or a saved aggregate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from tokenexport_cli.logs.record import SourceTotals
from tokenexport_cli.textfiles import InputWarning
from tokenexport_cli.warehouse.cells import CellPlan, Cells

if TYPE_CHECKING:
    from tokenexport_cli.logs.detect import LogRead
    from tokenexport_cli.logs.text_sample import TextSample


@dataclass(frozen=True)
class Summary:
    totals: list[SourceTotals]  # per source (model, provider); its position is the source index
    period: tuple[dt.datetime, dt.datetime] | None
    longest: int  # the longest call, prompt and answer, in its own tokens
    files: dict[str, str]  # file -> format
    warnings: tuple[InputWarning, ...]
    counted_locally: int = 0  # calls without recorded usage, counted from their text
    text_sample: TextSample | None = None  # request text per source, where the log has it

    @property
    def requests(self) -> int:
        return sum(total.requests for total in self.totals)

    @property
    def sources(self) -> tuple[tuple[str, str | None], ...]:
        return tuple((total.model, total.provider) for total in self.totals)


class Traffic(Protocol):
    """Recorded traffic a replay prices: summed up front, cut into cells once the offers to
    price (and so the boundaries) are known."""

    summary: Summary

    def cells(self, plan: CellPlan) -> Cells: ...

    def close(self) -> None: ...


class LogTraffic:
    """The Python path: logs read into a ``UsageTable``; cells summed row by row."""

    def __init__(self, read: LogRead) -> None:
        self.table = read.table
        prompt, output, reasoning = (
            read.table.prompt,
            read.table.columns["output"],
            read.table.columns["reasoning"],
        )
        longest = max(
            (p + o + r for p, o, r in zip(prompt, output, reasoning, strict=True)), default=0
        )
        self.summary = Summary(
            totals=read.table.totals(),
            period=read.table.period(),
            longest=longest,
            files=read.files,
            warnings=read.warnings,
            counted_locally=read.counted_locally,
            text_sample=read.sample,
        )

    def cells(self, plan: CellPlan) -> Cells:
        from tokenexport_cli.warehouse.cells import table_cells

        return table_cells(self.table, plan)

    def close(self) -> None:
        pass
