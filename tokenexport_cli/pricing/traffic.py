"""Share of a workload's traffic that falls inside a time-of-day price band, across timezones,
weekdays and daylight-saving changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from zoneinfo import ZoneInfo

from tokenexport_cli.schema import WEEKDAYS, TimeBand

# Every 15 minutes of one reference year: every real UTC offset is a multiple of 15 minutes, and
# a whole year averages over daylight-saving transitions.
REFERENCE_YEAR = 2026
SLOT_MINUTES = 15
HOURS_PER_WEEK = 168


SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES
MINUTES_PER_WEEK = 7 * 24 * 60


@lru_cache(maxsize=32)
def _offsets(timezone: str) -> tuple[int, ...]:
    """UTC offset in minutes of every slot of the reference year, in ``timezone``.

    Offsets change only at daylight-saving transitions, so each day is looked up at its start
    and end, and slot by slot only on the few days where the two differ."""
    zone = ZoneInfo(timezone)
    start = dt.datetime(REFERENCE_YEAR, 1, 1, tzinfo=dt.UTC)
    days = (dt.date(REFERENCE_YEAR + 1, 1, 1) - dt.date(REFERENCE_YEAR, 1, 1)).days
    step = dt.timedelta(minutes=SLOT_MINUTES)

    def offset(moment: dt.datetime) -> int:
        delta = moment.astimezone(zone).utcoffset() or dt.timedelta(0)
        return int(delta.total_seconds()) // 60

    offsets: list[int] = []
    for day in range(days):
        day_start = start + dt.timedelta(days=day)
        first, last = offset(day_start), offset(day_start + step * (SLOTS_PER_DAY - 1))
        if first == last:
            offsets.extend([first] * SLOTS_PER_DAY)
        else:
            offsets.extend(offset(day_start + step * slot) for slot in range(SLOTS_PER_DAY))
    return tuple(offsets)


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _in_band(
    weekday: int, minute: int, days: frozenset[int], ranges: Sequence[tuple[int, int]]
) -> bool:
    """A range that wraps past midnight belongs to the weekday it starts on."""
    for start, end in ranges:
        if start < end:
            if weekday in days and start <= minute < end:
                return True
        else:
            if weekday in days and minute >= start:
                return True
            if (weekday - 1) % 7 in days and minute < end:
                return True
    return False


@lru_cache(maxsize=256)
def _band_tally(
    band_timezone: str, days: tuple[str, ...], hours: tuple[str, ...], traffic_timezone: str
) -> tuple[tuple[int, int], ...]:
    """Per traffic-local hour of the week: (slots inside the band, all slots)."""
    day_numbers = frozenset(WEEKDAYS.index(day) for day in days)
    ranges = [(_minutes(part.split("-")[0]), _minutes(part.split("-")[1])) for part in hours]
    # membership of each band-local quarter hour of the week (Monday 00:00 = 0)
    inside_band = [
        _in_band(slot // SLOTS_PER_DAY, (slot % SLOTS_PER_DAY) * SLOT_MINUTES, day_numbers, ranges)
        for slot in range(7 * SLOTS_PER_DAY)
    ]
    inside = [0] * HOURS_PER_WEEK
    total = [0] * HOURS_PER_WEEK
    # minute of the UTC week at which the reference year starts
    year_start = dt.date(REFERENCE_YEAR, 1, 1).weekday() * 24 * 60
    band_offsets = _offsets(band_timezone)
    traffic_offsets = _offsets(traffic_timezone)
    for slot, (band_offset, traffic_offset) in enumerate(
        zip(band_offsets, traffic_offsets, strict=True)
    ):
        utc_minute = year_start + slot * SLOT_MINUTES
        hour_of_week = (utc_minute + traffic_offset) % MINUTES_PER_WEEK // 60
        total[hour_of_week] += 1
        if inside_band[(utc_minute + band_offset) % MINUTES_PER_WEEK // SLOT_MINUTES]:
            inside[hour_of_week] += 1
    return tuple(zip(inside, total, strict=True))


def band_share(band: TimeBand, weights: Sequence[Decimal], traffic_timezone: str) -> Decimal:
    """``band_share_fraction`` as a Decimal, for display."""
    share = band_share_fraction(band, weights, traffic_timezone)
    return Decimal(share.numerator) / Decimal(share.denominator)


def band_share_fraction(
    band: TimeBand, weights: Sequence[Decimal], traffic_timezone: str
) -> Fraction:
    """Exact fraction of requests inside ``band`` when traffic follows ``weights`` (168 hour-of-week
    weights, Monday 00:00 first, in ``traffic_timezone``, summing to 1)."""
    if len(weights) != HOURS_PER_WEEK:
        raise ValueError(f"expected {HOURS_PER_WEEK} hour-of-week weights, got {len(weights)}")
    tally = _band_tally(band.timezone, band.days, band.hours, traffic_timezone)
    share = Fraction(0)
    all_weight = Fraction(0)
    for weight, (inside, total) in zip(weights, tally, strict=True):
        all_weight += Fraction(weight)
        if inside and weight:
            share += Fraction(weight) * Fraction(inside, total)
    if all_weight == 0:
        raise ValueError("traffic weights sum to zero")
    return share / all_weight


def uniform_weights() -> tuple[Decimal, ...]:
    """Equal weight for every hour of the week (weights need not sum exactly to 1)."""
    return tuple(Decimal(1) for _ in range(HOURS_PER_WEEK))


@lru_cache(maxsize=65536)
def _minute_in_band(
    band_timezone: str, days: tuple[str, ...], hours: tuple[str, ...], utc_minute: int
) -> bool:
    moment = dt.datetime.fromtimestamp(utc_minute * 60, dt.UTC).astimezone(ZoneInfo(band_timezone))
    day_numbers = frozenset(WEEKDAYS.index(day) for day in days)
    ranges = [(_minutes(part.split("-")[0]), _minutes(part.split("-")[1])) for part in hours]
    return _in_band(moment.weekday(), moment.hour * 60 + moment.minute, day_numbers, ranges)


def in_band(band: TimeBand, unix_seconds: int) -> bool:
    """Whether a request made at ``unix_seconds`` (UTC) falls inside ``band``."""
    return _minute_in_band(band.timezone, band.days, band.hours, unix_seconds // 60)


#: Monday 2026-01-05 00:00 UTC: slot 0 of the week ``band_slots`` reads the bands on
REFERENCE_MONDAY = int(dt.datetime(2026, 1, 5, tzinfo=dt.UTC).timestamp())


@lru_cache(maxsize=64)
def band_slots(bands: tuple[TimeBand, ...]) -> tuple[int, ...]:
    """The band (its index, -1 for none) of each 15-minute slot of the UTC week, Monday 00:00
    first. The slot decides the band only where each band's hours start and end on a quarter
    hour and its timezone keeps one UTC offset all year; anything else is a DataError (every
    bundled catalog passes: tests/warehouse/test_cells.py)."""
    from tokenexport_cli.errors import DataError

    for band in bands:
        offsets = set(_offsets(band.timezone))
        clocks = [clock for part in band.hours for clock in part.split("-")]
        if len(offsets) != 1 or any(_minutes(clock) % SLOT_MINUTES for clock in clocks):
            raise DataError(
                f"time band '{band.name}' ({band.timezone}, {', '.join(band.hours)}): not "
                "constant on 15-minute UTC slots (a daylight-saving timezone or an off-quarter "
                "hour)"
            )
    step = SLOT_MINUTES * 60
    return tuple(
        next(
            (i for i, band in enumerate(bands) if in_band(band, REFERENCE_MONDAY + slot * step)),
            -1,
        )
        for slot in range(7 * SLOTS_PER_DAY)
    )
