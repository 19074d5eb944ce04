"""A bounded, uniform sample of the request text of calls with recorded usage, per source model:
what a replay measures the tokenizer-family ratio of the log's own traffic on
(``logs.measured_ratio``).

Each source keeps a reservoir of at most ``SAMPLE_CALLS`` calls (Algorithm L, seeded, so the
same log gives the same sample), each call's text cut to its first ``CALL_CHARS`` characters,
for at most ``MAX_SOURCES`` sources: a few MB whatever the size of the log. Whether a call enters
the reservoir is decided before its text is taken out of the line, so a call that is not kept
costs one comparison. Only new calls are offered (the usage table's row count grows), so a
call logged twice is sampled at most once."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Mapping
from typing import Any

SAMPLE_CALLS = 64
CALL_CHARS = 2048
MAX_SOURCES = 32


class _Reservoir:
    """One source's reservoir: calls offered, the number of the next one kept, Algorithm L's
    weight."""

    __slots__ = ("next", "seen", "weight")

    def __init__(self) -> None:
        self.seen = 0
        self.next = 1
        self.weight = 1.0


class TextSample:
    """Per source (the usage table's source index): up to ``SAMPLE_CALLS`` request texts, a
    uniform sample of its calls (Algorithm L: once the reservoir is full, the number of calls
    to skip is drawn, so a call not kept costs one comparison)."""

    def __init__(self, seed: int = 0) -> None:
        self._rng = random.Random(seed)
        self._reservoirs: dict[int, _Reservoir] = {}
        self.texts: dict[int, list[str]] = {}

    def _draw(self, reservoir: _Reservoir) -> None:
        """The next call to keep after the ``seen`` ones (Li 1994, Algorithm L)."""
        uniform = self._rng.random
        reservoir.weight *= math.exp(math.log(1.0 - uniform()) / SAMPLE_CALLS)
        weight = min(reservoir.weight, 1.0 - 1e-12)
        skip = math.floor(math.log(1.0 - uniform()) / math.log1p(-weight))
        reservoir.next = reservoir.seen + skip + 1

    def slot(self, source: int) -> int | None:
        """Where the next new call of ``source`` goes in its reservoir, or None when it is not
        kept; counts the call as offered."""
        reservoir = self._reservoirs.get(source)
        if reservoir is None:
            if len(self._reservoirs) >= MAX_SOURCES:
                return None
            reservoir = self._reservoirs[source] = _Reservoir()
        reservoir.seen += 1
        seen = reservoir.seen
        if seen != reservoir.next:
            return None
        if seen < SAMPLE_CALLS:
            reservoir.next = seen + 1
            return seen - 1
        slot = seen - 1 if seen == SAMPLE_CALLS else self._rng.randrange(SAMPLE_CALLS)
        self._draw(reservoir)
        return slot

    def put(self, source: int, slot: int, text: str) -> None:
        """The text of the call given ``slot`` (its first ``CALL_CHARS`` characters)."""
        texts = self.texts.setdefault(source, [])
        text = text[:CALL_CHARS]
        if slot < len(texts):
            texts[slot] = text
        else:
            texts.append(text)

    def of(self, source: int) -> list[str]:
        return [text for text in self.texts.get(source, ()) if text.strip()]


def call_text(obj: Mapping[str, Any]) -> str:
    """The text of a logged request's messages (system prompt, tool calls and results
    included; ``logs.prompts``), or "" when it has none."""
    from tokenexport_cli.logs.prompts import prompt_from_object
    from tokenexport_cli.logs.vendors import LineError

    try:
        return "\n".join(prompt_from_object(obj).messages)
    except (LineError, RecursionError):  # no text, or hostile nesting: nothing to sample
        return ""


def observation_text(obj: Mapping[str, Any]) -> str:
    """The ``input`` of a Langfuse generation: its messages' text, or the input as it is."""
    try:
        return _observation_text(obj.get("input"))
    except (ValueError, RecursionError):  # hostile nesting: no text rather than a crash
        return ""


def _observation_text(given: Any) -> str:
    if isinstance(given, str):
        return given
    if isinstance(given, list):
        parts: list[str] = []
        for message in given:
            content = message.get("content") if isinstance(message, Mapping) else message
            if isinstance(content, str):
                parts.append(content)
            elif isinstance(content, list):
                for part in content:
                    text = part.get("text") if isinstance(part, Mapping) else None
                    parts.append(text if isinstance(text, str) else "")
            elif content is not None:
                parts.append(json.dumps(content, ensure_ascii=False))
        return "\n".join(parts)
    return "" if given is None else json.dumps(given, ensure_ascii=False)
