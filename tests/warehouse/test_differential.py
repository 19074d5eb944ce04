"""The DuckDB engine against the Python path on seeded random usage tables: the same sources,
period, recorded spend and, for every line, the same money to the last digit (not only to the
cent), the same counts of long, excluded, tiered and banded calls and the same notes. Tables mix
short prompts (under every minimum cacheable length), long-context tiers, calls longer than
every window, timestamps across the DeepSeek peak band, untimed rows and recorded costs."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tokenexport_cli.api.choices import CatalogChoice
from tokenexport_cli.api.replay import ReplayRequest, ReplayResult, replay

MODELS = (
    ("gemini-2.5-pro", "google"),
    ("claude-sonnet-4-5-20250929", "anthropic"),
    ("deepseek-v4-flash", "deepseek"),
    ("gpt-4o-2024-08-06", ""),
    ("mystery-model-9", ""),
)
COLUMNS = {
    "model": "model",
    "provider": "vendor",
    "timestamp": "time",
    "input": "fresh",
    "cache_read": "cached",
    "cache_write": "written",
    "output": "out",
    "reasoning": "thought",
    "cost": "usd",
}
START = dt.datetime(2026, 8, 3, tzinfo=dt.UTC)


def _prompt(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.6:
        return rng.randint(0, 3000)
    if roll < 0.85:
        return rng.randint(3000, 150_000)
    if roll < 0.97:
        return rng.randint(150_000, 260_000)
    return rng.randint(900_000, 1_300_000)


def write_table(path: Path, rows: int, seed: int) -> Path:
    rng = random.Random(seed)
    lines = [",".join(COLUMNS.values())]
    for _ in range(rows):
        model, vendor = rng.choice(MODELS)
        prompt = _prompt(rng)
        cached = rng.randint(0, prompt) if rng.random() < 0.6 else 0
        written = rng.randint(0, prompt - cached) if rng.random() < 0.3 else 0
        moment = START + dt.timedelta(
            seconds=rng.randint(0, 14 * 86400), microseconds=rng.randint(0, 999_999)
        )
        stamp = "" if rng.random() < 0.05 else moment.isoformat().replace("+00:00", "Z")
        cost = f"{Decimal(rng.randint(0, 10**7)) / 10**7}" if rng.random() < 0.5 else ""
        out = rng.randint(0, 8000)
        thought = rng.randint(0, 2000) if rng.random() < 0.3 else 0
        fresh = prompt - cached - written
        lines.append(f"{model},{vendor},{stamp},{fresh},{cached},{written},{out},{thought},{cost}")
    path.write_text("\n".join(lines) + "\n")
    return path


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
    csv_path = write_table(tmp_path / "usage.csv", 1200, 7)
    parquet = tmp_path / "spans.parquet"
    duckdb.execute(
        f"""COPY (SELECT model AS "gen_ai.request.model",
                         NULLIF(vendor, '') AS "gen_ai.provider.name",
                         fresh + cached + written AS "gen_ai.usage.input_tokens",
                         cached AS "gen_ai.usage.cache_read.input_tokens",
                         written AS "gen_ai.usage.cache_creation.input_tokens",
                         out + thought AS "gen_ai.usage.output_tokens",
                         thought AS "gen_ai.usage.reasoning.output_tokens",
                         CAST(time AS TIMESTAMPTZ) AS "timestamp"
                  FROM read_csv('{csv_path}', header = true))
            TO '{parquet}' (FORMAT parquet)"""
    )
    python = run(parquet, "python", "2026-11-27", alternatives=3)
    duck = run(parquet, "auto", "2026-11-27", alternatives=3)  # Parquet: DuckDB
    assert duck.files == {str(parquet): "otel-columns"}
    assert comparable(duck) == comparable(python)
    assert len([line for line in duck.lines if line.role == "alternative"]) == 3
    unresolved = [s for s in duck.sources if s.resolved is None]
    assert [s.model for s in unresolved] == ["mystery-model-9"]
