"""OpenTelemetry GenAI spans as OTLP JSON (``{"resourceSpans": [...]}``, one export a line or a
whole file), attributes as named by the GenAI semantic conventions
(https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/).

``gen_ai.usage.input_tokens`` includes the cache counts ``gen_ai.usage.cache_read.input_tokens``
and ``gen_ai.usage.cache_creation.input_tokens``; tokx reads ``gen_ai.usage.output_tokens`` the
same way, as including ``gen_ai.usage.reasoning.output_tokens`` (an assumption, stated in the
replay notes). The older ``gen_ai.usage.prompt_tokens`` / ``completion_tokens`` and
``gen_ai.system`` are read where the newer names are absent. A span without usage
attributes (a tool call, an agent step) is not an API call and is passed over.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from tokenexport_cli.logs.record import UsageRecord
from tokenexport_cli.logs.vendors import LineError, count, timestamp, whole_number

INPUT = ("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens")
OUTPUT = ("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens")
CACHE_READ = ("gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens")
CACHE_WRITE = (
    "gen_ai.usage.cache_creation.input_tokens",
    "gen_ai.usage.cache_creation_input_tokens",
)
REASONING = ("gen_ai.usage.reasoning.output_tokens",)
MODEL = ("gen_ai.response.model", "gen_ai.request.model")
PROVIDER = ("gen_ai.provider.name", "gen_ai.system")


def _value(wrapped: Any) -> Any:
    """An OTLP ``AnyValue``: ``intValue`` is a JSON string (int64), others as they are."""
    if not isinstance(wrapped, Mapping):
        return None
    for key in ("intValue", "stringValue", "doubleValue", "boolValue"):
        if key in wrapped:
            return wrapped[key]
    return None


def _first(attributes: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        if name in attributes:
            return attributes[name]
    return None


def _spans(export: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for resource in export.get("resourceSpans") or ():
        for scope in (
            resource.get("scopeSpans") or resource.get("instrumentationLibrarySpans") or ()
        ):
            yield from scope.get("spans") or ()


def otel_records(export: Mapping[str, Any]) -> Iterator[UsageRecord]:
    """The usage records of one OTLP JSON export (every span with token usage)."""
    if not isinstance(export.get("resourceSpans"), list):
        raise LineError("resourceSpans: missing (not an OTLP JSON trace export)")
    for span in _spans(export):
        attributes = {
            item.get("key"): _value(item.get("value")) for item in span.get("attributes") or ()
        }
        prompt = _first(attributes, INPUT)
        if prompt is None and _first(attributes, OUTPUT) is None:
            continue
        model = _first(attributes, MODEL)
        if not isinstance(model, str) or not model:
            raise LineError(f"span {span.get('spanId')}: gen_ai.request.model missing")
        prompt = count(prompt, "gen_ai.usage.input_tokens")
        completion = count(_first(attributes, OUTPUT), "gen_ai.usage.output_tokens")
        read = count(_first(attributes, CACHE_READ), "gen_ai.usage.cache_read.input_tokens")
        written = count(_first(attributes, CACHE_WRITE), "gen_ai.usage.cache_creation.input_tokens")
        reasoning = count(_first(attributes, REASONING), "gen_ai.usage.reasoning.output_tokens")
        if read + written > prompt or reasoning > completion:
            raise LineError(f"span {span.get('spanId')}: a usage part exceeds its total")
        start = span.get("startTimeUnixNano")
        provider = _first(attributes, PROVIDER)
        yield UsageRecord(
            model=model,
            provider=provider if isinstance(provider, str) else None,
            timestamp=None
            if start is None
            else timestamp(
                Decimal(whole_number(start, "startTimeUnixNano")).scaleb(-9), "startTimeUnixNano"
            ),
            input=prompt - read - written,
            cache_read=read,
            cache_write_5m=written,
            output=completion - reasoning,
            reasoning=reasoning,
            request_id=f"otel:{span.get('traceId')}:{span.get('spanId')}"
            if span.get("spanId")
            else None,
        )
