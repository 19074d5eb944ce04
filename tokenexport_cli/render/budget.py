"""Render budget checks and baseline diffs: table, JSON, markdown and GitHub annotations."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import msgspec

from tokenexport_cli.budget.baseline import Baseline, DiffRow
from tokenexport_cli.budget.check import CheckResult
from tokenexport_cli.render.cost import JSON_SCHEMA_VERSION, decimal_str
from tokenexport_cli.render.text import money


def _pct(value: Decimal | None) -> str:
    if value is None:
        return "-"
    return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):+}%"


def _rows(results: list[CheckResult]) -> list[list[str]]:
    rows = []
    for r in results:
        line = r.line
        rows.append(
            [
                "ok" if r.ok else "FAIL",
                r.name,
                f"{line.model} via {line.provider}",
                money(line.monthly, line.currency),
                money(line.per_1k_requests, line.currency),
                money(r.baseline_monthly, line.currency) if r.baseline_monthly is not None else "-",
                _pct(r.change_percent),
                "; ".join(v.message for v in r.violations),
            ]
        )
    return rows


HEADERS = ["status", "workload", "model", "monthly", "per 1K req", "baseline", "change", "problem"]


def _markdown(headers: list[str], rows: list[list[str]]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(out) + "\n"


def render_check(results: list[CheckResult], catalog_version: str, fmt: str) -> str:
    if fmt == "json":
        payload = {
            "schema_version": JSON_SCHEMA_VERSION,
            "catalog_version": catalog_version,
            "ok": all(r.ok for r in results),
            "workloads": [
                {
                    "name": r.name,
                    "ok": r.ok,
                    "workload": r.workload_path,
                    "workload_digest": r.workload_digest,
                    "model": r.line.model,
                    "provider": r.line.provider,
                    "currency": r.line.currency,
                    "monthly": decimal_str(r.line.monthly),
                    "per_1k_requests": decimal_str(r.line.per_1k_requests),
                    "baseline_monthly": (
                        decimal_str(r.baseline_monthly) if r.baseline_monthly is not None else None
                    ),
                    "change_percent": (
                        decimal_str(r.change_percent) if r.change_percent is not None else None
                    ),
                    "violations": [
                        {
                            "budget": v.budget,
                            "limit": decimal_str(v.limit),
                            "actual": decimal_str(v.actual),
                            "message": v.message,
                        }
                        for v in r.violations
                    ],
                }
                for r in results
            ],
        }
        return msgspec.json.format(msgspec.json.encode(payload), indent=2).decode()
    title = f"tokx budget check (catalog {catalog_version})"
    if fmt == "markdown":
        return f"### {title}\n\n" + _markdown(HEADERS, _rows(results))
    from io import StringIO

    from rich.table import Table

    from tokenexport_cli.render.text import console

    table = Table(title=title, title_justify="left")
    for header in HEADERS:
        table.add_column(header, overflow="fold")
    for row in _rows(results):
        table.add_row(*row)
    buffer = StringIO()
    console(buffer).print(table)
    return buffer.getvalue()


def _escape_annotation(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_annotations(results: list[CheckResult], config_path: Path) -> str:
    """``::error`` lines GitHub Actions turns into annotations on the config file."""
    lines = []
    for r in results:
        for violation in r.violations:
            lines.append(
                f"::error file={config_path},title=tokx budget: {r.name} "
                f"({violation.budget})::{_escape_annotation(violation.message)}"
            )
        if r.ok:
            lines.append(
                f"::notice file={config_path},title=tokx budget: {r.name}::"
                f"{_escape_annotation(money(r.line.monthly, r.line.currency))} a month, "
                "within budget"
            )
    return "\n".join(lines) + "\n"


def render_diff(rows: list[DiffRow], old: Baseline, new: Baseline, fmt: str) -> str:
    if fmt == "json":
        payload = {
            "schema_version": JSON_SCHEMA_VERSION,
            "old_catalog_version": old.catalog_version,
            "new_catalog_version": new.catalog_version,
            "workloads": [
                {
                    "name": row.name,
                    "currency": row.currency,
                    "old_monthly": decimal_str(row.old) if row.old is not None else None,
                    "new_monthly": decimal_str(row.new) if row.new is not None else None,
                    "change": decimal_str(row.change) if row.change is not None else None,
                    "change_percent": decimal_str(row.percent) if row.percent is not None else None,
                }
                for row in rows
            ],
        }
        return msgspec.json.format(msgspec.json.encode(payload), indent=2).decode()
    headers = ["workload", "before", "after", "change", "change %"]
    body = [
        [
            row.name,
            money(row.old, row.currency) if row.old is not None else "(new)",
            money(row.new, row.currency) if row.new is not None else "(removed)",
            (("+" if row.change > 0 else "") + money(row.change, row.currency))
            if row.change is not None
            else "-",
            _pct(row.percent),
        ]
        for row in rows
    ]
    if fmt == "markdown":
        return "### tokx cost diff\n\n" + _markdown(headers, body)
    from io import StringIO

    from rich.table import Table

    from tokenexport_cli.render.text import console

    table = Table(
        title=f"Cost diff (catalog {old.catalog_version} -> {new.catalog_version})",
        title_justify="left",
    )
    for header in headers:
        table.add_column(header, justify="left" if header == "workload" else "right")
    for row_cells in body:
        table.add_row(*row_cells)
    buffer = StringIO()
    console(buffer).print(table)
    return buffer.getvalue()
