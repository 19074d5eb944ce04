"""Langfuse observation exports (API/UI JSON objects and blob-storage CSV rows) and Parquet
tables (read through DuckDB with the same column roles as CSV), priced as billed.

Fixture fields follow tests/fixtures/logs/SOURCES.md. Hand-worked on catalog 2026-08-21:
gpt-4o $2.50 in, $1.25 cached, $10 out: 176 x 2.5 + 1,024 x 1.25 + 300 x 10 = 4,720 -> $0.00472;
haiku 4.5 $1 / $0.10 read / $1.25 write / $5: 70 + 4,000 x .1 + 4,000 x 1.25 + 650 x 5 = 8,720
-> $0.00872."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.api.choices import CatalogChoice
from tokenexport_cli.api.replay import ReplayRequest, ReplayResult, replay
from tokenexport_cli.cli import app
from tokenexport_cli.errors import DataError
from tokenexport_cli.logs.detect import read_logs

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
PINNED = CatalogChoice(version="2026-08-21")
runner = CliRunner()
duckdb = pytest.importorskip("duckdb", reason="duckdb (a declared dependency) reads Parquet")


def _run(*paths: Path, **options: object) -> ReplayResult:
    return replay(ReplayRequest(paths=paths, catalog=PINNED, alternatives=0, **options))  # type: ignore[arg-type]


def _costs(result: ReplayResult) -> dict[str, str]:
    return {line.cost.model: str(line.cost.period_cost) for line in result.lines}


@pytest.mark.parametrize("name", ["langfuse_observations.jsonl", "langfuse_observations.csv"])
def test_langfuse_generations_priced_as_billed_and_spans_skipped(name: str) -> None:
    result = _run(LOGS / name)
    assert result.files == {str(LOGS / name): "langfuse"}
    assert result.requests == 2  # the SPAN is not an API call, and not a bad line either
    assert not result.warnings
    assert _costs(result) == {"gpt-4o": "0.00472", "claude-haiku-4.5": "0.00872"}
    # costDetails.total is the recorded spend, equal to the list-price bill
    assert result.recorded_spend == Decimal("0.01344")
    (gpt,) = [s for s in result.sources if s.resolved == "gpt-4o"]
    assert gpt.counts["input"] == 176 and gpt.counts["cache_read"] == 1024


def test_langfuse_usage_types_tokx_cannot_place_are_errors(tmp_path: Path) -> None:
    log = tmp_path / "obs.jsonl"
    log.write_text(
        '{"id":"o","traceId":"t","type":"GENERATION","startTime":"2026-08-03T09:00:00Z",'
        '"model":"gpt-4o","usageDetails":{"input":10,"widgets":3,"output":1}}\n'
    )
    with pytest.raises(DataError) as caught:
        read_logs([log])
    assert str(caught.value) == f"{log}:1: usageDetails.widgets: a usage type tokx cannot place"


def _parquet(tmp_path: Path, csv: Path) -> Path:
    target = tmp_path / (csv.stem + ".parquet")
    duckdb.sql(
        f"COPY (SELECT * FROM read_csv('{csv}', header=true, all_varchar=false)) "
        f"TO '{target}' (FORMAT parquet)"
    )
    return target


def test_a_parquet_export_is_read_by_its_headers(tmp_path: Path) -> None:
    table = _parquet(tmp_path, LOGS / "openrouter_activity.csv")
    from_csv = _run(LOGS / "openrouter_activity.csv")
    from_parquet = _run(table)
    assert from_parquet.files == {str(table): "openrouter-csv"}
    assert _costs(from_parquet) == _costs(from_csv)
    assert from_parquet.recorded_spend == from_csv.recorded_spend == Decimal("0.0056852")


def test_a_parquet_table_through_column_roles_in_the_cli(tmp_path: Path) -> None:
    table = _parquet(tmp_path, LOGS / "custom_usage.csv")
    unknown = runner.invoke(app, ["replay", str(table)])
    assert unknown.exit_code == 3 and "--column ROLE=HEADER" in unknown.stderr
    mapped = runner.invoke(
        app,
        [
            "replay",
            str(table),
            "--catalog-version",
            "2026-08-21",
            *("--column", "model=engine", "--column", "timestamp=when"),
            *("--column", "input=fresh_prompt", "--column", "cache_read=cached"),
            *("--column", "output=completion", "--column", "cost=usd"),
            *("--alternatives", "0", "--format", "json"),
        ],
    )
    assert mapped.exit_code == 0, mapped.stderr
    # the same two gpt-4o calls as openai_chat.jsonl: $0.02522 at list prices, as recorded
    assert '"period_cost": "0.02522"' in mapped.stdout
    assert '"recorded_spend": "0.02522"' in mapped.stdout


def test_a_file_that_is_not_parquet_is_one_clear_error(tmp_path: Path) -> None:
    fake = tmp_path / "usage.parquet"
    fake.write_bytes(b"PAR1\x00\x01garbage\x00" * 8)
    result = runner.invoke(app, ["replay", str(fake)])
    assert result.exit_code == 3
    assert result.stderr.startswith(f"tokx: error: {fake}: not a readable Parquet file")
    assert len(result.stderr.strip().splitlines()) == 1


def test_forcing_langfuse_reads_json_lines_as_observations(tmp_path: Path) -> None:
    log = tmp_path / "export.txt"
    log.write_bytes((LOGS / "langfuse_observations.jsonl").read_bytes())
    read = read_logs([log], "langfuse")
    assert read.files == {str(log): "langfuse"} and len(read.table) == 2
