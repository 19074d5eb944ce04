"""Render a replay: the recorded period and calls, then each priced line (table and payload)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tokenexport_cli.api.replay import ReplayLine, ReplayResult
from tokenexport_cli.render import payloads_replay as out
from tokenexport_cli.render.cost import decimal_str
from tokenexport_cli.render.output import View
from tokenexport_cli.render.payloads import Excluded
from tokenexport_cli.render.unpublished import AT_LEAST, alternatives_dropped, bound_payload
from tokenexport_cli.wording import calls


def _optional(value: Decimal | None) -> str | None:
    return None if value is None else decimal_str(value)


def _line(line: ReplayLine) -> out.ReplayLine:
    cost = line.cost
    return out.ReplayLine(
        role=line.role,
        model=cost.model,
        provider=cost.provider,
        region=cost.region,
        path=cost.path_kind,
        currency=cost.currency,
        requests=cost.requests,
        period_cost=decimal_str(cost.period_cost),
        monthly=_optional(line.monthly),
        long_requests=cost.long_requests,
        long_token_share=decimal_str(cost.long_token_share),
        excluded_requests=cost.excluded_requests,
        approximate_band_percent=_optional(cost.band_percent),
        breakdown=out.ReplayBreakdown(**{k: decimal_str(v) for k, v in cost.breakdown.items()}),
        notes=list(cost.notes),
        lower_bound=bound_payload(cost.lower_bound),
    )


def replay_payload(result: ReplayResult) -> out.ReplayOutput:
    return out.ReplayOutput(
        catalog_version=result.catalog_version,
        currency=result.currency,
        period=out.ReplayPeriod(
            start=result.start.isoformat() if result.start else None,
            end=result.end.isoformat() if result.end else None,
            days=None if result.days is None else decimal_str(result.days),
        ),
        requests=result.requests,
        recorded_spend=_optional(result.recorded_spend),
        sources=[
            out.ReplaySource(
                model=source.model,
                resolved_model=source.resolved,
                provider=source.provider,
                requests=source.requests,
                token_share=decimal_str(source.token_share),
                counts=out.ReplayCounts(**source.counts),
                recorded_spend=_optional(source.recorded_spend),
            )
            for source in result.sources
        ],
        lines=[_line(line) for line in result.lines],
        files=dict(result.files),
        warnings=[warning.message for warning in result.warnings],
        dropped_unpublished_price=[
            Excluded(model=bound.model, provider=bound.provider, reason=bound.reason)
            for bound in result.dropped_unpublished
        ],
    )


def _money(value: Decimal | None) -> str:
    """Two decimals, or four below 10 so that small logs do not read as zero."""
    if value is None:
        return "-"
    return f"{value:,.4f}" if abs(value) < 10 else f"{value:,.2f}"


def _amounts(values: list[Decimal | None]) -> list[str]:
    """A column of amounts at one precision (``places_for``, as in every table); no currency
    sign: the table's title names the currency."""
    from decimal import ROUND_HALF_UP

    from tokenexport_cli.render.text import places_for

    places = places_for([value for value in values if value is not None])
    quantum = Decimal(1).scaleb(-places)
    return [
        "-" if value is None else f"{value.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"
        for value in values
    ]


def replay_table(result: ReplayResult) -> list[Any]:
    from rich.table import Table
    from rich.text import Text

    period = "no timestamps"
    if result.start and result.end:
        days = f"{result.days:.2f} days" if result.days else "one instant"
        period = f"{result.start:%Y-%m-%d %H:%M} to {result.end:%Y-%m-%d %H:%M} UTC ({days})"
    spent = (
        f"; recorded spend {_money(result.recorded_spend)} {result.currency}"
        if result.recorded_spend is not None
        else ""
    )
    header = Text(f"{calls(result.requests, grouped=True)}, {period}{spent}")
    sources = Table(title="Recorded calls per model", title_justify="left")
    for name in (
        "model",
        "as",
        "calls",
        "input",
        "cache read",
        "cache write",
        "output",
        "reasoning",
        "spend",
    ):
        sources.add_column(name, justify="left" if name in ("model", "as") else "right")
    spends = _amounts([source.recorded_spend for source in result.sources])
    for source, spend in zip(result.sources, spends, strict=True):
        counts = source.counts
        sources.add_row(
            source.model,
            source.resolved or "unresolved: not priced",
            f"{source.requests:,}",
            f"{counts['input'] + counts['image_input'] + counts['audio_input']:,}",
            f"{counts['cache_read']:,}",
            f"{counts['cache_write_5m'] + counts['cache_write_1h']:,}",
            f"{counts['output']:,}",
            f"{counts['reasoning']:,}",
            spend,
        )
    lines = Table(title=f"Priced ({result.currency})", title_justify="left")
    for name in ("", "model", "provider", "path", "period", "monthly", "notes"):
        lines.add_column(name, justify="right" if name in ("period", "monthly") else "left")
    recorded = [result.recorded_spend] if result.recorded_spend is not None else []
    periods = _amounts([*recorded, *(line.cost.period_cost for line in result.lines)])
    monthly = _amounts([line.monthly for line in result.lines])
    if recorded:
        lines.add_row("recorded", "as logged", "", "", periods.pop(0), "", "")
    for line, period_cost, month in zip(result.lines, periods, monthly, strict=True):
        cost = line.cost
        band = f" ±{cost.band_percent}%" if cost.band_percent else ""
        at_least = AT_LEAST if cost.lower_bound is not None else ""
        lines.add_row(
            line.role,
            cost.model,
            cost.provider,
            cost.path_kind,
            at_least + period_cost + band,
            at_least + month + band,  # the projection carries the same uncertainty
            "; ".join(cost.notes),
        )
    dropped = [Text(s) for s in alternatives_dropped(result.dropped_unpublished)]
    return [header, sources, lines, *dropped]


def replay_view(result: ReplayResult) -> View:
    return View(replay_payload(result), "lines", "tokx replay", lambda: replay_table(result))
