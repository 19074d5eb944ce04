"""Render token counts: exact counts plainly, reconstructed ones as ``≈12,400 ±1%``, approximate
ones as ``~12,400 ±10%``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tokenexport_cli.render import payloads
from tokenexport_cli.render.output import View
from tokenexport_cli.tokens.results import CountReport, TokenCount


def count_text(count: TokenCount) -> str:
    if count.exact:
        return f"{count.tokens:,}"
    if count.reconstructed:
        return f"≈{count.tokens:,} ±{band_percent(count)}%"
    return f"~{count.tokens:,} ±{band_percent(count)}%"


def band_percent(count: TokenCount) -> str:
    return format(((count.band or Decimal(0)) * 100).normalize(), "f")


def _kind(count: TokenCount) -> str:
    if count.exact:
        return "exact"
    if count.reconstructed:
        return f"reconstructed, range {count.low:,}-{count.high:,}"
    return f"approximate: {count.reference} x factor, range {count.low:,}-{count.high:,}"


def tokens_table(report: CountReport, per_file: bool) -> list[Any]:
    from rich.table import Table

    counted = [item for item in report.inputs if not item.skipped]
    table = Table(title=f"Tokens in {len(counted)} input(s)", title_justify="left")
    table.add_column("family")
    table.add_column("tokens", justify="right")
    table.add_column("count")
    for total in report.totals:
        table.add_row(total.family, count_text(total), _kind(total))
    out: list[Any] = [table]
    if per_file:
        files = Table(title="Per input", title_justify="left")
        files.add_column("input", overflow="fold")
        for total in report.totals:
            files.add_column(total.family, justify="right")
        for item in report.inputs:
            files.add_row(
                item.source,
                *(
                    ("skipped",) * len(report.totals)
                    if item.skipped
                    else (count_text(c) for c in item.counts)
                ),
            )
        out.append(files)
    return out


def _count_payload(count: TokenCount) -> payloads.FamilyCount:
    return payloads.FamilyCount(
        family=count.family,
        tokens=count.tokens,
        exact=count.exact,
        kind="exact" if count.exact else "reconstructed" if count.reconstructed else "approximate",
        low=count.low,
        high=count.high,
        reference=count.reference,
        band_percent=band_percent(count) if not count.exact else None,
    )


def tokens_payload(report: CountReport, catalog_version: str) -> payloads.TokensOutput:
    return payloads.TokensOutput(
        catalog_version=catalog_version,
        totals=[_count_payload(c) for c in report.totals],
        inputs=[
            payloads.CountedInput(
                source=item.source,
                bytes=item.size_bytes,
                skipped=item.skipped,
                cached=item.cached,
                counts=[_count_payload(c) for c in item.counts],
                warnings=[w.message for w in item.warnings],
            )
            for item in report.inputs
        ],
    )


def tokens_view(report: CountReport, catalog_version: str, per_file: bool) -> View:
    return View(
        payload=tokens_payload(report, catalog_version),
        records="totals",
        title="Tokens",
        table=lambda: tokens_table(report, per_file),
    )
