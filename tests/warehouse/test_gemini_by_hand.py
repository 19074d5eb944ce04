"""The done-when of issue 17 at test size: a Parquet table of Gemini 2.5 Pro usage with some
prompts above the 200K tier, priced by ``tokx replay table.parquet -m gemini-2.5-pro --provider
google-ai-studio`` exactly as every row priced by hand here (the offer's base and tier prices;
cache reads at the read price only from the 2,048-token minimum cacheable prompt)."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from tokenexport_cli.api.choices import CatalogChoice, open_catalog
from tokenexport_cli.cli import app

MILLION = Decimal(1_000_000)


def test_a_gemini_table_is_priced_exactly_as_every_row_by_hand(tmp_path: Path) -> None:
    rng = random.Random(17)
    rows = []
    for _ in range(20_000):
        roll = rng.random()
        prompt = (
            rng.randint(200_001, 600_000)
            if roll < 0.05
            else rng.randint(0, 2047)
            if roll < 0.1
            else rng.randint(2048, 60_000)
        )
        cached = rng.randint(0, prompt) if rng.random() < 0.5 else 0
        thought = rng.randint(0, 2000) if rng.random() < 0.3 else 0
        rows.append(
            (prompt, cached, rng.randint(0, 4000) + thought, thought, rng.randint(0, 2591999))
        )
    source = tmp_path / "rows.csv"
    source.write_text(
        "prompt,cached,output,thought,second\n"
        + "\n".join(",".join(map(str, r)) for r in rows)
        + "\n"
    )
    table = tmp_path / "table.parquet"
    duckdb.execute(
        f"""COPY (SELECT 'gemini-2.5-pro' AS "gen_ai.request.model",
                         prompt AS "gen_ai.usage.input_tokens",
                         cached AS "gen_ai.usage.cache_read.input_tokens",
                         output AS "gen_ai.usage.output_tokens",
                         thought AS "gen_ai.usage.reasoning.output_tokens",
                         TIMESTAMP '2026-08-01' + to_seconds(second) AS "timestamp"
                  FROM read_csv('{source}', header = true)) TO '{table}' (FORMAT parquet)"""
    )
    index = open_catalog(CatalogChoice(version="2026-11-27"))
    (offer,) = [o for o in index.offers("gemini-2.5-pro") if o.provider == "google-ai-studio"]
    (tier,) = offer.tiers_in_force
    assert (tier.above, offer.cache_min_tokens) == (200_000, 2048)
    expected = Decimal(0)
    for prompt, cached, output, _thought, _second in rows:
        level = tier if prompt > tier.above else offer
        assert level.cache_read is not None
        if prompt < offer.cache_min_tokens:
            expected += prompt * level.input
        else:
            expected += (prompt - cached) * level.input + cached * level.cache_read
        expected += output * level.output  # reasoning is billed inside the output tokens
    expected /= MILLION
    result = CliRunner().invoke(
        app,
        [
            "replay",
            str(table),
            "-m",
            "gemini-2.5-pro",
            "--provider",
            "google-ai-studio",
            "--catalog-version",
            "2026-11-27",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["files"] == {str(table): "otel-columns"}  # Parquet: the DuckDB engine
    assert {line["role"]: Decimal(line["period_cost"]) for line in data["lines"]} == {
        "source": expected,
        "target": expected,
    }
