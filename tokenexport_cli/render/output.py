"""One output path for every command: a result's view (payload + table) rendered as table,
JSON, CSV or markdown, to stdout or a file."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

FORMATS = ("table", "json", "csv", "markdown")


@dataclass(frozen=True)
class View:
    """How one result is shown. ``payload`` is its JSON contract (a ``render.payloads`` Struct);
    CSV flattens the payload's main list, ``records``; ``table`` draws the terminal view (rich
    renderables), and markdown is that view's tables with the same cells and rounding
    (``render.markdown``) unless ``markdown`` gives its own (a PR comment)."""

    payload: msgspec.Struct
    records: str
    title: str
    table: Callable[[], list[Any]]
    markdown: Callable[[], str] | None = None


def json_text(payload: msgspec.Struct) -> str:
    return msgspec.json.format(msgspec.json.encode(payload), indent=2).decode()


def _flatten(record: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = "; ".join(str(item) for item in value)
        else:
            flat[name] = (
                ""
                if value is None
                else str(value).lower()
                if isinstance(value, bool)
                else str(value)
            )
    return flat


def records(payload: msgspec.Struct, key: str) -> tuple[list[str], list[list[str]]]:
    """The payload's main list of records (field ``key``), flattened to columns."""
    flat = [_flatten(item) for item in msgspec.to_builtins(getattr(payload, key))]
    headers: list[str] = []
    for row in flat:
        headers.extend(name for name in row if name not in headers)
    return headers, [[row.get(name, "") for name in headers] for row in flat]


def to_csv(payload: msgspec.Struct, key: str) -> str:
    headers, rows = records(payload, key)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def table_text(renderables: list[Any], width: int | None = None) -> str:
    from tokenexport_cli.render.text import console

    buffer = io.StringIO()
    out = console(buffer)
    if width:
        out.width = width
    for item in renderables:
        out.print(item)
    return buffer.getvalue()


def render(view: View, fmt: str, width: int | None = None) -> str:
    """The view as text in ``fmt``."""
    if fmt == "json":
        return json_text(view.payload)
    if fmt == "csv":
        return to_csv(view.payload, view.records)
    if fmt == "markdown":
        if view.markdown is not None:
            return view.markdown()
        from tokenexport_cli.render.markdown import view_markdown

        return view_markdown(view.table)
    return table_text(view.table(), width)


def write_output(text: str, output: Path | None) -> None:
    """Results to stdout, or atomically to a file (never half-written)."""
    if output is None or str(output) == "-":
        import sys

        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from tokenexport_cli.atomic import write_target

    write_target(output, text.encode(), label="--output")


def emit(view: View, fmt: str, output: Path | None = None, quiet: bool = False) -> None:
    """Render ``view`` in ``fmt`` and write it; ``quiet`` prints nothing (the exit code tells)."""
    if quiet:
        return
    if fmt == "table" and (output is None or str(output) == "-"):
        from tokenexport_cli.render.text import console

        out = console()
        for item in view.table():
            out.print(item)
        return
    write_output(render(view, fmt, width=120), output)
