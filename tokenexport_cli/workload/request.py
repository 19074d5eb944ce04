"""What an input reader yields: one sample request's text parts, recorded usage and warnings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from tokenexport_cli.textfiles import InputWarning


@dataclass(frozen=True, slots=True)
class RecordedUsage:
    """Token counts an API reported for one request (in the logged model's own tokenizer)."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cached_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class Request:
    """One sample request.

    ``parts`` are the texts a tokenizer counts: message contents, names and tool-call arguments
    (never the JSON around them). ``message_count`` is the number of chat messages (0 for a plain
    text file); the tokens stage adds each family's per-message overhead for them. The workload's
    shared system prompt is not included here; see ``Workload.system_prompt``.

    For a text file, ``path`` is set; ``parts`` holds its decoded text unless the file is larger
    than ``INLINE_TEXT_BYTES``, in which case ``parts`` is empty and ``streamed`` is true: count
    it by path (``tokens.count_paths`` streams it in bounded memory). A usage-CSV row has no text
    at all (``has_text`` is false), only ``usage``.
    """

    source: str
    parts: tuple[str, ...] = ()
    message_count: int = 0
    path: Path | None = None
    streamed: bool = False
    usage: RecordedUsage | None = None
    model: str | None = None
    timestamp: dt.datetime | None = None

    @property
    def has_text(self) -> bool:
        return bool(self.parts) or self.message_count > 0 or self.path is not None

    @property
    def recorded_output(self) -> int | None:
        return self.usage.completion_tokens if self.usage is not None else None


WorkloadWarning = InputWarning  # one warning type for every input (textfiles.InputWarning)
