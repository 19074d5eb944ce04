"""The DuckDB engine against the Python path on seeded random usage tables: the same sources,
period, recorded spend and, for every line, the same money to the last digit (not only to the
cent), the same counts of long, excluded, tiered and banded calls and the same notes. Tables mix
short prompts (under every minimum cacheable length), long-context tiers, calls longer than
every window, timestamps across the DeepSeek peak band, untimed rows and recorded costs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from usage_tables import COLUMNS, otel_parquet, write_table

from tokenexport_cli.api.choices import CatalogChoice
from tokenexport_cli.api.replay import ReplayRequest, ReplayResult, replay


def comparable(result: ReplayResult) -> dict[str, Any]:
    return {
        "requests": result.requests,
        "period": (result.start, result.end, result.days),
        "recorded": result.recorded_spend,
        "sources": sorted(
            (
                s.model,
                s.provider or "",
                s.resolved,
                s.requests,
                sorted(s.counts.items()),
                s.recorded_spend,
                s.token_share,
            )
            for s in result.sources
        ),
        "lines": sorted(
            (
                line.role,
                line.cost.model,
                line.cost.provider,
                line.cost.region or "",
                line.cost.period_cost,
                sorted(line.cost.breakdown.items()),
                line.cost.requests,
                line.cost.long_requests,
                line.cost.long_token_share,
                line.cost.excluded_requests,
                line.cost.notes,
                line.monthly,
            )
            for line in result.lines
        ),
    }


def run(path: Path, engine: str, version: str, **options: Any) -> ReplayResult:
    return replay(
        ReplayRequest(
            paths=(path,),
            catalog=CatalogChoice(version=version),
            engine=engine,  # type: ignore[arg-type]
            **options,
        )
    )


@pytest.mark.parametrize(
    ("seed", "version", "long_inputs"),
    [
        (1, "2026-08-21", "cap"),
        (2, "2026-11-27", "split"),
        (3, "2026-11-27", "exclude"),
        (4, "2026-11-27", "cap"),
    ],
)
def test_duckdb_equals_the_python_path_on_a_random_table(
    tmp_path: Path, seed: int, version: str, long_inputs: str
) -> None:
    table = write_table(tmp_path / "usage.csv", 1500, seed)
    options = {
        "columns": COLUMNS,
        "models": ("gpt-4o", "deepseek-v4-flash", "gemini-2.5-pro", "claude-sonnet-4.5"),
        "long_inputs": long_inputs,
    }
    python = run(table, "python", version, **options)
    duck = run(table, "duckdb", version, **options)
    assert comparable(duck) == comparable(python)
    lines = python.lines
    assert len(lines) > 10  # every offer of four models, plus the logged models as billed
    assert any(line.cost.long_requests for line in lines)
    assert any(any("long-context tier" in n for n in line.cost.notes) for line in lines)
    assert any(any("without a timestamp" in n for n in line.cost.notes) for line in lines) or (
        version == "2026-11-27"  # the peak band there is the CNY path's, also checked
    )


def test_duckdb_equals_the_python_path_on_parquet_and_without_models(tmp_path: Path) -> None:
    """OpenTelemetry attribute columns in Parquet, read by no mapping; alternatives chosen by
    the engine's own totals."""
    parquet = otel_parquet(tmp_path, 1200, 7)
    python = run(parquet, "python", "2026-11-27", alternatives=3)
    duck = run(parquet, "auto", "2026-11-27", alternatives=3)  # Parquet: DuckDB
    assert duck.files == {str(parquet): "otel-columns"}
    assert comparable(duck) == comparable(python)
    assert len([line for line in duck.lines if line.role == "alternative"]) == 3
    unresolved = [s for s in duck.sources if s.resolved is None]
    assert [s.model for s in unresolved] == ["mystery-model-9"]
