"""Usage exports as tables: the OpenRouter activity CSV and LiteLLM's ``LiteLLM_SpendLogs``
table exported as CSV. Each is known by its header; an unknown header set is an error that
lists what tokx reads and what the file has."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tokenexport_cli.logs.langfuse import is_observation_table, observation_row
from tokenexport_cli.logs.record import UsageRecord
from tokenexport_cli.logs.vendors import LineError, count, field, json_cell, money, timestamp

# OpenRouter activity export (https://openrouter.ai/docs/guides/activity-export; column names
# as read by CodexClawd/codexclawd skills/openrouter-analyzer/scripts/analyze.py):
# ``tokens_prompt`` includes ``tokens_cached`` and ``tokens_completion`` includes
# ``tokens_reasoning`` ("reasoning tokens are included in completion tokens for billing"), the
# OpenAI convention OpenRouter's API follows; ``cost_total`` is the charge in USD.
OPENROUTER = frozenset(
    {"created_at", "cost_total", "tokens_prompt", "tokens_completion", "model_permaslug"}
)
# LiteLLM_SpendLogs (BerriAI/litellm schema.prisma, litellm-js/spend-logs/src/_types.ts):
# ``spend`` in USD, OpenAI-style ``prompt_tokens``/``completion_tokens``, ``startTime``,
# ``model``; cache counts inside the ``metadata`` JSON (its ``usage_object``).
LITELLM = frozenset({"request_id", "spend", "prompt_tokens", "completion_tokens", "startTime"})
KNOWN: dict[str, frozenset[str]] = {"openrouter-csv": OPENROUTER, "litellm-csv": LITELLM}


#: What ``--column ROLE=HEADER`` (or a workload's ``columns:``) maps; counts never include
#: one another: ``input`` is the prompt not read from or written to the cache.
ROLES: tuple[str, ...] = (
    "model",
    "timestamp",
    "input",
    "cache_read",
    "cache_write",
    "output",
    "reasoning",
    "cost",
    "provider",
    "request_id",
)
REQUIRED_ROLES = ("model", "input", "output")


def check_columns(columns: Mapping[str, str]) -> None:
    """Roles must be known and the required ones given (InvalidValue, field ``columns``)."""
    from tokenexport_cli.errors import InvalidValue
    from tokenexport_cli.suggest import did_you_mean

    unknown = sorted(set(columns) - set(ROLES))
    if unknown:
        raise InvalidValue(
            f"unknown role {', '.join(unknown)}{did_you_mean(unknown[0], ROLES)} "
            f"(roles: {', '.join(ROLES)})",
            "columns",
        )
    missing = [role for role in REQUIRED_ROLES if role not in columns]
    if missing:
        raise InvalidValue(f"map {', '.join(missing)} too (roles: {', '.join(ROLES)})", "columns")


def mapped_reader(
    columns: Mapping[str, str], headers: list[str]
) -> Callable[[Mapping[str, str]], UsageRecord | None]:
    """A row reader for a table whose headers the user mapped to roles."""
    absent = [header for header in columns.values() if header not in headers]
    if absent:
        raise LineError(
            f"no column {', '.join(absent)} (the file has: {', '.join(headers) or 'none'})"
        )

    def cell(row: Mapping[str, str], role: str) -> str | None:
        header = columns.get(role)
        return None if header is None else row.get(header)

    def read(row: Mapping[str, str]) -> UsageRecord:
        model = (cell(row, "model") or "").strip()
        if not model:
            raise LineError(f"{columns['model']}: empty model")
        request = (cell(row, "request_id") or "").strip()
        return UsageRecord(
            model=model,
            provider=(cell(row, "provider") or "").strip() or None,
            timestamp=timestamp(cell(row, "timestamp"), columns.get("timestamp", "timestamp")),
            input=count(cell(row, "input") or 0, columns["input"]),
            cache_read=count(cell(row, "cache_read") or 0, columns.get("cache_read", "")),
            cache_write_5m=count(cell(row, "cache_write") or 0, columns.get("cache_write", "")),
            output=count(cell(row, "output") or 0, columns["output"]),
            reasoning=count(cell(row, "reasoning") or 0, columns.get("reasoning", "")),
            cost=money(cell(row, "cost"), columns.get("cost", "cost")),
            request_id=f"table:{request}" if request else None,
        )

    return read


def detect_table(headers: list[str]) -> str | None:
    if is_observation_table(headers):
        return "langfuse"
    present = set(headers)
    for name, needed in KNOWN.items():
        if needed <= present:
            return name
    return None


def unknown_headers(headers: list[str]) -> str:
    wanted = "; ".join(f"{name}: {', '.join(sorted(cols))}" for name, cols in KNOWN.items())
    wanted += "; langfuse: type, trace_id, start_time, usage_details"
    return (
        f"unknown columns ({', '.join(headers) or 'none'}); tokx reads {wanted}; or map the "
        f"file's headers to roles with --column ROLE=HEADER (roles: {', '.join(ROLES)}; "
        f"{', '.join(REQUIRED_ROLES)} required)"
    )


def _split(total: int, part: int, what: str) -> int:
    if part > total:
        raise LineError(f"{what}: a part is larger than its total ({part} > {total})")
    return total - part


def openrouter_row(row: Mapping[str, str]) -> UsageRecord:
    prompt = count(row.get("tokens_prompt") or 0, "tokens_prompt")
    completion = count(row.get("tokens_completion") or 0, "tokens_completion")
    cached = count(row.get("tokens_cached") or 0, "tokens_cached")
    reasoning = count(row.get("tokens_reasoning") or 0, "tokens_reasoning")
    model = (row.get("model_permaslug") or "").strip()
    if not model:
        raise LineError("model_permaslug: empty")
    generation = (row.get("generation_id") or "").strip()
    return UsageRecord(
        model=model,
        provider="openrouter",
        timestamp=timestamp(row.get("created_at"), "created_at"),
        input=_split(prompt, cached, "tokens_prompt"),
        cache_read=cached,
        output=_split(completion, reasoning, "tokens_completion"),
        reasoning=reasoning,
        cost=money(row.get("cost_total"), "cost_total"),
        request_id=f"openrouter:{generation}" if generation else None,
    )


def _usage_object(text: str | None) -> Mapping[str, Any]:
    if not text:
        return {}
    metadata = json_cell(text, "metadata")
    usage = field(metadata, "usage_object")
    return usage if isinstance(usage, Mapping) else {}


def litellm_row(row: Mapping[str, str]) -> UsageRecord:
    prompt = count(row.get("prompt_tokens") or 0, "prompt_tokens")
    completion = count(row.get("completion_tokens") or 0, "completion_tokens")
    usage = _usage_object(row.get("metadata"))
    cached = count(
        usage.get("cache_read_input_tokens")
        or field(usage.get("prompt_tokens_details"), "cached_tokens"),
        "metadata.usage_object.cache_read_input_tokens",
    )
    written = count(
        usage.get("cache_creation_input_tokens"),
        "metadata.usage_object.cache_creation_input_tokens",
    )
    reasoning = count(
        field(usage.get("completion_tokens_details"), "reasoning_tokens"),
        "metadata.usage_object.completion_tokens_details.reasoning_tokens",
    )
    model = (row.get("model") or "").strip()
    if not model:
        raise LineError("model: empty")
    request = (row.get("request_id") or "").strip()
    provider = (row.get("custom_llm_provider") or "").strip() or None
    return UsageRecord(
        model=model,
        provider=provider,
        timestamp=timestamp(row.get("startTime"), "startTime"),
        input=_split(prompt, cached + written, "prompt_tokens"),
        cache_read=cached,
        cache_write_5m=written,
        output=_split(completion, reasoning, "completion_tokens"),
        reasoning=reasoning,
        cost=money(row.get("spend"), "spend"),
        request_id=f"litellm:{request}" if request else None,
    )


ROW_READERS: dict[str, Callable[[Mapping[str, str]], UsageRecord | None]] = {
    "openrouter-csv": openrouter_row,
    "litellm-csv": litellm_row,
    "langfuse": observation_row,
}
