"""Currency conversion with the catalog's exchange rates, overridable by the user."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from tokenexport_cli.errors import UsageError
from tokenexport_cli.schema import FxRate


class Fx:
    """Units of each currency per one US dollar; USD is always 1."""

    def __init__(self, rates: tuple[FxRate, ...], overrides: Mapping[str, Decimal] | None = None):
        self.per_usd: dict[str, Decimal] = {"USD": Decimal(1)}
        self.sources: dict[str, str] = {"USD": "identity"}
        for rate in rates:
            self.per_usd[rate.currency] = rate.per_usd
            self.sources[rate.currency] = f"{rate.source} (as of {rate.as_of})"
        for currency, value in (overrides or {}).items():
            if value <= 0:
                raise UsageError(f"--fx: rate for {currency} must be positive (got {value})")
            self.per_usd[currency] = value
            self.sources[currency] = "--fx override"

    def rate(self, source: str, target: str) -> Decimal:
        """Multiply an amount in ``source`` by this to get ``target``."""
        if source == target:
            return Decimal(1)
        for currency in (source, target):
            if currency not in self.per_usd:
                known = ", ".join(sorted(self.per_usd))
                raise UsageError(
                    f"no exchange rate for {currency} (known: {known}; add --fx {currency}=RATE)"
                )
        return self.per_usd[target] / self.per_usd[source]

    def rate_fraction(self, source: str, target: str) -> Fraction:
        """``rate`` as an exact fraction, for the pricing arithmetic."""
        self.rate(source, target)
        return Fraction(self.per_usd[target]) / Fraction(self.per_usd[source])

    def convert(self, amount: Decimal, source: str, target: str) -> Decimal:
        return amount * self.rate(source, target)


def parse_fx(values: list[str]) -> dict[str, Decimal]:
    """``["CNY=6.9", "EUR=0.92"]`` -> rates per USD; UsageError on anything else."""
    rates: dict[str, Decimal] = {}
    for value in values:
        for item in value.split(","):
            currency, _, number = item.partition("=")
            currency = currency.strip().upper()
            try:
                parsed = Decimal(number.strip())
            except ArithmeticError:
                parsed = Decimal("NaN")
            if len(currency) != 3 or not currency.isalpha() or not parsed.is_finite():
                raise UsageError(
                    f"--fx: expected CURRENCY=UNITS_PER_USD like CNY=6.9, got '{item}'"
                )
            rates[currency] = parsed
    return rates
