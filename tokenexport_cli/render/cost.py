"""Render cost results: estimate tables, recommendations, path comparisons, self-host figures."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import msgspec

from tokenexport_cli.pricing.engine import BREAKDOWN_FIELDS, CostLine
from tokenexport_cli.pricing.estimate import Estimate
from tokenexport_cli.render import payloads
from tokenexport_cli.render.output import View
from tokenexport_cli.render.text import context_window, money, money_column
from tokenexport_cli.render.unpublished import at_least, lower_bound_payload, unpublished
from tokenexport_cli.render.unpublished import dropped_sentences as unpublished_sentences

if TYPE_CHECKING:  # an estimate renders without the ranking stage
    from tokenexport_cli.ranking import Recommendation

JSON_PLACES = Decimal("1e-10")


def decimal_str(value: Decimal) -> str:
    """Money in JSON: a decimal string to 10 places, trailing zeros dropped."""
    text = format(value.quantize(JSON_PLACES).normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _optional(value: Decimal | None) -> str | None:
    return decimal_str(value) if value is not None else None


def line_payload(line: CostLine, projection: list[Decimal] | None = None) -> payloads.CostLine:
    return payloads.CostLine(
        model=line.model,
        provider=line.provider,
        region=line.region,
        path_kind=line.path_kind,
        currency=line.currency,
        monthly=decimal_str(line.monthly),
        per_1k_requests=decimal_str(line.per_1k_requests),
        calls_per_request=decimal_str(line.calls_per_request),
        context_window=line.context_window,
        approximate_band_percent=_optional(line.band_percent),
        tokens_reconstructed=line.reconstructed,
        breakdown=payloads.Breakdown(
            **{name: decimal_str(getattr(line.breakdown, name)) for name in BREAKDOWN_FIELDS}
        ),
        notes=list(line.notes),
        projection=[decimal_str(value) for value in projection] if projection else None,
        lower_bound=lower_bound_payload(line),
    )


def _excluded(model: str, provider: str | None, reason: str) -> payloads.Excluded:
    return payloads.Excluded(model=model, provider=provider, reason=reason)


def estimate_payload(
    result: Estimate, months: list[list[Decimal]] | None = None
) -> payloads.EstimateOutput:
    series = months or [None] * len(result.lines)  # type: ignore[list-item]
    return payloads.EstimateOutput(
        catalog_version=result.catalog_version,
        currency=result.currency,
        requests_per_month=decimal_str(result.requests_per_month),
        workload_digest=result.workload_digest,
        lines=[
            line_payload(line, values) for line, values in zip(result.lines, series, strict=True)
        ],
        excluded=[_excluded(e.model, e.provider, e.reason) for e in result.exclusions],
        unpriced=[payloads.Unpriced(model=u.model, reason=u.reason) for u in result.unpriced],
        fx=dict(result.fx_sources),
    )


def estimate_view(
    result: Estimate,
    breakdown: bool,
    months: list[list[Decimal]] | None,
    limit: int | None,
    explain: bool = False,
) -> View:
    return View(
        payload=estimate_payload(result, months),
        records="lines",
        title=f"Monthly cost (catalog {result.catalog_version}, {result.currency})",
        table=lambda: estimate_table(result, breakdown, months, limit, explain),
    )


def _cost(line: CostLine, value: Decimal) -> str:
    return money(value, line.currency, line.band_percent, line.reconstructed)


BREAKDOWN_HEADERS = {
    "input": "input",
    "cached_input": "cached",
    "cache_write": "cache write",
    "output": "output",
    "tier_surcharge": "tier",
    "time_of_day": "time of day",
    "batch_savings": "batch",
    "fees": "fees",
}


def estimate_table(
    result: Estimate,
    breakdown: bool = False,
    months: list[list[Decimal]] | None = None,
    limit: int | None = None,
    explain: bool = False,
) -> list[Any]:
    from rich.text import Text

    from tokenexport_cli.render.layout import Column, fitted

    title = (
        f"Monthly cost, {tokens_int(result.requests_per_month)} requests/month "
        f"(catalog {result.catalog_version}, {result.currency})"
    )
    shown = result.lines[:limit] if limit else result.lines
    currency = result.currency
    bands = [line.band_percent for line in shown]
    rebuilt = [line.reconstructed for line in shown]
    columns = [
        Column("#", right=True),
        Column("model"),
        Column("provider"),
        Column("path", movable=True),
        Column("monthly", right=True),
        Column("per 1K req", right=True, movable=True),
        Column("context", right=True, movable=True),
    ]
    cells = [
        [str(rank) for rank in range(1, len(shown) + 1)],
        [line.model for line in shown],
        [line.provider + (f" ({line.region})" if line.region else "") for line in shown],
        [line.path_kind for line in shown],
        at_least(money_column([line.monthly for line in shown], currency, bands, rebuilt), shown),
        at_least(
            money_column([line.per_1k_requests for line in shown], currency, bands, rebuilt),
            shown,
        ),
        [context_window(line.context_window) for line in shown],
    ]
    if months:
        columns.append(Column("month 12", right=True))
        month12 = [series[-1] for series in months[: len(shown)]]
        cells.append(at_least(money_column(month12, currency, bands, rebuilt), shown))
    if breakdown:
        for name in BREAKDOWN_FIELDS:
            columns.append(Column(BREAKDOWN_HEADERS[name], right=True, movable=True))
            amounts = [getattr(line.breakdown, name) for line in shown]
            cells.append(at_least(money_column(amounts, currency), shown))
    columns.append(Column("notes", note=True))
    cells.append(["; ".join(line.notes) for line in shown])
    rows = [list(row) for row in zip(*cells, strict=True)] if shown else []
    out: list[Any] = fitted(title, columns, rows, keys=3)
    if limit and len(result.lines) > limit:
        out.append(Text(f"... {len(result.lines) - limit} more (use --all or --top N)"))
    if result.exclusions and explain:
        out.append(Text("Excluded:"))
        out += [
            Text(f"  {item.model} via {item.provider}: {item.reason}") for item in result.exclusions
        ]
    elif result.exclusions:
        kinds = sorted({item.kind for item in result.exclusions})
        out.append(
            Text(f"{len(result.exclusions)} offers excluded ({', '.join(kinds)}); see --explain")
        )
    out.extend(Text(sentence) for sentence in unpublished_sentences(result.exclusions))
    if result.unpriced:
        names = ", ".join(u.model for u in result.unpriced)
        out.append(Text(f"Unpriced (no price on any path, never counted as free): {names}"))
    return out


def tokens_int(value: Decimal) -> str:
    return f"{value:,.0f}"


def recommendation_table(rec: Recommendation, explain: bool, limit: int) -> list[Any]:
    from rich.table import Table
    from rich.text import Text

    shown = rec.ranked[:limit]
    # benchmark columns appear only where a shown candidate has a score in them
    names = [n for n in rec.weights if any(n in item.scores for item in shown)]
    with_score = any(item.score is not None for item in shown)
    harness_note = compared_note(rec)
    from tokenexport_cli.render.layout import Column, fitted

    # the frontier needs scores: without any shown, neither its column nor its legend
    legend = " * = Pareto frontier of cost vs score;" if with_score else ""
    title = f"Recommendation ({rec.objective};{legend} catalog {rec.estimate.catalog_version})"
    columns = [
        Column("#", right=True),
        *([Column("")] if with_score else []),
        Column("model"),
        Column("provider"),
        Column("path", movable=True),
        Column("monthly", right=True),
        Column("context", right=True, movable=True),
    ]
    columns += [Column("score", right=True, movable=True)] if with_score else []
    columns += [Column(name, right=True, movable=True) for name in names]
    monthly = money_column(
        [item.line.monthly for item in shown],
        rec.estimate.currency,
        [item.line.band_percent for item in shown],
        [item.line.reconstructed for item in shown],
    )
    rows = []
    for rank, (item, cost) in enumerate(zip(shown, monthly, strict=True), start=1):
        line = item.line
        scores = (
            [f"{item.score:.1f}" if item.score is not None else "missing"] if with_score else []
        )
        rows.append(
            [
                str(rank),
                *(["*" if item.pareto else ""] if with_score else []),
                line.model,
                line.provider + (f" ({line.region})" if line.region else ""),
                line.path_kind,
                cost,
                context_window(line.context_window),
                *scores,
                *(
                    f"{item.scores[n].normalize():f}" if n in item.scores else "missing"
                    for n in names
                ),
            ]
        )
    out: list[Any] = fitted(title, columns, rows, keys=4 if with_score else 3)
    if with_score or names:
        out.append(Text(f"Scores compared within one harness and variant each: {harness_note}"))
    elif rec.weights:
        out.append(
            Text(
                "None of these candidates has scores for "
                + ", ".join(rec.weights)
                + "; --objective value or best ranks by them."
            )
        )
    if rec.ranked:
        best = rec.ranked[0]
        out.append(Text(_why(rec, best)))
    else:
        out.append(Text("No candidate meets the constraints; see --explain."))
    out.extend(Text(sentence) for sentence in dropped_sentences(rec))
    if explain and rec.excluded:
        excluded = Table(title=f"Excluded candidates ({len(rec.excluded)})", title_justify="left")
        for header in ("model", "provider", "reason"):
            excluded.add_column(header, overflow="fold")
        for skipped in sorted(rec.excluded, key=lambda e: (e.model, e.provider or "")):
            excluded.add_row(skipped.model, skipped.provider or "-", skipped.reason)
        out.append(excluded)
    elif rec.excluded:
        out.append(Text(f"{len(rec.excluded)} candidates excluded; add --explain to see why."))
    return out


def compared_note(rec: Recommendation) -> str:
    """Which harness and variant each benchmark is compared in, e.g. 'gpqa-diamond:
    vendor-reported, variant unspecified'."""
    return "; ".join(
        f"{name}: {harness}, variant {rec.variants.get(name, 'any')}"
        for name, harness in rec.harnesses.items()
    )


def dropped_sentences(rec: Recommendation) -> list[str]:
    """What unknown facts and missing scores cost the ranking, in plain sentences."""
    out = unpublished_sentences(rec.estimate.exclusions)
    if rec.dropped_unknown:
        counts = ", ".join(
            f"{count} with {why}" for why, count in sorted(rec.dropped_unknown.items())
        )
        out.append(
            f"Dropped for unknown data: {counts} (no sourced fact for their provider in the catalog)."
        )
    if rec.missing_scores:
        cheapest = rec.missing_scores[0]
        out.append(
            f"{len(rec.missing_scores)} candidates dropped only for missing scores; the cheapest of "
            f"them: {cheapest.model} via {cheapest.provider} at "
            f"{_cost(cheapest, cheapest.monthly)}/month."
        )
    return out


def _why(rec: Recommendation, best: Any) -> str:
    line = best.line
    parts = [
        f"Pick: {line.model} via {line.provider} ({line.path_kind}) at "
        f"{_cost(line, line.monthly)}/month"
    ]
    if rec.objective == "cheapest":
        parts.append("the cheapest candidate meeting every constraint")
    elif rec.objective == "value":
        parts.append(f"the highest score per {rec.estimate.currency} (score {best.score:.1f})")
    else:
        parts.append(f"the highest score within the constraints (score {best.score:.1f})")
    if len(rec.ranked) > 1:
        from tokenexport_cli.ranking import within_uncertainty

        runner = rec.ranked[1].line
        parts.append(
            f"next: {runner.model} via {runner.provider} at {_cost(runner, runner.monthly)}"
        )
        if within_uncertainty(line, runner):
            parts.append(
                "the two are within each other's token-count uncertainty, so either may "
                "cost less (count both exactly, or calibrate with tokx calibrate)"
            )
    return "; ".join(parts) + "."


def recommendation_payload(rec: Recommendation) -> payloads.RecommendOutput:
    result = rec.estimate
    ranked = []
    for item in rec.ranked:
        line = msgspec.structs.asdict(line_payload(item.line))
        ranked.append(
            payloads.RankedLine(
                **line,
                score=_optional(item.score),
                scores={k: decimal_str(v) for k, v in item.scores.items()},
                pareto=item.pareto,
            )
        )
    return payloads.RecommendOutput(
        catalog_version=result.catalog_version,
        currency=result.currency,
        requests_per_month=decimal_str(result.requests_per_month),
        workload_digest=result.workload_digest,
        fx=dict(result.fx_sources),
        objective=rec.objective,
        weights={k: decimal_str(v) for k, v in rec.weights.items()},
        harnesses=dict(rec.harnesses),
        variants=dict(rec.variants),
        dropped_unknown=dict(rec.dropped_unknown),
        dropped_unpublished_price=[
            _excluded(e.model, e.provider, e.reason) for e in unpublished(rec.estimate.exclusions)
        ],
        missing_scores=payloads.MissingScores(
            count=len(rec.missing_scores),
            cheapest=line_payload(rec.missing_scores[0]) if rec.missing_scores else None,
        ),
        ranked=ranked,
        excluded=[_excluded(e.model, e.provider, e.reason) for e in rec.excluded],
    )


def recommendation_view(rec: Recommendation, explain: bool, limit: int) -> View:
    return View(
        payload=recommendation_payload(rec),
        records="ranked",
        title=f"Recommendation ({rec.objective})",
        table=lambda: recommendation_table(rec, explain, limit),
    )
