"""Tool-use overhead swapped for another model's: a call with recorded usage whose request shows
tool definitions carries its provider's overhead inside the recorded input (Anthropic's tool-use
system prompt per model and ``tool_choice``, OpenAI's per-function framing); priced on another
model, that overhead is taken out and the target's own put in, from the tables ``local_count``
counts requests without usage with. The definitions' own text is converted like any text.
Models of other providers publish no overhead: none is added for them (the note says so)."""

from __future__ import annotations

from fractions import Fraction

from tokenexport_cli.logs.images import image_rule
from tokenexport_cli.logs.local_count import (
    OPENAI_FUNCTION,
    OPENAI_LEGACY_FUNCTION_INIT,
    anthropic_tool_prompt,
    openai_legacy,
)
from tokenexport_cli.logs.record import ToolShape, UsageTable, half_even
from tokenexport_cli.schema import Model
from tokenexport_cli.tokens.family_ratio import FamilyRatio
from tokenexport_cli.wording import calls

_WHAT = {
    "anthropic": "Anthropic's tool-use system prompt",
    "openai": "OpenAI's function framing",
    "google": "Gemini's (none published)",
}


def overhead(shape: ToolShape, model_id: str) -> int | None:
    """The tool-use overhead ``model_id``'s provider adds to a prompt with these tool
    definitions, in the model's tokens; None where tokx knows no figure."""
    _, choice, functions, framing = shape
    vendor = image_rule(model_id)
    if vendor == "anthropic":
        return anthropic_tool_prompt(model_id, choice)
    if vendor == "openai":
        init = OPENAI_LEGACY_FUNCTION_INIT if openai_legacy(model_id) else OPENAI_FUNCTION["init"]
        return functions * init + framing
    if vendor == "google":
        return 0  # declarations are counted as prompt text; no framing is published
    return None


def target_tools(
    table: UsageTable,
    model: Model,
    sources: list[Model | None],
    ratios: list[FamilyRatio | None],
    notes: set[str],
) -> UsageTable:
    """``table`` with the tool-use overhead of calls logged on other models swapped for
    ``model``'s (its tokens converted to the source's by the source's ratio, which pricing
    multiplies back)."""
    swaps: dict[int, tuple[int, int]] = {}
    unknown_source: set[str] = set()
    unknown_target = False
    for row, shape in table.tools.items():
        position = table.source[row]
        source, ratio = sources[position], ratios[position]
        if source is None or ratio is None or source.id == model.id:
            continue
        removed = overhead(shape, source.id)
        if removed is None:
            unknown_source.add(source.id)
        added = overhead(shape, model.id)
        unknown_target = unknown_target or added is None
        swaps[row] = (removed or 0, half_even(Fraction(added or 0) / ratio.factor))
    if not swaps:
        return table
    target = _WHAT.get(image_rule(model.id) or "")
    if target is None or unknown_target:
        notes.add(
            f"tool-use overhead of {calls(len(swaps))} with tool definitions taken out; "
            f"none published for {model.id}, none added"
        )
    else:
        notes.add(
            f"tool-use overhead of {calls(len(swaps))} with tool definitions swapped for "
            f"{target} for {model.id}"
        )
    if unknown_source:
        notes.add(
            f"no published tool-use overhead for {', '.join(sorted(unknown_source))}: "
            "nothing taken out of their calls"
        )
    return table.with_swapped_overhead(swaps)
