"""Typed results of counting: exact or approximate token counts, per-input results and warnings."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from tokenexport_cli.textfiles import InputWarning


@dataclass(frozen=True, slots=True)
class TokenCount:
    """Tokens of one input (or a total) for one family.

    ``exact`` is False for approximate and reconstructed families: ``tokens`` is then the
    point estimate and ``low``/``high`` the band; renderers must show the three kinds
    differently (``12,400``, ``≈12,400 ±1%`` when ``reconstructed``, ``~12,400 ±10%``). For
    exact counts low == tokens == high.
    """

    family: str
    tokens: int
    exact: bool
    low: int
    high: int
    reference: str | None = None
    band: Decimal | None = None
    reconstructed: bool = False

    @classmethod
    def exact_count(cls, family: str, tokens: int) -> TokenCount:
        return cls(family, tokens, True, tokens, tokens)


def _decimal(value: Decimal | float | int | str) -> Decimal:
    # str() first so that 1.1 means Decimal("1.1"), not its binary expansion.
    return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True, slots=True)
class ApproximateFamily:
    """A family without a shipped tokenizer: ``reference`` family tokens times ``factor``, ± ``band``.

    The factor, band and their source come from the catalog; ``band`` is a fraction
    (``Decimal("0.10")`` for ±10%).
    """

    name: str
    reference: str
    factor: Decimal
    band: Decimal
    source: str

    @classmethod
    def of(
        cls,
        name: str,
        reference: str,
        factor: Decimal | float | str,
        band: Decimal | float | str,
        source: str,
    ) -> ApproximateFamily:
        """Build one from catalog values, converting floats through their decimal text."""
        factor_value, band_value = _decimal(factor), _decimal(band)
        if factor_value <= 0:
            raise ValueError(
                f"approximate family {name!r}: factor must be positive, got {factor_value}"
            )
        if not Decimal(0) <= band_value < Decimal(1):
            raise ValueError(
                f"approximate family {name!r}: band must be in [0, 1), got {band_value}"
            )
        return cls(name, reference, factor_value, band_value, source)

    def estimate(self, reference_tokens: int) -> TokenCount:
        """The approximate count for an input the reference family counted at ``reference_tokens``."""
        point = Decimal(reference_tokens) * self.factor
        tokens = int(point.to_integral_value(ROUND_HALF_EVEN))
        low = int((point * (1 - self.band)).to_integral_value(ROUND_FLOOR))
        high = int((point * (1 + self.band)).to_integral_value(ROUND_CEILING))
        return TokenCount(self.name, tokens, False, low, high, self.reference, self.band)


@dataclass(frozen=True, slots=True)
class ReconstructedFamily(ApproximateFamily):
    """A family tokx counts with its own reconstruction of an unpublished vocabulary (Claude).

    ``tokx tokens`` counts it with the reconstruction (``tokens/reconstruct.py``), each count
    shown with ``bound``, the error measured against the reference implementation, plus the
    sampling interval when the input was sampled. Where only a reference count is at hand
    (workload estimates), the inherited measured factor and band apply.
    """

    bound: Decimal = Decimal("0.01")

    def reconstructed_count(self, tokens: int, band: Decimal) -> TokenCount:
        """A reconstructed count with its relative half-width ``band`` (at least one token)."""
        low = int((Decimal(tokens) * (1 - band)).to_integral_value(ROUND_FLOOR))
        high = int((Decimal(tokens) * (1 + band)).to_integral_value(ROUND_CEILING))
        low, high = min(low, max(tokens - 1, 0)), max(high, tokens + 1)
        return TokenCount(self.name, tokens, False, low, high, None, band, reconstructed=True)


@dataclass(frozen=True, slots=True)
class InputCount:
    """The counts of one input (file or stdin) for every requested family."""

    source: str
    size_bytes: int
    counts: tuple[TokenCount, ...]
    warnings: tuple[InputWarning, ...] = ()
    skipped: bool = False
    cached: bool = False

    def count_for(self, family: str) -> TokenCount:
        """This input's count for one family (KeyError if it was not requested)."""
        for count in self.counts:
            if count.family == family:
                return count
        raise KeyError(family)


@dataclass(frozen=True, slots=True)
class CountReport:
    """Counts of many inputs plus totals per family, and all warnings in input order."""

    inputs: tuple[InputCount, ...]
    totals: tuple[TokenCount, ...]

    @property
    def warnings(self) -> tuple[InputWarning, ...]:
        return tuple(warning for item in self.inputs for warning in item.warnings)
