"""Render workload statistics and calibration fits."""

from __future__ import annotations

from typing import Any

import msgspec

from tokenexport_cli.render import payloads
from tokenexport_cli.render.cost import decimal_str
from tokenexport_cli.render.output import View
from tokenexport_cli.tokens.workload_counts import FamilyCounts
from tokenexport_cli.workload.calibrate import Calibration
from tokenexport_cli.workload.load import Workload
from tokenexport_cli.workload.stats import TokenStats, token_stats


def _stats(counts: FamilyCounts) -> tuple[TokenStats, TokenStats]:
    inputs = [counts.prefix + prompt for prompt in counts.prompts]
    return token_stats(inputs), token_stats(counts.outputs)


def _tokens(value: int, counts: FamilyCounts) -> str:
    if counts.exact:
        return f"{value:,}"
    return f"≈{value:,}" if counts.reconstructed else f"~{value:,}"


def _kind(counts: FamilyCounts) -> str:
    if counts.exact:
        return "exact"
    return f"{'reconstructed' if counts.reconstructed else 'approx'} ±{counts.band_percent}%"


def workload_table(workload: Workload, family_counts: list[FamilyCounts]) -> list[Any]:
    from rich.text import Text

    facts = Text(
        f"{workload.name}: {workload.requests_per_month:,.0f} requests/month, growth "
        f"{workload.growth_percent_per_month}%/month, traffic {workload.traffic.label}, "
        f"cache hit rate {workload.cache_hit_rate}, "
        f"batch fraction {workload.batch_fraction}"
    )
    from tokenexport_cli.render.layout import Column, fitted

    columns = [
        Column("family"),
        Column("count"),
        Column("requests", right=True, movable=True),
        Column("total", right=True, movable=True),
        Column("mean", right=True),
        Column("p50", right=True, movable=True),
        Column("p95", right=True),
        Column("p99", right=True, movable=True),
        Column("max", right=True),
        Column("prefix", right=True, movable=True),
        Column("output mean", right=True, movable=True),
    ]
    rows = []
    for counts in family_counts:
        stats, outputs = _stats(counts)
        rows.append(
            [
                counts.family,
                _kind(counts),
                f"{stats.requests:,}",
                _tokens(stats.total, counts),
                f"{stats.mean:,.1f}",
                _tokens(stats.p50, counts),
                _tokens(stats.p95, counts),
                _tokens(stats.p99, counts),
                _tokens(stats.max, counts),
                _tokens(counts.prefix, counts),
                f"{outputs.mean:,.1f}",
            ]
        )
    title = "Input tokens per request (incl. the shared system prompt)"
    return [facts, *fitted(title, columns, rows, keys=1)]


def _stats_payload(stats: TokenStats) -> payloads.Stats:
    return payloads.Stats(
        requests=stats.requests,
        total=stats.total,
        mean=decimal_str(stats.mean),
        p50=stats.p50,
        p95=stats.p95,
        p99=stats.p99,
        max=stats.max,
    )


def workload_payload(
    workload: Workload, family_counts: list[FamilyCounts], catalog_version: str
) -> payloads.WorkloadOutput:
    families = []
    for counts in family_counts:
        stats, outputs = _stats(counts)
        families.append(
            payloads.FamilyStats(
                family=counts.family,
                exact=counts.exact,
                reconstructed=counts.reconstructed,
                band_percent=(
                    decimal_str(counts.band_percent) if counts.band_percent is not None else None
                ),
                prefix_tokens=counts.prefix,
                input=_stats_payload(stats),
                output=_stats_payload(outputs),
            )
        )
    return payloads.WorkloadOutput(
        catalog_version=catalog_version,
        workload=workload.name,
        requests_per_month=decimal_str(workload.requests_per_month),
        traffic=payloads.Traffic(label=workload.traffic.label, timezone=workload.traffic.timezone),
        cache_hit_rate=decimal_str(workload.cache_hit_rate),
        batch_fraction=decimal_str(workload.batch_fraction),
        families=families,
    )


def workload_view(
    workload: Workload, family_counts: list[FamilyCounts], catalog_version: str
) -> View:
    return View(
        payload=workload_payload(workload, family_counts, catalog_version),
        records="families",
        title=f"Workload {workload.name}",
        table=lambda: workload_table(workload, family_counts),
    )


def calibration_table(calibration: Calibration) -> Any:
    from rich.table import Table

    table = Table(
        title="Calibration: API-reported prompt tokens / tokx's local count", title_justify="left"
    )
    for header in ("model", "family", "requests", "ratio", "p5", "p95", "stdev"):
        table.add_column(header, justify="left" if header in ("model", "family") else "right")
    for fit in calibration.models.values():
        table.add_row(
            fit.model,
            fit.family or "-",
            str(fit.requests),
            str(fit.ratio),
            str(fit.p5),
            str(fit.p95),
            str(fit.stdev),
        )
    return table


def calibration_payload(calibration: Calibration) -> payloads.CalibrationOutput:
    fits = {
        model: msgspec.convert(msgspec.to_builtins(fit), payloads.Fit)
        for model, fit in calibration.models.items()
    }
    return payloads.CalibrationOutput(
        schema_version=calibration.schema_version, models=fits, fits=list(fits.values())
    )


def calibration_view(calibration: Calibration) -> View:
    return View(
        payload=calibration_payload(calibration),
        records="fits",
        title="Calibration",
        table=lambda: [calibration_table(calibration)],
    )
