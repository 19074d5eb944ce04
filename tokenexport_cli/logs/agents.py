"""Coding-agent session logs: Claude Code (``~/.claude/projects/<project>/*.jsonl``, subagent
files included) and OpenAI Codex CLI (``~/.codex/sessions/``), one JSON object a line.

Claude Code writes one line per content block of an assistant message, each repeating the
message's ``usage`` (Anthropic Messages fields, see ``vendors.anthropic_counts``); a call is
counted once by ``message.id`` + ``requestId``, and subagent/sidechain files that repeat a
call do not count it twice. Line shape as parsed by public readers of these files:
majiayu000/ccstats docs/algorithm/authoritative-token-accounting.md and
tdimino/claude-code-minoan skills/core-development/claude-usage/README.md (``type``,
``timestamp`` ISO 8601 UTC, ``requestId``, ``message.{id, model, usage}``, ``costUSD`` in
older versions; model ``<synthetic>`` marks lines Claude Code wrote itself, not API calls).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec

from tokenexport_cli.dates import MAX_UNIX_SECONDS
from tokenexport_cli.logs.record import NO_TIME, UsageRecord, UsageTable
from tokenexport_cli.logs.vendors import (
    MAX_TOKEN_COUNT,
    LineError,
    count,
    field,
    money,
    openai_responses_counts,
    timestamp,
)


class _CacheCreation(msgspec.Struct):
    ephemeral_5m_input_tokens: int = 0
    ephemeral_1h_input_tokens: int = 0


class _Usage(msgspec.Struct):
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cache_creation: _CacheCreation | None = None
    service_tier: str | None = None


class _Message(msgspec.Struct):
    id: str | None = None
    model: str | None = None
    usage: _Usage | None = None


class _Line(msgspec.Struct):
    type: str | None = None
    timestamp: dt.datetime | None = None
    requestId: str | None = None
    message: _Message | None = None
    costUSD: Decimal | None = None


_decode_line = msgspec.json.Decoder(_Line).decode
SYNTHETIC = "<synthetic>"


def claude_code_line(line: bytes, table: UsageTable) -> bool:
    """Add the API call a Claude Code line records to ``table``; False for user turns,
    summaries and the like. (No record object is built: this runs once per line of logs
    that reach gigabytes.)"""
    try:
        parsed = _decode_line(line)
    except msgspec.ValidationError as exc:
        raise LineError(str(exc)) from None
    message = parsed.message
    if message is None or message.usage is None:
        return False
    if message.model is None or message.model == SYNTHETIC:
        return False
    usage = message.usage
    written = usage.cache_creation_input_tokens
    one_hour = usage.cache_creation.ephemeral_1h_input_tokens if usage.cache_creation else 0
    counts = (
        usage.input_tokens,
        usage.cache_read_input_tokens,
        written - one_hour,
        one_hour,
        usage.output_tokens,
        0,
        0,
        0,
    )
    if min(counts) < 0:
        raise LineError("message.usage: negative or inconsistent token counts")
    if max(counts) > MAX_TOKEN_COUNT:  # as vendors.count: larger ones overflow the usage table
        raise LineError(f"message.usage: token count out of range (more than {MAX_TOKEN_COUNT:,})")
    stamp = parsed.timestamp
    if stamp is None:
        seconds = NO_TIME
    else:
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=dt.UTC)
        try:  # 9999-12-31T23:59:59-05:00 is past year 9999 in UTC
            seconds = int(stamp.timestamp())
        except (ValueError, OverflowError):
            seconds = -1
        if not 0 <= seconds <= MAX_UNIX_SECONDS:
            raise LineError(f"timestamp: {stamp.isoformat()} is out of range (1970 to 9999)")
    cost = None if parsed.costUSD is None else money(str(parsed.costUSD), "costUSD")
    call_id = None
    if message.id or parsed.requestId:
        call_id = f"claude-code:{message.id}:{parsed.requestId}"
    table.add_row(
        message.model,
        "anthropic",
        seconds,
        counts,
        usage.service_tier == "batch",
        cost,
        call_id,
    )
    return True


class CodexSession:
    """Codex CLI session file state: the model comes from the latest ``turn_context`` line and
    each ``event_msg`` of ``payload.type == "token_count"`` bills ``payload.info``'s
    ``last_token_usage`` (Responses API counts: ``input_tokens`` includes
    ``cached_input_tokens``, ``output_tokens`` includes ``reasoning_output_tokens``), or the
    growth of ``total_token_usage`` where there is no ``last_token_usage`` (ccstats, above).
    A call's id is the session's (``session_meta.payload.id``) with the session's running total
    after the call, so the same session file given twice (copied, or in two folders) counts
    each call once."""

    def __init__(self) -> None:
        self.model: str | None = None
        self.previous_total: dict[str, int] | None = None
        self.session: str | None = None

    def record(self, obj: dict[str, Any]) -> UsageRecord | None:
        payload = obj.get("payload")
        kind = obj.get("type")
        if kind == "session_meta" and isinstance(field(payload, "id"), str):
            self.session = field(payload, "id")
            return None
        if kind == "turn_context" and isinstance(field(payload, "model"), str):
            self.model = field(payload, "model")
            return None
        if kind != "event_msg" or field(payload, "type") != "token_count":
            return None
        info = field(payload, "info")
        if info is None:
            return None  # a rate-limit-only event
        last = field(info, "last_token_usage")
        total = field(info, "total_token_usage")
        if isinstance(total, dict):
            if self.previous_total == total:
                return None  # the same event written again
            if last is None and self.previous_total is not None:
                last = {
                    key: count(total.get(key), key) - count(self.previous_total.get(key), key)
                    for key in total
                }
            self.previous_total = dict(total)
        if not isinstance(last, dict):
            raise LineError("payload.info: no last_token_usage or total_token_usage")
        model = field(info, "model") or field(payload, "model") or self.model
        if not isinstance(model, str):
            raise LineError("model: no turn_context line names the model before this event")
        call_id = None
        if self.session is not None:
            running = total.get("total_tokens") if isinstance(total, dict) else None
            call_id = (
                f"codex:{self.session}:{running if running is not None else obj.get('timestamp')}"
            )
        return UsageRecord(
            model=model,
            provider="openai",
            timestamp=timestamp(obj.get("timestamp")),
            request_id=call_id,
            **openai_responses_counts(last),
        )
