"""Shared types of the importers: where a source came from, one source entry, exact price maths."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from tokenexport_cli.errors import DataError
from tokenexport_cli.schema import Batch, Tier, TimeBand

MILLION = Decimal(1_000_000)
#: A source number (a price per token or per million, a limit) outside 1e-30 .. 1e18 is
#: refused before any arithmetic; the bounds table (bounds.BOUNDS) then checks each field.
MIN_SOURCE_EXPONENT = -30
MAX_SOURCE_EXPONENT = 18
PRICE_FIELDS = ("input", "output", "cache_read", "cache_write", "cache_write_1h")


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """CPython's cycle collector off for a bulk step of an import. Parsing a source, planning
    and writing make tens of objects an entry, none in a reference cycle; each full collection
    walks all of them again, a quarter to a third of an import's CPU time (issue 18). Memory is
    still freed by reference counting; nested uses leave the collector to the outermost."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@dataclass(frozen=True)
class SourceInfo:
    """Provenance of one import: the format, the URL or file read, and when it was retrieved."""

    format: str
    location: str
    retrieved: dt.datetime

    # cached: every offer and model of an import carries them
    @functools.cached_property
    def as_of(self) -> dt.date:
        return self.retrieved.astimezone(dt.UTC).date()

    @functools.cached_property
    def stamp(self) -> str:
        return self.retrieved.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Prices:
    """Per-million token prices of one source entry, exact."""

    input: Decimal
    output: Decimal
    cache_read: Decimal | None = None
    cache_write: Decimal | None = None
    cache_write_1h: Decimal | None = None
    tiers: tuple[Tier, ...] = ()
    time_bands: tuple[TimeBand, ...] = ()
    batch: Batch | None = None


@dataclass(frozen=True)
class SourceEntry:
    """One priced (or unpriceable) entry of a source, before it is matched to the catalog."""

    key: str
    provider: str
    provider_model_id: str
    names: tuple[str, ...]
    prices: Prices | None
    skip_reason: str | None = None
    name: str | None = None
    vendor: str | None = None
    context_window: int | None = None
    max_output: int | None = None
    open_weights: bool | None = None
    released: dt.date | None = None
    input_modalities: tuple[str, ...] = ()
    output_modalities: tuple[str, ...] = ()
    # the date the source says it last checked this entry's prices (genai-prices
    # ``prices_checked``); None when the source gives only the date of the whole file
    checked: dt.date | None = None
    notes: tuple[str, ...] = field(default=())


def decimal_of(value: Any, where: str) -> Decimal:
    """An exact Decimal from a JSON/YAML/TOML number or numeric string; DataError otherwise."""
    if isinstance(value, bool):
        raise DataError(f"{where}: expected a number, got {value!r}")
    if isinstance(value, float):
        value = repr(value)  # only reached for sources parsed without Decimal floats
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DataError(f"{where}: expected a number, got {value!r}") from None
    if not number.is_finite():
        raise DataError(f"{where}: number {value!r} is not finite")
    if number and not MIN_SOURCE_EXPONENT <= number.adjusted() <= MAX_SOURCE_EXPONENT:
        raise DataError(f"{where}: number {_short(value)} is out of range")
    return number


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 30 else text[:27] + "..."


def norm(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching integers to exponent notation."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


def per_million(per_token: Any, where: str) -> Decimal:
    """Exact per-million price from a per-token figure."""
    return norm(decimal_of(per_token, where) * MILLION)


def per_million_exact(per_mtok: Any, where: str) -> Decimal:
    """A price already per million tokens, made an exact normalised Decimal."""
    return norm(decimal_of(per_mtok, where))


def positive_int(value: Any) -> int | None:
    """A positive integer limit, or None for anything else (sources use 0 and null for unknown);
    a limit out of range is caught with the entry's other numbers (``check_entry``)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 and number == value else None


def parse_json(data: bytes, where: str) -> Any:
    """Parse JSON within ``jsonsafe``'s limits, exact Decimal floats, strings cleaned of
    terminal escapes; DataError naming the source on failure."""
    from tokenexport_cli.jsonsafe import JsonProblem, decode

    try:
        return decode(data)
    except JsonProblem as exc:
        raise DataError(f"{where}: {exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"{where}: not valid JSON: {exc}") from None


def expect(condition: bool, where: str, problem: str) -> None:
    if not condition:
        raise DataError(f"{where}: {problem}")


def date_or_none(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        from tokenexport_cli.dates import DateProblem, parse_date

        try:
            return parse_date(value[:10])
        except DateProblem:
            return None
    return None


def tier_of(above: int, values: dict[str, Decimal | None]) -> Tier:
    """A long-context tier from per-field prices; input and output must be present."""
    tier_input, tier_output = values["input"], values["output"]
    assert tier_input is not None and tier_output is not None
    return Tier(
        above=above,
        input=tier_input,
        output=tier_output,
        cache_read=values.get("cache_read"),
        cache_write=values.get("cache_write"),
        cache_write_1h=values.get("cache_write_1h"),
    )


def check_entry(entry: SourceEntry, where: str) -> None:
    """Every number of an entry within the bounds of the catalog field it becomes; a DataError
    naming the entry and the source's key otherwise. Run on every entry before matching: the
    models and offers an import writes are not walked for bounds again (``additions._chunk``)."""
    from tokenexport_cli.bounds import check

    located = f"{where} ({entry.key})"
    for name, value in (("context_length", entry.context_window), ("max_output", entry.max_output)):
        problem = check(value, "tokens") if value is not None else None
        if problem:
            raise DataError(f"{located}: {name}: {problem}")
    prices = entry.prices
    if prices is None:
        return
    groups: list[tuple[str, Any]] = [("", prices)]
    groups += [(f"tiers[{index}].", tier) for index, tier in enumerate(prices.tiers)]
    groups += [(f"time_bands[{index}].", band) for index, band in enumerate(prices.time_bands)]
    if prices.batch is not None:
        groups.append(("batch.", prices.batch))
    for prefix, group in groups:
        for name in PRICE_FIELDS:
            value = getattr(group, name, None)
            problem = check(value, "price") if value is not None else None
            if problem:
                raise DataError(f"{located}: {prefix}{name}: {problem}")
    discount = prices.batch.discount if prices.batch is not None else None
    problem = check(discount, "discount") if discount is not None else None
    if problem:
        raise DataError(f"{located}: batch.discount: {problem}")
