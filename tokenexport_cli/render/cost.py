"""Render cost results: estimate tables, recommendations, path comparisons, self-host figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec

from tokenexport_cli.pricing.engine import BREAKDOWN_FIELDS, CostLine
from tokenexport_cli.pricing.estimate import Estimate
from tokenexport_cli.ranking import Recommendation
from tokenexport_cli.render.text import money, tokens

JSON_SCHEMA_VERSION = 1
JSON_PLACES = Decimal("1e-10")


def decimal_str(value: Decimal) -> str:
    """Money in JSON: a decimal string to 10 places, trailing zeros dropped."""
    text = format(value.quantize(JSON_PLACES).normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _json(payload: dict[str, Any]) -> str:
    return msgspec.json.format(msgspec.json.encode(payload), indent=2).decode()


def line_json(line: CostLine) -> dict[str, Any]:
    return {
        "model": line.model,
        "provider": line.provider,
        "region": line.region,
        "path_kind": line.path_kind,
        "currency": line.currency,
        "monthly": decimal_str(line.monthly),
        "per_1k_requests": decimal_str(line.per_1k_requests),
        "calls_per_request": decimal_str(line.calls_per_request),
        "context_window": line.context_window,
        "approximate_band_percent": (
            decimal_str(line.band_percent) if line.band_percent is not None else None
        ),
        "breakdown": {
            name: decimal_str(getattr(line.breakdown, name)) for name in BREAKDOWN_FIELDS
        },
        "notes": list(line.notes),
    }


def estimate_payload(result: Estimate) -> dict[str, Any]:
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "catalog_version": result.catalog_version,
        "currency": result.currency,
        "requests_per_month": decimal_str(result.requests_per_month),
        "workload_digest": result.workload_digest,
        "lines": [line_json(line) for line in result.lines],
        "excluded": [
            {"model": e.model, "provider": e.provider, "reason": e.reason}
            for e in result.exclusions
        ],
        "unpriced": [{"model": u.model, "reason": u.reason} for u in result.unpriced],
        "fx": result.fx_sources,
    }


def estimate_json(result: Estimate, months: list[list[Decimal]] | None = None) -> str:
    payload = estimate_payload(result)
    if months:
        for line, series in zip(payload["lines"], months, strict=True):
            line["projection"] = [decimal_str(value) for value in series]
    return _json(payload)


def _cost(line: CostLine, value: Decimal) -> str:
    return money(value, line.currency, line.band_percent)


def estimate_table(
    result: Estimate,
    breakdown: bool = False,
    months: list[list[Decimal]] | None = None,
    limit: int | None = None,
) -> list[Any]:
    from rich.table import Table
    from rich.text import Text

    title = (
        f"Monthly cost, {tokens_int(result.requests_per_month)} requests/month "
        f"(catalog {result.catalog_version}, {result.currency})"
    )
    table = Table(title=title, title_justify="left")
    headers = ["#", "model", "provider", "path", "monthly", "per 1K req", "context"]
    if breakdown:
        headers += [
            "input",
            "cached",
            "cache write",
            "output",
            "tier",
            "time of day",
            "batch",
            "fees",
        ]
    if months:
        headers += ["month 12"]
    headers += ["notes"]
    for header in headers:
        right = header in ("#", "monthly", "per 1K req", "context", "month 12") or (
            breakdown
            and header
            in ("input", "cached", "cache write", "output", "tier", "time of day", "batch", "fees")
        )
        table.add_column(header, justify="right" if right else "left", overflow="fold")
    shown = result.lines[:limit] if limit else result.lines
    for rank, line in enumerate(shown, start=1):
        row = [
            str(rank),
            line.model,
            line.provider + (f" ({line.region})" if line.region else ""),
            line.path_kind,
            _cost(line, line.monthly),
            _cost(line, line.per_1k_requests),
            tokens(line.context_window),
        ]
        if breakdown:
            row += [
                money(getattr(line.breakdown, name), line.currency) for name in BREAKDOWN_FIELDS
            ]
        if months:
            row += [_cost(line, months[rank - 1][-1])]
        row.append("; ".join(line.notes))
        table.add_row(*row)
    out: list[Any] = [table]
    if limit and len(result.lines) > limit:
        out.append(Text(f"... {len(result.lines) - limit} more (use --all)"))
    if result.exclusions:
        out.append(
            Text(
                f"{len(result.exclusions)} offers excluded (context window); "
                "see --format json or tokx recommend --explain"
            )
        )
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
    table = Table(
        title=f"Recommendation ({rec.objective}; * = Pareto frontier of cost vs score;"
        f" catalog {rec.estimate.catalog_version})",
        title_justify="left",
    )
    headers = ["#", "", "model", "provider", "path", "monthly", "context"]
    headers += (["score"] if with_score else []) + names
    for header in headers:
        table.add_column(
            header,
            justify="right" if header in ("#", "monthly", "score") else "left",
            no_wrap=header in ("model", "path", "monthly"),
            overflow="fold",
        )
    for rank, item in enumerate(shown, start=1):
        line = item.line
        scores = (
            [f"{item.score:.1f}" if item.score is not None else "missing"] if with_score else []
        )
        table.add_row(
            str(rank),
            "*" if item.pareto else "",
            line.model,
            line.provider,
            line.path_kind,
            _cost(line, line.monthly),
            tokens(line.context_window),
            *scores,
            *(f"{item.scores[n].normalize():f}" if n in item.scores else "missing" for n in names),
        )
    out: list[Any] = [table]
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
    out = []
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
        runner = rec.ranked[1].line
        parts.append(
            f"next: {runner.model} via {runner.provider} at {_cost(runner, runner.monthly)}"
        )
    return "; ".join(parts) + "."


def recommendation_json(rec: Recommendation) -> str:
    payload = estimate_payload(rec.estimate)
    del payload["lines"], payload["excluded"], payload["unpriced"]
    payload.update(
        {
            "objective": rec.objective,
            "weights": {k: decimal_str(v) for k, v in rec.weights.items()},
            "harnesses": dict(rec.harnesses),
            "variants": dict(rec.variants),
            "dropped_unknown": dict(rec.dropped_unknown),
            "missing_scores": {
                "count": len(rec.missing_scores),
                "cheapest": line_json(rec.missing_scores[0]) if rec.missing_scores else None,
            },
            "ranked": [
                {
                    **line_json(item.line),
                    "score": decimal_str(item.score) if item.score is not None else None,
                    "scores": {k: decimal_str(v) for k, v in item.scores.items()},
                    "pareto": item.pareto,
                }
                for item in rec.ranked
            ],
            "excluded": [
                {"model": e.model, "provider": e.provider, "reason": e.reason} for e in rec.excluded
            ],
        }
    )
    return _json(payload)
