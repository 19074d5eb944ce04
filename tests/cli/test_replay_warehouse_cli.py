"""``tokx replay`` on usage tables and saved aggregates, end to end: bad input gives one line
naming the file, line or row and column, the documented exit code, and nothing written; rows
that do not read are skipped with a count where the rest is valid."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tokenexport_cli.cli import app

runner = CliRunner()
OTEL = (
    "gen_ai.request.model,gen_ai.usage.input_tokens,gen_ai.usage.cache_read.input_tokens,"
    "gen_ai.usage.output_tokens,timestamp"
)
GEMINI = [
    "-m",
    "gemini-2.5-pro",
    "--provider",
    "google-ai-studio",
    "--catalog-version",
    "2026-11-27",
]


def table(tmp_path: Path, *rows: str, header: str = OTEL, name: str = "spans.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def replay(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["replay", *args])
    return result.exit_code, result.stdout, result.stderr


def test_an_unmappable_parquet_table_lists_the_roles_and_its_headers(tmp_path: Path) -> None:
    path = tmp_path / "usage.parquet"
    duckdb.execute(f"COPY (SELECT 'x' AS engine, 3 AS tokens) TO '{path}' (FORMAT parquet)")
    code, out, err = replay(str(path), *GEMINI)
    assert code == 3 and out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"tokx: error: {path}:1: unknown columns (engine, tokens)")
    assert "--column ROLE=HEADER (roles: model, timestamp, input," in err


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_a_negative_count_or_bad_timestamp_row_is_skipped_with_a_count(
    tmp_path: Path, engine: str
) -> None:
    path = table(
        tmp_path,
        "gemini-2.5-pro,1000,0,100,2026-08-03T10:00:00Z",
        "gemini-2.5-pro,-5,0,100,2026-08-03T10:00:00Z",
        "gemini-2.5-pro,1000,0,100,yesterday",
        "gemini-2.5-pro,3000,0,100,2026-08-04T10:00:00Z",
    )
    code, out, err = replay(str(path), *GEMINI, "--engine", engine, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["requests"] == 2
    if engine == "duckdb":
        assert err == (
            f"tokx: warning: {path}: skipped 2 rows that could not be read (first: {path}:3: "
            "gen_ai.usage.input_tokens - gen_ai.usage.cache_read.input_tokens: negative token "
            "count (-5))\n"
        )


def test_a_table_of_nothing_but_bad_rows_is_an_error_naming_the_line_and_column(
    tmp_path: Path,
) -> None:
    path = table(tmp_path, "gemini-2.5-pro,1000,0,100,not a time")
    out_file = tmp_path / "out.json"
    code, out, err = replay(
        str(path), *GEMINI, "--engine", "duckdb", "--format", "json", "-o", str(out_file)
    )
    assert code == 3 and out == ""
    assert err == f"tokx: error: {path}:2: timestamp: not a timestamp\n"
    assert not out_file.exists()


def test_empty_counts_read_as_zero_on_both_engines(tmp_path: Path) -> None:
    path = table(tmp_path, "gemini-2.5-pro,1000,,,2026-08-03T10:00:00Z")
    results = []
    for engine in ("python", "duckdb"):
        code, out, err = replay(str(path), *GEMINI, "--engine", engine, "--format", "json")
        assert code == 0, err
        results.append(json.loads(out)["lines"][0]["period_cost"])
    # 1,000 input tokens x $1.25 per million, no output
    assert results == ["0.00125", "0.00125"]


def test_duckdb_refuses_a_log_that_is_not_a_table() -> None:
    log = Path(__file__).parent.parent / "fixtures" / "logs" / "openai_chat.jsonl"
    code, _, err = replay(str(log), "--engine", "duckdb")
    assert code == 2
    assert err.startswith(f"tokx: error: --engine: {log}: not a usage table")


AGGREGATE = (
    "model,provider,slot,exact,requests,input,cache_read,cache_write_5m,output,reasoning,"
    "prompt_min,prompt_max,whole_max,first_seen,last_seen"
)


def test_an_aggregate_priced_by_hand(tmp_path: Path) -> None:
    # two cells of gemini-2.5-pro: 10 calls of 3,000..5,000 prompt tokens (base prices:
    # 40,000 x $1.25 + 1,000 x $10 = $0.06) and one of 250,000 (over 200K: 250,000 x $2.50 +
    # 100 x $15 = $0.6265); plus 4 calls of a model no catalog has
    path = table(
        tmp_path,
        "gemini-2.5-pro,,3,false,10,40000,0,0,1000,0,3000,5000,5200,1785744000,1785747600",
        "gemini-2.5-pro,,3,false,1,250000,0,0,100,0,250000,250000,250100,1785744000,1785744000",
        "nobody-knows-1,,-1,false,4,400,0,0,40,0,100,100,110,,",
        header=AGGREGATE,
        name="cells.csv",
    )
    code, out, err = replay("--aggregate", str(path), *GEMINI, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    (line,) = [x for x in data["lines"] if x["role"] == "target"]
    assert line["period_cost"] == "0.6865"
    assert data["requests"] == 15
    assert any("4 calls (" in note and "nobody-knows-1" in note for note in line["notes"])


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("gemini-2.5-pro,,3,false,-2,40,0,0,1,0,40,40,41,,", "requests: negative (-2)"),
        ("gemini-2.5-pro,,3,false,2,4.5,0,0,1,0,40,40,41,,", "input: expected a whole number"),
        ("gemini-2.5-pro,,999,false,2,40,0,0,1,0,40,40,41,,", "slot: expected -1 (no time)"),
        ("gemini-2.5-pro,,3,maybe,2,40,0,0,1,0,40,40,41,,", "exact: expected true or false"),
        (",,3,false,2,40,0,0,1,0,40,40,41,,", "model: empty"),
    ],
)
def test_a_bad_aggregate_row_names_its_line_and_column(
    tmp_path: Path, row: str, problem: str
) -> None:
    good = "gemini-2.5-pro,,3,false,1,40,0,0,1,0,40,40,41,,"
    path = table(tmp_path, good, row, header=AGGREGATE, name="cells.csv")
    code, out, err = replay("--aggregate", str(path), *GEMINI)
    assert code == 3 and out == ""
    assert err.startswith(f"tokx: error: {path}:3: {problem}") and err.count("\n") == 1


def test_an_aggregate_without_cell_columns_or_cut_for_another_model(tmp_path: Path) -> None:
    missing = table(tmp_path, "gemini-2.5-pro,10", header="model,requests", name="m.csv")
    code, _, err = replay("--aggregate", str(missing), *GEMINI)
    assert code == 3
    assert err.startswith(f"tokx: error: {missing}:1: missing cell columns slot, exact, input")
    # one cell of prompts from 100K to 300K: gemini-2.5-pro's 200K tier runs through it
    spanning = table(
        tmp_path,
        "gemini-2.5-pro,,3,false,2,400000,0,0,10,0,100000,300000,300010,,",
        header=AGGREGATE,
        name="cut.csv",
    )
    code, _, err = replay("--aggregate", str(spanning), *GEMINI)
    assert code == 3
    assert err.startswith(
        f"tokx: error: {spanning}: cell 1: prompts from 100000 to 300000 tokens in one cell"
    )
    assert "--emit-sql with -m gemini-2.5-pro" in err


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_a_table_given_twice_is_read_once_with_a_warning(tmp_path: Path, engine: str) -> None:
    """An OTel table without request ids, and a copy of it in another folder: each row counts
    once on both engines, and stderr says which file was read once."""
    path = table(tmp_path, "gemini-2.5-pro,1000,0,100,2026-08-03T10:00:00Z")
    (tmp_path / "copy").mkdir()
    copy = tmp_path / "copy" / "spans.csv"
    copy.write_bytes(path.read_bytes())
    code, once, _ = replay(str(path), *GEMINI, "--engine", engine, "--format", "json")
    assert code == 0
    code, twice, err = replay(str(path), str(copy), *GEMINI, "--engine", engine, "--format", "json")
    assert code == 0
    assert json.loads(twice)["requests"] == json.loads(once)["requests"] == 1
    assert json.loads(twice)["lines"] == json.loads(once)["lines"]
    assert f"{copy}: the same content as {path} (size and sha256): read once" in err
