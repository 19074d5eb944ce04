"""Plain-text helpers shared by renderers: money and token formatting, consoles."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, Any


def price(value: Decimal | None, currency: str = "USD", places: int | None = None) -> str:
    """A per-million-token price exactly as catalogued (no rounding), with its currency sign;
    ``places`` pads it with zeros to that many decimal places."""
    if value is None:
        return "-"
    text = format(value.normalize(), "f")
    if places is not None and "e" not in text.lower():
        whole, _, fraction = text.partition(".")
        text = f"{whole}.{fraction.ljust(places, '0')}" if places else text
    if currency == "USD":
        return f"${text}"
    if currency == "CNY":
        return f"¥{text}"
    return f"{text} {currency}"


def tokens(value: int | None) -> str:
    if value is None:
        return "-"
    if value >= 1_000_000 and value % 10_000 == 0:
        return f"{value / 1_000_000:g}M"
    if value >= 1000 and value % 1000 == 0:
        return f"{value // 1000}K"
    return f"{value:,}"


def console(stream: IO[str] | None = None) -> Any:
    """A rich console that honours NO_COLOR and prints plain text when not on a terminal."""
    from rich.console import Console

    class PipeSafeConsole(Console):
        def on_broken_pipe(self) -> None:
            """Rich would exit 1 (tokx's "budget exceeded"); let the error contract decide."""
            self.quiet = True
            raise BrokenPipeError

    target = stream or sys.stdout
    width = None if target.isatty() else int(os.environ.get("COLUMNS", "160"))
    return PipeSafeConsole(
        file=target,
        width=width,
        no_color=bool(os.environ.get("NO_COLOR")),
        highlight=False,
        soft_wrap=False,
    )


SYMBOLS = {"USD": "$", "CNY": "¥", "EUR": "€", "GBP": "£"}


def money(
    value: Decimal,
    currency: str = "USD",
    band_percent: Decimal | None = None,
    reconstructed: bool = False,
) -> str:
    """Rounded for reading: cents above one unit, four significant digits below.

    An amount computed from approximate token counts is shown as ``~$1,234 ±19%``, one from
    reconstructed counts (Claude) as ``≈$1,234 ±1.2%``."""
    symbol = SYMBOLS.get(currency, "")
    suffix = "" if symbol else f" {currency}"
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    if magnitude >= 1 or magnitude == 0:
        text = f"{magnitude.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"
    else:
        text = f"{magnitude:.4g}" if magnitude >= Decimal("0.0001") else f"{magnitude:.2e}"
        if "e" not in text:
            text = format(Decimal(text).normalize(), "f")
    shown = f"{sign}{symbol}{text}{suffix}"
    if band_percent is not None:
        return f"{'≈' if reconstructed else '~'}{shown} ±{band_percent.normalize():f}%"
    return shown


MAX_PLACES = 6


def places_for(values: Iterable[Decimal], significant: int = 3) -> int:
    """Decimal places that show every value of a column to at least ``significant`` digits
    (two at least, for cents; at most six), so that a column's figures line up."""
    smallest = min((abs(v) for v in values if v), default=Decimal(1))
    if smallest >= 1:
        return 2
    exponent = smallest.adjusted()  # 0.0123 -> -2
    return max(2, min(MAX_PLACES, significant - 1 - exponent))


def money_column(
    values: Sequence[Decimal],
    currency: str = "USD",
    bands: Sequence[Decimal | None] = (),
    reconstructed: Sequence[bool] = (),
) -> list[str]:
    """A column of amounts at one precision (``places_for``); approximate ones keep ``~`` and
    their band, reconstructed ones ``≈``."""
    places = places_for(values)
    quantum = Decimal(1).scaleb(-places)
    symbol = SYMBOLS.get(currency, "")
    suffix = "" if symbol else f" {currency}"
    shown = []
    for index, value in enumerate(values):
        rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
        sign = "-" if rounded < 0 else ""
        text = f"{sign}{symbol}{abs(rounded):,.{places}f}{suffix}"
        band = bands[index] if index < len(bands) else None
        mark = "≈" if index < len(reconstructed) and reconstructed[index] else "~"
        shown.append(f"{mark}{text} ±{band.normalize():f}%" if band is not None else text)
    return shown


def context_window(value: int | None) -> str:
    """Context windows in one style everywhere: the exact token count with separators."""
    return "-" if value is None else f"{value:,}"


def price_column(values: Sequence[Decimal | None], currencies: Sequence[str]) -> list[str]:
    """Catalogued prices exactly as written (never rounded), padded with zeros to the column's
    most decimal places so that the points line up; ``-`` where there is no price."""
    decimals = [len(format(v.normalize(), "f").partition(".")[2]) for v in values if v is not None]
    places = max([2, *decimals])
    return [
        price(value, currency, places) for value, currency in zip(values, currencies, strict=True)
    ]
