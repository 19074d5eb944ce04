"""How many tokens one tokenizer family counts for text another family counted, when only the
counts are known (a usage log without the text): the measured ratios against o200k_base.

Exact families: the "chat JSON content" column of reference/TOKENIZERS.md ("Token-count ratios
against o200k_base (same text, 20 MB per class)", as of 2026-08-16); the band is the widest
gap between that ratio and the same family's English, Chinese and code ratios. An exact family
that table lacks (GLM, GLM-5, MiniMax) has only its catalog entry's ``measured`` English,
Chinese and code ratios (the addendum's one corpus): the point is the middle of their range and
the band reaches both ends, as the catalog's Claude entry does (``_from_classes``). Approximate
families: their catalog entry (``factor`` against ``reference``, ``band_percent``). No family
with a tokenizer file converts 1:1 unmeasured."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from tokenexport_cli.schema import MeasuredRatios, TokenizerFamily

REFERENCE = "o200k_base"
# family: (chat JSON content, English, Chinese (real), code), reference/TOKENIZERS.md
MEASURED: dict[str, tuple[str, str, str, str]] = {
    "o200k_base": ("1.000", "1.000", "1.000", "1.000"),
    "cl100k_base": ("1.078", "0.997", "1.263", "0.996"),
    "llama3": ("0.996", "0.997", "0.999", "0.995"),
    "qwen": ("0.987", "1.035", "0.929", "1.022"),
    "deepseek-v3": ("1.002", "1.054", "0.877", "1.056"),
    "mistral-tekken": ("1.098", "1.084", "1.163", "1.073"),
    "llama4": ("0.957", "0.990", "0.874", "0.998"),
    "qwen3.6": ("0.964", "1.068", "0.872", "1.093"),
    "gemini": ("1.062", "1.117", "0.903", "1.188"),  # the table's gemma3 row: Gemini 2.x/3
}


@dataclass(frozen=True)
class FamilyRatio:
    """Target tokens per source token, and the band (percent) the figure is good within."""

    factor: Fraction
    band_percent: Decimal | None

    @property
    def exact(self) -> bool:
        return self.factor == 1 and not self.band_percent

    @property
    def upper(self) -> Fraction:
        """The most target tokens a source token may be within the band: where a converted
        count may reach a length (an unpublished price's) first."""
        if not self.band_percent:
            return self.factor
        return self.factor * (1 + Fraction(self.band_percent) / 100)


SAME = FamilyRatio(Fraction(1), None)


def _measured(family: str) -> tuple[Fraction, Decimal] | None:
    row = MEASURED.get(family)
    if row is None:
        return None
    chat, *classes = (Decimal(value) for value in row)
    spread = max(abs(value / chat - 1) for value in classes) * 100
    return Fraction(chat), spread.quantize(Decimal("0.1"))


def _from_classes(measured: MeasuredRatios) -> tuple[Fraction, Decimal] | None:
    """The middle of the measured English, Chinese and code ratios, and the band (percent,
    rounded up) that reaches the lowest and the highest; None with fewer than two classes."""
    values = [Fraction(v) for v in (measured.english, measured.chinese, measured.code) if v]
    if len(values) < 2:
        return None
    low, high = min(values), max(values)
    middle = (low + high) / 2
    tenths = math.ceil((high - middle) / middle * 1000)  # rounded up: the band reaches both ends
    return middle, Decimal(tenths) / 10


def _exact(family: str, catalog: dict[str, TokenizerFamily]) -> tuple[Fraction, Decimal] | None:
    """(ratio to o200k_base, band percent) of a family counted from its own file, if measured."""
    found = _measured(family)
    if found is not None:
        return found
    entry = catalog.get(family)
    if entry is not None and entry.factor is None and entry.measured is not None:
        return _from_classes(entry.measured)
    return None


def against_reference(
    family: str, catalog: dict[str, TokenizerFamily]
) -> tuple[Fraction, Decimal] | None:
    """(ratio to o200k_base, band percent) of a family, or None when nothing is measured: an
    approximate family's factor times its reference's ratio, the bands added."""
    found = _exact(family, catalog)
    if found is not None:
        return found
    entry = catalog.get(family)
    if entry is None or entry.factor is None:
        return None
    base = _exact(entry.reference or REFERENCE, catalog)
    if base is None:
        return None
    return Fraction(entry.factor) * base[0], (entry.band_percent or Decimal(0)) + base[1]


def family_ratio(source: str, target: str, catalog: dict[str, TokenizerFamily]) -> FamilyRatio:
    """Convert counts from ``source`` to ``target``; the bands of both add up."""
    if source == target:
        return SAME
    known_source = against_reference(source, catalog)
    known_target = against_reference(target, catalog)
    if known_source is None or known_target is None:
        return FamilyRatio(Fraction(1), None)  # the caller notes "ratio unknown"
    return FamilyRatio(known_target[0] / known_source[0], known_source[1] + known_target[1])


def ratio_known(family: str, catalog: dict[str, TokenizerFamily]) -> bool:
    return against_reference(family, catalog) is not None
