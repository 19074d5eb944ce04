"""A cheap cross-check for a dialect no test can run here (no Trino server offline): its
``--emit-sql`` statement, read back by sqlglot, written as DuckDB and run on the random usage
table, gives DuckDB's own statement's cells row for row.

Only where sqlglot's translation is faithful. Measured with sqlglot 30.30: Spark's
``UNIX_SECONDS`` and Snowflake's ``EXTRACT(epoch_second ...)`` come back as
``CAST(EPOCH(..) AS BIGINT)``, which rounds the fraction where both engines truncate (a second
late wherever it is .5 or more: 682 of 1,408 cells differed); BigQuery's backquoted ``gen_ai.request.model`` comes back as a
column path. Spark and PostgreSQL run for real (``test_emit_sql``, ``test_emit_sql_postgres``)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import sqlglot
from test_emit_sql import TARGETS, cli
from usage_tables import otel_parquet


def test_the_trino_statement_read_back_as_duckdb_gives_the_duckdb_cells(tmp_path: Path) -> None:
    table = otel_parquet(tmp_path, 800, 17)
    db = duckdb.connect()
    db.execute("SET TimeZone = 'UTC'")
    db.execute(f"CREATE TABLE spans AS SELECT * FROM read_parquet('{table}')")
    trino = cli("--emit-sql", "trino", "--table", "spans", *TARGETS)
    (back,) = sqlglot.transpile(trino, read="trino", write="duckdb")
    assert "TO_UNIXTIME" in trino.upper() and back != trino
    ours = db.execute(cli("--emit-sql", "duckdb", "--table", "spans", *TARGETS)).fetchall()
    theirs = db.execute(back).fetchall()
    assert sorted(theirs, key=repr) == sorted(ours, key=repr) and len(ours) > 100
