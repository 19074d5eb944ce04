"""``replay --emit-sql``: one statement per dialect from one definition, run for real in DuckDB
(always) and in Spark local mode (where pyspark and java are installed; ``.ci/run`` installs
both), its saved result priced with ``--aggregate`` equal to the DuckDB engine on the table."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import sqlglot
from typer.testing import CliRunner
from usage_tables import otel_parquet

from tokenexport_cli.cli import app
from tokenexport_cli.warehouse.sql import CELL_COLUMNS, DIALECTS

runner = CliRunner()
TARGETS = ["-m", "gemini-2.5-pro,claude-sonnet-4.5,gpt-4o,deepseek-v4-flash"]


def cli(*args: str) -> str:
    result = runner.invoke(app, ["replay", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def lines(payload: str) -> list[tuple[str, str, str, str, str]]:
    data = json.loads(payload)
    return sorted(
        (x["role"], x["model"], x["provider"], x.get("region") or "", x["period_cost"])
        for x in data["lines"]
    )


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_dialect_gets_one_statement_with_the_boundaries_baked_in(dialect: str) -> None:
    sql = cli("--emit-sql", dialect, "--table", "logs.llm_spans", "-m", "gemini-2.5-pro")
    statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    assert len(statements) == 1
    select = statements[0]
    assert [column.alias_or_name for column in select.expressions] == list(CELL_COLUMNS)
    # gemini-2.5-pro's 200K tier and 2,048-token cache minimum, in its own tokens
    assert "<= 200000" in sql and "<= 2047" in sql
    assert "gen_ai.usage.input_tokens" in sql
    assert sql.startswith("-- tokx replay cells")


def test_emit_sql_needs_models_and_a_table() -> None:
    result = runner.invoke(app, ["replay", "--emit-sql", "spark", "--table", "t"])
    assert result.exit_code == 2 and result.stderr.startswith("tokx: error: -m: ")
    result = runner.invoke(app, ["replay", "--emit-sql", "spark", "-m", "gpt-4o"])
    assert result.exit_code == 2 and "--table" in result.stderr
    result = runner.invoke(app, ["replay", "--emit-sql", "oracle", "--table", "t", "-m", "gpt-4o"])
    assert result.exit_code == 2 and result.stderr.startswith(
        "tokx: error: --emit-sql: unknown dialect"
    )


def _saved(rows: list[tuple[object, ...]], headers: list[str], path: Path) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(["" if value is None else value for value in row] for row in rows)
    return path


def test_the_duckdb_statement_round_trips_through_aggregate(tmp_path: Path) -> None:
    table = otel_parquet(tmp_path, 1500, 11)
    sql = cli("--emit-sql", "duckdb", "--table", "spans", *TARGETS)
    db = duckdb.connect()
    db.execute(f"CREATE TABLE spans AS SELECT * FROM read_parquet('{table}')")
    db.execute("SET TimeZone = 'UTC'")
    saved = tmp_path / "cells.parquet"
    db.execute(f"COPY ({sql.strip()}) TO '{saved}' (FORMAT parquet)")
    cursor = db.execute(sql)
    as_csv = _saved(cursor.fetchall(), [d[0] for d in cursor.description], tmp_path / "cells.csv")
    direct = cli(str(table), *TARGETS, "--engine", "duckdb", "--format", "json")
    for aggregate in (saved, as_csv):
        priced = cli("--aggregate", str(aggregate), *TARGETS, "--format", "json")
        assert lines(priced) == lines(direct)
        assert json.loads(priced)["requests"] == json.loads(direct)["requests"]


def _spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (.ci/run installs it)"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no java for Spark local mode (.ci/run installs a JRE)"
    return None


SPARK_SCRIPT = """
import csv, sys
from pyspark.sql import SparkSession
table, sql_file, out = sys.argv[1:4]
spark = (SparkSession.builder.master("local[1]").appName("tokx-emit-sql")
         .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
         .config("spark.driver.memory", "512m").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
spark.read.parquet(table).createOrReplaceTempView("spans")
frame = spark.sql(open(sql_file).read())
with open(out, "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(frame.columns)
    for row in frame.collect():
        writer.writerow(["" if value is None else value for value in row])
spark.stop()
"""


@pytest.mark.skipif(_spark_missing() is not None, reason=_spark_missing() or "")
def test_the_spark_statement_runs_in_spark_local_mode_and_prices_like_duckdb(
    tmp_path: Path,
) -> None:
    table = otel_parquet(tmp_path, 600, 12)
    sql_file = tmp_path / "cells.sql"
    sql_file.write_text(cli("--emit-sql", "spark", "--table", "spans", *TARGETS))
    saved = tmp_path / "spark_cells.csv"
    script = tmp_path / "run_spark.py"
    script.write_text(SPARK_SCRIPT)
    done = subprocess.run(
        [sys.executable, str(script), str(table), str(sql_file), str(saved)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    direct = cli(str(table), *TARGETS, "--engine", "duckdb", "--format", "json")
    priced = cli("--aggregate", str(saved), *TARGETS, "--format", "json")
    assert lines(priced) == lines(direct)
    # and the cells themselves: Spark's aggregate equals DuckDB's, row for row
    duck_sql = cli("--emit-sql", "duckdb", "--table", "spans", *TARGETS)
    db = duckdb.connect()
    db.execute(f"CREATE TABLE spans AS SELECT * FROM read_parquet('{table}')")
    ours = {
        tuple("" if v is None else str(v) for v in row) for row in db.execute(duck_sql).fetchall()
    }
    with saved.open(newline="") as handle:
        theirs = {tuple(row) for row in list(csv.reader(handle))[1:]}
    normal = {tuple(v.lower() if v in ("True", "False") else v for v in row) for row in theirs}
    assert normal == {
        tuple(v.lower() if v in ("True", "False") else v for v in row) for row in ours
    }
