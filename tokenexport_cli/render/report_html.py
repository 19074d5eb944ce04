"""Render the shareable HTML report: one self-contained, print-friendly file with no requests."""

from __future__ import annotations

from decimal import Decimal
from importlib.resources import files

from tokenexport_cli.api.report import Report
from tokenexport_cli.ranking import Ranked, Recommendation
from tokenexport_cli.render.cost import compared_note, decimal_str, dropped_sentences, tokens_int
from tokenexport_cli.render.report_svg import Point, scatter_svg
from tokenexport_cli.render.report_tables import (
    TOP_OPTIONS,
    esc,
    excluded_section,
    money_cell,
    option_text,
    paths_section,
    projection_section,
    score_text,
    sources_section,
    table,
)
from tokenexport_cli.render.text import money
from tokenexport_cli.workload.stats import token_stats

# Nothing may load: styles are inline, the plot is inline SVG, and there is no script at all.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _why(rec: Recommendation) -> list[str]:
    """The reasons for the pick, in plain sentences."""
    ranked = rec.ranked
    pick = ranked[0]
    currency = rec.estimate.currency
    weights = ", ".join(
        f"{name} ({rec.harnesses.get(name, '?')}) x{weight.normalize():f}"
        for name, weight in rec.weights.items()
    )
    reasons = [
        f"Highest benchmark score per {currency} of the {len(ranked)} options that have scores: "
        f"score {score_text(pick.score)}, the weighted mean of {weights}."
    ]
    if pick.pareto:
        reasons.append("On the Pareto frontier: no option is both cheaper and better.")
    # a self-host line is whole replicas committed for the month, not a pay-per-token price:
    # it is named as such, never as "the cheapest scored option"
    per_token = [r for r in ranked if r.line.path_kind != "selfhost"]
    cheapest = min(per_token, key=lambda r: (r.line.monthly, r.line.model)) if per_token else None
    if cheapest is not None and cheapest is not pick:
        reasons.append(
            f"The cheapest scored pay-per-token option, {option_text(cheapest.line)}, costs "
            f"{money(cheapest.line.monthly, currency)}/month for a score of "
            f"{score_text(cheapest.score)}."
        )
    hosted = [r for r in ranked if r.line.path_kind == "selfhost"]
    if hosted:
        first = min(hosted, key=lambda r: (r.line.monthly, r.line.model))
        reasons.append(
            f"Self-hosting {first.line.model} commits {money(first.line.monthly, currency)}/month "
            f"({'; '.join(first.line.notes)})."
        )
    best = max(ranked, key=lambda r: (r.score or 0, -r.line.monthly))
    if best is not pick and best.score is not None and pick.score is not None:
        times = best.line.monthly / pick.line.monthly if pick.line.monthly else Decimal(0)
        reasons.append(
            f"The best score, {score_text(best.score)} from {option_text(best.line)}, costs "
            f"{money(best.line.monthly, currency)}/month: {times:.1f}x the pick for "
            f"{best.score - pick.score:+.1f} points."
        )
    if len(ranked) > 1:
        runner = ranked[1]
        reasons.append(
            f"Runner-up: {option_text(runner.line)} at {money(runner.line.monthly, currency)}/month, "
            f"score {score_text(runner.score)}."
        )
    reasons.append(f"Scores compared within one harness and variant each: {compared_note(rec)}.")
    return reasons + dropped_sentences(rec)


def _pick_section(report: Report) -> str:
    rec = report.recommendation
    lines = rec.estimate.lines
    cheapest = (
        f"<p class=note>Cheapest option overall, with or without scores: "
        f"{esc(option_text(lines[0]))} at {esc(money(lines[0].monthly, lines[0].currency))}/month.</p>"
        if lines
        else ""
    )
    if not rec.ranked:
        dropped = "".join(f"<p class=note>{esc(text)}</p>" for text in dropped_sentences(rec))
        return (
            '<section id="recommendation"><h2>Recommendation</h2><div class="pick-card">'
            '<p class="headline">No option has benchmark scores for '
            f"{esc(', '.join(rec.weights) or 'the chosen benchmarks')}.</p>"
            f"{cheapest}{dropped}</div></section>"
        )
    line = rec.ranked[0].line
    why = "".join(f"<li>{esc(reason)}</li>" for reason in _why(rec))
    asked = (
        f"<p class=note>Constraints: {esc('; '.join(report.constraints))}.</p>"
        if report.constraints
        else "<p class=note>Constraints: none.</p>"
    )
    return (
        '<section id="recommendation"><h2>Recommendation</h2><div class="pick-card">'
        f'<p class="headline">Pick {esc(line.model)} via {esc(line.provider)} '
        f"({esc(line.path_kind)}) at {esc(money(line.monthly, line.currency, line.band_percent, line.reconstructed))}"
        f"/month</p><p class=note>Objective: {esc(rec.objective)}.</p>{asked}<ul>{why}</ul>"
        f"</div>{cheapest}</section>"
    )


def _fact(key: str, value: str, data: str | None = None) -> str:
    attr = f' data-value="{esc(data)}"' if data is not None else ""
    return f'<div class="fact"><div class="k">{esc(key)}</div><div class="v"{attr}>{esc(value)}</div></div>'


def _percent(value: Decimal) -> str:
    return f"{(value * 100).normalize():f}%"


def _workload_section(report: Report) -> str:
    estimate = report.recommendation.estimate
    requests = estimate.requests_per_month
    first = report.usages[0].usage if report.usages else None
    facts = [
        _fact("requests / month", tokens_int(requests), decimal_str(requests)),
        _fact("growth / month", f"{report.growth_percent.normalize():f}%"),
    ]
    if first is not None:
        facts += [
            _fact("batch share", _percent(first.batch_fraction)),
            _fact("cache hit rate", _percent(first.cache_hit_rate)),
            _fact("shared prefix", f"{first.prefix_tokens:,} tokens"),
        ]
    rows = []
    for item in report.usages:
        usage = item.usage
        inputs = token_stats(shape.input_tokens for shape in usage.shapes)
        outputs = token_stats(shape.output_tokens for shape in usage.shapes)
        per_request = Decimal(inputs.total) / inputs.requests
        monthly_in = per_request * requests
        monthly_out = Decimal(outputs.total) / outputs.requests * requests
        fixed = item.family == "fixed"
        family = "fixed counts" if fixed else item.family
        models = "every model" if fixed else ", ".join(item.models)
        band = f" ±{usage.band_percent.normalize():f}%" if usage.band_percent is not None else ""
        rows.append(
            f"<tr><td>{esc(family)}{esc(band)}</td>"
            f'<td class="num">{inputs.requests:,}</td>'
            f'<td class="num" data-value="{decimal_str(inputs.mean)}">{inputs.mean:,.0f}</td>'
            f'<td class="num">{inputs.p50:,}</td><td class="num">{inputs.p95:,}</td>'
            f'<td class="num">{inputs.max:,}</td>'
            f'<td class="num" data-value="{decimal_str(outputs.mean)}">{outputs.mean:,.0f}</td>'
            f'<td class="num" data-value="{decimal_str(monthly_in)}">{tokens_int(monthly_in)}</td>'
            f'<td class="num" data-value="{decimal_str(monthly_out)}">{tokens_int(monthly_out)}</td>'
            f"<td>{esc(models)}</td></tr>"
        )
    headers = ["tokenizer", "samples", "input mean", "p50", "p95", "max", "output mean"]
    headers += ["input / month", "output / month", "models in this report"]
    tokens_table = table(headers, rows, headers[1:-1])
    return (
        f'<section id="workload"><h2>Workload</h2><p>{esc(report.workload)}</p>'
        f'<div class="facts">{"".join(facts)}</div><h3>Tokens per request</h3>{tokens_table}'
        '<p class="note">Token counts per tokenizer family: each model is priced with its own '
        "tokenizer's counts (± marks an approximate family and its error band).</p></section>"
    )


def _points(rec: Recommendation) -> list[Point]:
    """One point per model: its cheapest scored path (a model's frontier point is that one)."""
    cheapest: dict[str, Ranked] = {}
    for item in rec.ranked:
        if item.score is None:
            continue
        known = cheapest.get(item.line.model)
        if known is None or item.line.monthly < known.line.monthly:
            cheapest[item.line.model] = item
    pick = rec.ranked[0].line.model if rec.ranked else None
    return [
        Point(model, item.line.monthly, item.score, item.pareto, model == pick)
        for model, item in cheapest.items()
        if item.score is not None
    ]


def _scatter_section(report: Report) -> str:
    rec = report.recommendation
    harnesses = ", ".join(f"{name}: {harness}" for name, harness in rec.harnesses.items())
    return (
        '<section id="scatter"><h2>Cost vs quality</h2><figure>'
        f"{scatter_svg(_points(rec), rec.estimate.currency)}"
        '<div class="legend"><span class="l-pick">recommended</span>'
        '<span class="l-front">Pareto frontier</span><span class="l-other">other option</span>'
        '<span class="l-step">frontier: best score for the money</span></div>'
        "<figcaption>Each model at its cheapest path. Scores are compared within one harness "
        f"each ({esc(harnesses or 'none')}); models without scores are not plotted.</figcaption>"
        f"</figure>{_optionstable(rec)}</section>"
    )


def _optionstable(rec: Recommendation) -> str:
    rows = []
    for rank, item in enumerate(rec.ranked[:TOP_OPTIONS], start=1):
        line = item.line
        tags = '<span class="tag pick">pick</span> ' if rank == 1 else ""
        tags += '<span class="tag front">frontier</span>' if item.pareto else ""
        per = item.score / line.monthly * 1000 if item.score is not None and line.monthly else None
        rows.append(
            f'<tr class="{"is-pick" if rank == 1 else ""}"><td class="num">{rank}</td>'
            f'<td>{tags}</td><td class="id">{esc(line.model)}</td><td>{esc(line.provider)}</td>'
            f"<td>{esc(line.path_kind)}</td>{money_cell(line.monthly, line)}"
            f'<td class="num">{score_text(item.score)}</td><td class="num">{score_text(per)}</td></tr>'
        )
    currency = rec.estimate.currency
    headers = ["#", "", "model", "provider", "path", "monthly", "score", f"score per 1K {currency}"]
    title = f"<h3>Best value: top {min(TOP_OPTIONS, len(rec.ranked))} of {len(rec.ranked)}</h3>"
    return title + table(headers, rows, ("#", "monthly", "score", headers[-1]))


def render_report(report: Report) -> str:
    """The whole report as one HTML document."""
    rec = report.recommendation
    css = files("tokenexport_cli.render").joinpath("report.css").read_text(encoding="utf-8")
    meta = (
        f"Catalog {report.index.catalog.version} · {rec.estimate.currency} · "
        f"generated {report.generated.isoformat()} by tokx {report.tool_version}"
    )
    body = "".join(
        (
            _pick_section(report),
            _workload_section(report),
            _scatter_section(report),
            projection_section(report),
            paths_section(report),
            excluded_section(rec),
            sources_section(report),
        )
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(report.title)} · tokx report</title><style>{css}</style></head>"
        f'<body><main><header class="top"><h1>{esc(report.title)}</h1>'
        f'<p class="meta">{esc(meta)}</p></header>{body}'
        "<footer>Costs are estimates from catalogued list prices and the workload above; "
        "check the sources before committing. Made with tokx.</footer></main></body></html>\n"
    )
