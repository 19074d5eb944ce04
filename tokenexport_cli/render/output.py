"""One output path for every command: table, JSON, CSV or markdown, to stdout or a file."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

FORMATS = ("table", "json", "csv", "markdown")


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


def records(json_text: str, key: str) -> tuple[list[str], list[list[str]]]:
    """The command's main list of records (``key`` in its JSON), flattened to columns."""
    flat = [_flatten(item) for item in json.loads(json_text)[key]]
    headers: list[str] = []
    for row in flat:
        headers.extend(name for name in row if name not in headers)
    return headers, [[row.get(name, "") for name in headers] for row in flat]


def to_csv(json_text: str, key: str) -> str:
    headers, rows = records(json_text, key)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def to_markdown(json_text: str, key: str, title: str) -> str:
    headers, rows = records(json_text, key)

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [f"### {title}", "", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
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


def write_output(text: str, output: Path | None) -> None:
    """Results to stdout, or atomically to a file (never half-written)."""
    if output is None or str(output) == "-":
        import sys

        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from tokenexport_cli.atomic import write_atomic
    from tokenexport_cli.errors import UsageError

    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"--output: folder '{folder}' does not exist")
    try:
        write_atomic(output, text.encode())
    except OSError as exc:
        raise UsageError(f"--output: cannot write '{output}': {exc.strerror or exc}") from None


def emit(
    fmt: str,
    *,
    json_text: Callable[[], str],
    key: str,
    title: str,
    renderables: Callable[[], list[Any]],
    output: Path | None = None,
    quiet: bool = False,
) -> None:
    """Render in ``fmt`` and write; ``quiet`` prints nothing (the exit code tells)."""
    if quiet:
        return
    if fmt == "json":
        text = json_text()
    elif fmt == "csv":
        text = to_csv(json_text(), key)
    elif fmt == "markdown":
        text = to_markdown(json_text(), key, title)
    elif output is None or str(output) == "-":
        from tokenexport_cli.render.text import console

        out = console()
        for item in renderables():
            out.print(item)
        return
    else:
        text = table_text(renderables(), width=120)
    write_output(text, output)
