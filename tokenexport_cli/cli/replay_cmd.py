"""``tokx replay``: price recorded traffic (request logs, exports, agent session logs)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tokenexport_cli.cli.common import (
    AsOfOption,
    CatalogVersionOption,
    FormatOption,
    OutputOption,
    OverlayOption,
    QuietOption,
    call,
    catalog_choice,
    check_format,
    parse_fx,
    parse_pairs,
    split_values,
    warn,
)
from tokenexport_cli.cli.contract import handle_errors
from tokenexport_cli.cli.options import Currency, FxOption, Models, Paths, Providers
from tokenexport_cli.errors import UsageError
from tokenexport_cli.render.output import FORMATS, emit

LOG_FORMAT_HELP = (
    "Read every file as this format instead of detecting it: claude-code, codex, otel, openai, "
    "anthropic, gemini (API responses), langfuse (observation exports), openrouter-csv, "
    "litellm-csv."
)


def register(app: typer.Typer) -> None:
    app.command("replay")(replay_command)


def _columns(values: list[str] | None) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for value in values or ():
        role, separator, header = value.partition("=")
        if not separator or not role.strip() or not header.strip():
            raise UsageError(f"--column: expected ROLE=HEADER, got '{value}'")
        mapping[role.strip()] = header.strip()
    return mapping


def _check_modes(
    paths: list[Path] | None, emit_sql: str | None, table: str | None, aggregate: Path | None
) -> None:
    if emit_sql is not None:
        if paths or aggregate is not None:
            raise UsageError("--emit-sql: prints SQL for a table; give no log files or --aggregate")
        if not table:
            raise UsageError("--emit-sql: name the table with --table")
    elif table is not None:
        raise UsageError("--table: only with --emit-sql")
    elif aggregate is not None and paths:
        raise UsageError("--aggregate: give log files or a saved aggregate, not both")
    elif aggregate is None and not paths:
        raise UsageError("give log files, --aggregate FILE, or --emit-sql DIALECT")


@handle_errors
def replay_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Log files, folders (e.g. ~/.claude/projects), globs, or usage tables "
            "(Parquet, CSV, JSONL).",
            show_default=False,
        ),
    ] = None,
    model: Models = None,
    provider: Providers = None,
    path: Paths = None,
    log_format: Annotated[
        str | None,
        typer.Option("--log-format", help=LOG_FORMAT_HELP, show_default=False),
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            help="A table in no known format: map a role to its header, e.g. --column "
            "model=engine --column input=prompt_tokens --column output=completion_tokens. Roles: "
            "model, timestamp, input (not cached), cache_read, cache_write, output, reasoning, "
            "cost, provider, request_id.",
            show_default=False,
        ),
    ] = None,
    long_inputs: Annotated[
        str,
        typer.Option(
            "--long-inputs",
            envvar="TOKX_REPLAY_LONG_INPUTS",
            help="Calls longer than a model's context window: 'cap' (price as if compacted to "
            "fit), 'exclude' them, or 'split' them into chunk calls.",
        ),
    ] = "cap",
    reasoning_ratio: Annotated[
        list[str] | None,
        typer.Option(
            "--reasoning-ratio",
            help="MODEL=R: MODEL spends R reasoning tokens per reasoning token of the logged "
            "model (repeatable; default 1, an assumption the output states).",
            show_default=False,
        ),
    ] = None,
    alternatives: Annotated[
        int,
        typer.Option("--alternatives", help="Without -m: how many cheapest other models to show."),
    ] = 5,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            envvar="TOKX_REPLAY_ENGINE",
            help="Usage tables: 'duckdb' (aggregated in SQL, out of core), 'python', or 'auto': "
            "DuckDB for Parquet and for tables of 64 MiB or more.",
        ),
    ] = "auto",
    emit_sql: Annotated[
        str | None,
        typer.Option(
            "--emit-sql",
            help="Print the cell aggregation as one SQL statement for duckdb, spark, trino, "
            "bigquery, snowflake or postgres (needs --table and -m) instead of pricing.",
            show_default=False,
        ),
    ] = None,
    table: Annotated[
        str | None,
        typer.Option(
            "--table",
            help="With --emit-sql: the table the statement reads (OpenTelemetry attribute "
            "columns unless --log-format or --column says otherwise).",
            show_default=False,
        ),
    ] = None,
    aggregate: Annotated[
        Path | None,
        typer.Option(
            "--aggregate",
            help="Price a saved result of --emit-sql (CSV or Parquet cells) instead of logs.",
            show_default=False,
        ),
    ] = None,
    currency: Currency = "USD",
    fx: FxOption = None,
    output_format: FormatOption = "table",
    output: OutputOption = None,
    quiet: QuietOption = False,
    catalog_version: CatalogVersionOption = None,
    as_of: AsOfOption = None,
    catalog: OverlayOption = None,
) -> None:
    """Price recorded traffic as billed, and the same calls on other models and paths.

    Reads request logs (OpenAI, Anthropic, Gemini responses; batch result files), Claude Code
    and Codex CLI session logs, OpenTelemetry GenAI spans (OTLP JSON), Langfuse observation
    exports, the OpenRouter activity CSV, LiteLLM spend logs, and any CSV/TSV/Parquet table
    through --column. Shows the recorded period, the cost on the logged models at
    list prices (cache reads and writes, reasoning, tiers, time bands and batch as recorded),
    the recorded spend where the log has it, and each chosen model with a monthly projection
    (30.44 days). Without -m, the cheapest other models that fit every call. On another
    model, counts convert by the tokenizer ratio measured on the log's own request text where
    it has some (else the catalog's family ratio), and a call's tool-use overhead is swapped
    for the target's. The same file given twice (or a copy) is read once.
    """
    from tokenexport_cli.api.replay import ReplayRequest, replay
    from tokenexport_cli.render.replay import replay_view

    check_format(output_format, FORMATS)
    if long_inputs not in ("cap", "exclude", "split"):
        raise UsageError(f"--long-inputs: expected cap, exclude or split, got '{long_inputs}'")
    if alternatives < 0:
        raise UsageError(f"--alternatives: expected 0 or more, got {alternatives}")
    if engine not in ("auto", "python", "duckdb"):
        raise UsageError(f"--engine: expected auto, python or duckdb, got '{engine}'")
    _check_modes(paths, emit_sql, table, aggregate)
    request = ReplayRequest(
        paths=tuple(paths or ()),
        catalog=catalog_choice(catalog_version, as_of, catalog),
        models=split_values(model),
        providers=split_values(provider),
        path_kinds=split_values(path),
        log_format=log_format,
        columns=_columns(column),
        currency=currency,
        fx=parse_fx(fx),
        long_inputs=long_inputs,  # type: ignore[arg-type]
        alternatives=alternatives,
        engine=engine,  # type: ignore[arg-type]
        aggregate=aggregate,
        reasoning_ratios=parse_pairs(reasoning_ratio, "--reasoning-ratio"),
    )
    if emit_sql is not None:
        from tokenexport_cli.api.replay_sql import ReplaySqlRequest, replay_sql
        from tokenexport_cli.render.output import write_output

        sql = call(replay_sql, ReplaySqlRequest(request, emit_sql, table or ""))
        if not quiet:
            write_output(sql, output)
        return
    result = call(replay, request)
    for warning in result.warnings:
        warn(warning.message)
    emit(replay_view(result), output_format, output, quiet)
