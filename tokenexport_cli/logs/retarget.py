"""Recorded calls converted to another model beyond the family ratio: image tokens re-counted
by the target provider's own image rule where the log carries the images' sizes, and the notes
that say how reasoning tokens carried over (shared by ``tokx replay`` and logs workloads)."""

from __future__ import annotations

from decimal import Decimal

from tokenexport_cli.logs.images import image_rule, images_tokens
from tokenexport_cli.logs.record import UsageTable
from tokenexport_cli.schema import Model
from tokenexport_cli.tokens.family_ratio import FamilyRatio
from tokenexport_cli.wording import calls

REASONING_NOTE = "reasoning tokens carried over 1:1 from the source model (an assumption)"


def given_reasoning_note(ratio: Decimal, model_id: str) -> str:
    return f"reasoning tokens x {ratio} of the source model's (the ratio given for {model_id})"


def target_images(
    table: UsageTable,
    model: Model,
    sources: list[Model | None],
    ratios: list[FamilyRatio | None],
    notes: set[str],
) -> UsageTable:
    """Calls logged on another model with their images known: image tokens by the target
    provider's own rule where tokx has one, else converted like text (the notes say which)."""
    others = {
        i
        for i, (source, ratio) in enumerate(zip(sources, ratios, strict=True))
        if source is not None and ratio is not None and source.id != model.id
    }
    rows = sum(1 for row in table.images if table.source[row] in others)
    if not rows:
        return table
    vendor = image_rule(model.id)
    if vendor is None:
        notes.add(f"no image rule known for {model.id}: image tokens converted like text")
        return table
    notes.add(f"images of {calls(rows)} counted by {vendor}'s image rule for {model.id}")
    factors = {i: ratio.factor for i, ratio in enumerate(ratios) if ratio is not None}
    return table.with_images(
        lambda images: images_tokens(vendor, images, model.id), factors, others
    )
