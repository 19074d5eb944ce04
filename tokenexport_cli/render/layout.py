"""Tables that fit the terminal: each row on one line, ids and amounts never broken. Columns
that do not fit move to a second table keyed by the row's first columns; long notes become
numbered footnotes below the table."""

from __future__ import annotations

import contextvars
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: Set while rendering to a file or a fixed width; otherwise the console's own width is used.
WIDTH: contextvars.ContextVar[int | None] = contextvars.ContextVar("tokx_table_width", default=None)
DEFAULT_WIDTH = 100
COLUMN_OVERHEAD = 3  # one space of padding on each side and one rule
TABLE_OVERHEAD = 1


@dataclass(frozen=True)
class Column:
    header: str
    right: bool = False
    movable: bool = False  # may move to the second table when the first is too wide
    note: bool = False  # free text: shown as footnote numbers when the table is too wide


def target_width() -> int:
    width = WIDTH.get()
    if width:
        return width
    from tokenexport_cli.render.text import console

    return int(console().width or DEFAULT_WIDTH)


def _natural(columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> list[int]:
    return [
        max([len(column.header), *(len(row[index]) for row in rows)])
        for index, column in enumerate(columns)
    ]


def _total(widths: Sequence[int]) -> int:
    return sum(width + COLUMN_OVERHEAD for width in widths) + TABLE_OVERHEAD


def _table(title: str, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> Any:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(
            column.header,
            justify="right" if column.right else "left",
            no_wrap=not column.note,
            overflow="fold" if column.note else "ellipsis",
        )
    for row in rows:
        table.add_row(*row)
    return table


def fitted(
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    keys: int = 2,
    width: int | None = None,
) -> list[Any]:
    """Renderables for ``rows``: one table when it fits ``width``, else the fixed columns
    first and the movable ones in further tables that repeat the first ``keys`` columns."""
    from rich.text import Text

    width = width or target_width()
    columns = list(columns)
    table_rows: list[list[str]] = [list(row) for row in rows]
    footnotes: list[str] = []
    # an always-empty free-text column only costs width
    for index in reversed(range(len(columns))):
        if columns[index].note and not any(row[index] for row in table_rows):
            del columns[index]
            for row in table_rows:
                del row[index]
    if _total(_natural(columns, table_rows)) > width:
        for index, column in enumerate(columns):
            if column.note:
                for row in table_rows:
                    if row[index]:
                        if row[index] not in footnotes:  # one number per distinct text
                            footnotes.append(row[index])
                        row[index] = f"[{footnotes.index(row[index]) + 1}]"
    fixed = [i for i, column in enumerate(columns) if not column.movable]
    movable = [i for i, column in enumerate(columns) if column.movable]
    natural = _natural(columns, table_rows)
    first = list(fixed)
    rest: list[int] = []
    for index in movable:  # keep movable columns in the first table, in order, while they fit
        if not rest and _total([natural[i] for i in sorted([*first, index])]) <= width:
            first.append(index)
        else:
            rest.append(index)
    groups = [sorted(first)]
    key_columns = fixed[:keys]
    current: list[int] = []
    for index in rest:
        if current and _total([natural[i] for i in [*key_columns, *current, index]]) > width:
            groups.append([*key_columns, *current])
            current = []
        current.append(index)
    if current:
        groups.append([*key_columns, *current])
    out: list[Any] = []
    plain_title = Text.from_markup(title).plain
    for number, group in enumerate(groups):
        label = title if number == 0 else f"{title}, continued"
        if number and len(plain_title) + 11 > _total([natural[i] for i in group]):
            label = "(continued)"  # the title above already says what; never wrap it here
        out.append(
            _table(
                label, [columns[i] for i in group], [[row[i] for i in group] for row in table_rows]
            )
        )
    out += [Text(f"[{n}] {note}") for n, note in enumerate(footnotes, start=1)]
    return out
