"""How a cost that is only a lower bound reads (``≥ ¥12.40``), in tables and JSON, and the
counted sentence for candidates left out because their price for long prompts or responses is
not published (``pricing.unpublished``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tokenexport_cli.pricing.engine import CostLine, Exclusion
from tokenexport_cli.pricing.unpublished import UNPUBLISHED_KIND
from tokenexport_cli.pricing.unpublished import LowerBound as Bound
from tokenexport_cli.render.payloads_bound import LowerBound
from tokenexport_cli.wording import counted

#: Candidates named in the sentence; more are counted
MAX_NAMED = 8
AT_LEAST = "≥ "


def at_least(cells: Sequence[str], lines: Sequence[CostLine]) -> list[str]:
    """A money column with ``≥`` before every amount that is a lower bound."""
    return [
        AT_LEAST + cell if line.lower_bound is not None else cell
        for cell, line in zip(cells, lines, strict=True)
    ]


def lower_bound_payload(line: CostLine) -> LowerBound | None:
    return bound_payload(line.lower_bound)


def bound_payload(bound: Bound | None) -> LowerBound | None:
    if bound is None:
        return None
    return LowerBound(
        priced_input_below=bound.priced_input_below,
        priced_output_below=bound.priced_output_below,
        requests=bound.requests,
        sample_requests=bound.sample_requests,
    )


def alternatives_dropped(bounds: Sequence[Bound]) -> list[str]:
    """The counted sentence for replay's cheapest other models left out."""
    groups: dict[str, list[str]] = {}
    for bound in bounds:
        groups.setdefault(bound.reason, []).append(f"{bound.provider} {bound.model}")
    return _sentences(groups, "alternative")


def unpublished(exclusions: Iterable[Exclusion]) -> list[Exclusion]:
    return [item for item in exclusions if item.kind == UNPUBLISHED_KIND]


def dropped_sentences(exclusions: Iterable[Exclusion]) -> list[str]:
    """One sentence per reason, e.g. "1 candidate dropped: price for prompts of 32,000+ input
    tokens not published in the catalog (zhipu glm-5)."."""
    groups: dict[str, list[str]] = {}
    for item in unpublished(exclusions):
        groups.setdefault(item.reason, []).append(f"{item.provider} {item.model}")
    return _sentences(groups, "candidate")


def _sentences(groups: dict[str, list[str]], noun: str) -> list[str]:
    out = []
    for reason, names in groups.items():
        shown = ", ".join(names[:MAX_NAMED])
        if len(names) > MAX_NAMED:
            shown += f" and {len(names) - MAX_NAMED} more"
        out.append(f"{counted(len(names), noun)} dropped: {reason} ({shown}).")
    return out
