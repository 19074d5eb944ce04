"""Render the files that moved a workload's cost (``check`` and ``diff``): the JSON records, a
table and markdown of the top files, and GitHub annotations on the files themselves."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from tokenexport_cli.budget.attribution import Attribution, FileChange
from tokenexport_cli.render import payloads
from tokenexport_cli.render.cost import decimal_str
from tokenexport_cli.render.output import markdown_table
from tokenexport_cli.render.text import money_column

TOP_FILES = 5  # per workload in the table, markdown and annotations; JSON lists every file
HEADERS = ["workload", "file", "input tokens", "token change", "cost a month"]


def files_payload(found: Attribution | None) -> tuple[list[payloads.FileCostChange], str | None]:
    if found is None:
        return [], None
    return [
        payloads.FileCostChange(
            path=change.path,
            system_prompt=change.shared,
            input_tokens_before=change.input_before,
            input_tokens_after=change.input_after,
            output_tokens_before=change.output_before,
            output_tokens_after=change.output_after,
            cost_change=decimal_str(change.cost_change),
        )
        for change in found.changes
    ], found.note


def _count(value: int | None, missing: str) -> str:
    return missing if value is None else f"{value:,}"


def _label(change: FileChange) -> str:
    return f"{change.path} (system prompt)" if change.shared else change.path


def signed(text: str, value: Decimal) -> str:
    """An amount of change: ``+`` in front of a rise."""
    return f"+{text}" if value > 0 else text


def escape_annotation(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def repository_path(path: Path, root: Path | None = None) -> str:
    """``path`` as GitHub annotations expect it: relative to the repository (the workspace,
    ``GITHUB_WORKSPACE``, else the current folder); unchanged when it lies outside."""
    import os

    base = root or Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd())
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)


def _tokens_text(change: FileChange) -> str:
    return f"{_count(change.input_before, 'new')} -> {_count(change.input_after, 'removed')}"


def file_rows(
    workloads: Sequence[tuple[str, str, Attribution | None]],
) -> tuple[list[list[str]], list[str]]:
    """Table rows (the top files of each workload) and the sentences below them (notes,
    files left out); ``workloads`` holds (name, currency, attribution)."""
    shown: list[tuple[str, FileChange]] = []
    lines: list[str] = []
    for name, _, found in workloads:
        if found is None:
            continue
        if found.note:
            lines.append(f"{name}: {found.note}")
        shown += [(name, change) for change in found.changes[:TOP_FILES]]
        if len(found.changes) > TOP_FILES:
            more = len(found.changes) - TOP_FILES
            lines.append(f"{name}: {more} more changed file(s) in --format json")
    # one precision for the whole column, as in every table; a config prices all its
    # workloads in one currency
    currency = workloads[0][1] if workloads else "USD"
    costs = money_column([change.cost_change for _, change in shown], currency)
    rows = [
        [
            name,
            _label(change),
            _tokens_text(change),
            f"{change.input_change:+,}",
            signed(cost, change.cost_change),
        ]
        for (name, change), cost in zip(shown, costs, strict=True)
    ]
    return rows, lines


TITLE = "Files that moved the cost"


def files_table(workloads: Sequence[tuple[str, str, Attribution | None]]) -> list[Any]:
    from rich.text import Text

    from tokenexport_cli.render.layout import Column, fitted

    rows, lines = file_rows(workloads)
    columns = [
        Column("workload"),
        Column("file"),
        Column("input tokens", right=True, movable=True),
        Column("token change", right=True),
        Column("cost a month", right=True),
    ]
    out: list[Any] = fitted(TITLE, columns, rows, keys=2) if rows else []
    return out + [Text(line) for line in lines]


def files_markdown(workloads: Sequence[tuple[str, str, Attribution | None]]) -> str:
    rows, lines = file_rows(workloads)
    text = f"\n#### {TITLE}\n\n" + markdown_table(HEADERS, rows) if rows else ""
    return text + "".join(f"\n{line}\n" for line in lines)


def file_annotations(name: str, currency: str, found: Attribution | None, root: Path) -> list[str]:
    """``::warning`` (cost up) or ``::notice`` lines on each top file, repository-relative."""
    if found is None:
        return []
    shown = found.changes[:TOP_FILES]
    costs = money_column([change.cost_change for change in shown], currency)
    out = []
    for change, cost in zip(shown, costs, strict=True):
        level = "warning" if change.cost_change > 0 else "notice"
        where = repository_path(root / change.path)
        message = (
            f"{_label(change)}: input tokens {_tokens_text(change)} "
            f"({change.input_change:+,}), {signed(cost, change.cost_change)} a month"
        )
        out.append(f"::{level} file={where},title=tokx cost: {name}::{escape_annotation(message)}")
    return out
