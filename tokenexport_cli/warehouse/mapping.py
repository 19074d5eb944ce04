"""Which usage-table columns mean what: the replay readers' table formats (OpenRouter activity,
LiteLLM spend logs, ``--column ROLE=HEADER``) and a table whose columns are the OpenTelemetry
GenAI attribute names themselves, told apart by their headers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tokenexport_cli.logs.exports import LITELLM, OPENROUTER, REQUIRED_ROLES, ROLES
from tokenexport_cli.logs.otel import (
    CACHE_READ,
    CACHE_WRITE,
    INPUT,
    MODEL,
    OUTPUT,
    PROVIDER,
    REASONING,
)

#: OTel GenAI attributes as columns (https://opentelemetry.io/docs/specs/semconv/gen-ai/
#: gen-ai-spans/), read as ``logs/otel.py`` reads them on spans: input includes the cache
#: counts, output includes reasoning; the newer names first.
OTEL_MODEL, OTEL_PROVIDER = MODEL, PROVIDER
OTEL_INPUT, OTEL_OUTPUT, OTEL_READ, OTEL_WRITE = INPUT, OUTPUT, CACHE_READ, CACHE_WRITE
OTEL_REASONING = REASONING
OTEL_TIME = "timestamp"


@dataclass(frozen=True)
class Term:
    """A count: the column ``total`` (None: 0), or with ``json`` the first non-zero of these
    paths inside that JSON text column, minus each of ``minus`` (its parts billed apart; a
    negative result is a bad row, as the readers' "a part is larger than its total")."""

    total: str | None
    minus: tuple[Term, ...] = ()
    json: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableMapping:
    """How one table's columns give the usage record's fields."""

    format: str
    model: tuple[str, ...]  # first non-empty of these
    provider: tuple[str, ...]
    provider_constant: str | None
    timestamp: str | None
    input: Term
    cache_read: Term
    cache_write_5m: Term
    output: Term
    reasoning: Term
    cost: str | None


def _first(headers: Sequence[str], names: Sequence[str]) -> str | None:
    return next((name for name in names if name in headers), None)


def _have(headers: Sequence[str], name: str) -> str | None:
    return name if name in headers else None


def _openrouter(headers: Sequence[str]) -> TableMapping:
    cached, reasoning = _have(headers, "tokens_cached"), _have(headers, "tokens_reasoning")
    return TableMapping(
        format="openrouter-csv",
        model=("model_permaslug",),
        provider=(),
        provider_constant="openrouter",
        timestamp="created_at",
        input=Term("tokens_prompt", (Term(cached),)),
        cache_read=Term(cached),
        cache_write_5m=Term(None),
        output=Term("tokens_completion", (Term(reasoning),)),
        reasoning=Term(reasoning),
        cost="cost_total",
    )


def _litellm(headers: Sequence[str]) -> TableMapping:
    metadata = _have(headers, "metadata")  # None: no cache counts, every Term below reads 0
    read = Term(
        metadata,
        json=(
            "usage_object.cache_read_input_tokens",
            "usage_object.prompt_tokens_details.cached_tokens",
        ),
    )
    write = Term(metadata, json=("usage_object.cache_creation_input_tokens",))
    reasoning = Term(metadata, json=("usage_object.completion_tokens_details.reasoning_tokens",))
    return TableMapping(
        format="litellm-csv",
        model=("model",),
        provider=tuple(filter(None, [_have(headers, "custom_llm_provider")])),
        provider_constant=None,
        timestamp="startTime",
        # LiteLLM's prompt_tokens include the cache, completion_tokens the reasoning
        input=Term("prompt_tokens", (read, write)),
        cache_read=read,
        cache_write_5m=write,
        output=Term("completion_tokens", (reasoning,)),
        reasoning=reasoning,
        cost="spend",
    )


def _otel(headers: Sequence[str]) -> TableMapping:
    read, write = _first(headers, OTEL_READ), _first(headers, OTEL_WRITE)
    reasoning = _first(headers, OTEL_REASONING)
    return TableMapping(
        format="otel-columns",
        model=tuple(name for name in OTEL_MODEL if name in headers),
        provider=tuple(name for name in OTEL_PROVIDER if name in headers),
        provider_constant=None,
        timestamp=_have(headers, OTEL_TIME),
        input=Term(_first(headers, OTEL_INPUT), (Term(read), Term(write))),
        cache_read=Term(read),
        cache_write_5m=Term(write),
        output=Term(_first(headers, OTEL_OUTPUT), (Term(reasoning),)),
        reasoning=Term(reasoning),
        cost=None,
    )


def _columns(columns: Mapping[str, str]) -> TableMapping:
    return TableMapping(
        format="columns",
        model=(columns["model"],),
        provider=tuple(filter(None, [columns.get("provider")])),
        provider_constant=None,
        timestamp=columns.get("timestamp"),
        input=Term(columns["input"]),
        cache_read=Term(columns.get("cache_read")),
        cache_write_5m=Term(columns.get("cache_write")),
        output=Term(columns["output"]),
        reasoning=Term(columns.get("reasoning")),
        cost=columns.get("cost"),
    )


def is_otel_table(headers: Sequence[str]) -> bool:
    return bool(_first(headers, OTEL_MODEL)) and bool(
        _first(headers, OTEL_INPUT) or _first(headers, OTEL_OUTPUT)
    )


def table_mapping(headers: Sequence[str], columns: Mapping[str, str] | None) -> TableMapping:
    """The mapping of a table with these headers; ``columns`` (role -> header) wins. A table in
    no known format: LineError listing the roles and the table's headers."""
    from tokenexport_cli.logs.vendors import LineError

    if columns:
        absent = [header for header in columns.values() if header not in headers]
        if absent:
            raise LineError(
                f"no column {', '.join(absent)} (the table has: {', '.join(headers) or 'none'})"
            )
        return _columns(columns)
    present = set(headers)
    if present >= OPENROUTER:
        return _openrouter(headers)
    if present >= LITELLM:
        return _litellm(headers)
    if is_otel_table(headers):
        return _otel(headers)
    raise LineError(
        f"unknown columns ({', '.join(headers) or 'none'}); tokx reads the OpenRouter activity "
        f"export ({', '.join(sorted(OPENROUTER))}), LiteLLM spend logs "
        f"({', '.join(sorted(LITELLM))}), OpenTelemetry GenAI attribute columns "
        f"({OTEL_MODEL[1]}, {OTEL_INPUT[0]}, {OTEL_OUTPUT[0]}, ..., {OTEL_TIME}); or map the "
        f"table's headers to roles with --column ROLE=HEADER (roles: {', '.join(ROLES)}; "
        f"{', '.join(REQUIRED_ROLES)} required)"
    )
