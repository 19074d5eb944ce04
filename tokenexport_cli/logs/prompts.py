"""The prompt of a logged request that records no usage, taken apart as each provider's API
defines it: the text of every message (system prompt included), tool definitions, tool calls
and results, images, and the text of a response logged beside it (without usage).

Request shapes, field by field:
- OpenAI Chat Completions (https://platform.openai.com/docs/api-reference/chat/create):
  ``messages[].content`` as text or parts (``text``, ``image_url.{url, detail}``,
  ``input_audio``, ``file``), ``tool_calls[].function.{name, arguments}``, ``tools[].function``
  (and the older ``functions``); Batch API input lines wrap it as ``{custom_id, method, url,
  body}`` (https://platform.openai.com/docs/guides/batch).
- OpenAI Responses (https://platform.openai.com/docs/api-reference/responses/create):
  ``instructions``, ``input`` as text or items (messages with ``input_text``/``input_image``
  parts, ``function_call``, ``function_call_output``), ``tools[]`` with ``name``,
  ``description``, ``parameters``.
- Anthropic Messages (https://docs.anthropic.com/en/api/messages): ``system`` (text or
  blocks), ``messages[].content`` blocks ``text``, ``image`` (``source.type`` base64 or url),
  ``document``, ``tool_use`` (``name``, ``input``), ``tool_result`` (``content``), ``thinking``,
  ``redacted_thinking``; ``tools[]`` (``name``, ``description``, ``input_schema``),
  ``tool_choice.type``; Message Batches requests wrap it as ``{custom_id, params}``.
- Gemini ``generateContent`` (https://ai.google.dev/api/generate-content): ``contents[].parts[]``
  (``text``, ``inlineData.{mimeType, data}``, ``fileData``, ``functionCall``,
  ``functionResponse``), ``systemInstruction``, ``tools[].functionDeclarations``; batch input
  lines wrap it as ``{key, request}``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tokenexport_cli.logs.images import Vendor
from tokenexport_cli.logs.vendors import LineError


@dataclass(frozen=True)
class ImageRef:
    data: str | None  # base64 or a data: URL; None when only a URL or file is logged
    detail: str | None = None


@dataclass
class Prompt:
    vendor: Vendor
    model: str
    timestamp: Any = None
    batch: bool = False
    request_id: str | None = None
    batch_key: str | None = None  # a Batch API request's custom_id
    messages: list[str] = field(default_factory=list)
    tools: list[Mapping[str, Any]] = field(default_factory=list)  # name, description, parameters
    tool_choice: str | None = None
    images: list[ImageRef] = field(default_factory=list)
    answers: list[str] | None = None  # response text; None when no response is logged


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _get(mapping: Any, name: str) -> Any:
    return mapping.get(name) if isinstance(mapping, Mapping) else None


def _vendor(body: Mapping[str, Any]) -> Vendor:
    if "contents" in body:
        return "google"
    if "messages" not in body:
        return "openai"  # the Responses API: input, instructions
    model = str(body.get("model") or "")
    if "system" in body or model.startswith("claude") or "anthropic" in model:
        return "anthropic"
    tools, messages = body.get("tools"), body.get("messages")
    for tool in tools if isinstance(tools, list) else ():
        if isinstance(tool, Mapping) and "input_schema" in tool:
            return "anthropic"
    for message in messages if isinstance(messages, list) else ():
        content = _get(message, "content")
        for block in content if isinstance(content, list) else ():
            if _get(block, "type") in ("tool_use", "tool_result", "thinking") or "source" in (
                block if isinstance(block, Mapping) else ()
            ):
                return "anthropic"
    return "openai"


def _openai_parts(content: Any, prompt: Prompt) -> list[str]:
    if isinstance(content, str):
        return [content]
    texts: list[str] = []
    for part in content if isinstance(content, list) else ():
        kind = _get(part, "type")
        if kind in ("text", "input_text", "output_text"):
            texts.append(str(_get(part, "text") or ""))
        elif kind == "image_url":
            image = _get(part, "image_url")
            url = _get(image, "url") if isinstance(image, Mapping) else image
            prompt.images.append(_image_ref(url, _get(image, "detail")))
        elif kind == "input_image":
            prompt.images.append(_image_ref(_get(part, "image_url"), _get(part, "detail")))
    return texts


def _image_ref(url: Any, detail: Any) -> ImageRef:
    data = url if isinstance(url, str) and url.startswith("data:") else None
    return ImageRef(data, detail if isinstance(detail, str) else None)


def _openai_chat(body: Mapping[str, Any], prompt: Prompt) -> None:
    for message in body.get("messages") or ():
        texts = _openai_parts(_get(message, "content"), prompt)
        for call in _get(message, "tool_calls") or ():
            function = _get(call, "function")
            texts += [str(_get(function, "name") or ""), str(_get(function, "arguments") or "")]
        if _get(message, "name"):
            texts.append(str(message["name"]))
        prompt.messages.append("\n".join(texts))
    for tool in body.get("tools") or ():
        if isinstance(_get(tool, "function"), Mapping):
            prompt.tools.append(tool["function"])
    prompt.tools += [f for f in body.get("functions") or () if isinstance(f, Mapping)]


def _openai_responses(body: Mapping[str, Any], prompt: Prompt) -> None:
    if body.get("instructions"):
        prompt.messages.append(str(body["instructions"]))
    given = body.get("input")
    for item in [given] if isinstance(given, str) else given or ():
        if isinstance(item, str):
            prompt.messages.append(item)
        elif _get(item, "type") == "function_call":
            prompt.messages.append(f"{item.get('name') or ''}\n{item.get('arguments') or ''}")
        elif _get(item, "type") == "function_call_output":
            prompt.messages.append(_text(item.get("output") or ""))
        elif isinstance(item, Mapping) and "content" in item:
            prompt.messages.append("\n".join(_openai_parts(item["content"], prompt)))
    for tool in body.get("tools") or ():
        if _get(tool, "type") == "function":
            prompt.tools.append(tool)


def _anthropic_blocks(content: Any, prompt: Prompt) -> list[str]:
    if isinstance(content, str):
        return [content]
    texts: list[str] = []
    for block in content if isinstance(content, list) else ():
        kind = _get(block, "type")
        if kind == "text":
            texts.append(str(_get(block, "text") or ""))
        elif kind == "image":
            source = _get(block, "source")
            data = _get(source, "data") if _get(source, "type") == "base64" else None
            prompt.images.append(ImageRef(data if isinstance(data, str) else None))
        elif kind == "document" and _get(_get(block, "source"), "type") == "text":
            texts.append(str(_get(_get(block, "source"), "data") or ""))
        elif kind == "tool_use":
            texts += [str(_get(block, "name") or ""), _text(_get(block, "input") or {})]
        elif kind == "tool_result":
            texts += _anthropic_blocks(_get(block, "content") or "", prompt)
        elif kind == "thinking":
            texts.append(str(_get(block, "thinking") or ""))
    return texts


def _anthropic(body: Mapping[str, Any], prompt: Prompt) -> None:
    if body.get("system"):
        prompt.messages.append("\n".join(_anthropic_blocks(body["system"], prompt)))
    for message in body.get("messages") or ():
        prompt.messages.append("\n".join(_anthropic_blocks(_get(message, "content"), prompt)))
    for tool in body.get("tools") or ():
        if isinstance(tool, Mapping):
            prompt.tools.append(
                {
                    "name": tool.get("name"),
                    "description": tool.get("description"),
                    "parameters": tool.get("input_schema"),
                }
            )
    choice = _get(body.get("tool_choice"), "type")
    prompt.tool_choice = choice if isinstance(choice, str) else None


def _resolution(part: Mapping[str, Any]) -> str | None:
    """A Gemini 3 part's ``mediaResolution.level`` ("media_resolution_high" ...), if any."""
    level = _get(part.get("mediaResolution") or part.get("media_resolution"), "level")
    return level.lower() if isinstance(level, str) else None


def _gemini_parts(parts: Any, prompt: Prompt) -> list[str]:
    texts: list[str] = []
    for part in parts if isinstance(parts, list) else ():
        if not isinstance(part, Mapping):
            continue
        if "text" in part:
            texts.append(str(part["text"]))
        for key in ("inlineData", "inline_data"):
            blob = part.get(key)
            if str(_get(blob, "mimeType") or _get(blob, "mime_type") or "").startswith("image/"):
                data = _get(blob, "data")
                prompt.images.append(
                    ImageRef(data if isinstance(data, str) else None, _resolution(part))
                )
        for key in ("fileData", "file_data"):
            mime = _get(part.get(key), "mimeType") or _get(part.get(key), "mime_type")
            if str(mime or "").startswith("image/"):
                prompt.images.append(ImageRef(None, _resolution(part)))
        for key in ("functionCall", "functionResponse", "function_call", "function_response"):
            if key in part:
                texts.append(_text(part[key]))
    return texts


def _gemini(body: Mapping[str, Any], prompt: Prompt) -> None:
    system = body.get("systemInstruction") or body.get("system_instruction")
    if system:
        prompt.messages.append("\n".join(_gemini_parts(_get(system, "parts"), prompt)))
    for content in body.get("contents") or ():
        prompt.messages.append("\n".join(_gemini_parts(_get(content, "parts"), prompt)))
    for tool in body.get("tools") or ():
        for declaration in _get(tool, "functionDeclarations") or ():
            if isinstance(declaration, Mapping):
                prompt.tools.append(declaration)


def _answers(response: Any, vendor: Vendor) -> list[str] | None:
    """The text of a response logged without usage (None when there is no response)."""
    if not isinstance(response, Mapping) or not response:
        return None
    throwaway = Prompt(vendor, "")
    texts: list[str] = []
    for choice in response.get("choices") or ():
        message = _get(choice, "message") or {}
        texts += _openai_parts(_get(message, "content"), throwaway)
        for call in _get(message, "tool_calls") or ():
            function = _get(call, "function")
            texts += [str(_get(function, "name") or ""), str(_get(function, "arguments") or "")]
    for item in response.get("output") or ():
        texts += _openai_parts(_get(item, "content"), throwaway)
        if _get(item, "type") == "function_call":
            texts += [str(item.get("name") or ""), str(item.get("arguments") or "")]
    if isinstance(response.get("content"), list):
        texts += _anthropic_blocks(response["content"], throwaway)
    for candidate in response.get("candidates") or ():
        texts += _gemini_parts(_get(_get(candidate, "content"), "parts"), throwaway)
    return texts


def prompt_from_object(obj: Mapping[str, Any]) -> Prompt:
    """The request text of one logged call (see ``_prompt_from_object``); a request whose
    fields have unexpected types (hostile or corrupt lines) is a bad line, not a crash."""
    try:
        return _prompt_from_object(obj)
    except (TypeError, AttributeError, ValueError) as exc:
        if isinstance(exc, LineError):
            raise
        raise LineError(f"request: a field of an unexpected type ({type(exc).__name__})") from None


def _prompt_from_object(obj: Mapping[str, Any]) -> Prompt:
    """The prompt of one logged request without usage; LineError when it holds none."""
    batch = False
    request_id = None
    response: Any = None
    body: Any = obj
    batch_key = None
    # a custom_id is unique only within its batch: the call is keyed by the whole line, and the
    # custom_id pairs it with its result where the batch's output file is read too
    if isinstance(obj.get("body"), Mapping) and "custom_id" in obj:  # OpenAI Batch input
        body, batch, batch_key = obj["body"], True, obj.get("custom_id")
    elif isinstance(obj.get("params"), Mapping) and "custom_id" in obj:  # Anthropic batch
        body, batch, batch_key = obj["params"], True, obj.get("custom_id")
    elif isinstance(obj.get("request"), Mapping):  # {request, response} or Gemini batch input
        body, response = obj["request"], obj.get("response")
        batch = "key" in obj and "response" not in obj
        request_id = obj.get("key") if batch else None
    if not any(key in body for key in ("messages", "input", "contents")):
        raise LineError(
            "no usage recorded (usage / usageMetadata missing) and no request text "
            "(messages, input or contents) to count"
        )
    vendor = _vendor(body)
    model = body.get("model") or obj.get("model")
    if not isinstance(model, str) or not model.strip():
        raise LineError(
            "model: missing (a request without usage is counted with its model's tokenizer)"
        )
    prompt = Prompt(
        vendor,
        model.strip().removeprefix("models/"),
        timestamp=obj.get("timestamp")
        or obj.get("created_at")
        or obj.get("time")
        or obj.get("created"),
        batch=batch,
        request_id=f"request:{request_id}" if request_id else None,
        batch_key=str(batch_key) if batch_key is not None else None,
    )
    if vendor == "google":
        _gemini(body, prompt)
    elif vendor == "anthropic":
        _anthropic(body, prompt)
    elif "messages" in body:
        _openai_chat(body, prompt)
    else:
        _openai_responses(body, prompt)
    prompt.answers = _answers(response, vendor)
    return prompt
