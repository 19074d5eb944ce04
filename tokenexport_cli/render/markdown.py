"""Markdown of a command's terminal view: the same tables, cells and rounding as the table
format (``money_column`` per column), each table whole, for PR comments and docs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: Wide enough that ``layout.fitted`` keeps every column in one table and notes inline.
UNBOUNDED_WIDTH = 100_000
TEXT_WIDTH = 100  # for what markdown has no form for (a chart), drawn as text


def _plain(value: Any) -> str:
    """What the terminal shows for a cell or title: rich markup parsed, styles dropped."""
    from rich.text import Text

    if isinstance(value, Text):
        return value.plain
    if isinstance(value, str):
        return Text.from_markup(value).plain
    return str(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def table_markdown(table: Any) -> str:
    """One rich Table as a markdown table under its title; right-aligned columns stay so."""
    headers = [_cell(_plain(column.header)) for column in table.columns]
    if not any(headers):  # a key/value table shown without a header: markdown needs one
        headers = ["field", "value", *(f"column {n}" for n in range(3, len(headers) + 1))]
        headers = headers[: len(table.columns)]
    rule = ["---:" if column.justify == "right" else "---" for column in table.columns]
    cells = [[_cell(_plain(cell)) for cell in column.cells] for column in table.columns]
    rows = [list(row) for row in zip(*cells, strict=True)] if cells else []
    lines = [f"### {_plain(table.title)}", ""] if table.title else []
    lines += ["| " + " | ".join(headers) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _as_text(renderable: Any) -> str:
    import io

    from tokenexport_cli.render.text import console

    buffer = io.StringIO()
    out = console(buffer)
    out.width = TEXT_WIDTH
    out.print(renderable)
    return buffer.getvalue()


def renderables_markdown(renderables: list[Any]) -> str:
    """Tables as markdown tables, sentences as paragraphs, anything else (a chart) as text."""
    from rich.table import Table
    from rich.text import Text

    parts = []
    for item in renderables:
        if isinstance(item, Table):
            parts.append(table_markdown(item))
        elif isinstance(item, Text | str):
            parts.append(_plain(item).rstrip() + "\n")
        else:
            parts.append("```text\n" + _as_text(item).rstrip() + "\n```\n")
    return "\n".join(parts)


def view_markdown(table: Callable[[], list[Any]]) -> str:
    """A view's table renderables, built at an unbounded width, as markdown."""
    from tokenexport_cli.render.layout import WIDTH

    token = WIDTH.set(UNBOUNDED_WIDTH)
    try:
        return renderables_markdown(table())
    finally:
        WIDTH.reset(token)
