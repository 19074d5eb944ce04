"""The one table of numeric ranges and precision, and the check that applies it at every edge.

Every number tokx reads from a file, a flag or a sync response belongs to one of these kinds.
A schema field declares its kind with an ``Annotated`` alias (``Price``, ``TokenCount`` ...);
``problems_in`` walks a converted msgspec object and reports each value out of its range, so a
value that would overflow, hang or lose precision in exact Decimal arithmetic is a located data
error (files) or usage error (flags) at the edge, never an internal error later.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

import msgspec

#: The largest magnitude of any integer tokx accepts (fits a signed 64-bit integer).
INT64_MAX = 2**63 - 1


#: Ranges up to here read "between low and high"; wider ones are open-ended quantities whose
#: usual mistake is a sign, so a value below zero reads "must not be negative".
OPEN_ENDED = 1000


@dataclass(frozen=True)
class Bound:
    """A closed (or, where ``low_open``, half-open) range and a number of decimal places."""

    low: Decimal
    high: Decimal
    places: int
    low_open: bool = False
    integer: bool = False
    meaning: str = ""
    noun: str = ""

    def problem(self, value: object) -> str | None:
        """Why ``value`` is out of range, or None when it is fine."""
        if isinstance(value, bool):
            return "expected a number"
        if isinstance(value, float):
            if not math.isfinite(value):
                return f"must be a finite number (got {value})"
            value = Decimal(repr(value))
        if isinstance(value, int):
            if abs(value) > INT64_MAX:
                return f"must be at most {_show(self.high)} (got a {len(str(abs(value)))}-digit number)"
            value = Decimal(value)
        if not isinstance(value, Decimal):
            return None
        if not value.is_finite():
            return f"must be a finite number (got {value})"
        too_low = value <= self.low if self.low_open else value < self.low
        if too_low and self.low == 0 and self.high >= OPEN_ENDED:
            return f"{self.noun}must {'be positive' if self.low_open else 'not be negative'} (got {_show(value)})"
        if too_low or value > self.high:
            return f"must be {self.describe()} (got {_show(value)})"
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)
        if exponent >= 0 or -exponent <= self.places:
            return None  # a whole number, or few enough places even with trailing zeros
        if self.integer and value != value.to_integral_value():
            return f"must be a whole number (got {_show(value)})"
        if _places(value) > self.places:
            return f"has more than {self.places} decimal places (got {_show(value)})"
        return None

    def describe(self) -> str:
        if self.low_open:
            return f"above {_show(self.low)} and at most {_show(self.high)}"
        return f"between {_show(self.low)} and {_show(self.high)}"


def _places(value: Decimal) -> int:
    """Decimal places of a finite value, trailing zeros left out (no context arithmetic)."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + trailing)) if any(digits) else 0


def _show(value: Decimal) -> str:
    """A value for a message, never thousands of digits long."""
    text = str(value)
    return text if len(text) <= 24 else f"{value:.6e}"


def _bound(
    low: object, high: object, places: int, meaning: str, noun: str = "", **flags: bool
) -> Bound:
    return Bound(Decimal(str(low)), Decimal(str(high)), places, meaning=meaning, noun=noun, **flags)


#: The bounds table (README, "Ranges of numbers"). Ceilings are far above any real value and far
#: below what exact arithmetic (120 significant digits, see pricing.engine) can carry.
BOUNDS: dict[str, Bound] = {
    "price": _bound(0, 1_000_000, 18, "price per million tokens, offer currency", "price "),
    "hourly_price": _bound(0, 1_000_000, 18, "price of one GPU hour, USD", "price "),
    "money": _bound(0, 10**15, 40, "an amount of money (budgets, baselines)"),
    "fixed_fee": _bound(0, 1_000_000, 9, "a fixed fee, USD"),
    "percent": _bound(0, 100, 6, "a percentage (fees, shares, tokenizer bands)"),
    "change_percent": _bound(-100, 1_000_000, 6, "a percentage change (growth, increase)"),
    "discount": _bound(0, 1, 6, "a fractional discount (0 and 1 excluded by catalog rules)"),
    "share": _bound(0, 1, 6, "a share of requests (cache hits, batch)"),
    "fraction_positive": _bound(0, 1, 6, "a utilization", low_open=True),
    "ratio": _bound(0, 1_000, 6, "output tokens per input token"),
    "factor": _bound(0, 100, 9, "a tokenizer's count relative to its reference", low_open=True),
    "fx_rate": _bound(Decimal("0.000001"), 1_000_000, 9, "units of a currency per US dollar"),
    "tokens": _bound(1, 10**9, 0, "a context window or output limit", integer=True),
    "token_count": _bound(0, 10**12, 0, "tokens of one request or file", integer=True),
    "requests": _bound(0, 10**13, 6, "requests per day or per month"),
    "throughput": _bound(0, 10**9, 6, "tokens per second of one replica", low_open=True),
    "market_tokens": _bound(0, 10**18, 6, "tokens over a period (market share)"),
    "score": _bound(-1_000_000, 1_000_000, 6, "a benchmark score or a minimum score"),
    "weight": _bound(0, 1_000_000, 6, "a weight (benchmarks, traffic hours)"),
    "count": _bound(1, 1_000_000, 0, "a count (GPUs, months, ranks)", integer=True),
    "seconds": _bound(0, 3_600, 6, "a timeout in seconds", low_open=True),
    "retries": _bound(0, 100, 0, "a number of retries", integer=True),
    "max_bytes": _bound(1, 2**30, 0, "a response size cap in bytes", integer=True),
    "calibration": _bound(0, 100, 12, "a calibration ratio"),
    "reasoning_ratio": _bound(0, 100, 6, "reasoning tokens per reasoning token logged"),
    "gigabytes": _bound(0, 1_000_000, 6, "memory in GB (GPU memory, model weights)"),
    # any other number in a file (a field without a kind of its own, e.g. a new one)
    "number": _bound(-(10**18), 10**18, 12, "any other number"),
}


def _kind(name: str) -> msgspec.Meta:
    """The marker of a kind; integer kinds also carry their range for msgspec and JSON Schema."""
    bound = BOUNDS[name]
    if bound.integer:
        return msgspec.Meta(ge=int(bound.low), le=int(bound.high), extra={"bound": name})
    return msgspec.Meta(extra={"bound": name})


# Aliases that schema fields use to declare their kind (and so their bound).
Price = Annotated[Decimal, _kind("price")]
HourlyPrice = Annotated[Decimal, _kind("hourly_price")]
Money = Annotated[Decimal, _kind("money")]
FixedFee = Annotated[Decimal, _kind("fixed_fee")]
Percent = Annotated[Decimal, _kind("percent")]
ChangePercent = Annotated[Decimal, _kind("change_percent")]
Discount = Annotated[Decimal, _kind("discount")]
Share = Annotated[Decimal, _kind("share")]
Ratio = Annotated[Decimal, _kind("ratio")]
Factor = Annotated[Decimal, _kind("factor")]
FxRateValue = Annotated[Decimal, _kind("fx_rate")]
TokenLimit = Annotated[int, _kind("tokens")]
TokenCount = Annotated[int, _kind("token_count")]
Requests = Annotated[Decimal, _kind("requests")]
Throughput = Annotated[Decimal, _kind("throughput")]
MarketTokens = Annotated[Decimal, _kind("market_tokens")]
Score = Annotated[Decimal, _kind("score")]
Weight = Annotated[Decimal, _kind("weight")]
Count = Annotated[int, _kind("count")]
CalibrationRatio = Annotated[Decimal, _kind("calibration")]
Gigabytes = Annotated[Decimal, _kind("gigabytes")]
ReasoningRatio = Annotated[Decimal, _kind("reasoning_ratio")]


def check(value: object, kind: str) -> str | None:
    """The problem with ``value`` as a number of ``kind``, or None."""
    return BOUNDS[kind].problem(value)


def first_problem(value: Any) -> str | None:
    """``key.path: problem`` of the first number out of range in ``value``, or None."""
    for key, problem in problems_in(value):
        return f"{key}: {problem}"
    return None


def _bound_of(annotation: Any) -> str | None:
    for meta in getattr(annotation, "__metadata__", ()):
        extra = getattr(meta, "extra", None)
        if extra and "bound" in extra:
            return str(extra["bound"])
    return None


def _strip(annotation: Any) -> Any:
    """The annotation without Annotated and Optional wrappers, keeping the bound apart."""
    while typing.get_origin(annotation) is Annotated:
        annotation = annotation.__origin__
    return annotation


def _element_bounds(annotation: Any) -> str | None:
    """The bound of a field, of its elements (tuples, dict values) or of a Union member."""
    found = _bound_of(annotation)
    if found:
        return found
    for arg in typing.get_args(_strip(annotation)):
        if arg is Ellipsis or arg is type(None):
            continue
        found = _element_bounds(arg)
        if found:
            return found
    return None


#: Leaf types that never hold a number: fields made only of these are not walked.
_NUMBERLESS = (str, bool, dt.date, type(None))


def _numberless(annotation: Any) -> bool:
    """True when no value of ``annotation`` can contain a number or a Struct."""
    annotation = _strip(annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return all(isinstance(arg, str | bool) for arg in typing.get_args(annotation))
    args = typing.get_args(annotation)
    if args:
        origin = typing.get_origin(annotation)
        return origin in (tuple, list, frozenset, set, typing.Union, types.UnionType) and all(
            arg is Ellipsis or _numberless(arg) for arg in args
        )
    return isinstance(annotation, type) and issubclass(annotation, _NUMBERLESS)


@functools.cache
def _field_bounds(kind: type) -> tuple[tuple[str, str | None], ...]:
    """(field, its bound) for the fields of a Struct that may hold a number."""
    hints = typing.get_type_hints(kind, include_extras=True)
    fields: tuple[str, ...] = getattr(kind, "__struct_fields__", ())
    return tuple(
        (name, _element_bounds(hints[name])) for name in fields if not _numberless(hints[name])
    )


def problems_in(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(key path, problem) for every bounded number in a converted msgspec object tree."""
    if isinstance(value, msgspec.Struct):
        for name, bound in _field_bounds(type(value)):
            item = getattr(value, name)
            if item is not None:
                yield from _field(item, bound, f"{path}.{name}" if path else name)
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            if not isinstance(item, _NUMBERLESS):
                yield from problems_in(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(item, _NUMBERLESS):
                yield from problems_in(item, f"{path}.{key}" if path else str(key))


def _field(value: Any, bound: str | None, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, msgspec.Struct):
        yield from problems_in(value, path)
        return
    if bound is None:
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            yield from problems_in(value, path)
            return
        bound = "number"
    if isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from _field(item, bound, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _field(item, bound, f"{path}.{key}")
    elif value is not None:
        problem = check(value, bound)
        if problem:
            yield path, problem


def checked(value: Any, kind: str, field: str, key: str | None = None) -> Any:
    """``value`` when it is a number of ``kind`` within range, else the neutral InvalidValue
    naming the request ``field`` (and ``key``) that the CLI maps to its flag. Used by the typed
    requests of ``tokenexport_cli.api`` at construction; a float becomes an exact Decimal for a
    decimal kind (pricing never sees a float), a whole float an int for an integer kind."""
    from tokenexport_cli.errors import InvalidValue

    where = f"{key}: " if key is not None else ""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise InvalidValue(f"{where}expected a number (got {type(value).__name__})", field, key)
    problem = check(value, kind)
    if problem:
        raise InvalidValue(f"{where}{problem}", field, key)
    if BOUNDS[kind].integer:
        return int(value)
    return Decimal(repr(value)) if isinstance(value, float) else value


def check_fields(request: object, kinds: dict[str, str]) -> None:
    """``checked`` on each named field of a frozen dataclass that is not None, in place."""
    for name, kind in kinds.items():
        value = getattr(request, name)
        if value is not None:
            object.__setattr__(request, name, checked(value, kind, name))


def checked_mapping(values: Any, kind: str, field: str) -> dict[str, Any]:
    """A mapping of names to numbers of ``kind`` (``fx``, ``weights``, ``minimums``), checked."""
    from tokenexport_cli.errors import InvalidValue

    if not hasattr(values, "items"):
        raise InvalidValue(
            f"expected a mapping of names to numbers (got {type(values).__name__})", field
        )
    return {str(name): checked(value, kind, field, str(name)) for name, value in values.items()}
