"""Chat JSONL inputs: one OpenAI-style ``{"messages": [...]}`` request a line, streamed line by
line, with optional recorded ``usage``, ``model`` and ``timestamp``/``created``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import msgspec

from tokenexport_cli.dates import DateProblem, parse_moment
from tokenexport_cli.errors import DataError, located
from tokenexport_cli.inputfile import open_regular
from tokenexport_cli.textfiles import decode_utf8
from tokenexport_cli.validation import describe
from tokenexport_cli.workload.request import RecordedUsage, Request, WorkloadWarning

# One line is one request; a line this long is a broken file, not a prompt.
MAX_LINE_BYTES = 64 * 1024 * 1024
TEXT_PART_TYPES = frozenset({"text", "input_text", "output_text"})
_BOM = b"\xef\xbb\xbf"

Count = Annotated[int, msgspec.Meta(ge=0)]


class _Lenient(msgspec.Struct, frozen=True):
    """Log lines carry many fields tokx does not need (temperature, ids...); they are ignored."""


class _Part(_Lenient, frozen=True):
    """A content block: OpenAI parts, and Anthropic's text, tool_use (``name``, ``input``),
    tool_result (``content``: text or blocks) and thinking blocks
    (https://docs.anthropic.com/en/api/messages, "content")."""

    type: str = "text"
    text: str | None = None
    name: str | None = None
    input: Any = None
    content: str | list[Any] | None = None
    thinking: str | None = None


class _Function(_Lenient, frozen=True):
    name: str | None = None
    arguments: str | dict[str, Any] | list[Any] | None = None


class _ToolCall(_Lenient, frozen=True):
    function: _Function | None = None


class _Message(_Lenient, frozen=True):
    role: str | None = None
    content: str | list[_Part] | None = None
    name: str | None = None
    tool_calls: list[_ToolCall] | None = None


class _Details(_Lenient, frozen=True):
    cached_tokens: Count | None = None


class _Usage(_Lenient, frozen=True):
    prompt_tokens: Count | None = None
    completion_tokens: Count | None = None
    prompt_tokens_details: _Details | None = None
    # the same counts as Anthropic and the OpenAI Responses API name them; Anthropic's
    # input_tokens leaves out cache reads and writes, the Responses API's includes them
    input_tokens: Count | None = None
    output_tokens: Count | None = None
    cache_read_input_tokens: Count | None = None
    cache_creation_input_tokens: Count | None = None
    input_tokens_details: _Details | None = None


class _Line(_Lenient, frozen=True):
    messages: list[_Message]
    system: str | list[_Part] | None = None  # Anthropic's top-level system prompt
    model: str | None = None
    usage: _Usage | None = None
    timestamp: str | int | float | None = None
    created: str | int | float | None = None
    tools: list[Any] | None = None


_DECODER = msgspec.json.Decoder(_Line)
_ENCODER = msgspec.json.Encoder(order="sorted")


#: Unix times above this are milliseconds (it is the year 5138 in seconds).
MILLISECONDS_ABOVE = 100_000_000_000


def parse_timestamp(value: str | int | float) -> dt.datetime:
    """ISO 8601 text or Unix seconds (milliseconds if implausibly large), as an aware UTC time;
    a ``DateProblem`` (a ValueError) for anything else, through ``dates``' one parser."""
    return parse_moment(value, milliseconds_above=MILLISECONDS_ABOVE)


def _usage(usage: _Usage | None) -> RecordedUsage | None:
    if usage is None:
        return None
    details = usage.prompt_tokens_details or usage.input_tokens_details
    cached = details.cached_tokens if details is not None else None
    prompt = usage.prompt_tokens
    if prompt is None and usage.input_tokens is not None:
        prompt = usage.input_tokens
        if usage.input_tokens_details is None:  # Anthropic: add what the cache served/stored
            prompt += (usage.cache_read_input_tokens or 0) + (
                usage.cache_creation_input_tokens or 0
            )
    return RecordedUsage(
        prompt_tokens=prompt,
        completion_tokens=(
            usage.completion_tokens if usage.completion_tokens is not None else usage.output_tokens
        ),
        cached_tokens=cached if cached is not None else usage.cache_read_input_tokens,
    )


def _arguments(value: str | dict[str, Any] | list[Any]) -> str:
    return value if isinstance(value, str) else _ENCODER.encode(value).decode()


def _block_texts(part: _Part, parts: list[str]) -> int:
    """Add a block's text to ``parts``; 1 when it holds none tokx can count (an image, audio,
    a document, redacted thinking), else 0."""
    if part.type in TEXT_PART_TYPES and part.text is not None:
        parts.append(part.text)
    elif part.type == "thinking" and part.thinking is not None:
        parts.append(part.thinking)
    elif part.type == "tool_use":
        parts.extend(text for text in (part.name, _arguments(part.input or {})) if text)
    elif part.type == "tool_result":
        if isinstance(part.content, str):
            parts.append(part.content)
        else:
            missed = 0
            for item in part.content or ():
                if isinstance(item, dict) and isinstance(item.get("text"), str):
                    parts.append(item["text"])
                else:
                    missed += 1
            return missed
    else:
        return 1
    return 0


def _parts(line: _Line) -> tuple[tuple[str, ...], int]:
    """Text parts of the system prompt and every message (tool calls, tool results and thinking
    included), and the number of parts without text (images, audio, documents) left out."""
    parts: list[str] = []
    non_text = 0
    if isinstance(line.system, str):
        parts.append(line.system)
    elif line.system is not None:
        for part in line.system:
            non_text += _block_texts(part, parts)
    for message in line.messages:
        if message.name:
            parts.append(message.name)
        content = message.content
        if isinstance(content, str):
            parts.append(content)
        elif content is not None:
            for part in content:
                non_text += _block_texts(part, parts)
        for call in message.tool_calls or ():
            function = call.function
            if function is not None:
                if function.name:
                    parts.append(function.name)
                if function.arguments is not None:
                    parts.append(_arguments(function.arguments))
    if line.tools:
        # tool definitions reach the model as text; their compact JSON is the closest measure
        parts.append(_ENCODER.encode(line.tools).decode())
    return tuple(parts), non_text


def _decode(raw: bytes, where: str, warnings: list[WorkloadWarning]) -> _Line:
    try:
        return _DECODER.decode(raw)
    except msgspec.ValidationError as exc:
        key_path, problem = describe(exc)
        message = f"{where}: {key_path}: {problem}" if key_path else f"{where}: {problem}"
        raise DataError(message) from None
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        text, replaced = decode_utf8(raw)
        if not replaced:
            raise DataError(f"{where}: invalid JSON: {exc}") from None
    warnings.append(
        WorkloadWarning(
            where,
            "invalid_utf8",
            f"{where}: {replaced} invalid UTF-8 sequence(s) replaced",
            replaced,
        )
    )
    return _decode(text.encode(), where, warnings)


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) of each non-blank line, reading one line at a time."""
    try:
        handle, _ = open_regular(path, what="chat log")
        with handle:
            number = 0
            while raw := handle.readline(MAX_LINE_BYTES + 1):
                number += 1
                if len(raw) > MAX_LINE_BYTES:
                    raise DataError(located(path, number, None, "line longer than 64 MiB"))
                if number == 1 and raw.startswith(_BOM):
                    raw = raw[len(_BOM) :]
                if raw.strip():
                    yield number, raw
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None


def read_chat_jsonl(path: Path, warnings: list[WorkloadWarning]) -> Iterator[Request]:
    """Stream the requests of a chat JSONL file; a malformed line is a DataError ``file:line``."""
    non_text_total = 0
    for number, raw in _lines(path):
        where = f"{path}:{number}"
        line = _decode(raw, where, warnings)
        parts, non_text = _parts(line)
        non_text_total += non_text
        stamp = line.timestamp if line.timestamp is not None else line.created
        timestamp = None
        if stamp is not None:
            try:
                timestamp = parse_timestamp(stamp)
            except DateProblem as exc:
                raise DataError(f"{where}: timestamp: {exc}") from None
        yield Request(
            source=where,
            parts=parts,
            message_count=len(line.messages),
            usage=_usage(line.usage),
            model=line.model,
            timestamp=timestamp,
        )
    if non_text_total:
        warnings.append(
            WorkloadWarning(
                str(path),
                "non_text",
                f"{path}: {non_text_total} message part(s) without text (images, audio, "
                "documents) not counted",
                non_text_total,
            )
        )
