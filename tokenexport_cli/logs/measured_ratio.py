"""The tokenizer-family ratio measured on a log's own request text: each sampled call counted
with the source model's family and with the target's (exact families exactly, Claude through
the reconstruction, approximate families by their factor), the ratio of the sums as the point,
and a 95% percentile bootstrap interval over calls (``BOOTSTRAP`` resamples of the calls with
replacement, seeded), widened by the counting error of a non-exact family (the
reconstruction's bound, an approximate family's band).

Reconstruction runs at about 0.1 MB/s, so a reconstructed family counts the sample's calls in a
seeded random order until ``RECONSTRUCT_BYTES`` are spent (at least ``MIN_CALLS`` calls), each
text once per family, and no more than ``TOTAL_RECONSTRUCT_BYTES`` for the whole log (a few
seconds at most): beyond that, the pairs left keep the catalog's family ratio."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from tokenexport_cli.errors import UsageError
from tokenexport_cli.tokens.counting import FamilySpec, count_text
from tokenexport_cli.tokens.family_ratio import FamilyRatio
from tokenexport_cli.tokens.results import ApproximateFamily, ReconstructedFamily
from tokenexport_cli.wording import calls

if TYPE_CHECKING:
    from tokenexport_cli.catalog import CatalogIndex
    from tokenexport_cli.logs.text_sample import TextSample
    from tokenexport_cli.schema import Model

MIN_CALLS = 10
BOOTSTRAP = 1000
RECONSTRUCT_BYTES = 64 << 10
TOTAL_RECONSTRUCT_BYTES = 256 << 10


class _Spent(Exception):
    """The log's reconstruction budget is spent."""


class TextCounts:
    """Token counts of sampled texts, each text counted once per family, reconstruction within
    ``TOTAL_RECONSTRUCT_BYTES``."""

    def __init__(self) -> None:
        self._memo: dict[tuple[str, str], int] = {}
        self.reconstructed = 0  # bytes

    def counts(self, text: str, specs: Sequence[FamilySpec]) -> list[int]:
        from tokenexport_cli.tokens.counting import family_name

        missing = [spec for spec in specs if (text, family_name(spec)) not in self._memo]
        if missing:
            if any(isinstance(spec, ReconstructedFamily) for spec in missing):
                size = len(text.encode("utf-8", "surrogatepass"))
                if self.reconstructed + size > TOTAL_RECONSTRUCT_BYTES:
                    raise _Spent
                self.reconstructed += size
            for spec, counted in zip(missing, count_text(text, missing), strict=True):
                self._memo[(text, family_name(spec))] = counted.tokens
        return [self._memo[(text, family_name(spec))] for spec in specs]


@dataclass(frozen=True)
class MeasuredRatio:
    """Target tokens per source token on ``calls`` calls of the log, and its 95% interval."""

    factor: Fraction
    low: Fraction
    high: Fraction
    calls: int

    @property
    def ratio(self) -> FamilyRatio:
        """As a family ratio: the factor, and the band (percent) the interval spans."""
        spread = max(self.high / self.factor - 1, 1 - self.low / self.factor)
        band = (Decimal(spread.numerator) / Decimal(spread.denominator) * 100).quantize(
            Decimal("0.1"), rounding="ROUND_CEILING"
        )
        return FamilyRatio(self.factor, band)

    def note(self, source: str, target: str) -> str:
        return (
            f"counts converted from {source} to {target} tokens by the ratio measured on "
            f"{calls(self.calls)} of this log: {float(self.factor):.3f} "
            f"[{float(self.low):.3f}, {float(self.high):.3f}]"
        )


def _counting_error(spec: FamilySpec) -> Fraction:
    if isinstance(spec, ReconstructedFamily):
        return Fraction(spec.bound)
    if isinstance(spec, ApproximateFamily):
        return Fraction(spec.band)
    return Fraction(0)


def _budgeted(texts: Sequence[str], specs: Sequence[FamilySpec], seed: int) -> list[str]:
    """All texts, or a seeded random subset within ``RECONSTRUCT_BYTES`` when a family is
    reconstructed."""
    if not any(isinstance(spec, ReconstructedFamily) for spec in specs):
        return list(texts)
    order = list(texts)
    random.Random(seed).shuffle(order)
    chosen: list[str] = []
    spent = 0
    for text in order:
        if spent >= RECONSTRUCT_BYTES and len(chosen) >= MIN_CALLS:
            break
        chosen.append(text)
        spent += len(text.encode("utf-8", "surrogatepass"))
    return chosen


def measure(
    texts: Sequence[str],
    source: FamilySpec,
    target: FamilySpec,
    seed: int = 0,
    counter: TextCounts | None = None,
) -> MeasuredRatio | None:
    """The ratio measured on ``texts`` (one per call); None with fewer than ``MIN_CALLS`` calls
    that have text, or when ``counter``'s reconstruction budget runs out."""
    counter = counter or TextCounts()
    pairs: list[tuple[int, int]] = []
    try:
        for text in _budgeted(texts, (source, target), seed):
            source_count, target_count = counter.counts(text, [source, target])
            if source_count > 0:
                pairs.append((target_count, source_count))
    except _Spent:
        return None
    if len(pairs) < MIN_CALLS:
        return None
    factor = Fraction(sum(t for t, _ in pairs), sum(s for _, s in pairs))
    rng = random.Random(seed)
    estimates = []
    for _ in range(BOOTSTRAP):
        drawn = rng.choices(pairs, k=len(pairs))
        estimates.append(Fraction(sum(t for t, _ in drawn), sum(s for _, s in drawn)))
    estimates.sort()
    low = min(estimates[int(0.025 * BOOTSTRAP)], factor)
    high = max(estimates[int(0.975 * BOOTSTRAP) - 1], factor)
    error = _counting_error(source) + _counting_error(target)
    return MeasuredRatio(factor, low * (1 - error), high * (1 + error), len(pairs))


def measure_log(
    sample: TextSample | None,
    sources: Sequence[Model | None],
    targets: Iterable[str],
    index: CatalogIndex,
    counter: TextCounts | None = None,
) -> dict[tuple[int, str], MeasuredRatio]:
    """(source position, target family) -> the ratio measured on that source's sampled calls,
    for every pair of different families with enough calls (``counter``: counts already made,
    and the log's reconstruction budget, when measuring one target family at a time)."""
    from tokenexport_cli.tokens.families import family_spec

    found: dict[tuple[int, str], MeasuredRatio] = {}
    if sample is None:
        return found
    counter = counter or TextCounts()
    families = sorted(set(targets))
    for position, model in enumerate(sources):
        texts = sample.of(position)
        if model is None or len(texts) < MIN_CALLS:
            continue
        for family in families:
            if family == model.tokenizer:
                continue
            try:
                source_spec = family_spec(index, model.tokenizer)
                target_spec = family_spec(index, family)
            except UsageError:  # a family tokx cannot count: the catalog ratio, as without text
                continue
            measured = measure(texts, source_spec, target_spec, position, counter)
            if measured is not None:
                found[(position, family)] = measured
    return found
