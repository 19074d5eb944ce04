"""Plain-text horizontal bar chart of monthly cost per option, log scale for wide ranges."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import IO, Any

from tokenexport_cli.ranking import Ranked
from tokenexport_cli.render.text import SYMBOLS, money

LOG_SCALE_SPAN = Decimal(100)  # max/min above this (more than two orders of magnitude) -> log
MIN_BAR_WIDTH = 10
EIGHTHS = " ▏▎▍▌▋▊▉"
FULL_BLOCK = "█"


@dataclass(frozen=True)
class Glyphs:
    """The characters a chart is drawn with: Unicode blocks, or plain ASCII."""

    full: str
    partial: str  # index n = n eighths of a cell; index 0 is a space
    axis: str
    tick: str
    ellipsis: str


UNICODE = Glyphs(FULL_BLOCK, EIGHTHS, "─", "┬", "…")
ASCII = Glyphs("#", " " * 8, "-", "+", "~")


def use_ascii(stream: IO[str] | None = None) -> bool:
    """ASCII when ``TOKX_ASCII`` is set (not "0"), or the stream cannot encode block glyphs."""
    flag = os.environ.get("TOKX_ASCII", "")
    if flag and flag != "0":
        return True
    encoding = getattr(stream or sys.stdout, "encoding", None) or "ascii"
    try:
        (FULL_BLOCK + EIGHTHS + UNICODE.axis + UNICODE.tick + UNICODE.ellipsis).encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return True
    return False


def default_width(limit: int = 120) -> int:
    """The terminal width (COLUMNS when not a terminal), capped so bars stay readable."""
    return min(shutil.get_terminal_size((100, 24)).columns, limit)


ChartRow = tuple[Any, ...]  # (label, monthly cost, on the frontier[, band percent])


def chart_rows(ranked: Iterable[Ranked], limit: int | None = None) -> list[ChartRow]:
    """(label, monthly cost, on the Pareto frontier, band) for ranked candidates, in order."""
    rows: list[ChartRow] = [
        (
            f"{item.line.model} ({item.line.provider}"
            + (f" {item.line.region}" if item.line.region else "")
            + ")",
            item.line.monthly,
            item.pareto,
            item.line.band_percent,
        )
        for item in ranked
    ]
    return rows[:limit] if limit else rows


def _short_number(value: Decimal) -> str:
    """Tick labels: 0.01, 0.5, 10, 250, 1K, 2.5K, 10M."""
    for size, suffix in ((Decimal(10**9), "B"), (Decimal(10**6), "M"), (Decimal(1000), "K")):
        if abs(value) >= size:
            return f"{(value / size).normalize():f}{suffix}"
    return f"{value.normalize():f}"


def tick_label(value: Decimal, currency: str, ascii_only: bool = False) -> str:
    symbol = SYMBOLS.get(currency)
    if symbol and (symbol.isascii() or not ascii_only):
        return f"{symbol}{_short_number(value)}"
    return _short_number(value)


def _money(value: Decimal, currency: str, ascii_only: bool, band: Decimal | None = None) -> str:
    """``money()`` (approximate amounts keep ``~`` and their band), with the currency code
    instead of a symbol the stream may not encode."""
    symbol = SYMBOLS.get(currency, "")
    text = money(value, currency, band)
    if ascii_only:
        text = text.replace("±", "+-")
        if symbol and not symbol.isascii():
            return text.replace(symbol, "", 1) + f" {currency}"
    return text


def nice_step(maximum: Decimal, ticks: int = 4) -> Decimal:
    """A 1, 2 or 5 x 10^k step giving about ``ticks`` intervals from 0 to ``maximum``."""
    raw = maximum / ticks
    power = Decimal(10) ** int(raw.log10().to_integral_value(rounding=ROUND_FLOOR))
    for multiple in (1, 2, 5, 10):
        step = power * multiple
        if step >= raw:
            return step
    return power * 10  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class Scale:
    """Maps a cost to a bar length in eighths of a cell, and lists the axis ticks."""

    log: bool
    low: Decimal  # linear: 0; log: the power of ten the bars start at
    high: Decimal  # where a full-width bar ends
    ticks: tuple[Decimal, ...]

    def eighths(self, value: Decimal, cells: int) -> int:
        if value <= 0 or value <= self.low:
            return 0
        if self.log:
            share = (value.log10() - self.low.log10()) / (self.high.log10() - self.low.log10())
        else:
            share = value / self.high
        return max(1, min(cells * 8, int(share * cells * 8)))


def choose_scale(values: list[Decimal]) -> Scale:
    """Log scale when the positive costs span more than two orders of magnitude, else linear."""
    positive = [value for value in values if value > 0]
    if not positive:
        return Scale(False, Decimal(0), Decimal(1), (Decimal(0),))
    smallest, largest = min(positive), max(positive)
    if largest / smallest > LOG_SCALE_SPAN:
        low_power = int(smallest.log10().to_integral_value(rounding=ROUND_FLOOR))
        high_power = -int((-largest.log10()).to_integral_value(rounding=ROUND_FLOOR))
        high_power = max(high_power, low_power + 1)
        ticks = tuple(Decimal(10) ** power for power in range(low_power, high_power + 1))
        return Scale(True, ticks[0], ticks[-1], ticks)
    step = nice_step(largest)
    count = int((largest / step).to_integral_value(rounding=ROUND_FLOOR))
    if step * count < largest:
        count += 1
    return Scale(False, Decimal(0), step * count, tuple(step * n for n in range(count + 1)))


def _fit(text: str, width: int, glyphs: Glyphs) -> str:
    """Shorten in the middle, so that both the model and the provider stay readable and two
    different rows do not come out the same."""
    if len(text) <= width:
        return text
    if width < 3:
        return text[:width]
    head = (width - 1) // 2
    tail = width - 1 - head
    return text[:head] + glyphs.ellipsis + text[len(text) - tail :]


def _bar(eighths: int, glyphs: Glyphs) -> str:
    full, rest = divmod(eighths, 8)
    partial = glyphs.partial[rest].strip() if rest else ""
    if not partial and rest and not full:
        partial = glyphs.full  # ASCII: never hide a non-zero cost
    return glyphs.full * full + partial


def _axis(
    scale: Scale, cells: int, room: int, currency: str, glyphs: Glyphs, plain: bool
) -> tuple[str, str]:
    """The tick-label line (at most ``room`` wide) and the axis line above the bars."""
    labels = [" "] * room
    axis = [glyphs.axis] * cells
    last_end = -2
    for tick in scale.ticks:
        column = min(cells - 1, scale.eighths(tick, cells) // 8) if tick > scale.low else 0
        axis[column] = glyphs.tick
        text = tick_label(tick, currency, plain)
        start = max(0, min(column - len(text) // 2, room - len(text)))
        if start <= last_end + 1:
            continue  # labels never overlap; the tick mark still shows
        labels[start : start + len(text)] = list(text)
        last_end = start + len(text) - 1
    return "".join(labels).rstrip(), "".join(axis)


def cost_chart(
    rows: Sequence[ChartRow],
    currency: str,
    width: int,
    ascii_only: bool | None = None,
    more: int = 0,
) -> str:
    """A bar chart of (label, monthly cost, on Pareto frontier) rows; ``*`` marks the frontier.

    ``ascii_only`` None means: decide from ``TOKX_ASCII`` and stdout's encoding."""
    plain = use_ascii() if ascii_only is None else ascii_only
    glyphs = ASCII if plain else UNICODE
    if not rows:
        return "No options to chart.\n"
    costs = [_money(row[1], currency, plain, row[3] if len(row) > 3 else None) for row in rows]
    cost_width = max(len(text) for text in costs)
    label_width = min(max(len(row[0]) for row in rows), max(12, width // 3))
    cells = max(MIN_BAR_WIDTH, width - (2 + label_width + 1 + 1 + cost_width))
    scale = choose_scale([row[1] for row in rows])
    if scale.log:
        header = (
            f"Monthly cost ({currency}), log scale: each tick is 10x, bars start at "
            f"{tick_label(scale.low, currency, plain)}."
        )
    else:
        header = f"Monthly cost ({currency}), linear scale from 0."
    lines = textwrap.wrap(header, width)
    if any(row[2] for row in rows):
        note = "* = on the Pareto frontier: no other option is both cheaper and better."
        lines += textwrap.wrap(note, width, subsequent_indent="    ")
    indent = " " * (2 + label_width + 1)
    tick_line, axis_line = _axis(scale, cells, cells + 1 + cost_width, currency, glyphs, plain)
    lines += [indent + tick_line, indent + axis_line]
    for row, shown in zip(rows, costs, strict=True):
        label, cost, frontier = row[0], row[1], row[2]
        bar = _bar(scale.eighths(cost, cells), glyphs)
        lines.append(
            f"{'*' if frontier else ' '} {_fit(label, label_width, glyphs):<{label_width}} "
            f"{bar:<{cells}} {shown:>{cost_width}}"
        )
    if more:
        lines.append(f"... {more} more (use --all or --top N)")
    return "\n".join(line.rstrip() for line in lines) + "\n"
