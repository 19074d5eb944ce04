"""How many tokens one tokenizer family counts for text another family counted, when only the
counts are known (a usage log without the text): the measured ratios against o200k_base.

Exact families: the "chat JSON content" column of reference/TOKENIZERS.md ("Token-count ratios
against o200k_base (same text, 20 MB per class)", as of 2026-08-16); the band is the widest
gap between that ratio and the same family's English, Chinese and code ratios. Approximate
families: their catalog entry (``factor`` against ``reference``, ``band_percent``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from tokenexport_cli.schema import TokenizerFamily

REFERENCE = "o200k_base"
# family: (chat JSON content, English, Chinese (real), code), reference/TOKENIZERS.md
MEASURED: dict[str, tuple[str, str, str, str]] = {
    "o200k_base": ("1.000", "1.000", "1.000", "1.000"),
    "cl100k_base": ("1.078", "0.997", "1.263", "0.996"),
    "llama3": ("0.996", "0.997", "0.999", "0.995"),
    "qwen": ("0.987", "1.035", "0.929", "1.022"),
    "deepseek-v3": ("1.002", "1.054", "0.877", "1.056"),
    "mistral-tekken": ("1.098", "1.084", "1.163", "1.073"),
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


def against_reference(
    family: str, catalog: dict[str, TokenizerFamily]
) -> tuple[Fraction, Decimal] | None:
    """(ratio to o200k_base, band percent) of a family, or None when nothing is measured."""
    found = _measured(family)
    if found is not None:
        return found
    entry = catalog.get(family)
    if entry is None or entry.factor is None:
        return None
    base = _measured(entry.reference or REFERENCE) or (Fraction(1), Decimal(0))
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
