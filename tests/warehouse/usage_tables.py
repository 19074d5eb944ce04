"""Seeded random usage tables for the warehouse tests: short prompts (under every minimum
cacheable length), long-context tiers, calls longer than every window, timestamps across two
weeks (the DeepSeek peak band included), untimed rows and recorded costs."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import duckdb

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


def otel_parquet(tmp_path: Path, rows: int, seed: int) -> Path:
    """The same random table as OpenTelemetry attribute columns in Parquet."""
    source = write_table(tmp_path / "usage.csv", rows, seed)
    parquet = tmp_path / "spans.parquet"
    duckdb.execute(
        f"""COPY (SELECT model AS "gen_ai.request.model",
                         NULLIF(vendor, '') AS "gen_ai.provider.name",
                         fresh + cached + written AS "gen_ai.usage.input_tokens",
                         cached AS "gen_ai.usage.cache_read.input_tokens",
                         written AS "gen_ai.usage.cache_creation.input_tokens",
                         out + thought AS "gen_ai.usage.output_tokens",
                         thought AS "gen_ai.usage.reasoning.output_tokens",
                         CAST(CAST(time AS TIMESTAMPTZ) AS TIMESTAMP) AS "timestamp"
                  FROM read_csv('{source}', header = true))
            TO '{parquet}' (FORMAT parquet)"""
    )
    return parquet
