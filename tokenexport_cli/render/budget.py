"""Render budget checks and baseline diffs: table, JSON, markdown and GitHub annotations."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from tokenexport_cli.budget.baseline import Baseline, DiffRow
from tokenexport_cli.budget.check import CheckResult
from tokenexport_cli.render import payloads
from tokenexport_cli.render.cost import decimal_str
from tokenexport_cli.render.output import View, markdown_table
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


def _optional(value: Decimal | None) -> str | None:
    return decimal_str(value) if value is not None else None


def check_payload(results: list[CheckResult], catalog_version: str) -> payloads.CheckOutput:
    return payloads.CheckOutput(
        catalog_version=catalog_version,
        ok=all(r.ok for r in results),
        workloads=[
            payloads.CheckedWorkload(
                name=r.name,
                ok=r.ok,
                workload=r.workload_path,
                workload_digest=r.workload_digest,
                model=r.line.model,
                provider=r.line.provider,
                currency=r.line.currency,
                monthly=decimal_str(r.line.monthly),
                per_1k_requests=decimal_str(r.line.per_1k_requests),
                baseline_monthly=_optional(r.baseline_monthly),
                change_percent=_optional(r.change_percent),
                violations=[
                    payloads.Violation(
                        budget=v.budget,
                        limit=decimal_str(v.limit),
                        actual=decimal_str(v.actual),
                        message=v.message,
                    )
                    for v in r.violations
                ],
            )
            for r in results
        ],
    )


def _rich_table(title: str, headers: list[str], rows: list[list[str]], **columns: Any) -> Any:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for header in headers:
        table.add_column(header, **columns.get(header, columns.get("*", {})))
    for row in rows:
        table.add_row(*row)
    return table


def check_view(results: list[CheckResult], catalog_version: str) -> View:
    title = f"tokx budget check (catalog {catalog_version})"
    return View(
        payload=check_payload(results, catalog_version),
        records="workloads",
        title=title,
        table=lambda: [_rich_table(title, HEADERS, _rows(results), **{"*": {"overflow": "fold"}})],
        markdown=lambda: f"### {title}\n\n" + markdown_table(HEADERS, _rows(results)),
    )


def _escape_annotation(text: str) -> str:
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


def github_annotations(results: list[CheckResult], config_path: Path) -> str:
    """``::error`` lines GitHub Actions turns into annotations on the config file."""
    config_path = Path(repository_path(config_path))
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


DIFF_HEADERS = ["workload", "before", "after", "change", "change %"]


def _diff_rows(rows: list[DiffRow]) -> list[list[str]]:
    return [
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


def diff_view(rows: list[DiffRow], old: Baseline, new: Baseline) -> View:
    payload = payloads.DiffOutput(
        old_catalog_version=old.catalog_version,
        new_catalog_version=new.catalog_version,
        workloads=[
            payloads.DiffedWorkload(
                name=row.name,
                currency=row.currency,
                old_monthly=_optional(row.old),
                new_monthly=_optional(row.new),
                change=_optional(row.change),
                change_percent=_optional(row.percent),
            )
            for row in rows
        ],
    )
    title = f"Cost diff (catalog {old.catalog_version} -> {new.catalog_version})"
    align = {"*": {"justify": "right"}, "workload": {"justify": "left"}}
    return View(
        payload=payload,
        records="workloads",
        title=title,
        table=lambda: [_rich_table(title, DIFF_HEADERS, _diff_rows(rows), **align)],
        markdown=lambda: "### tokx cost diff\n\n" + markdown_table(DIFF_HEADERS, _diff_rows(rows)),
    )
