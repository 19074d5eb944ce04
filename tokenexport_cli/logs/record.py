"""The usage model: one frozen record per billed API call, and the columnar table that holds a
log's records in bounded memory (one machine integer per count, not one object per request)."""

from __future__ import annotations

import datetime as dt
import math
from array import array
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TypedDict

#: The token counts of a record, in the order of the table's columns. Each is billed once:
#: none includes another (Anthropic's ``input_tokens`` already excludes the cache; OpenAI's
#: ``prompt_tokens`` and OTel's ``gen_ai.usage.input_tokens`` include it and are split by the
#: readers).
COUNT_FIELDS: tuple[str, ...] = (
    "input",
    "cache_read",
    "cache_write_5m",
    "cache_write_1h",
    "output",
    "reasoning",
    "image_input",
    "audio_input",
)
PROMPT_FIELDS: tuple[str, ...] = (
    "input",
    "cache_read",
    "cache_write_5m",
    "cache_write_1h",
    "image_input",
    "audio_input",
)
#: where a prompt's opening part (tool definitions) sits, first to last
PREFIX_ORDER: tuple[str, ...] = ("cache_read", "cache_write_1h", "cache_write_5m", "input")
NO_TIME = -(2**62)
#: One image of a prompt: width and height in pixels (0, 0 when the log does not carry it) and
#: OpenAI's ``detail`` where given: what another provider's image rule needs.
ImageSize = tuple[int, int, str | None]
#: A call's tool definitions as the providers frame them (``logs.tool_overhead``): the request's
#: vendor, its ``tool_choice``, the number of functions, and OpenAI's framing tokens besides the
#: per-function ones.
ToolShape = tuple[str, str | None, int, int]


class Counts(TypedDict, total=False):
    """A reader's split of one call's usage into the record's counts."""

    input: int
    cache_read: int
    cache_write_5m: int
    cache_write_1h: int
    output: int
    reasoning: int
    image_input: int
    audio_input: int


@dataclass(frozen=True, slots=True)
class UsageRecord:
    """One API call as billed, in the source model's own tokenizer.

    ``input`` is text input not read from or written to the cache; ``image_input`` and
    ``audio_input`` are the uncached image and audio parts of the prompt where the log splits
    them out; ``output`` is visible output, ``reasoning`` the thinking tokens billed as output.
    ``cost`` is what the log says the call cost (in USD), where it says so.
    """

    model: str
    provider: str | None = None
    timestamp: dt.datetime | None = None
    input: int = 0
    cache_read: int = 0
    cache_write_5m: int = 0
    cache_write_1h: int = 0
    output: int = 0
    reasoning: int = 0
    image_input: int = 0
    audio_input: int = 0
    batch: bool = False
    cost: Decimal | None = None
    request_id: str | None = None  # counts a call once when several lines repeat it
    images: tuple[ImageSize, ...] = ()  # where the log carries the request's images
    tools: ToolShape | None = None  # where the log carries the request's tool definitions
    #: a Batch API request's ``custom_id``: pairs a request without usage (an input file) with
    #: its recorded result (an output file), so that the call counts once, as recorded
    batch_key: str | None = None
    local: bool = False  # counted from the request's text, not recorded by the provider

    @property
    def prompt(self) -> int:
        """The request's whole prompt: what a long-context tier is chosen by."""
        return sum(getattr(self, name) for name in PROMPT_FIELDS)

    def counts(self) -> tuple[int, ...]:
        return tuple(getattr(self, name) for name in COUNT_FIELDS)


@dataclass
class SourceTotals:
    """Per source model (and provider): requests, token totals, recorded spend."""

    model: str
    provider: str | None
    requests: int = 0
    counts: list[int] = field(default_factory=lambda: [0] * len(COUNT_FIELDS))
    recorded_cost: Decimal = Decimal(0)
    costed_requests: int = 0


class UsageTable:
    """Records in columns (``array('q')``), deduplicated by request id: a call logged on
    several lines (Claude Code writes one line per content block, and subagent files repeat
    calls) is counted once, with the values of its last line."""

    def __init__(self) -> None:
        self.columns: dict[str, array[int]] = {name: array("q") for name in COUNT_FIELDS}
        self.prompt: array[int] = array("q")
        self.timestamp: array[int] = array("q")  # seconds since the epoch, UTC; NO_TIME if unknown
        self.source: array[int] = array("i")  # index into ``sources``
        self.batch: array[int] = array("b")
        self.cost: dict[int, Decimal] = {}  # row -> recorded cost, only rows that have one
        self.images: dict[int, tuple[ImageSize, ...]] = {}  # row -> its images, where known
        self.tools: dict[int, ToolShape] = {}  # row -> its tool definitions, where known
        self.sources: list[tuple[str, str | None]] = []
        self._source_index: dict[tuple[str, str | None], int] = {}
        self._rows_by_id: dict[str, int] = {}
        self._batch = _BatchPairs()
        self._column_list = [self.columns[name] for name in COUNT_FIELDS]

    def __len__(self) -> int:
        return len(self.prompt)

    @property
    def batch_paired(self) -> int:
        """Batch requests without usage that were paired with their recorded results."""
        return self._batch.paired

    def add(self, record: UsageRecord) -> None:
        if record.batch_key is not None and self._batch.absorbs(record, self._rows_by_id):
            return
        self.add_row(
            record.model,
            record.provider,
            NO_TIME if record.timestamp is None else int(record.timestamp.timestamp()),
            record.counts(),
            record.batch,
            record.cost,
            record.request_id,
            record.images,
        )
        if record.tools is not None or self.tools:  # off the session-log reader's hot path
            row = self._rows_by_id.get(record.request_id) if record.request_id else None
            row = len(self.prompt) - 1 if row is None else row
            if record.tools is None:
                self.tools.pop(row, None)
            else:
                self.tools[row] = record.tools
        if record.batch_key is not None and record.request_id is not None:
            self._batch.added(record, self._rows_by_id[record.request_id])

    def add_row(
        self,
        model: str,
        provider: str | None,
        stamp: int,
        counts: tuple[int, ...],
        batch: bool,
        cost: Decimal | None,
        request_id: str | None,
        images: tuple[ImageSize, ...] = (),
    ) -> None:
        """``add`` without building a record first: the hot path of the session-log reader.
        ``counts`` are in ``COUNT_FIELDS`` order."""
        key = (model, provider)
        source = self._source_index.get(key)
        if source is None:
            from tokenexport_cli.safetext import one_line

            # ids from a user's log reach the terminal: no escape sequences (once per model)
            source = self._source_index[key] = len(self.sources)
            self.sources.append((one_line(model), None if provider is None else one_line(provider)))
        prompt = counts[0] + counts[1] + counts[2] + counts[3] + counts[6] + counts[7]
        row = self._rows_by_id.get(request_id) if request_id else None
        if row is None:
            if request_id:
                self._rows_by_id[request_id] = len(self.prompt)
            for column, value in zip(self._column_list, counts, strict=True):
                column.append(value)
            self.prompt.append(prompt)
            self.timestamp.append(stamp)
            self.source.append(source)
            self.batch.append(1 if batch else 0)
            row = len(self.prompt) - 1
        else:
            for column, value in zip(self._column_list, counts, strict=True):
                column[row] = value
            self.prompt[row] = prompt
            self.timestamp[row] = stamp
            self.source[row] = source
            self.batch[row] = 1 if batch else 0
            self.cost.pop(row, None)
            self.images.pop(row, None)
        if cost is not None:
            self.cost[row] = cost
        if images:
            self.images[row] = images

    def with_reasoning(self, ratio: Fraction, sources: Collection[int]) -> UsageTable:
        """A copy whose reasoning tokens of rows from ``sources`` are ``ratio`` times the logged
        ones (rounded half to even per call): what a model that reasons more or less than the
        logged one would bill. The other columns are shared, not copied."""
        copy = UsageTable.__new__(UsageTable)
        copy.__dict__.update(self.__dict__)
        logged = self.columns["reasoning"]
        scaled = array("q", logged)
        for row, source in enumerate(self.source):
            if source in sources and logged[row]:
                scaled[row] = half_even(logged[row] * ratio)
        copy.columns = {**self.columns, "reasoning": scaled}
        copy._column_list = [copy.columns[name] for name in COUNT_FIELDS]
        return copy

    def with_images(
        self,
        tokens_of: Callable[[tuple[ImageSize, ...]], int],
        factors: Mapping[int, Fraction],
        sources: Collection[int],
    ) -> UsageTable:
        """A copy whose image tokens of rows from ``sources`` with known images are
        ``tokens_of(images)`` (another provider's rule, in the target's tokens) divided by the
        source's family factor (the pricing multiplies it back), rounded half to even."""
        copy = UsageTable.__new__(UsageTable)
        copy.__dict__.update(self.__dict__)
        logged = self.columns["image_input"]
        counted = array("q", logged)
        prompt = array("q", self.prompt)
        for row, images in self.images.items():
            source = self.source[row]
            if source in sources:
                counted[row] = half_even(Fraction(tokens_of(images)) / factors[source])
                prompt[row] += counted[row] - logged[row]
        copy.columns = {**self.columns, "image_input": counted}
        copy._column_list = [copy.columns[name] for name in COUNT_FIELDS]
        copy.prompt = prompt
        return copy

    def with_swapped_overhead(self, swaps: Mapping[int, tuple[int, int]]) -> UsageTable:
        """A copy where each row of ``swaps`` loses ``remove`` prompt tokens and gains ``add``
        (a tool-use overhead swapped for another model's), both in the row's own tokens, in
        the first of cache read, 1-hour write, 5-minute write and input that holds the part
        removed: tool definitions open the prompt, so a cached prefix holds them."""
        copy = UsageTable.__new__(UsageTable)
        copy.__dict__.update(self.__dict__)
        changed = {name: array("q", self.columns[name]) for name in PREFIX_ORDER}
        prompt = array("q", self.prompt)
        for row, (remove, add) in swaps.items():
            name = next(
                (n for n in PREFIX_ORDER if changed[n][row] and changed[n][row] >= remove),
                "input",
            )
            column = changed[name]
            removed = min(remove, column[row])
            column[row] += add - removed
            prompt[row] += add - removed
        copy.columns = {**self.columns, **changed}
        copy._column_list = [copy.columns[name] for name in COUNT_FIELDS]
        copy.prompt = prompt
        return copy

    def rows(self) -> Iterator[int]:
        return iter(range(len(self.prompt)))

    def period(self) -> tuple[dt.datetime, dt.datetime] | None:
        """First and last timestamp, or None when no record has one."""
        known = [stamp for stamp in self.timestamp if stamp != NO_TIME]
        if not known:
            return None
        return (
            dt.datetime.fromtimestamp(min(known), dt.UTC),
            dt.datetime.fromtimestamp(max(known), dt.UTC),
        )

    def totals(self) -> list[SourceTotals]:
        """Per source model, in order of first appearance."""
        result = [SourceTotals(model, provider) for model, provider in self.sources]
        columns = [self.columns[name] for name in COUNT_FIELDS]
        for row, source in enumerate(self.source):
            totals = result[source]
            totals.requests += 1
            for index, column in enumerate(columns):
                totals.counts[index] += column[row]
        for row, cost in self.cost.items():
            totals = result[self.source[row]]
            totals.recorded_cost += cost
            totals.costed_requests += 1
        return result


def half_even(value: Fraction) -> int:
    floor = math.floor(value)
    rest = value - floor
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and floor % 2):
        return floor + 1
    return floor


class _BatchPairs:
    """Batch requests without usage (input files) and recorded batch results (output files),
    paired one to one by (provider, ``custom_id``): the pair is one call with the recorded
    usage, whichever file is read first. One to one, so that two batches reusing the same
    ``custom_id`` values still count every call of the larger side."""

    def __init__(self) -> None:
        self.local: dict[tuple[str | None, str], list[int]] = {}  # unpaired rows, per key
        self.recorded: dict[tuple[str | None, str], list[int]] = {}
        self.rows: set[int] = set()  # rows that hold a pair
        self.paired = 0

    def absorbs(self, record: UsageRecord, rows_by_id: dict[str, int]) -> bool:
        """True when ``record`` needs no row of its own: a repeat of a paired call, or a
        request whose recorded result is already in; a recorded result whose request is in
        takes over the request's row (``rows_by_id`` points its id there)."""
        if record.request_id is None:
            return False
        known = rows_by_id.get(record.request_id)
        if known is not None:
            return known in self.rows  # a paired call keeps its recorded usage
        key = (record.provider, record.batch_key or "")
        waiting = (self.recorded if record.local else self.local).get(key)
        if not waiting:
            return False
        row = waiting.pop()
        self.rows.add(row)
        self.paired += 1
        rows_by_id[record.request_id] = row
        return record.local  # a result goes on to overwrite the request's row

    def added(self, record: UsageRecord, row: int) -> None:
        if row in self.rows:
            return
        key = (record.provider, record.batch_key or "")
        side = self.local if record.local else self.recorded
        if row not in side.get(key, ()):
            side.setdefault(key, []).append(row)
