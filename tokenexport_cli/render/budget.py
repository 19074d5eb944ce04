"""Render budget checks and baseline diffs: table, JSON, markdown and GitHub annotations."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from tokenexport_cli.budget.baseline import Baseline, DiffRow
from tokenexport_cli.budget.check import CheckResult
from tokenexport_cli.render import payloads
from tokenexport_cli.render.budget_files import (
    escape_annotation,
    file_annotations,
    files_markdown,
    files_payload,
    files_table,
    repository_path,
    signed,
)
from tokenexport_cli.render.cost import decimal_str
from tokenexport_cli.render.output import View, markdown_table
from tokenexport_cli.render.text import money, money_column

__all__ = ["check_view", "diff_view", "github_annotations", "repository_path"]


def _pct(value: Decimal | None) -> str:
    if value is None:
        return "-"
    return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):+}%"


def _rows(results: list[CheckResult]) -> list[list[str]]:
    """One row per workload, each money column at one precision (``money_column``), so that
    the table and the markdown show the same figures. A config prices every workload in its
    one currency."""
    currency = results[0].line.currency if results else "USD"
    bands = [r.line.band_percent for r in results]
    rebuilt = [r.line.reconstructed for r in results]
    monthly = money_column([r.line.monthly for r in results], currency, bands, rebuilt)
    per_1k = money_column([r.line.per_1k_requests for r in results], currency, bands, rebuilt)
    before = money_column([r.baseline_monthly or Decimal(0) for r in results], currency)
    rows = []
    for index, r in enumerate(results):
        rows.append(
            [
                "ok" if r.ok else "FAIL",
                r.name,
                f"{r.line.model} via {r.line.provider}",
                monthly[index],
                before[index] if r.baseline_monthly is not None else "-",
                _pct(r.change_percent),
                per_1k[index],
                "; ".join(v.message for v in r.violations),
            ]
        )
    return rows


HEADERS = ["status", "workload", "model", "monthly", "baseline", "change", "per 1K req", "problem"]


def _optional(value: Decimal | None) -> str | None:
    return decimal_str(value) if value is not None else None


def check_payload(results: list[CheckResult], catalog_version: str) -> payloads.CheckOutput:
    return payloads.CheckOutput(
        catalog_version=catalog_version,
        ok=all(r.ok for r in results),
        workloads=[_checked(r) for r in results],
    )


def _checked(r: CheckResult) -> payloads.CheckedWorkload:
    files, note = files_payload(r.files)
    return payloads.CheckedWorkload(
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
        files=files,
        files_note=note,
    )


def _fitted(title: str, headers: list[str], rows: list[list[str]], left: int) -> list[Any]:
    """A table that fits the terminal (``layout.fitted``): one line per workload; the first
    ``left`` columns left-aligned, amounts right-aligned; secondary figures move to a second
    table and a long problem becomes a footnote when the terminal is narrow."""
    from tokenexport_cli.render.layout import Column, fitted

    columns = [
        Column(
            header,
            right=index >= left and header != "problem",
            movable=header in MOVABLE,
            note=header == "problem",
        )
        for index, header in enumerate(headers)
    ]
    return fitted(title, columns, rows, keys=2)


def _check_files(results: list[CheckResult]) -> list[tuple[str, str, Any]]:
    return [(r.name, r.line.currency, r.files) for r in results]


def check_view(results: list[CheckResult], catalog_version: str) -> View:
    title = f"tokx budget check (catalog {catalog_version})"
    return View(
        payload=check_payload(results, catalog_version),
        records="workloads",
        title=title,
        table=lambda: [
            *_fitted(title, HEADERS, _rows(results), left=3),
            *files_table(_check_files(results)),
        ],
        markdown=lambda: (
            f"### {title}\n\n"
            + markdown_table(HEADERS, _rows(results))
            + files_markdown(_check_files(results))
        ),
    )


def github_annotations(results: list[CheckResult], config_path: Path) -> str:
    """``::error`` lines GitHub Actions turns into annotations on the config file, and a
    ``::warning`` (cost up) or ``::notice`` on each input file that moved the cost."""
    shown_path = Path(repository_path(config_path))
    lines = []
    for r in results:
        for violation in r.violations:
            lines.append(
                f"::error file={shown_path},title=tokx budget: {r.name} "
                f"({violation.budget})::{escape_annotation(violation.message)}"
            )
        if r.ok:
            lines.append(
                f"::notice file={shown_path},title=tokx budget: {r.name}::"
                f"{escape_annotation(money(r.line.monthly, r.line.currency))} a month, "
                "within budget"
            )
        lines += file_annotations(r.name, r.line.currency, r.files, config_path.parent)
    return "\n".join(lines) + "\n"


MOVABLE = ("per 1K req", "baseline", "change", "change %")
DIFF_HEADERS = ["workload", "before", "after", "change", "change %"]


def _diff_rows(rows: list[DiffRow]) -> list[list[str]]:
    """One row per workload, each money column at one precision, as in ``_rows``."""
    currency = rows[0].currency if rows else "USD"
    zero = Decimal(0)
    before = money_column([row.old if row.old is not None else zero for row in rows], currency)
    after = money_column([row.new if row.new is not None else zero for row in rows], currency)
    change = money_column(
        [row.change if row.change is not None else zero for row in rows], currency
    )
    return [
        [
            row.name,
            before[index] if row.old is not None else "(new)",
            after[index] if row.new is not None else "(removed)",
            signed(change[index], row.change) if row.change is not None else "-",
            _pct(row.percent),
        ]
        for index, row in enumerate(rows)
    ]


def _diffed(row: DiffRow) -> payloads.DiffedWorkload:
    files, note = files_payload(row.files)
    return payloads.DiffedWorkload(
        name=row.name,
        currency=row.currency,
        old_monthly=_optional(row.old),
        new_monthly=_optional(row.new),
        change=_optional(row.change),
        change_percent=_optional(row.percent),
        files=files,
        files_note=note,
    )


def diff_view(rows: list[DiffRow], old: Baseline, new: Baseline) -> View:
    payload = payloads.DiffOutput(
        old_catalog_version=old.catalog_version,
        new_catalog_version=new.catalog_version,
        workloads=[_diffed(row) for row in rows],
    )
    title = f"Cost diff (catalog {old.catalog_version} -> {new.catalog_version})"
    files = [(row.name, row.currency, row.files) for row in rows]
    return View(
        payload=payload,
        records="workloads",
        title=title,
        table=lambda: [
            *_fitted(title, DIFF_HEADERS, _diff_rows(rows), left=1),
            *files_table(files),
        ],
        markdown=lambda: (
            "### tokx cost diff\n\n"
            + markdown_table(DIFF_HEADERS, _diff_rows(rows))
            + files_markdown(files)
        ),
    )
