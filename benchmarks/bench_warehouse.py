"""``tokx replay`` on a large Parquet usage table (DuckDB engine) next to the bare DuckDB GROUP BY
that produces the same cells, and the Python path on a 1M-row slice. Each command runs in its
own process; wall time and peak memory (max RSS, ``getrusage(RUSAGE_CHILDREN)`` of a wrapper
that runs only that command) are printed with rows per second and the ratio; best of
``--repeat`` alternating runs (a shared machine is noisy). Also checks the done-when of issue
17: the replay's cost equals every row priced by hand (an independent per-row SQL sum in whole
billionths of a dollar), and prints whether it is within 4x of the bare aggregate. Targets
(issue 17): at most 3x the bare GROUP BY, peak memory under 1 GB.

    python benchmarks/bench_warehouse.py [--rows 20000000] [--slice 1000000] [--repeat 2]
                                         [--folder DIR] [--keep]

The table is Gemini 2.5 Pro usage as OpenTelemetry attribute columns: prompts mostly up to
60K tokens, 3% above the 200K tier and a few under the 2,048-token minimum cacheable prompt
with cache reads; half the calls read from the cache, reasoning inside the output tokens,
timestamps over 30 days.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

MODEL, PROVIDER, CATALOG = "gemini-2.5-pro", "google-ai-studio", "2026-11-27"

GENERATE = """
COPY (
  SELECT 'gemini-2.5-pro' AS "gen_ai.request.model",
         'gcp.gemini' AS "gen_ai.provider.name",
         prompt AS "gen_ai.usage.input_tokens",
         cached AS "gen_ai.usage.cache_read.input_tokens",
         answer + thought AS "gen_ai.usage.output_tokens",
         thought AS "gen_ai.usage.reasoning.output_tokens",
         TIMESTAMP '2026-08-01' + to_seconds((hash(i * 5) % 2592000)::BIGINT) AS "timestamp"
  FROM (
    SELECT i, prompt,
           CASE WHEN hash(i * 3) % 2 = 0 THEN (prompt * (hash(i * 7) % 90) // 100)::BIGINT
                ELSE 0 END AS cached,
           (hash(i * 11) % 4000)::BIGINT AS answer,
           CASE WHEN hash(i * 13) % 3 = 0 THEN (hash(i * 17) % 2000)::BIGINT ELSE 0 END AS thought
    FROM (
      SELECT i, CASE WHEN hash(i) % 100 < 3 THEN 200001 + (hash(i * 19) % 300000)::BIGINT
                     WHEN hash(i) % 100 < 6 THEN (hash(i * 19) % 2048)::BIGINT
                     ELSE 2048 + (hash(i * 19) % 58000)::BIGINT END AS prompt
      FROM range({rows}) AS r(i)
    )
  )
) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)
"""

#: runs one command and reports its wall time and its peak RSS (KiB on Linux) as JSON
MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kib": peak, "rc": done.returncode,
                  "stdout": done.stdout, "stderr": done.stderr[-2000:]}))
"""

#: the bare aggregate: exactly the cells query the engine runs for this replay, in plain DuckDB;
#: only the query is timed (it prints its own time)
BARE = """
import sys, time
from pathlib import Path
import duckdb
from tokenexport_cli.api.choices import CatalogChoice, open_catalog
from tokenexport_cli.warehouse.engine import DuckTable
from tokenexport_cli.warehouse.plan import offers_plan
from tokenexport_cli.warehouse.sql import cells_select
table = DuckTable([Path(sys.argv[1])], None)
index = open_catalog(CatalogChoice(version=sys.argv[2]))
offer = next(o for o in index.offers(sys.argv[3]) if o.provider == sys.argv[4])
plan = offers_plan(index, [offer], {index.models[sys.argv[3]].tokenizer})
sql = cells_select(table._usage.copy(), plan).sql(dialect="duckdb")
table.close()
db = duckdb.connect()
db.execute("SET TimeZone = 'UTC'")
db.execute("SET enable_progress_bar = false")
db.execute(f"CREATE VIEW tokx_usage AS SELECT * FROM read_parquet('{sys.argv[1]}')")
start = time.perf_counter()
cells = db.execute(sql).fetchall()
print(time.perf_counter() - start, len(cells))
"""

#: every row priced by hand, in whole billionths of a dollar (prices x 1000 per token are whole)
BY_HAND = """
SELECT SUM(
  CASE WHEN prompt > {above} THEN
         (CASE WHEN prompt < {minimum} THEN prompt * {tier_in}
               ELSE (prompt - cached) * {tier_in} + cached * {tier_read} END) + output * {tier_out}
       ELSE
         (CASE WHEN prompt < {minimum} THEN prompt * {base_in}
               ELSE (prompt - cached) * {base_in} + cached * {base_read} END) + output * {base_out}
  END)
FROM (SELECT "gen_ai.usage.input_tokens"::HUGEINT AS prompt,
             "gen_ai.usage.cache_read.input_tokens"::HUGEINT AS cached,
             "gen_ai.usage.output_tokens"::HUGEINT AS output
      FROM read_parquet('{path}'))
"""


def measure(command: list[str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"{' '.join(command)} failed: {result['stderr']}")
    return result


def by_hand(path: Path) -> Decimal:
    import duckdb

    from tokenexport_cli.api.choices import CatalogChoice, open_catalog

    index = open_catalog(CatalogChoice(version=CATALOG))
    offer = next(o for o in index.offers(MODEL) if o.provider == PROVIDER)
    (tier,) = offer.tiers_in_force
    thousandths = {
        "base_in": offer.input,
        "base_read": offer.cache_read,
        "base_out": offer.output,
        "tier_in": tier.input,
        "tier_read": tier.cache_read,
        "tier_out": tier.output,
    }
    whole = {name: int(value * 1000) for name, value in thousandths.items()}  # type: ignore[operator]
    assert all(Decimal(whole[n]) == thousandths[n] * 1000 for n in whole)  # type: ignore[operator]
    sql = BY_HAND.format(above=tier.above, minimum=offer.cache_min_tokens, path=path, **whole)
    (total,) = duckdb.execute(sql).fetchone()  # type: ignore[misc]
    return Decimal(int(total)) / Decimal(10**9)


def replay_command(path: Path, engine: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "tokenexport_cli",
        "replay",
        str(path),
        "-m",
        MODEL,
        "--provider",
        PROVIDER,
        "--catalog-version",
        CATALOG,
        "--engine",
        engine,
        "--format",
        "json",
    ]


def best(runs: list[dict[str, object]]) -> dict[str, object]:
    return min(runs, key=lambda run: float(run["seconds"]))  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--slice", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()
    import duckdb

    folder = options.folder or Path(tempfile.mkdtemp(prefix="tokx-bench-warehouse-"))
    folder.mkdir(parents=True, exist_ok=True)
    table = folder / f"gemini-{options.rows}.parquet"
    part = folder / f"gemini-{options.slice}.parquet"
    started = time.perf_counter()
    if not table.exists():
        duckdb.execute(GENERATE.format(rows=options.rows, path=table))
    if not part.exists():
        duckdb.execute(
            f"COPY (SELECT * FROM read_parquet('{table}') LIMIT {options.slice}) "
            f"TO '{part}' (FORMAT parquet)"
        )
    print(
        f"table: {table} ({table.stat().st_size / 2**20:.0f} MiB, {options.rows:,} rows), "
        f"made in {time.perf_counter() - started:.1f} s"
    )
    bare_runs, tokx_runs = [], []
    for _ in range(options.repeat):
        bare = measure([sys.executable, "-c", BARE, str(table), CATALOG, MODEL, PROVIDER])
        seconds, cells = str(bare["stdout"]).split()[-2:]
        bare_runs.append({**bare, "query_seconds": float(seconds), "cells": int(cells)})
        tokx_runs.append(measure(replay_command(table, "duckdb")))
    bare_best = min(bare_runs, key=lambda run: float(run["query_seconds"]))  # type: ignore[arg-type]
    tokx_best = best(tokx_runs)
    python_run = measure(replay_command(part, "python"))
    duck_slice = measure(replay_command(part, "duckdb"))
    rows = options.rows
    bare_seconds = float(bare_best["query_seconds"])  # type: ignore[arg-type]
    tokx_seconds = float(tokx_best["seconds"])  # type: ignore[arg-type]
    ratio = tokx_seconds / bare_seconds
    print(
        f"bare DuckDB GROUP BY (the same {bare_best['cells']:,} cells): {bare_seconds:.2f} s, "
        f"{rows / bare_seconds:,.0f} rows/s, peak {int(bare_best['peak_kib']) / 1024:.0f} MiB"
    )  # type: ignore[call-overload]
    print(
        f"tokx replay --engine duckdb (whole command): {tokx_seconds:.2f} s, "
        f"{rows / tokx_seconds:,.0f} rows/s, peak {int(tokx_best['peak_kib']) / 1024:.0f} MiB"
    )  # type: ignore[call-overload]
    print(f"ratio tokx / bare: {ratio:.2f}x (target <= 3x; done-when <= 4x)")
    for label, run in (("python", python_run), ("duckdb", duck_slice)):
        seconds = float(run["seconds"])  # type: ignore[arg-type]
        print(
            f"{options.slice:,}-row slice, --engine {label}: {seconds:.2f} s, "
            f"{options.slice / seconds:,.0f} rows/s, peak {int(run['peak_kib']) / 1024:.0f} MiB"
        )  # type: ignore[call-overload]
    result = json.loads(str(tokx_best["stdout"]))
    (line,) = [x for x in result["lines"] if x["role"] == "target"]
    hand = by_hand(table)
    priced = Decimal(line["period_cost"])
    print(f"priced by tokx: ${priced}; every row by hand: ${hand}; equal: {priced == hand}")
    python_result = json.loads(str(python_run["stdout"]))
    duck_result = json.loads(str(duck_slice["stdout"]))
    same = [x["period_cost"] for x in python_result["lines"]] == [
        x["period_cost"] for x in duck_result["lines"]
    ]
    print(f"slice: python and duckdb engines agree: {same}")
    if not options.keep and options.folder is None:
        for path in (table, part):
            path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
