"""The DuckDB engine against the Python path on seeded random usage tables: the same sources,
period, recorded spend and, for every line, the same money to the last digit (not only to the
cent), the same counts of long, excluded, tiered and banded calls and the same notes. Tables mix
short prompts (under every minimum cacheable length), long-context tiers, calls longer than
every window, timestamps across the DeepSeek peak band, untimed rows and recorded costs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
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


LOGS = Path(__file__).parent.parent / "fixtures" / "logs"


@pytest.mark.parametrize(
    ("fixture", "layout"),
    [
        ("openrouter_activity.csv", "openrouter-csv"),
        ("litellm_spendlogs.csv", "litellm-csv"),
        ("custom_usage.csv", "columns"),
    ],
)
def test_the_export_layouts_read_the_same_in_sql_as_in_the_log_readers(
    fixture: str, layout: str
) -> None:
    options: dict[str, Any] = {"alternatives": 2}
    if layout == "columns":
        options["columns"] = {
            "model": "engine",
            "timestamp": "when",
            "input": "fresh_prompt",
            "cache_read": "cached",
            "output": "completion",
            "cost": "usd",
        }
    python = run(LOGS / fixture, "python", "2026-11-27", **options)
    duck = run(LOGS / fixture, "duckdb", "2026-11-27", **options)
    assert set(duck.files.values()) == {layout}
    assert comparable(duck) == comparable(python)


def test_a_jsonl_table_of_otel_columns_reads_like_its_parquet(tmp_path: Path) -> None:
    parquet = otel_parquet(tmp_path, 300, 5)
    jsonl = tmp_path / "spans.jsonl"
    duckdb.execute(
        f"COPY (SELECT * REPLACE (strftime(\"timestamp\", '%Y-%m-%dT%H:%M:%S.%fZ') AS "
        f"\"timestamp\") FROM read_parquet('{parquet}')) TO '{jsonl}' (FORMAT json)"
    )
    from_parquet = run(parquet, "duckdb", "2026-11-27", alternatives=1)
    from_jsonl = run(jsonl, "duckdb", "2026-11-27", alternatives=1)
    auto = run(jsonl, "auto", "2026-11-27", alternatives=1)  # small: the Python path
    assert comparable(from_jsonl) == comparable(from_parquet) == comparable(auto)


def test_a_reasoning_ratio_scales_the_cells_of_a_usage_table_like_the_calls(
    tmp_path: Path,
) -> None:
    """DuckDB has no calls at hand: a given reasoning ratio scales each cell's sum (rounded
    once per cell, not per call). The money differs from the Python path's per-call rounding by
    at most half a token per call at the output price, and the note says how it was done."""
    from decimal import Decimal

    table = write_table(tmp_path / "usage.csv", 1500, 5)
    options: dict[str, Any] = {
        "columns": COLUMNS,
        "models": ("deepseek-v4-flash",),
        "reasoning_ratios": {"deepseek-v4-flash": Decimal("2.5")},
    }
    plain = run(table, "duckdb", "2026-11-27", columns=COLUMNS, models=("deepseek-v4-flash",))
    python = run(table, "python", "2026-11-27", **options)
    duck = run(table, "duckdb", "2026-11-27", **options)

    def targets(result: ReplayResult) -> dict[tuple[str, str | None], Any]:
        return {
            (line.cost.provider, line.cost.region): line.cost
            for line in result.lines
            if line.role == "target"
        }

    before, by_call, by_cell = targets(plain), targets(python), targets(duck)
    logged_reasoning = sum(source.counts["reasoning"] for source in plain.sources)
    assert before.keys() == by_call.keys() == by_cell.keys() and by_cell
    for key, cost in by_cell.items():
        assert any("reasoning scaled on cell sums" in note for note in cost.notes)
        assert cost.breakdown["reasoning"] > 2 * before[key].breakdown["reasoning"] > 0
        # rounding moves at most half a token per call (and per cell); allow one whole token
        # per call at the line's average reasoning price per logged reasoning token (x2 for
        # the spread of band and tier prices around that average)
        per_token = before[key].breakdown["reasoning"] / logged_reasoning
        assert abs(cost.period_cost - by_call[key].period_cost) <= cost.requests * per_token
        assert cost.period_cost != before[key].period_cost
