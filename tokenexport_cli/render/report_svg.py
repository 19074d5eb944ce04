"""Inline SVG for the HTML report: the cost vs quality scatter plot with its Pareto frontier."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from html import escape

from tokenexport_cli.render.chart import nice_step, tick_label

WIDTH, HEIGHT = 960, 500
LEFT, RIGHT, TOP, BOTTOM = 64, 28, 24, 56
CHAR_WIDTH = 6.4  # average width of an 11px sans-serif character, for label collision checks
LABEL_HEIGHT = 13.0


@dataclass(frozen=True)
class Point:
    """One option on the plot: monthly cost (x, log scale) against benchmark score (y)."""

    label: str
    cost: Decimal
    score: Decimal
    frontier: bool
    pick: bool = False


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        return not (
            self.right <= other.left
            or other.right <= self.left
            or self.bottom <= other.top
            or other.bottom <= self.top
        )


def _num(value: float) -> str:
    return f"{value:.1f}"


class Axes:
    """Pixel mapping: log10 cost across, score up."""

    def __init__(self, points: list[Point]) -> None:
        costs = [math.log10(p.cost) for p in points]
        # a little room either side, so that no point sits on the frame
        self.x_low = math.floor(min(costs) - 0.1)
        self.x_high = max(math.ceil(max(costs) + 0.1), self.x_low + 1)
        scores = [p.score for p in points]
        self.y_step = nice_step(max(max(scores) - min(scores), Decimal(10)), 5)
        pad = self.y_step / 2
        self.y_low = ((min(scores) - pad) / self.y_step).to_integral_value(rounding=ROUND_FLOOR)
        self.y_low *= self.y_step
        self.y_high = ((max(scores) + pad) / self.y_step).to_integral_value(rounding=ROUND_CEILING)
        self.y_high *= self.y_step

    def x(self, cost: Decimal) -> float:
        share = (math.log10(cost) - self.x_low) / (self.x_high - self.x_low)
        return LEFT + share * (WIDTH - LEFT - RIGHT)

    def y(self, score: Decimal) -> float:
        share = (score - self.y_low) / (self.y_high - self.y_low)
        return HEIGHT - BOTTOM - float(share) * (HEIGHT - TOP - BOTTOM)

    def x_ticks(self) -> list[tuple[Decimal, bool]]:
        """(cost, major) ticks: each power of ten, plus 2x and 5x when the span is short."""
        ticks: list[tuple[Decimal, bool]] = []
        for power in range(self.x_low, self.x_high + 1):
            ticks.append((Decimal(10) ** power, True))
            if self.x_high - self.x_low <= 2 and power < self.x_high:
                ticks += [(Decimal(m) * Decimal(10) ** power, False) for m in (2, 5)]
        return ticks

    def y_ticks(self) -> list[Decimal]:
        count = int((self.y_high - self.y_low) / self.y_step)
        return [self.y_low + self.y_step * n for n in range(count + 1)]


def _grid(axes: Axes, currency: str) -> list[str]:
    parts = []
    bottom, right = HEIGHT - BOTTOM, WIDTH - RIGHT
    for cost, major in axes.x_ticks():
        x = _num(axes.x(cost))
        parts.append(
            f'<line class="{"grid" if major else "grid minor"}" x1="{x}" y1="{TOP}" '
            f'x2="{x}" y2="{bottom}"/>'
        )
        parts.append(
            f'<text class="tick" x="{x}" y="{bottom + 18}" text-anchor="middle">'
            f"{escape(tick_label(cost, currency))}</text>"
        )
    for score in axes.y_ticks():
        y = _num(axes.y(score))
        parts.append(f'<line class="grid" x1="{LEFT}" y1="{y}" x2="{right}" y2="{y}"/>')
        parts.append(
            f'<text class="tick" x="{LEFT - 8}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle">{score.normalize():f}</text>'
        )
    parts.append(
        f'<text class="axis-title" x="{(LEFT + right) / 2}" y="{HEIGHT - 12}" '
        f'text-anchor="middle">monthly cost ({escape(currency)}, log scale)</text>'
    )
    parts.append(
        f'<text class="axis-title" x="16" y="{(TOP + bottom) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 16 {(TOP + bottom) / 2})">benchmark score</text>'
    )
    return parts


def _frontier(axes: Axes, points: list[Point]) -> tuple[str, list[Box]]:
    """The frontier as a staircase (what the best score costs as the budget grows), and the
    boxes its segments cover so that labels keep clear of it."""
    steps = sorted((p for p in points if p.frontier), key=lambda p: (p.cost, p.score))
    if not steps:
        return "", []
    x, y = axes.x(steps[0].cost), axes.y(steps[0].score)
    path = [f"M{_num(x)} {_num(y)}"]
    covered = []
    for point in [*steps[1:], None]:
        next_x = axes.x(point.cost) if point else WIDTH - RIGHT
        covered.append(Box(x, y - 2, next_x, y + 2))
        path.append(f"H{_num(next_x)}")
        x = next_x
        if point is not None:
            next_y = axes.y(point.score)
            covered.append(Box(x - 2, min(y, next_y), x + 2, max(y, next_y)))
            path.append(f"V{_num(next_y)}")
            y = next_y
    return f'<path class="frontier" d="{" ".join(path)}"/>', covered


def _place_label(
    point: Point, x: float, y: float, placed: list[Box]
) -> tuple[float, float, str, Box] | None:
    """A spot for the label that overlaps no point or earlier label and stays in the plot."""
    width = len(point.label) * CHAR_WIDTH
    candidates = [
        (x + 8, y + 4, "start", Box(x + 7, y - 9, x + 9 + width, y + 5)),
        (x - 8, y + 4, "end", Box(x - 9 - width, y - 9, x - 7, y + 5)),
        (x, y - 9, "middle", Box(x - width / 2, y - 20, x + width / 2, y - 6)),
        (x, y + 17, "middle", Box(x - width / 2, y + 6, x + width / 2, y + 20)),
    ]
    for label_x, label_y, anchor, box in candidates:
        inside = box.left >= LEFT and box.right <= WIDTH - 2 and box.top >= 2
        inside = inside and box.bottom <= HEIGHT - BOTTOM
        if inside and not any(box.overlaps(other) for other in placed):
            return label_x, label_y, anchor, box
    return None


def scatter_svg(points: list[Point], currency: str) -> str:
    """The scatter plot; labels that would collide are left to the hover title and the table."""
    points = [p for p in points if p.cost > 0]
    if not points:
        return '<p class="note">No option has both a cost and a benchmark score to plot.</p>'
    axes = Axes(points)
    frontier, covered = _frontier(axes, points)
    parts = [
        f'<svg class="scatter" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="scatter-title">',
        '<title id="scatter-title">Monthly cost against benchmark score</title>',
        f'<rect class="plot" x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" '
        f'height="{HEIGHT - TOP - BOTTOM}"/>',
        *_grid(axes, currency),
        frontier,
    ]
    # labels in priority order: the pick, then the frontier, then the rest by score
    order = sorted(points, key=lambda p: (not p.pick, not p.frontier, -p.score, p.cost))
    placed = [Box(x - 5, y - 5, x + 5, y + 5) for x, y in _positions(axes, points)] + covered
    labels = []
    for point in order:
        x, y = axes.x(point.cost), axes.y(point.score)
        kind = "pick" if point.pick else ("front" if point.frontier else "other")
        tooltip = f"{point.label}: {tick_label(point.cost, currency)}, score {point.score:.1f}"
        parts.append(
            f'<circle class="pt {kind}" cx="{_num(x)}" cy="{_num(y)}" '
            f'r="{7 if point.pick else 5}"><title>{escape(tooltip)}</title></circle>'
        )
        spot = _place_label(point, x, y, placed)
        if spot is not None:
            placed.append(spot[3])
            labels.append(
                f'<text class="label {kind}" x="{_num(spot[0])}" y="{_num(spot[1])}" '
                f'text-anchor="{spot[2]}">{escape(point.label)}</text>'
            )
    parts += labels
    parts.append("</svg>")
    return "\n".join(part for part in parts if part)


def _positions(axes: Axes, points: list[Point]) -> list[tuple[float, float]]:
    return [(axes.x(p.cost), axes.y(p.score)) for p in points]
