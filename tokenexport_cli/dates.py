"""The one parser of dates and times from text or Unix seconds: every impossible value (a 30
February, 24:61, an offset of days, a year past 9999, a timestamp out of range) is a
``DateProblem`` with a message of tokx's own, which each caller locates (file:line: key, a flag,
a source). ``parse_timestamp`` reads ISO 8601 / YAML text, ``from_unix`` Unix seconds, and
``parse_moment`` either (what logs, chat files and usage exports carry) as an aware UTC time."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation

#: ISO 8601 / YAML 1.1 timestamps: a date, or a date and time with an optional offset.
_TIMESTAMP = re.compile(
    r"""^(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})
    (?:(?:[Tt]|[ \t]+)(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})
    (?:\.(?P<fraction>[0-9]*))?)?
    (?:[ \t]*(?P<tz>Z|z|(?P<sign>[-+])(?P<tz_hour>[0-9]{1,2})(?::?(?P<tz_minute>[0-9]{2}))?))?)?$""",
    re.X,
)
#: Unix seconds tokx accepts: 1970 to the end of 9999.
MAX_UNIX_SECONDS = 253_402_300_799
_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


class DateProblem(ValueError):
    """Why a value is not a valid date or time, in tokx's words."""


def _show(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "...")


def parse_timestamp(text: str) -> dt.date | dt.datetime:
    """A date (``2026-03-01``) or an aware-or-naive datetime (``2026-03-01T12:00:00+08:00``)."""
    match = _TIMESTAMP.match(text.strip())
    if match is None:
        raise DateProblem(f"{_show(text)} is not a date (expected YYYY-MM-DD)")
    parts = match.groupdict()
    year, month, day = int(parts["year"]), int(parts["month"]), int(parts["day"])
    if not 1 <= month <= 12:
        raise DateProblem(f"{_show(text)} has no month {month}")
    if year < 1:
        raise DateProblem(f"{_show(text)} has no year {year}")
    last = _days_in_month(year, month)
    if not 1 <= day <= last:
        raise DateProblem(f"{_show(text)}: day {day} does not exist (the month has {last})")
    date = dt.date(year, month, day)
    if parts["hour"] is None:
        return date
    hour, minute, second = int(parts["hour"]), int(parts["minute"]), int(parts["second"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise DateProblem(f"{_show(text)} is not a valid time of day")
    micro = int((parts["fraction"] or "0")[:6].ljust(6, "0"))
    tzinfo: dt.tzinfo | None = None
    if parts["tz"]:
        offset = dt.timedelta(0)
        if parts["sign"]:
            tz_hour, tz_minute = int(parts["tz_hour"]), int(parts["tz_minute"] or 0)
            if tz_hour > 23 or tz_minute > 59:
                raise DateProblem(f"{_show(text)}: UTC offset must be less than 24 hours")
            offset = dt.timedelta(hours=tz_hour, minutes=tz_minute)
            offset = -offset if parts["sign"] == "-" else offset
        tzinfo = dt.timezone(offset)
    moment = dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=tzinfo)
    if tzinfo is not None:
        try:
            moment.astimezone(dt.UTC)
        except OverflowError:
            raise DateProblem(f"{_show(text)} is out of range in UTC") from None
    return moment


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.timedelta(days=1)).day


def parse_date(text: str) -> dt.date:
    """A calendar date; a datetime is cut to its date."""
    value = parse_timestamp(text)
    return value.date() if isinstance(value, dt.datetime) else value


def from_unix(seconds: object) -> dt.datetime:
    """An aware UTC datetime from Unix seconds (an int, float, Decimal or numeric text)."""
    if isinstance(seconds, bool):
        raise DateProblem(f"{seconds!r} is not a Unix time")
    try:
        number = Decimal(str(seconds).strip())
    except (InvalidOperation, ValueError):
        raise DateProblem(f"{_show(str(seconds))} is not a Unix time") from None
    if not number.is_finite() or not 0 <= number <= MAX_UNIX_SECONDS:
        raise DateProblem(f"Unix time {_show(str(seconds))} is out of range (1970 to 9999)")
    whole = int(number)
    fraction = float(number - whole)
    moment = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=whole)
    if fraction and math.isfinite(fraction):
        moment += dt.timedelta(seconds=fraction)
    return moment


def parse_moment(value: object, *, milliseconds_above: int | None = None) -> dt.datetime:
    """An aware UTC datetime from ISO 8601 text, Unix seconds (a number or numeric text), or a
    date or datetime a YAML parser made; naive times are taken as UTC. With
    ``milliseconds_above``, a larger number is read as Unix milliseconds."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return _unix(value, milliseconds_above)
    elif isinstance(value, str):
        text = value.strip()
        if _NUMBER.fullmatch(text):
            return _unix(text, milliseconds_above)
        match = _TIMESTAMP.match(text)
        if match is None:
            raise DateProblem(f"{_show(text)} is not an ISO 8601 time or Unix seconds")
        try:  # the pattern matched: the C constructor is exact and 5x faster (logs are long);
            if match.group("hour") == "24":  # newer Pythons read 24:00 as the next midnight
                raise ValueError(text)
            moment = dt.datetime.fromisoformat(text)
        except ValueError:  # an impossible value: parse_timestamp says why
            parsed = parse_timestamp(text)
            moment = (
                parsed
                if isinstance(parsed, dt.datetime)
                else dt.datetime.combine(parsed, dt.time())
            )
    else:
        raise DateProblem(f"{_show(repr(value))} is not a time")
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        raise DateProblem(f"{_show(str(value))} is out of range in UTC") from None


def _unix(value: object, milliseconds_above: int | None) -> dt.datetime:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DateProblem(f"{_show(str(value))} is not a Unix time") from None
    if milliseconds_above is not None and number.is_finite() and number > milliseconds_above:
        if number > MAX_UNIX_SECONDS * 1000:
            raise DateProblem(f"Unix time {_show(str(value))} is out of range (1970 to 9999)")
        return from_unix(number.scaleb(-3))
    return from_unix(number)
