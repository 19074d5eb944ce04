"""Recorded usage as a workload: the calls of request logs, exports or agent session logs
given to ``estimate``, ``recommend``, ``check`` and ``report`` (``inputs: - logs: PATH`` or the
quick form's ``--input``), scaled to the workload's volume.

The pricing engine prices sample requests with one shared cached prefix; recorded calls become
those samples (each call's whole prompt and output, converted to the model's tokenizer family
by the measured ratio) and the recorded cache reads and writes become the prefix and hit rate
that reproduce their totals. As replay does, a target on another model counts the calls' images
by its own provider's image rule (where the log carries the images) and scales their reasoning
tokens by the workload's ``reasoning_ratio`` for it (1:1 otherwise, noted as an assumption).
Per-call cache structure, time bands by timestamp and long-context tiers per call are priced
exactly by ``tokx replay``."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tokenexport_cli.catalog.index import CatalogIndex
from tokenexport_cli.logs.detect import LogGroup, LogRead, read_log_groups
from tokenexport_cli.logs.record import NO_TIME, UsageTable
from tokenexport_cli.logs.resolve import resolve_model
from tokenexport_cli.pricing.engine import Shape, Usage
from tokenexport_cli.schema import Model
from tokenexport_cli.textfiles import InputWarning
from tokenexport_cli.tokens.family_ratio import family_ratio
from tokenexport_cli.wording import calls as calls_of

if TYPE_CHECKING:
    from tokenexport_cli.logs.measured_ratio import TextCounts

#: Sample calls kept for pricing: the engine sorts the samples once per offer.
MAX_SAMPLES = 20_000
HOURS_PER_WEEK = 168
DAYS_PER_MONTH = Decimal("30.44")


def _rounded(value: Fraction) -> int:
    return int(Decimal(value.numerator) / Decimal(value.denominator) + Decimal("0.5"))


class RecordedUsageSource:
    """A usage source made of recorded calls (see the module docstring)."""

    def __init__(
        self,
        index: CatalogIndex,
        paths: Sequence[Path],
        requests_per_month: Decimal | None,
        growth_percent: Decimal = Decimal(0),
        groups: Sequence[LogGroup] = (),
        reasoning_ratios: Mapping[str, Decimal] | None = None,
    ) -> None:
        """``paths`` are read by their detected formats; ``groups`` add paths each with its
        own column mapping (a workload's ``logs`` inputs with ``columns``);
        ``reasoning_ratios`` maps catalog model ids to their reasoning tokens per reasoning
        token logged (bounded by the caller)."""
        self.index = index
        self.reasoning_ratios = dict(reasoning_ratios or {})
        from tokenexport_cli.logs.local_count import LocalCounter

        self.read: LogRead = read_log_groups(
            [(list(paths), None), *groups] if paths else groups, counter=LocalCounter(index)
        )
        self.growth_percent = growth_percent
        table = self.read.table
        self.models = [resolve_model(index, model) for model, _ in table.sources]
        self.requests_per_month = requests_per_month or self.recorded_rate()
        self._usages: dict[tuple[str, str, Decimal | None], Usage] = {}
        self._counter: TextCounts | None = None  # sampled texts' counts, shared by every family

    def recorded_rate(self) -> Decimal:
        """Calls a month at the rate the logs recorded (first to last timestamp)."""
        period = self.read.table.period()
        if period is None or period[1] <= period[0]:
            raise _volume_needed()
        days = Decimal((period[1] - period[0]).total_seconds()) / Decimal(86400)
        return Decimal(len(self.read.table)) * DAYS_PER_MONTH / days

    def warnings(self) -> tuple[InputWarning, ...]:
        unresolved = [
            (model, requests)
            for (model, _), found, requests in zip(
                self.read.table.sources, self.models, self._requests_per_source(), strict=True
            )
            if found is None
        ]
        extra = tuple(
            InputWarning(
                model,
                "skipped_lines",
                f"{model}: {calls_of(calls)} of a model not in the catalog left out",
                calls,
            )
            for model, calls in unresolved
        )
        return self.read.warnings + extra

    def _requests_per_source(self) -> list[int]:
        counts = [0] * len(self.read.table.sources)
        for source in self.read.table.source:
            counts[source] += 1
        return counts

    def digest(self) -> str:
        hasher = hashlib.sha256(b"tokx-logs-v1\x00")
        hasher.update(f"{self.requests_per_month}|{self.growth_percent}|".encode())
        table = self.read.table
        for name, column in table.columns.items():
            hasher.update(f"{name}:{sum(column)}:{len(column)};".encode())
        hasher.update(repr(table.sources).encode())
        return "sha256:" + hasher.hexdigest()[:16]

    def usage_for(self, model: Model) -> Usage:
        # one usage per tokenizer family, unless images or a reasoning ratio make it per model
        table = self.read.table
        key = (
            model.tokenizer,
            model.id if table.images or table.tools else "",
            self.reasoning_ratios.get(model.id),
        )
        if key not in self._usages:
            self._usages[key] = self._usage(model)
        return self._usages[key]

    def _usage(self, model: Model) -> Usage:
        from tokenexport_cli.logs.measured_ratio import TextCounts, measure_log

        table = self.read.table
        ratios = [
            None
            if found is None
            else family_ratio(found.tokenizer, model.tokenizer, self.index.tokenizers)
            for found in self.models
        ]
        extra: set[str] = set()
        # where the logs carry request text: the ratio measured on it (as ``tokx replay``)
        if self._counter is None:
            self._counter = TextCounts()
        measured = measure_log(
            self.read.sample, self.models, [model.tokenizer], self.index, self._counter
        )
        for (position, _), found in measured.items():
            source = self.models[position]
            assert source is not None  # measured only for catalog models
            ratios[position] = found.ratio
            extra.add(found.note(source.tokenizer, model.tokenizer))
        table = self._retargeted(model, ratios, extra)
        rows = [row for row, source in enumerate(table.source) if ratios[source] is not None]
        if not rows:
            from tokenexport_cli.errors import DataError

            raise DataError("the logs hold no call of a model in the catalog")
        step = max(1, -(-len(rows) // MAX_SAMPLES))
        output, reasoning = table.columns["output"], table.columns["reasoning"]
        read, five, hour = (
            table.columns[name] for name in ("cache_read", "cache_write_5m", "cache_write_1h")
        )
        shapes: list[Shape] = []
        cached = Fraction(0)
        written = Fraction(0)
        batch = 0
        weights = [0] * HOURS_PER_WEEK
        for row in rows[::step]:
            factor = ratios[table.source[row]].factor  # type: ignore[union-attr]
            shapes.append(
                Shape(
                    _rounded(table.prompt[row] * factor),
                    _rounded((output[row] + reasoning[row]) * factor),
                )
            )
            cached += read[row] * factor
            written += (five[row] + hour[row]) * factor
            batch += table.batch[row]
            stamp = table.timestamp[row]
            if stamp != NO_TIME:
                moment = dt.datetime.fromtimestamp(stamp, dt.UTC)
                weights[moment.weekday() * 24 + moment.hour] += 1
        samples = len(shapes)
        cache_total = cached + written
        band = max((r.band_percent or Decimal(0) for r in ratios if r is not None), default=None)
        note = "; ".join(
            [
                f"recorded usage of {calls_of(len(rows), grouped=True)}"
                + (f" (every {step}th of them as a sample)" if step > 1 else ""),
                *sorted(extra),
            ]
        )
        return Usage(
            shapes=tuple(shapes),
            requests_per_month=self.requests_per_month,
            prefix_tokens=_rounded(cache_total / samples),
            cache_hit_rate=(
                Decimal(cached.numerator) / Decimal(cached.denominator) / _dec(cache_total)
                if cache_total
                else Decimal(0)
            ).quantize(Decimal("0.000001"), ROUND_HALF_EVEN),
            batch_fraction=Decimal(batch) / Decimal(samples),
            traffic_weights=tuple(Decimal(w) for w in weights)
            if any(weights)
            else tuple(Decimal(1) for _ in weights),
            traffic_timezone="UTC",
            family=model.tokenizer,
            band_percent=band or None,
            output_band_percent=band or None,  # outputs scaled like prompts
            note=note,
        )

    def _retargeted(self, model: Model, ratios: list[Any], notes: set[str]) -> UsageTable:
        """The calls as ``model`` bills them: reasoning of calls logged on other models times
        the ratio given for it, images by its provider's rule (``logs.retarget``), tool-use
        overhead swapped for its own (``logs.tool_overhead``)."""
        from tokenexport_cli.logs.retarget import (
            REASONING_NOTE,
            given_reasoning_note,
            target_images,
        )

        table = self.read.table
        others = {
            i
            for i, found in enumerate(self.models)
            if found is not None and found.id != model.id and ratios[i] is not None
        }
        logged = table.columns["reasoning"]
        if any(logged[row] for row, source in enumerate(table.source) if source in others):
            given = self.reasoning_ratios.get(model.id)
            if given is None:
                notes.add(REASONING_NOTE)
            else:
                notes.add(given_reasoning_note(given, model.id))
                if given != 1:
                    table = table.with_reasoning(Fraction(given), others)
        if table.images:
            table = target_images(table, model, self.models, ratios, notes)
        if table.tools:
            from tokenexport_cli.logs.tool_overhead import target_tools

            table = target_tools(table, model, self.models, ratios, notes)
        return table


def _dec(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def _volume_needed() -> Exception:
    from tokenexport_cli.errors import UsageError

    return UsageError(
        "the logs carry no time span to take a volume from: give --requests-per-day or "
        "--requests-per-month (or requests_per_month in the workload)"
    )
