"""``replay --emit-sql``: the cell aggregation as one SQL statement for the engine where the logs
live, with the chosen offers' price boundaries baked in; its saved result is priced with
``replay --aggregate``."""

from __future__ import annotations

from dataclasses import dataclass

from tokenexport_cli.api.choices import open_catalog
from tokenexport_cli.api.replay import ReplayRequest, chosen_offers
from tokenexport_cli.errors import InvalidValue

#: the columns a table of each format has, for the mapping (logs/exports.py, warehouse/mapping.py)
FORMAT_HEADERS: dict[str, tuple[str, ...]] = {
    "openrouter-csv": (
        "created_at",
        "cost_total",
        "tokens_prompt",
        "tokens_completion",
        "tokens_reasoning",
        "tokens_cached",
        "model_permaslug",
    ),
    "litellm-csv": (
        "request_id",
        "spend",
        "prompt_tokens",
        "completion_tokens",
        "startTime",
        "model",
        "custom_llm_provider",
        "metadata",
    ),
    "otel": (
        "gen_ai.request.model",
        "gen_ai.provider.name",
        "gen_ai.usage.input_tokens",
        "gen_ai.usage.output_tokens",
        "gen_ai.usage.cache_read.input_tokens",
        "gen_ai.usage.cache_creation.input_tokens",
        "gen_ai.usage.reasoning.output_tokens",
        "timestamp",
    ),
}


@dataclass(frozen=True)
class ReplaySqlRequest:
    """``replay``'s catalog, models, providers, paths and ``columns`` or ``log_format`` (the
    table's layout; default the OpenTelemetry attribute columns), a dialect and a table."""

    replay: ReplayRequest
    dialect: str
    table: str


def replay_sql(request: ReplaySqlRequest) -> str:
    """One SQL statement that sums ``table`` into the cells of the chosen offers."""
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    from tokenexport_cli.logs.exports import check_columns
    from tokenexport_cli.logs.vendors import LineError
    from tokenexport_cli.warehouse.mapping import table_mapping
    from tokenexport_cli.warehouse.plan import catalog_families, offers_plan
    from tokenexport_cli.warehouse.sql import DIALECTS, Builder, cells_select, usage_select

    dialect, replay = request.dialect.lower(), request.replay
    if dialect not in DIALECTS:
        raise InvalidValue(f"unknown dialect '{dialect}' (one of {', '.join(DIALECTS)})", "dialect")
    if not replay.models:
        raise InvalidValue(
            "name the models to price (the logged ones too, to price them as billed): "
            "their boundaries split the cells",
            "models",
        )
    layout = replay.log_format or "otel"
    if not replay.columns and layout not in FORMAT_HEADERS:
        raise InvalidValue(
            f"a table is read as {', '.join(FORMAT_HEADERS)} or mapped with columns", "log_format"
        )
    if replay.columns:
        check_columns(replay.columns)
    index = open_catalog(replay.catalog)
    for name in replay.providers:
        index.provider(name)
    targets = chosen_offers(replay, index)
    headers = list(replay.columns.values()) if replay.columns else list(FORMAT_HEADERS[layout])
    try:
        mapping = table_mapping(headers, replay.columns or None)
        table = exp.to_table(request.table, dialect=dialect)
    except (LineError, SqlglotError) as exc:
        raise InvalidValue(str(exc).splitlines()[0], "table") from None
    plan = offers_plan(index, targets, catalog_families(index))
    query = cells_select(usage_select(Builder(mapping, {}, dialect), table), plan)
    offers = ", ".join(sorted({f"{o.model} on {o.provider}" for o in targets}))
    header = (
        f"-- tokx replay cells ({mapping.format} columns), catalog {index.catalog.version}: "
        f"boundaries of {offers}\n"
        "-- save the result as CSV or Parquet and price it: tokx replay --aggregate FILE -m ...\n"
    )
    return header + query.sql(dialect=dialect, pretty=True) + "\n"
