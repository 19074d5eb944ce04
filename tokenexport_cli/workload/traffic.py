"""Traffic profiles of a workload: presets or explicit weights, expanded to 168 hour-of-week
weights (Monday 00:00 first) that sum exactly to 1, in the profile's own timezone."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from tokenexport_cli.bounds import Weight
from tokenexport_cli.schema import WEEKDAYS, Weekday
from tokenexport_cli.validation import SourceFile

HOURS_PER_DAY = 24
HOURS_PER_WEEK = 7 * HOURS_PER_DAY
BUSINESS_HOURS = range(9, 18)  # 09:00-18:00
WORKING_DAYS = range(5)  # Monday to Friday

TrafficPreset = Literal["uniform", "business-hours", "weekdays"]
Weights = tuple[Weight, ...] | dict[Weekday, tuple[Weight, ...]]


class TrafficSpec(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """A preset in a timezone, or explicit weights; give ``preset`` or ``weights``."""

    preset: Annotated[
        TrafficPreset | None,
        msgspec.Meta(description="uniform; business-hours (Mon-Fri 09-18); weekdays (Mon-Fri)."),
    ] = None
    weights: Annotated[
        Weights | None,
        msgspec.Meta(
            description="168 hour-of-week weights (Monday 00:00 first), or 24 per day name "
            "(mon..sun; days left out get no traffic). Any scale; tokx normalises them."
        ),
    ] = None
    timezone: Annotated[
        str, msgspec.Meta(min_length=1, description="IANA timezone of the hours, e.g. Asia/Tokyo.")
    ] = "UTC"


@dataclass(frozen=True)
class TrafficProfile:
    """Share of requests in each hour of the week, local to ``timezone``; sums exactly to 1."""

    weights: tuple[Decimal, ...]
    timezone: str
    label: str


def _known_timezone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _check_values(values: Sequence[Decimal], source: SourceFile, key: str) -> Iterator[str]:
    for index, value in enumerate(values):
        if not value.is_finite() or value < 0:
            yield source.problem(f"{key}[{index}]", f"must not be negative (got {value})")


def check_traffic(spec: TrafficSpec, source: SourceFile, key: str) -> list[str]:
    """Problems of an explicit traffic mapping, located at ``key`` (``traffic``)."""
    problems: list[str] = []
    if (spec.preset is None) == (spec.weights is None):
        problems.append(source.problem(key, "give either 'preset' or 'weights'"))
    if not _known_timezone(spec.timezone):
        problems.append(source.problem(f"{key}.timezone", f"unknown timezone '{spec.timezone}'"))
    weights = spec.weights
    if isinstance(weights, tuple):
        if len(weights) != HOURS_PER_WEEK:
            problems.append(
                source.problem(
                    f"{key}.weights",
                    f"expected {HOURS_PER_WEEK} hour-of-week weights (Monday 00:00 first), "
                    f"got {len(weights)}",
                )
            )
        problems += _check_values(weights, source, f"{key}.weights")
    elif isinstance(weights, dict):
        for day, day_weights in weights.items():
            day_key = f"{key}.weights.{day}"
            if len(day_weights) != HOURS_PER_DAY:
                problems.append(
                    source.problem(
                        day_key, f"expected {HOURS_PER_DAY} hourly weights, got {len(day_weights)}"
                    )
                )
            problems += _check_values(day_weights, source, day_key)
    if not problems and weights is not None and not any(_raw_weights(weights)):
        problems.append(source.problem(f"{key}.weights", "weights must not all be zero"))
    return problems


def _raw_weights(weights: Weights) -> list[Decimal]:
    if isinstance(weights, tuple):
        return list(weights)
    raw = [Decimal(0)] * HOURS_PER_WEEK
    for day, day_weights in weights.items():
        start = WEEKDAYS.index(day) * HOURS_PER_DAY
        raw[start : start + HOURS_PER_DAY] = day_weights
    return raw


def _preset_weights(preset: str) -> list[Decimal]:
    one, zero = Decimal(1), Decimal(0)
    if preset == "uniform":
        return [one] * HOURS_PER_WEEK
    hours = range(HOURS_PER_DAY) if preset == "weekdays" else BUSINESS_HOURS
    return [
        one if hour // HOURS_PER_DAY in WORKING_DAYS and hour % HOURS_PER_DAY in hours else zero
        for hour in range(HOURS_PER_WEEK)
    ]


def normalise(raw: Sequence[Decimal]) -> tuple[Decimal, ...]:
    """Scale non-negative weights to shares; the last non-zero share absorbs the rounding, so
    the Decimal sum is exactly 1."""
    total = sum(raw, Decimal(0))
    if total <= 0:
        raise ValueError("traffic weights sum to zero")
    shares = [value / total if value else Decimal(0) for value in raw]
    last = max(index for index, value in enumerate(raw) if value)
    shares[last] = Decimal(1) - sum(
        (share for index, share in enumerate(shares) if index != last), Decimal(0)
    )
    return tuple(shares)


def traffic_profile(traffic: TrafficPreset | TrafficSpec) -> TrafficProfile:
    """Expand a (validated) traffic entry of a workload into 168 weights that sum to 1."""
    if isinstance(traffic, str):
        return TrafficProfile(normalise(_preset_weights(traffic)), "UTC", traffic)
    if traffic.preset is not None:
        raw, label = _preset_weights(traffic.preset), str(traffic.preset)
    else:
        assert traffic.weights is not None
        raw, label = _raw_weights(traffic.weights), "custom"
    return TrafficProfile(normalise(raw), traffic.timezone, f"{label} ({traffic.timezone})")
