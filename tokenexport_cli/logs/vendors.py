"""API responses as the providers publish them, field by field: OpenAI Chat Completions and
Responses, Anthropic Messages, Gemini ``generateContent``; bare, in ``{request, response}``
pairs, or in batch result files. Each reader splits the provider's counts into the usage
model's non-overlapping counts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tokenexport_cli.dates import DateProblem, parse_moment
from tokenexport_cli.logs.record import Counts, UsageRecord

MAX_TOKEN_COUNT = 10**12  # bounds.BOUNDS["token_count"]


class LineError(ValueError):
    """One log line or row cannot be read; the message names the field at fault."""


class NoUsage(LineError):
    """A logged request without recorded usage: counted locally from its text where the reader
    can (``logs.local_count``), else a bad line."""


def whole_number(value: Any, name: str) -> int:
    """A non-negative integer (JSON null or absent reads as 0), as a number or digits."""
    if value is None:
        return 0
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 30:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise LineError(f"{name}: expected a whole number, got {_short(value)}")
    if value < 0:
        raise LineError(f"{name}: negative number {value}")
    return value


def count(value: Any, name: str) -> int:
    """A token count: a non-negative integer (JSON null or absent reads as 0)."""
    try:
        tokens = whole_number(value, name)
    except LineError:
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            raise LineError(f"{name}: negative token count {value}") from None
        raise LineError(f"{name}: expected a token count, got {_short(value)}") from None
    if tokens > MAX_TOKEN_COUNT:  # bounds' token_count: larger ones overflow the usage table
        raise LineError(f"{name}: token count out of range (more than {MAX_TOKEN_COUNT:,})")
    return tokens


def json_cell(text: str, name: str) -> Any:
    """A table cell holding JSON (Langfuse ``usage_details``, LiteLLM ``metadata``); a cell
    that is not JSON, or nests past the decoder's recursion limit, is a LineError."""
    try:
        return json.loads(text)
    except RecursionError:
        raise LineError(f"{name}: JSON nested too deeply") from None
    except ValueError:
        raise LineError(f"{name}: not JSON") from None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "..."


def field(mapping: Any, name: str) -> Any:
    return mapping.get(name) if isinstance(mapping, Mapping) else None


def timestamp(value: Any, name: str = "timestamp") -> dt.datetime | None:
    """ISO 8601 text, or Unix seconds (OpenAI's ``created``), as an aware UTC datetime
    (``dates.parse_moment``); an impossible value is a LineError (a counted, skipped line)."""
    if value is None or value == "":
        return None
    try:
        return parse_moment(value)
    except DateProblem as exc:
        raise LineError(f"{name}: {exc}") from None


def money(value: Any, name: str) -> Decimal | None:
    """A recorded cost; JSON numbers are read through their text, never through binary floats."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise LineError(f"{name}: not a number: {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise LineError(f"{name}: not a cost: {_short(value)}")
    from tokenexport_cli.bounds import check

    problem = check(amount, "money")  # 1e999999 would overflow the exact sums
    if problem:
        raise LineError(f"{name}: {problem}")
    return amount


# --- usage blocks ------------------------------------------------------------------------


def anthropic_counts(usage: Mapping[str, Any]) -> Counts:
    """Anthropic Messages ``usage`` (https://docs.anthropic.com/en/api/messages, "usage"):
    ``input_tokens`` excludes cache reads and writes; ``cache_creation_input_tokens`` is the
    sum of ``cache_creation.ephemeral_5m_input_tokens`` and ``ephemeral_1h_input_tokens``;
    thinking is billed inside ``output_tokens`` and not reported apart."""
    written = count(usage.get("cache_creation_input_tokens"), "usage.cache_creation_input_tokens")
    split = usage.get("cache_creation")
    five = one_hour = 0
    if isinstance(split, Mapping):
        five = count(split.get("ephemeral_5m_input_tokens"), "cache_creation.ephemeral_5m")
        one_hour = count(split.get("ephemeral_1h_input_tokens"), "cache_creation.ephemeral_1h")
    if five + one_hour != written:
        five, one_hour = written - one_hour, one_hour  # no (or partial) split: the rest is 5m
        if five < 0:
            raise LineError("usage.cache_creation: more than cache_creation_input_tokens")
    return {
        "input": count(usage.get("input_tokens"), "usage.input_tokens"),
        "cache_read": count(usage.get("cache_read_input_tokens"), "usage.cache_read_input_tokens"),
        "cache_write_5m": five,
        "cache_write_1h": one_hour,
        "output": count(usage.get("output_tokens"), "usage.output_tokens"),
    }


def _less(total: int, part: int, what: str) -> int:
    if part > total:
        raise LineError(f"{what}: a part is larger than its total ({part} > {total})")
    return total - part


def openai_chat_counts(usage: Mapping[str, Any]) -> Counts:
    """Chat Completions ``usage`` (https://platform.openai.com/docs/api-reference/chat/object):
    ``prompt_tokens`` includes ``prompt_tokens_details.cached_tokens`` and ``.audio_tokens``;
    ``completion_tokens`` includes ``completion_tokens_details.reasoning_tokens``."""
    prompt = count(usage.get("prompt_tokens"), "usage.prompt_tokens")
    completion = count(usage.get("completion_tokens"), "usage.completion_tokens")
    details = usage.get("prompt_tokens_details")
    cached = count(field(details, "cached_tokens"), "prompt_tokens_details.cached_tokens")
    audio = count(field(details, "audio_tokens"), "prompt_tokens_details.audio_tokens")
    reasoning = count(
        field(usage.get("completion_tokens_details"), "reasoning_tokens"),
        "completion_tokens_details.reasoning_tokens",
    )
    uncached = _less(prompt, cached, "usage.prompt_tokens")
    return {
        "input": _less(uncached, min(audio, uncached), "usage.prompt_tokens"),
        "cache_read": cached,
        "audio_input": min(audio, uncached),
        "output": _less(completion, reasoning, "usage.completion_tokens"),
        "reasoning": reasoning,
    }


def openai_responses_counts(usage: Mapping[str, Any]) -> Counts:
    """Responses API ``usage`` (https://platform.openai.com/docs/api-reference/responses/object):
    ``input_tokens`` includes ``input_tokens_details.cached_tokens``; ``output_tokens``
    includes ``output_tokens_details.reasoning_tokens``. Codex CLI ``token_count`` events
    carry the same counts flattened (``cached_input_tokens``, ``reasoning_output_tokens``)."""
    prompt = count(usage.get("input_tokens"), "usage.input_tokens")
    completion = count(usage.get("output_tokens"), "usage.output_tokens")
    cached = count(
        field(usage.get("input_tokens_details"), "cached_tokens")
        or usage.get("cached_input_tokens"),
        "input_tokens_details.cached_tokens",
    )
    reasoning = count(
        field(usage.get("output_tokens_details"), "reasoning_tokens")
        or usage.get("reasoning_output_tokens"),
        "output_tokens_details.reasoning_tokens",
    )
    return {
        "input": _less(prompt, cached, "usage.input_tokens"),
        "cache_read": cached,
        "output": _less(completion, reasoning, "usage.output_tokens"),
        "reasoning": reasoning,
    }


def _modality(details: Any, names: tuple[str, ...]) -> int:
    if not isinstance(details, list):
        return 0
    return sum(
        count(field(item, "tokenCount"), "tokensDetails.tokenCount")
        for item in details
        if field(item, "modality") in names
    )


def gemini_counts(meta: Mapping[str, Any]) -> Counts:
    """Gemini ``usageMetadata`` (https://ai.google.dev/api/generate-content#UsageMetadata):
    ``promptTokenCount`` includes ``cachedContentTokenCount``; ``toolUsePromptTokenCount``
    (tool results fed back) and ``thoughtsTokenCount`` are counted apart from the prompt and
    from ``candidatesTokenCount``; ``promptTokensDetails`` splits the prompt by modality."""
    prompt = count(meta.get("promptTokenCount"), "usageMetadata.promptTokenCount")
    cached = count(meta.get("cachedContentTokenCount"), "usageMetadata.cachedContentTokenCount")
    tools = count(meta.get("toolUsePromptTokenCount"), "usageMetadata.toolUsePromptTokenCount")
    image = _modality(meta.get("promptTokensDetails"), ("IMAGE", "VIDEO"))
    image -= min(image, _modality(meta.get("cacheTokensDetails"), ("IMAGE", "VIDEO")))
    audio = _modality(meta.get("promptTokensDetails"), ("AUDIO",))
    audio -= min(audio, _modality(meta.get("cacheTokensDetails"), ("AUDIO",)))
    uncached = _less(prompt, cached, "usageMetadata.promptTokenCount")
    return {
        "input": _less(uncached, min(uncached, image + audio), "promptTokenCount") + tools,
        "cache_read": cached,
        "image_input": min(image, uncached),
        "audio_input": min(audio, max(uncached - image, 0)),
        "output": count(meta.get("candidatesTokenCount"), "usageMetadata.candidatesTokenCount"),
        "reasoning": count(meta.get("thoughtsTokenCount"), "usageMetadata.thoughtsTokenCount"),
    }


# --- whole objects -------------------------------------------------------------------------


def _unwrap(obj: Mapping[str, Any]) -> tuple[Mapping[str, Any], bool, Any, Any]:
    """(response object, went through a batch API, envelope timestamp, envelope id)."""
    stamp = obj.get("timestamp") or obj.get("created_at") or obj.get("time")
    if "custom_id" in obj:
        # OpenAI Batch output line: {"id", "custom_id", "response": {"status_code", "body"}}
        # (https://platform.openai.com/docs/guides/batch); Anthropic Message Batches result:
        # {"custom_id", "result": {"type": "succeeded", "message"}}
        # (https://docs.anthropic.com/en/api/retrieving-message-batch-results)
        response = obj.get("response")
        if isinstance(response, Mapping) and isinstance(response.get("body"), Mapping):
            return response["body"], True, stamp, obj.get("custom_id")
        result = obj.get("result")
        if isinstance(result, Mapping):
            if result.get("type") != "succeeded":
                return {}, True, stamp, None  # errored/canceled/expired requests are not billed
            message = result.get("message")
            if isinstance(message, Mapping):
                return message, True, stamp, obj.get("custom_id")
        if "body" in obj or "params" in obj:
            raise NoUsage("a Batch API input line has no usage: give the batch output file")
        raise LineError("batch line without a response body or result message")
    response = obj.get("response")
    if isinstance(response, Mapping) and ("request" in obj or "usage" not in obj):
        return response, False, stamp, None
    return obj, False, stamp, None


def record_from_response(obj: Mapping[str, Any], provider: str | None = None) -> UsageRecord | None:
    """The usage record of one logged response; None for a batch request that was not billed."""
    body, batch, stamp, envelope_id = _unwrap(obj)
    usage = body.get("usage")
    meta = body.get("usageMetadata")
    if isinstance(meta, Mapping):
        counts, vendor = gemini_counts(meta), "google"
        model = body.get("modelVersion") or body.get("model")
        stamp = stamp or body.get("createTime")
        request_id = body.get("responseId")
    elif isinstance(usage, Mapping):
        model = body.get("model")
        request_id = body.get("id")
        if "prompt_tokens" in usage:
            counts, vendor = openai_chat_counts(usage), "openai"
            stamp = stamp or body.get("created")
        elif "input_tokens_details" in usage or body.get("object") == "response":
            counts, vendor = openai_responses_counts(usage), "openai"
            stamp = stamp or body.get("created_at")
        elif "input_tokens" in usage:
            counts, vendor = anthropic_counts(usage), "anthropic"
            batch = batch or usage.get("service_tier") == "batch"
        else:
            raise LineError("usage: neither OpenAI, Anthropic nor Gemini token fields")
    elif not body:
        return None  # a batch request that failed or expired: not billed
    else:
        raise NoUsage(
            "no usage recorded (usage / usageMetadata missing); a log of requests without "
            "responses is priced as sample requests: tokx estimate --input FILE"
        )
    if not isinstance(model, str) or not model:
        raise LineError("model: missing")
    return UsageRecord(
        model=model,
        provider=provider or vendor,
        timestamp=timestamp(stamp),
        batch=batch,
        request_id=f"{vendor}:{request_id or envelope_id}" if request_id or envelope_id else None,
        batch_key=str(envelope_id) if batch and envelope_id is not None else None,
        **counts,
    )
