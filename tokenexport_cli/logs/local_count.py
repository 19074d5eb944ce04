"""Requests logged without usage, counted locally: each message's text with the logged model's
tokenizer family plus the family's per-message frame (``tokens.workload_counts``), tool
definitions and tool-use overhead as each provider counts them, images by each provider's rule
(``logs.images``), and the text of a response logged beside the request as output.

Tool definitions:
- OpenAI: rendered into the prompt in a format OpenAI does not publish; tokx counts them as
  OpenAI's own cookbook does ("How to count tokens with tiktoken", ``num_tokens_for_tools``,
  https://github.com/openai/openai-cookbook/blob/main/examples/How_to_count_tokens_with_tiktoken.ipynb,
  checked there against the API: 101 prompt tokens for gpt-4o): per function 7 tokens
  (10 for gpt-3.5-turbo and gpt-4) plus ``name:description`` (trailing period dropped); with
  properties 3, and per property 3 plus ``name:type:description``, an enum -3 plus 3 and the
  item per value; 12 after the functions. Models newer than GPT-4o are counted with GPT-4o's
  constants (the cookbook stops there).
- Anthropic: "When you use tools, we also automatically include a special system prompt"
  whose size per model and ``tool_choice`` is in ``ANTHROPIC_TOOL_PROMPT``, plus the ``tools``
  parameter itself (names, descriptions, schemas), ``tool_use`` and ``tool_result`` blocks
  (https://platform.claude.com/docs/en/agents-and-tools/tool-use/overview, "Pricing"). How the
  definitions are rendered is not published: tokx counts their JSON text.
- Gemini: function declarations are part of the prompt ``countTokens`` counts; their rendering
  is not published either: tokx counts their JSON text.
Tool calls and results count as their name and argument/result text inside their message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from tokenexport_cli.catalog.index import CatalogIndex
from tokenexport_cli.logs.images import decode_prefix, image_size, image_tokens
from tokenexport_cli.logs.prompts import Prompt, prompt_from_object
from tokenexport_cli.logs.record import ImageSize, ToolShape, UsageRecord
from tokenexport_cli.logs.resolve import resolve_model
from tokenexport_cli.logs.vendors import LineError, timestamp
from tokenexport_cli.textfiles import InputWarning
from tokenexport_cli.wording import calls

# (tool_choice auto or none, any or tool), from the pricing table of the tool-use overview
# (https://platform.claude.com/docs/en/agents-and-tools/tool-use/overview); models that page no
# longer lists take the earlier version of the same table (docs.anthropic.com/en/docs/
# build-with-claude/tool-use, as of Claude 3.7 Sonnet). Keys are catalog id prefixes, longest
# first wins.
ANTHROPIC_TOOL_PROMPT: dict[str, tuple[int, int]] = {
    "claude-opus-4.8": (290, 410),
    "claude-opus-4.7": (675, 804),
    "claude-opus-4.6": (497, 589),
    "claude-opus-4.5": (496, 588),
    "claude-opus-4.1": (313, 315),
    "claude-opus-4": (313, 315),
    "claude-4-opus": (313, 315),
    "claude-sonnet-5": (354, 474),
    "claude-sonnet-4.6": (497, 589),
    "claude-sonnet-4.5": (496, 588),
    "claude-sonnet-4": (313, 315),
    "claude-4-sonnet": (313, 315),
    "claude-haiku-4.5": (496, 588),
    "claude-3.5-haiku": (264, 355),
    "claude-3.7-sonnet": (346, 313),
    "claude-3.5-sonnet": (346, 313),
    "claude-3-opus": (530, 281),
    "claude-3-sonnet": (159, 235),
    "claude-3-haiku": (264, 340),
}
OPENAI_FUNCTION = {"init": 7, "property_init": 3, "property": 3, "enum_init": -3, "enum": 3}
OPENAI_FUNCTIONS_END = 12
OPENAI_LEGACY_FUNCTION_INIT = 10  # gpt-3.5-turbo, gpt-4


def _line_id(obj: Mapping[str, Any], stamp: object) -> str | None:
    """An id for a logged request without one: the same request logged at the same moment (or
    the same batch line, ``custom_id`` and all) is the same call (a log given twice counts it
    once); without a timestamp, identical requests may be separate calls, so they get none."""
    if not stamp:
        return None
    import hashlib

    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str)
    return "request:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def anthropic_tool_prompt(model_id: str, tool_choice: str | None) -> int | None:
    for prefix in sorted(ANTHROPIC_TOOL_PROMPT, key=len, reverse=True):
        if model_id.startswith(prefix):
            auto, forced = ANTHROPIC_TOOL_PROMPT[prefix]
            return forced if tool_choice in ("any", "tool") else auto
    return None


class LocalCounter:
    """Counts requests without usage for ``read_logs``; keeps what the warnings report."""

    def __init__(self, index: CatalogIndex) -> None:
        self.index = index
        self.total = 0  # requests counted in every file read so far
        self.counted = 0
        self.without_response = 0
        self.images = 0
        self.images_unsized = 0
        self.no_tool_prompt: set[str] = set()
        self._specs: dict[str, Any] = {}

    def _family(self, model_id: str | None) -> Any:
        from tokenexport_cli.tokens.families import family_spec

        name = self.index.models[model_id].tokenizer if model_id else "o200k_base"
        if name not in self._specs:
            self._specs[name] = family_spec(self.index, name)
        return self._specs[name]

    def record(self, obj: Mapping[str, Any]) -> UsageRecord:
        prompt = prompt_from_object(obj)
        model = resolve_model(self.index, prompt.model)
        spec = self._family(model.id if model else None)
        tokens = _Tokens(spec)
        text = sum(tokens.message(message) for message in prompt.messages)
        text += self._tools(prompt, model.id if model else prompt.model, tokens)
        sized = [self._image(prompt, image, model.id if model else "") for image in prompt.images]
        if prompt.answers is None:
            self.without_response += 1
        output = sum(tokens.text(answer) for answer in prompt.answers or ())
        self.counted += 1
        return UsageRecord(
            model=prompt.model,
            provider=prompt.vendor,
            timestamp=timestamp(prompt.timestamp),
            input=text,
            image_input=sum(tokens for tokens, _ in sized),
            output=output,
            batch=prompt.batch,
            request_id=prompt.request_id or _line_id(obj, prompt.timestamp or prompt.batch_key),
            images=tuple(size for _, size in sized),
            tools=tool_shape(prompt),  # its overhead is in the count: swapped on other models
            batch_key=prompt.batch_key,
            local=True,
        )

    def with_request(self, record: UsageRecord, obj: Mapping[str, Any]) -> UsageRecord:
        """A call with recorded usage whose request is logged beside it: its images' sizes
        kept for other providers' rules, and their tokens by the source provider's rule moved
        out of the input count into the image count (where the usage does not split them); the
        shape of its tool definitions kept, to swap their overhead on another model."""
        try:
            prompt = prompt_from_object(obj)
        except LineError:
            return record
        tools = tool_shape(prompt)
        if tools is not None:
            record = replace(record, tools=tools)
        if not prompt.images:
            return record
        model = resolve_model(self.index, record.model)
        sized = [self._image(prompt, image, model.id if model else "") for image in prompt.images]
        moved = 0 if record.image_input else min(record.input, sum(t for t, _ in sized))
        return replace(
            record,
            input=record.input - moved,
            image_input=record.image_input + moved,
            images=tuple(size for _, size in sized),
        )

    def _image(self, prompt: Prompt, image: Any, model_id: str) -> tuple[int, ImageSize]:
        self.images += 1
        size = image_size(decode_prefix(image.data)) if image.data else None
        if size is None:
            self.images_unsized += 1
        known: ImageSize = (size[0], size[1], image.detail) if size else (0, 0, image.detail)
        return image_tokens(prompt.vendor, size, image.detail, model_id), known

    def _tools(self, prompt: Prompt, model_id: str, tokens: _Tokens) -> int:
        if not prompt.tools:
            return 0
        if prompt.vendor == "openai":
            return _openai_tools(prompt.tools, model_id, tokens)
        definitions = sum(
            tokens.text(json.dumps(tool, ensure_ascii=False)) for tool in prompt.tools
        )
        if prompt.vendor == "anthropic":
            overhead = anthropic_tool_prompt(model_id, prompt.tool_choice)
            if overhead is None:
                self.no_tool_prompt.add(model_id)
            return definitions + (overhead or 0)
        return definitions

    def take_warnings(self, origin: str) -> list[InputWarning]:
        """Warnings about the requests counted since the last call (one file's), then reset."""
        found = self._warnings(origin)
        self.total += self.counted
        self.counted = self.without_response = self.images = self.images_unsized = 0
        self.no_tool_prompt = set()
        return found

    def _warnings(self, origin: str) -> list[InputWarning]:
        found: list[InputWarning] = []
        if self.counted:
            unanswered = (
                f" ({self.without_response} without a logged response: their output is not counted)"
                if self.without_response
                else ""
            )
            found.append(
                InputWarning(
                    origin,
                    "counted_locally",
                    f"{origin}: {calls(self.counted)} without recorded usage: their prompts were "
                    "counted "
                    f"locally with each model's tokenizer{unanswered}",
                    self.counted,
                )
            )
        if self.images_unsized:
            found.append(
                InputWarning(
                    origin,
                    "non_text",
                    f"{origin}: {self.images_unsized} of {self.images} images of unknown size "
                    "(URLs, files "
                    "or unreadable data) counted as 1024x1024 by each provider's rule",
                    self.images_unsized,
                )
            )
        if self.no_tool_prompt:
            found.append(
                InputWarning(
                    origin,
                    "counted_locally",
                    f"{origin}: no published tool-use system prompt size for "
                    f"{', '.join(sorted(self.no_tool_prompt))}: only the tool definitions counted",
                    len(self.no_tool_prompt),
                )
            )
        return found


class _Tokens:
    """One family's counts of texts, with its per-message frame."""

    def __init__(self, spec: Any) -> None:
        from tokenexport_cli.tokens.workload_counts import message_overhead

        self.spec = spec
        self.overhead = message_overhead(spec)[0]

    def text(self, text: str) -> int:
        from tokenexport_cli.tokens.counting import count_text

        return count_text(text, [self.spec])[0].tokens if text else 0

    def message(self, text: str) -> int:
        return self.text(text) + self.overhead


def openai_legacy(model_id: str) -> bool:
    """gpt-3.5-turbo and gpt-4 frame each function with 10 tokens, later models with 7."""
    return model_id.startswith(("gpt-3.5", "gpt-4")) and not model_id.startswith(
        ("gpt-4o", "gpt-4.1", "gpt-4.5")
    )


def tool_shape(prompt: Prompt) -> ToolShape | None:
    """The request's tool definitions as ``logs.tool_overhead`` frames them: the OpenAI
    cookbook's framing tokens apart from the per-function ones (``_openai_tools`` without the
    text), whoever the request went to."""
    if not prompt.tools:
        return None
    framing = OPENAI_FUNCTIONS_END
    for function in prompt.tools:
        parameters = function.get("parameters")
        properties = parameters.get("properties") if isinstance(parameters, Mapping) else None
        if not isinstance(properties, Mapping) or not properties:
            continue
        framing += OPENAI_FUNCTION["property_init"]
        for schema in properties.values():
            framing += OPENAI_FUNCTION["property"]
            if isinstance(schema, Mapping) and isinstance(schema.get("enum"), list):
                framing += OPENAI_FUNCTION["enum_init"] + OPENAI_FUNCTION["enum"] * len(
                    schema["enum"]
                )
    return (prompt.vendor, prompt.tool_choice, len(prompt.tools), framing)


def _openai_tools(tools: list[Mapping[str, Any]], model_id: str, tokens: _Tokens) -> int:
    legacy = openai_legacy(model_id)
    total = 0
    for function in tools:
        total += OPENAI_LEGACY_FUNCTION_INIT if legacy else OPENAI_FUNCTION["init"]
        description = str(function.get("description") or "").removesuffix(".")
        total += tokens.text(f"{function.get('name') or ''}:{description}")
        parameters = function.get("parameters")
        properties = parameters.get("properties") if isinstance(parameters, Mapping) else None
        if not isinstance(properties, Mapping) or not properties:
            continue
        total += OPENAI_FUNCTION["property_init"]
        for name, schema in properties.items():
            schema = schema if isinstance(schema, Mapping) else {}
            total += OPENAI_FUNCTION["property"]
            if isinstance(schema.get("enum"), list):
                total += OPENAI_FUNCTION["enum_init"]
                for item in schema["enum"]:
                    total += OPENAI_FUNCTION["enum"] + tokens.text(str(item))
            kind = schema.get("type") or ""
            detail = str(schema.get("description") or "").removesuffix(".")
            total += tokens.text(f"{name}:{kind}:{detail}")
    return total + OPENAI_FUNCTIONS_END
