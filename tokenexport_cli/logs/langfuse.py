"""Langfuse observation exports: the observation objects of the UI's JSON export and the public
API (camelCase), and the blob-storage export's JSON/JSONL/CSV rows (the same fields in
snake_case). One generation observation is one API call.

Fields (Langfuse JS reference, ``ObservationsView``:
https://js.reference.langfuse.com/interfaces/_langfuse_core.ObservationsView.html): ``id``,
``traceId``, ``type`` (``GENERATION`` for model calls; ``SPAN``/``EVENT`` are not calls),
``startTime``, ``model``, ``usageDetails`` and ``costDetails`` (``Record<string, number>``,
cost in USD), and the deprecated ``usage`` (``input``, ``output``, ``total``) and
``calculatedTotalCost``. Blob-storage exports (https://langfuse.com/docs/api-and-data-platform/
features/blob-storage-export-fields) write them as ``trace_id``, ``start_time`` (UTC,
``YYYY-MM-DD HH:MM:SS.ffffff``), ``usage_details``, ``cost_details``; a CSV cell holding a
mapping holds it as JSON.

Usage types (https://langfuse.com/docs/model-usage-and-cost): "arbitrary strings [that] differ
by LLM provider"; the UI sums every type containing ``input`` as input and every type containing
``output`` as output, and derives ``total`` when it is absent, so the types are disjoint parts
of the call and are read as such: a type naming the cache (``cache_read_input_tokens``,
``input_cached_tokens``, ``input_cache_read``) is a cache read, one naming a cache write
(``cache_creation_input_tokens``, ``input_cache_creation``) a write, ``*reasoning*`` reasoning
output, ``*audio*``/``*image*`` inputs those modalities, any other ``*input*``/``*prompt*`` type
input and ``*output*``/``*completion*`` output; ``total`` is ignored. A type tokx cannot place is
an error naming it, never a silent zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tokenexport_cli.logs.record import Counts, UsageRecord
from tokenexport_cli.logs.vendors import LineError, count, json_cell, money, timestamp

#: keys that mark an object (or a table's headers) as a Langfuse observation
ID_KEYS = ("traceId", "trace_id")
TIME_KEYS = ("startTime", "start_time")
OBSERVATION_TYPES = frozenset(
    {"GENERATION", "SPAN", "EVENT", "AGENT", "TOOL", "CHAIN", "RETRIEVER", "EVALUATOR"}
    | {"EMBEDDING", "GUARDRAIL"}
)


def is_observation(obj: Mapping[str, Any]) -> bool:
    return (
        str(obj.get("type", "")).upper() in OBSERVATION_TYPES
        and any(key in obj for key in ID_KEYS)
        and any(key in obj for key in TIME_KEYS)
    )


def is_observation_table(headers: list[str]) -> bool:
    present = set(headers)
    return {"type", "trace_id", "start_time"} <= present and bool(
        present & {"usage_details", "usage"}
    )


def _get(obj: Mapping[str, Any], camel: str, snake: str) -> Any:
    value = obj.get(camel)
    return obj.get(snake) if value is None else value


def _mapping(value: Any, name: str) -> Mapping[str, Any]:
    if value is None or value == "":
        return {}
    if isinstance(value, str):  # a CSV cell
        value = json_cell(value, name)
    if not isinstance(value, Mapping):
        raise LineError(f"{name}: expected a mapping of usage types to counts")
    return value


def _place(usage_type: str) -> str | None:
    name = usage_type.lower()
    if name in ("total", "total_tokens", "unit"):
        return None
    if "cache_read" in name or "cached" in name:
        return "cache_read"
    if "cache_creation" in name or "cache_write" in name:
        return "cache_write_1h" if "1h" in name else "cache_write_5m"
    if "reasoning" in name or "thought" in name:
        return "reasoning"
    if ("input" in name or "prompt" in name) and "audio" in name:
        return "audio_input"
    if ("input" in name or "prompt" in name) and "image" in name:
        return "image_input"
    if "input" in name or "prompt" in name:
        return "input"
    if "output" in name or "completion" in name:
        return "output"
    return "unknown"


def usage_counts(details: Mapping[str, Any], name: str) -> Counts:
    counts: dict[str, int] = {}
    for usage_type, value in details.items():
        place = _place(str(usage_type))
        if place is None:
            continue
        if place == "unknown":
            raise LineError(f"{name}.{usage_type}: a usage type tokx cannot place")
        counts[place] = counts.get(place, 0) + count(value, f"{name}.{usage_type}")
    return counts  # type: ignore[return-value]


def _cost(obj: Mapping[str, Any]) -> Decimal | None:
    details = _mapping(_get(obj, "costDetails", "cost_details"), "costDetails")
    if "total" in details:
        return money(details["total"], "costDetails.total")
    if details:
        return sum(
            (money(value, f"costDetails.{key}") or Decimal(0) for key, value in details.items()),
            Decimal(0),
        )
    return money(
        _get(obj, "calculatedTotalCost", "calculated_total_cost")
        or _get(obj, "totalCost", "total_cost"),
        "calculatedTotalCost",
    )


def observation_record(obj: Mapping[str, Any]) -> UsageRecord | None:
    """The call a generation observation records; None for spans, events and other
    observations that are not model calls and record no usage."""
    details = _mapping(_get(obj, "usageDetails", "usage_details"), "usageDetails")
    name = "usageDetails"
    if not details:
        details = _mapping(obj.get("usage"), "usage")  # deprecated: input, output, total
        name = "usage"
    kind = str(obj.get("type", "")).upper()
    if not details:
        if kind == "GENERATION":
            raise LineError("a GENERATION observation without usageDetails (no usage recorded)")
        return None
    counts = usage_counts(details, name)
    if not any(counts.values()):
        return None  # no tokens used (a call cancelled before it ran) bills nothing
    model = obj.get("model") or _get(obj, "providedModelName", "provided_model_name")
    if not isinstance(model, str) or not model.strip():
        raise LineError("model: missing")
    observation = obj.get("id")
    return UsageRecord(
        model=model.strip(),
        timestamp=timestamp(_get(obj, "startTime", "start_time"), "startTime"),
        cost=_cost(obj),
        request_id=f"langfuse:{observation}" if observation else None,
        **counts,
    )


def observation_row(row: Mapping[str, str]) -> UsageRecord | None:
    """A CSV row of a blob-storage observations export (None for spans and events)."""
    return observation_record(row)
