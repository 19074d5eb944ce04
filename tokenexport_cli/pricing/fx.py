"""Currency conversion with the catalog's exchange rates, overridable by the user."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from tokenexport_cli.errors import InvalidValue, UsageError
from tokenexport_cli.schema import FxRate


class Fx:
    """Units of each currency per one US dollar; USD is always 1."""

    def __init__(self, rates: tuple[FxRate, ...], overrides: Mapping[str, Decimal] | None = None):
        self.per_usd: dict[str, Decimal] = {"USD": Decimal(1)}
        self.sources: dict[str, str] = {"USD": "identity"}
        for rate in rates:
            self.per_usd[rate.currency] = rate.per_usd
            self.sources[rate.currency] = f"{rate.source} (as of {rate.as_of})"
        check_rates(overrides or {})
        for currency, value in (overrides or {}).items():
            self.per_usd[currency] = value
            self.sources[currency] = "user override"

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


def check_rates(rates: Mapping[str, Decimal]) -> None:
    """Exchange-rate overrides must be positive numbers (InvalidValue names the currency)."""
    for currency, value in rates.items():
        if not value.is_finite() or value <= 0:
            raise InvalidValue(
                f"rate for {currency} must be positive (got {value})", "fx", currency
            )
