"""One replay line: recorded calls priced on one offer, with the per-target changes (family
ratios, a given reasoning ratio, images by the target provider's rule) and the notes."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from tokenexport_cli.api.replay_types import (
    DAYS_PER_MONTH,
    REASONING_NOTE,
    ReplayLine,
    ReplayRequest,
    Role,
    SourceModel,
)
from tokenexport_cli.wording import calls as calls_of

if TYPE_CHECKING:
    from tokenexport_cli.catalog import CatalogIndex
    from tokenexport_cli.logs.measured_ratio import MeasuredRatio
    from tokenexport_cli.logs.record import UsageTable
    from tokenexport_cli.pricing.fx import Fx
    from tokenexport_cli.pricing.replay import ReplayCost
    from tokenexport_cli.schema import Model, Offer
    from tokenexport_cli.tokens.family_ratio import FamilyRatio
    from tokenexport_cli.warehouse.cells import CellPlan, Cells
    from tokenexport_cli.warehouse.summary import Summary


def ratios_for(
    index: CatalogIndex,
    sources: list[Model | None],
    target: Model,
    only: frozenset[int] | None,
    reasoning: Decimal | None = None,
    measured: Mapping[tuple[int, str], MeasuredRatio] | None = None,
) -> tuple[list[FamilyRatio | None], set[str]]:
    """Per source, the ratio converting its counts to ``target``'s tokens: the one measured on
    the log's own text where there is one, else the catalog's measured family ratio."""
    from tokenexport_cli.tokens.family_ratio import family_ratio, ratio_known

    ratios: list[FamilyRatio | None] = []
    notes: set[str] = set()
    for position, source in enumerate(sources):
        if source is None or (only is not None and position not in only):
            ratios.append(None)
            continue
        ratio = family_ratio(source.tokenizer, target.tokenizer, index.tokenizers)
        on_text = (measured or {}).get((position, target.tokenizer))
        if on_text is not None and source.tokenizer != target.tokenizer:
            ratio = on_text.ratio
            notes.add(on_text.note(source.tokenizer, target.tokenizer))
        elif source.tokenizer != target.tokenizer:
            if ratio_known(source.tokenizer, index.tokenizers) and ratio_known(
                target.tokenizer, index.tokenizers
            ):
                notes.add(
                    f"counts converted from {source.tokenizer} to {target.tokenizer} tokens "
                    f"by the measured ratio {float(ratio.factor):.3f}"
                )
            else:
                notes.add(f"no measured ratio {source.tokenizer} -> {target.tokenizer}: 1:1")
        if source.id != target.id and reasoning is None:
            notes.add(REASONING_NOTE)
        elif source.id != target.id:
            notes.add(
                f"reasoning tokens x {reasoning} of the source model's (the ratio given for "
                f"{target.id})"
            )
        ratios.append(ratio)
    return ratios, notes


class Pricer:
    def __init__(self, request: ReplayRequest, index: CatalogIndex, summary: Summary, fx: Fx):
        self.request, self.index, self.summary, self.fx = request, index, summary, fx
        self.currency = request.currency.upper()
        self.unresolved = ""
        self.table: UsageTable | None = None  # the Python path's calls, for per-call changes
        self.plan: CellPlan | None = None
        #: (source position, target family) -> the ratio measured on the log's own text
        self.measured: dict[tuple[int, str], MeasuredRatio] = {}
        self._priced: dict[
            tuple[tuple[str, str, str], tuple[int, ...], Decimal | None], ReplayCost
        ] = {}

    def note_unresolved(self, summaries: list[SourceModel]) -> None:
        missing = [s for s in summaries if s.resolved is None]
        if missing:
            calls = sum(s.requests for s in missing)
            share = sum((s.token_share for s in missing), Decimal(0)) * 100
            each = "; ".join(
                f"{s.model} ({calls_of(s.requests)}, {s.token_share * 100:.1f}%)" for s in missing
            )
            self.unresolved = (
                f"{calls_of(calls)} ({share:.1f}% of tokens) of models not in the catalog left out: "
                f"{each}"
            )

    def retargeted(
        self,
        cells: Cells,
        model: Model,
        sources: list[Model | None],
        ratios: list[FamilyRatio | None],
        notes: set[str],
        scale: Fraction | None,
    ) -> Cells:
        """The cells as ``model`` bills them: reasoning of calls logged on other models times
        ``scale`` (the ratio given for it), and on the Python path images by the target
        provider's own rule. A usage table read in DuckDB or a saved aggregate has no calls at
        hand: reasoning is scaled on the cell sums there (the note says so)."""
        from tokenexport_cli.warehouse.cells import scaled_reasoning, table_cells

        others = {i for i, source in enumerate(sources) if source and source.id != model.id}
        table = self.table
        if table is None:
            if scale is None:
                return cells
            notes.add("reasoning scaled on cell sums (usage table), rounded per cell")
            return scaled_reasoning(cells, scale, others)
        changed = table if scale is None else table.with_reasoning(scale, others)
        if changed.images:
            from tokenexport_cli.logs.retarget import target_images

            changed = target_images(changed, model, sources, ratios, notes)
        if changed.tools:
            from tokenexport_cli.logs.tool_overhead import target_tools

            changed = target_tools(changed, model, sources, ratios, notes)
        if changed is table:
            return cells
        assert self.plan is not None  # set before any line is priced
        return table_cells(changed, self.plan)

    def line(
        self,
        role: Role,
        offer: Offer,
        sources: list[Model | None],
        only: frozenset[int] | None,
        days: Decimal | None,
        cells: Cells,
    ) -> ReplayLine:
        from dataclasses import replace

        from tokenexport_cli.logs.record import COUNT_FIELDS
        from tokenexport_cli.pricing.replay import price_cells

        model = self.index.models[offer.model]
        provider = self.index.providers[offer.provider]
        given = self.request.reasoning_ratios.get(model.id)
        ratios, notes = ratios_for(self.index, sources, model, only, given, self.measured)
        reasoning_index = COUNT_FIELDS.index("reasoning")
        reasons = any(total.counts[reasoning_index] for total in self.summary.totals)
        if not reasons:
            notes = {note for note in notes if not note.startswith("reasoning tokens")}
        scale = Fraction(given) if reasons and given is not None and given != 1 else None
        cells = self.retargeted(cells, model, sources, ratios, notes, scale)
        # the logged model's own line and the same offer chosen with -m price the same calls:
        # price them once
        priced_rows = (
            offer.key,
            tuple(i for i, ratio in enumerate(ratios) if ratio is not None),
            given,
        )
        cost = self._priced.get(priced_rows)
        if cost is None:
            cost = price_cells(
                cells,
                offer,
                model,
                provider,
                ratios,
                self.fx,
                self.currency,
                self.request.long_inputs,
            )
            self._priced[priced_rows] = cost
        if only is None and self.unresolved:
            notes.add(self.unresolved)
        if self.summary.counted_locally:
            notes.add(
                f"{calls_of(self.summary.counted_locally)} without recorded usage counted locally "
                "from their request text"
            )
        for fee in provider.fees:
            notes.add(f"{fee.percent}% {fee.kind.replace('_', ' ')} fee included")
        cost = replace(cost, notes=tuple(sorted(notes)) + cost.notes)
        monthly = cost.period_cost * DAYS_PER_MONTH / days if days else None
        return ReplayLine(role, cost, monthly)
