"""The one definition of a pricing cell, and the Python path that fills cells from a usage table.

Cost is linear in the token counts within a cell, so a cell's request count and count sums price
it exactly. A cell is (source model and provider, prompt bucket, answer bucket, 15-minute slot of
the UTC week, batch or not). The prompt buckets split at every boundary where some chosen
offer's price changes, converted to the source's own tokens: each long-context tier threshold
(``floor(above / factor)``), each minimum cacheable prompt (``ceil(min / factor) - 1``) and each
``priced_input_below`` (the same at the top of the ratio's band, ``FamilyRatio.upper``: a count
that may reach the length within the band counts as reaching it, as ``estimate`` flags it), for
every tokenizer-family ratio in play; the answer (output and reasoning) buckets split at each
``priced_output_below`` (the same). Calls whose whole
length (prompt and answer) exceeds the smallest context window in play are priced by a nonlinear
rule (``--long-inputs``), so they keep their exact counts in the cell key: such a cell holds
identical calls only, and is priced call by call. The SQL of ``warehouse.sql`` computes the same
key from the same ``CellPlan``."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from tokenexport_cli.logs.record import COUNT_FIELDS, NO_TIME, UsageTable
from tokenexport_cli.schema import Model, Offer
from tokenexport_cli.tokens.family_ratio import FamilyRatio

SLOT_SECONDS = 15 * 60
SLOTS_PER_WEEK = 7 * 24 * 4
#: 1970-01-01 (Unix time 0) was a Thursday: slot 0 is Monday 00:00 UTC
EPOCH_SLOT = 3 * 24 * 4
NO_SLOT = -1


def week_slot(stamp: int) -> int:
    """The 15-minute slot of the UTC week (Monday 00:00 = 0) of Unix time ``stamp``."""
    return NO_SLOT if stamp == NO_TIME else (stamp // SLOT_SECONDS + EPOCH_SLOT) % SLOTS_PER_WEEK


@dataclass(frozen=True)
class Limits:
    """Where one offer's price changes with the prompt, in the offer's own tokens."""

    tiers: tuple[int, ...]  # a prompt of more than tiers[i] bills at tier i + 1
    window: int | None
    cache_min: int | None  # a prompt shorter than this is not cached
    unpriced_from: int | None = None  # a prompt this long has no published price
    unpriced_answer_from: int | None = None  # nor an answer (output and reasoning) this long

    @classmethod
    def of(cls, offer: Offer, model: Model) -> Limits:
        limits = {side: limit.tokens for side, limit in offer.priced_below}
        return cls(
            tuple(tier.above for tier in offer.tiers_in_force),
            offer.context_window or model.context_window,
            offer.cache_min_tokens,
            limits.get("input"),
            limits.get("output"),
        )

    def in_source(self, ratio: FamilyRatio) -> SourceLimits:
        """The same limits in tokens of a source whose count times ``ratio.factor`` is the
        offer's: for a whole count n, n * factor > limit exactly when n > floor(limit / factor),
        and n * factor >= minimum exactly when n > ceil(minimum / factor) - 1. Unpublished
        prices start where the count may reach them within the band (``ratio.upper``)."""
        factor, upper = ratio.factor, ratio.upper
        return SourceLimits(
            tuple(math.floor(Fraction(above) / factor) for above in self.tiers),
            None if self.window is None else math.floor(Fraction(self.window) / factor),
            None if self.cache_min is None else math.ceil(Fraction(self.cache_min) / factor) - 1,
            _below(self.unpriced_from, upper),
            _below(self.unpriced_answer_from, upper),
        )


def _below(limit: int | None, factor: Fraction) -> int | None:
    """The longest source count n with n * factor < ``limit``."""
    return None if limit is None else math.ceil(Fraction(limit) / factor) - 1


@dataclass(frozen=True)
class SourceLimits:
    tiers: tuple[int, ...]
    window: int | None
    uncached_up_to: int | None  # a prompt of at most this many tokens is not cached
    priced_up_to: int | None = None  # a longer prompt has no published price
    answer_priced_up_to: int | None = None  # a longer answer has no published price

    def tier(self, prompt: int) -> int:
        return sum(1 for above in self.tiers if prompt > above)

    def cacheable(self, prompt: int) -> bool:
        return self.uncached_up_to is None or prompt > self.uncached_up_to

    def unpriced(self, prompt: int) -> bool:
        return self.priced_up_to is not None and prompt > self.priced_up_to

    def unpriced_answer(self, answer: int) -> bool:
        return self.answer_priced_up_to is not None and answer > self.answer_priced_up_to


@dataclass(frozen=True)
class CellPlan:
    """Prompt boundaries (a bucket holds prompts in ``(bounds[i-1], bounds[i]]``), the length
    above which a call keeps its exact counts, and answer boundaries (the same for output and
    reasoning together)."""

    bounds: tuple[int, ...]
    exact_above: int | None
    answer_bounds: tuple[int, ...] = ()

    def bucket(self, prompt: int) -> int:
        return bisect_left(self.bounds, prompt)


def plan_for(limits: Iterable[tuple[Limits, Iterable[FamilyRatio]]]) -> CellPlan:
    """The cells every given offer (its limits, and the ratios of the sources it prices) can
    be priced from exactly."""
    bounds: set[int] = set()
    answers: set[int] = set()
    windows: set[int] = set()
    for offer_limits, ratios in limits:
        for ratio in set(ratios):
            source = offer_limits.in_source(ratio)
            bounds.update(bound for bound in source.tiers if bound >= 0)
            for bound in (source.uncached_up_to, source.priced_up_to):
                if bound is not None and bound >= 0:
                    bounds.add(bound)
            if source.answer_priced_up_to is not None and source.answer_priced_up_to >= 0:
                answers.add(source.answer_priced_up_to)
            if source.window is not None:
                windows.add(source.window)
    return CellPlan(
        tuple(sorted(bounds)), min(windows) if windows else None, tuple(sorted(answers))
    )


@dataclass(frozen=True)
class Cell:
    """Calls of one source in one cell: how many, their count sums (``COUNT_FIELDS`` order),
    the range of their prompts, answers (output and reasoning) and lengths, and their time span
    and recorded spend."""

    source: int  # index into ``Cells.sources``
    slot: int  # NO_SLOT: no timestamp
    batch: bool
    exact: bool  # every call of the cell has the same counts
    requests: int
    counts: tuple[int, ...]
    prompt_min: int
    prompt_max: int
    whole_max: int
    first: int  # Unix seconds, NO_TIME when no call has a timestamp
    last: int
    cost: Decimal
    costed: int  # calls with a recorded cost
    answer_min: int = 0
    answer_max: int | None = None  # None: not known (an aggregate without it), at most whole_max

    def answer_range(self) -> tuple[int, int]:
        """The shortest and longest answer of the cell (bounded by its lengths if not known)."""
        if self.answer_max is None:
            return 0, self.whole_max - self.prompt_min
        return self.answer_min, self.answer_max

    def per_call(self) -> tuple[int, ...]:
        return tuple(total // self.requests for total in self.counts)


@dataclass(frozen=True)
class Cells:
    sources: tuple[tuple[str, str | None], ...]
    cells: tuple[Cell, ...]


class _Sum:
    """A cell being filled, row by row."""

    __slots__ = (
        "answer_max",
        "answer_min",
        "costed",
        "counts",
        "first",
        "last",
        "prompt_max",
        "prompt_min",
        "requests",
        "spend",
        "whole_max",
    )

    def __init__(self, counts: tuple[int, ...], prompt: int, whole: int, stamp: int) -> None:
        self.requests = 0
        self.counts = [0] * len(counts)
        self.prompt_min = self.prompt_max = prompt
        self.whole_max = whole
        self.answer_min = self.answer_max = whole - prompt
        self.first = self.last = stamp
        self.spend = Decimal(0)
        self.costed = 0

    def add(self, counts: tuple[int, ...], prompt: int, whole: int, stamp: int) -> None:
        self.requests += 1
        totals = self.counts
        for index, value in enumerate(counts):
            totals[index] += value
        self.prompt_min = min(self.prompt_min, prompt)
        self.prompt_max = max(self.prompt_max, prompt)
        self.whole_max = max(self.whole_max, whole)
        self.answer_min = min(self.answer_min, whole - prompt)
        self.answer_max = max(self.answer_max, whole - prompt)
        if stamp != NO_TIME:
            self.first = stamp if self.first == NO_TIME else min(self.first, stamp)
            self.last = max(self.last, stamp)


def table_cells(table: UsageTable, plan: CellPlan) -> Cells:
    """The Python path: every row of ``table`` summed into its cell."""
    columns = [table.columns[name] for name in COUNT_FIELDS]
    output, reasoning = table.columns["output"], table.columns["reasoning"]
    sums: dict[tuple[int, int, int, int, bool, tuple[int, ...] | None], _Sum] = {}
    bounds, exact_above, answer_bounds = plan.bounds, plan.exact_above, plan.answer_bounds
    recorded = table.cost
    for row, source in enumerate(table.source):
        prompt = table.prompt[row]
        whole = prompt + output[row] + reasoning[row]
        counts = tuple(column[row] for column in columns)
        stamp = table.timestamp[row]
        exact = exact_above is not None and whole > exact_above
        key = (
            source,
            bisect_left(bounds, prompt),
            bisect_left(answer_bounds, whole - prompt) if answer_bounds else 0,
            week_slot(stamp),
            table.batch[row] == 1,
            counts if exact else None,
        )
        cell = sums.get(key)
        if cell is None:
            cell = sums[key] = _Sum(counts, prompt, whole, stamp)
        cell.add(counts, prompt, whole, stamp)
        if row in recorded:
            cell.spend += recorded[row]
            cell.costed += 1
    cells = []
    for (source, _, _, slot, batch, exact_counts), cell in sums.items():
        cells.append(
            Cell(
                source=source,
                slot=slot,
                batch=batch,
                exact=exact_counts is not None,
                requests=cell.requests,
                counts=tuple(cell.counts),
                prompt_min=cell.prompt_min,
                prompt_max=cell.prompt_max,
                whole_max=cell.whole_max,
                first=cell.first,
                last=cell.last,
                cost=cell.spend,
                costed=cell.costed,
                answer_min=cell.answer_min,
                answer_max=cell.answer_max,
            )
        )
    return Cells(tuple(table.sources), tuple(cells))


def scaled_reasoning(cells: Cells, ratio: Fraction, sources: Collection[int]) -> Cells:
    """``cells`` with the reasoning of ``sources`` ``ratio`` times the logged one, for traffic
    whose calls are not at hand (a usage table in DuckDB, a saved aggregate): per call in a cell
    of identical calls, else on the cell's sum, rounded half to even either way."""
    from dataclasses import replace

    index = COUNT_FIELDS.index("reasoning")
    changed = []
    for cell in cells.cells:
        logged = cell.counts[index]
        if cell.source not in sources or not logged:
            changed.append(cell)
            continue
        if cell.exact:
            per_call = round(Fraction(logged, cell.requests) * ratio)
            reasoning = per_call * cell.requests
            whole_max = cell.whole_max - logged // cell.requests + per_call
            output = cell.counts[COUNT_FIELDS.index("output")] // cell.requests
            answer_min = answer_max = output + per_call
        else:
            reasoning = round(logged * ratio)
            whole_max = cell.whole_max
            # each answer moves by at most the ratio: a range that may now span a limit
            # counts as reaching it (``pricing.replay``)
            shortest, longest = cell.answer_range()
            answer_min = math.floor(shortest * min(ratio, Fraction(1)))
            answer_max = math.ceil(longest * max(ratio, Fraction(1)))
        counts = (*cell.counts[:index], reasoning, *cell.counts[index + 1 :])
        changed.append(
            replace(
                cell,
                counts=counts,
                whole_max=whole_max,
                answer_min=answer_min,
                answer_max=answer_max,
            )
        )
    return Cells(cells.sources, tuple(changed))
