"""``replay --emit-sql postgres`` run on a real PostgreSQL server the tests start on 127.0.0.1
(``postgres_server``): on the random usage table of the DuckDB and Spark tests, as OpenTelemetry
attribute columns and as LiteLLM's own ``LiteLLM_SpendLogs`` table (Prisma's PostgreSQL types,
the cache and reasoning counts inside the ``metadata`` JSONB), each also loaded from CSV into
text and other column types, its cells equal DuckDB's row for row and, saved with psql and
priced with ``--aggregate``, the DuckDB engine's money."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import postgres_server
import pytest
from test_emit_sql import TARGETS, cli, lines
from usage_tables import COLUMNS, otel_parquet, write_table

from tokenexport_cli.warehouse.sql import CELL_COLUMNS

pytestmark = pytest.mark.skipif(
    postgres_server.missing() is not None, reason=postgres_server.missing() or ""
)
FLAGS = ("batch", "exact")


@pytest.fixture(scope="session")
def postgres() -> Iterator[postgres_server.Server]:
    with postgres_server.running() as server:
        yield server


def _value(column: str, value: object) -> object:
    """One cell value as both engines mean it: psql writes t/f and '' for NULL, DuckDB
    Python booleans and None; numbers compare as decimals (PostgreSQL sums are NUMERIC)."""
    if value is None or value == "":
        return None
    if column in FLAGS:
        return value is True or str(value).lower() in ("t", "true")
    if column in ("model", "provider"):
        return str(value)
    return Decimal(str(value))


def _cells(headers: list[str], rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    assert headers == list(CELL_COLUMNS)
    typed = [
        tuple(_value(column, value) for column, value in zip(headers, row, strict=True))
        for row in rows
    ]
    return sorted(typed, key=repr)


def _run_in_postgres(
    server: postgres_server.Server, sql: str, saved: Path
) -> list[tuple[object, ...]]:
    """The statement's result, saved as psql's CSV (as a user would) and read back."""
    copy = f"COPY ({sql.strip()}) TO STDOUT WITH (FORMAT csv, HEADER)"
    saved.write_text(server.psql("SET TimeZone = 'UTC'", copy))
    with saved.open(newline="") as handle:
        table = list(csv.reader(handle))
    return _cells(table[0], [tuple(row) for row in table[1:]])


def _run_in_duckdb(db: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    cursor = db.execute(sql)
    return _cells([d[0] for d in cursor.description], cursor.fetchall())


def _load(server: postgres_server.Server, create: str, name: str, rows: str) -> None:
    copy = f"COPY {name} FROM STDIN WITH (FORMAT csv, HEADER)"
    server.psql("SET TimeZone = 'UTC'", create, copy, stdin=rows)


OTEL_COLUMNS = (
    "gen_ai.request.model",
    "gen_ai.provider.name",
    "gen_ai.usage.input_tokens",
    "gen_ai.usage.cache_read.input_tokens",
    "gen_ai.usage.cache_creation.input_tokens",
    "gen_ai.usage.output_tokens",
    "gen_ai.usage.reasoning.output_tokens",
    "timestamp",
)
#: the times' PostgreSQL column type -> their text in the CSV it is loaded from (DuckDB SQL)
TIME_TEXTS = {
    "TIMESTAMP": "strftime(\"timestamp\", '%Y-%m-%d %H:%M:%S.%f')",
    "TIMESTAMPTZ": "strftime(\"timestamp\", '%Y-%m-%dT%H:%M:%S.%fZ')",
    # ISO 8601 text in another zone: the offset must be kept
    "TEXT": "strftime(\"timestamp\" + INTERVAL 2 HOUR, '%Y-%m-%dT%H:%M:%S.%f') || '+02:00'",
}


@pytest.mark.parametrize(
    ("counts", "times"), [("BIGINT", "TIMESTAMP"), ("INTEGER", "TIMESTAMPTZ"), ("TEXT", "TEXT")]
)
def test_the_postgres_statement_on_otel_columns_equals_duckdb_cell_for_cell(
    postgres: postgres_server.Server, tmp_path: Path, counts: str, times: str
) -> None:
    table = otel_parquet(tmp_path, 1500, 11)
    db = duckdb.connect()
    db.execute("SET TimeZone = 'UTC'")
    db.execute(f"CREATE TABLE spans AS SELECT * FROM read_parquet('{table}')")
    exported = tmp_path / "spans.csv"
    db.execute(
        f'COPY (SELECT * REPLACE ({TIME_TEXTS[times]} AS "timestamp") FROM spans) '
        f"TO '{exported}' (FORMAT csv, HEADER)"
    )
    schema = f"logs_{counts}_{times}".lower()
    types = ["TEXT NOT NULL", "TEXT", *[counts] * 5, times]
    columns = ", ".join(f'"{name}" {kind}' for name, kind in zip(OTEL_COLUMNS, types, strict=True))
    postgres.psql(f"CREATE SCHEMA {schema}")
    create = f"CREATE TABLE {schema}.llm_spans ({columns})"
    _load(postgres, create, f"{schema}.llm_spans", exported.read_text())

    sql = cli("--emit-sql", "postgres", "--table", f"{schema}.llm_spans", *TARGETS)
    saved = tmp_path / "pg_cells.csv"
    theirs = _run_in_postgres(postgres, sql, saved)
    ours = _run_in_duckdb(db, cli("--emit-sql", "duckdb", "--table", "spans", *TARGETS))
    assert theirs == ours and len(ours) > 100

    direct = cli(str(table), *TARGETS, "--engine", "duckdb", "--format", "json")
    priced = cli("--aggregate", str(saved), *TARGETS, "--format", "json")
    assert lines(priced) == lines(direct)
    assert json.loads(priced)["requests"] == json.loads(direct)["requests"]


#: LiteLLM_SpendLogs as Prisma creates it on PostgreSQL (BerriAI/litellm schema.prisma, as of
#: 2026-11: String -> TEXT, Float -> DOUBLE PRECISION, Int -> INTEGER, DateTime ->
#: TIMESTAMP(3), Json -> JSONB), the columns tokx reads; then the same loaded from CSV into
#: text columns, and into other types a copy of it may have
LITELLM_TYPES = {
    "prisma": ("DOUBLE PRECISION", "INTEGER", "TIMESTAMP(3)", "JSONB"),
    "text": ("TEXT", "TEXT", "TEXT", "TEXT"),
    "json": ("NUMERIC", "BIGINT", "TIMESTAMPTZ", "JSON"),
}


def _litellm_table(spend: str, counts: str, time: str, metadata: str) -> str:
    return f"""CREATE TABLE "LiteLLM_SpendLogs" (
        request_id TEXT PRIMARY KEY,
        call_type TEXT NOT NULL,
        spend {spend},
        prompt_tokens {counts} NOT NULL,
        completion_tokens {counts} NOT NULL,
        "startTime" {time},
        model TEXT NOT NULL DEFAULT '',
        custom_llm_provider TEXT DEFAULT '',
        metadata {metadata}
    )"""


def _litellm_csv(tmp_path: Path, rows: int, seed: int) -> Path:
    """The random usage table as a LiteLLM spend-log export: the cache reads under either of
    LiteLLM's two keys, times to the millisecond as ``TIMESTAMP(3)`` keeps them."""
    source = write_table(tmp_path / "usage.csv", rows, seed)
    target = tmp_path / "litellm_spendlogs.csv"
    duckdb.execute(
        f"""COPY (SELECT 'req-' || row_number() OVER () AS request_id,
                     'acompletion' AS call_type,
                     TRY_CAST(NULLIF(usd, '') AS DOUBLE) AS spend,
                     CAST(fresh AS BIGINT) + CAST(cached AS BIGINT) + CAST(written AS BIGINT)
                         AS prompt_tokens,
                     CAST(out AS BIGINT) + CAST(thought AS BIGINT) AS completion_tokens,
                     strftime(CAST(NULLIF(time, '') AS TIMESTAMPTZ) AT TIME ZONE 'UTC',
                              '%Y-%m-%d %H:%M:%S.%g') AS "startTime",
                     model,
                     NULLIF(vendor, '') AS custom_llm_provider,
                     CAST(json_object('usage_object', CASE
                         WHEN CAST(written AS BIGINT) = 0 THEN json_object(
                             'prompt_tokens_details', json_object('cached_tokens', cached),
                             'completion_tokens_details',
                                 json_object('reasoning_tokens', thought))
                         ELSE json_object('cache_read_input_tokens', cached,
                                          'cache_creation_input_tokens', written,
                                          'completion_tokens_details',
                                              json_object('reasoning_tokens', thought))
                         END) AS VARCHAR) AS metadata
                  FROM read_csv('{source}', header = true, all_varchar = true))
            TO '{target}' (FORMAT csv, HEADER)"""
    )
    return target


@pytest.mark.parametrize("types", LITELLM_TYPES)
def test_the_postgres_statement_on_litellm_spend_logs_reads_their_json_like_duckdb(
    postgres: postgres_server.Server, tmp_path: Path, types: str
) -> None:
    table = _litellm_csv(tmp_path, 1200, 13)
    postgres.psql('DROP TABLE IF EXISTS "LiteLLM_SpendLogs"')
    create = _litellm_table(*LITELLM_TYPES[types])
    _load(postgres, create, '"LiteLLM_SpendLogs"', table.read_text())
    layout = ("--log-format", "litellm-csv", *TARGETS)

    sql = cli("--emit-sql", "postgres", "--table", '"LiteLLM_SpendLogs"', *layout)
    saved = tmp_path / "pg_cells.csv"
    theirs = _run_in_postgres(postgres, sql, saved)
    db = duckdb.connect()
    db.execute("SET TimeZone = 'UTC'")
    db.execute(f"""CREATE TABLE "LiteLLM_SpendLogs" AS SELECT * FROM read_csv('{table}')""")
    ours = _run_in_duckdb(db, cli("--emit-sql", "duckdb", "--table", "LiteLLM_SpendLogs", *layout))
    assert theirs == ours and len(ours) > 100
    # the cache and reasoning counts come out of the JSON, the cost out of spend
    for column in ("cache_read", "cache_write_5m", "reasoning", "cost"):
        assert any(row[CELL_COLUMNS.index(column)] for row in theirs)

    direct = cli(str(table), *TARGETS, "--engine", "duckdb", "--format", "json")
    priced = cli("--aggregate", str(saved), *TARGETS, "--format", "json")
    assert lines(priced) == lines(direct)
    assert json.loads(priced)["requests"] == json.loads(direct)["requests"]


def test_the_postgres_statement_on_a_mapped_table_with_recorded_costs_equals_duckdb(
    postgres: postgres_server.Server, tmp_path: Path
) -> None:
    """The random table itself, its headers mapped with ``--column``: ISO 8601 times with a
    ``Z`` into ``TIMESTAMPTZ``, recorded costs into ``NUMERIC``."""
    table = write_table(tmp_path / "usage.csv", 1200, 19)
    kinds = {"model": "TEXT NOT NULL", "vendor": "TEXT", "time": "TIMESTAMPTZ", "usd": "NUMERIC"}
    columns = ", ".join(f"{name} {kinds.get(name, 'BIGINT')}" for name in COLUMNS.values())
    postgres.psql("DROP TABLE IF EXISTS usage_log")
    _load(postgres, f"CREATE TABLE usage_log ({columns})", "usage_log", table.read_text())
    mapped = [f"--column={role}={header}" for role, header in COLUMNS.items()]

    sql = cli("--emit-sql", "postgres", "--table", "usage_log", *mapped, *TARGETS)
    saved = tmp_path / "pg_cells.csv"
    theirs = _run_in_postgres(postgres, sql, saved)
    db = duckdb.connect()
    db.execute("SET TimeZone = 'UTC'")
    db.execute(f"CREATE TABLE usage_log AS SELECT * FROM read_csv('{table}')")
    ours = _run_in_duckdb(
        db, cli("--emit-sql", "duckdb", "--table", "usage_log", *mapped, *TARGETS)
    )
    assert theirs == ours and len(ours) > 100
    assert any(row[CELL_COLUMNS.index("cost")] for row in theirs)

    direct = cli(str(table), *mapped, *TARGETS, "--engine", "duckdb", "--format", "json")
    priced = cli("--aggregate", str(saved), *TARGETS, "--format", "json")
    assert lines(priced) == lines(direct)
    assert json.loads(priced)["recorded_spend"] == json.loads(direct)["recorded_spend"]
    assert json.loads(priced)["sources"] == json.loads(direct)["sources"]
