"""The report's tables: projection, delivery paths, excluded candidates, catalog and sources."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING

from tokenexport_cli.catalog import CatalogIndex
from tokenexport_cli.pricing.engine import CostLine
from tokenexport_cli.ranking import Comparison, Recommendation
from tokenexport_cli.render.cost import decimal_str
from tokenexport_cli.render.text import money, price, tokens
from tokenexport_cli.schema import Offer

if TYPE_CHECKING:
    from tokenexport_cli.api.report import Report

TOP_OPTIONS = 15


def esc(value: object) -> str:
    """Any text for HTML content or an attribute value."""
    return escape(str(value), quote=True)


def money_cell(value: Decimal, line: CostLine | None = None, currency: str = "USD") -> str:
    shown = (
        money(value, line.currency, line.band_percent, line.reconstructed)
        if line
        else money(value, currency)
    )
    return f'<td class="num" data-value="{decimal_str(value)}">{esc(shown)}</td>'


def table(
    headers: Sequence[str], rows: Iterable[str], numeric: Iterable[str] = (), kind: str = ""
) -> str:
    """A table; ``kind="long"`` lets it break across printed pages (row by row)."""
    right = set(numeric)
    numeric_class = ' class="num"'
    head = "".join(f"<th{numeric_class if h in right else ''}>{esc(h)}</th>" for h in headers)
    opening = f'<table class="{kind}">' if kind else "<table>"
    return f"{opening}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def score_text(value: Decimal | None) -> str:
    return f"{value:.1f}" if value is not None else "-"


def option_text(line: CostLine) -> str:
    return f"{line.model} via {line.provider} ({line.path_kind})"


def projection_section(report: Report) -> str:
    if not report.projections:
        return ""
    months = len(report.projections[0][1])
    heads = "".join(
        f'<th class="num">{esc(line.model)}<br><span class="note">{esc(line.provider)} '
        f"({esc(line.path_kind)})</span></th>"
        for line, _ in report.projections
    )
    rows = []
    for month in range(months):
        cells = "".join(money_cell(series[month], line) for line, series in report.projections)
        rows.append(f'<tr><td class="num">{month + 1}</td>{cells}</tr>')
    totals = "".join(
        money_cell(sum(series, Decimal(0)), line) for line, series in report.projections
    )
    rows.append(f'<tr class="total"><td><strong>total</strong></td>{totals}</tr>')
    projection_table = (
        f'<table><thead><tr><th class="num">month</th>{heads}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    growth = f"{report.growth_percent.normalize():f}%"
    return (
        f'<section id="projection"><h2>{months}-month projection</h2>'
        f"<p>Monthly cost with traffic growing {esc(growth)} a month (compounding), "
        "for the pick, the runner-up and the cheapest option.</p>"
        f"{projection_table}</section>"
    )


def _path_rows(comparison: Comparison) -> list[str]:
    rows = []
    cheapest = comparison.cheapest
    for row in comparison.rows:
        offer, line, provider = row.offer, row.line, row.provider
        name = provider.id if provider else (line.provider if line else "-")
        kind = line.path_kind if line else (provider.kind if provider else "-")
        cost = money_cell(line.monthly, line) if line else '<td class="num">excluded</td>'
        prices = (
            f"{price(offer.input, offer.currency)} / {price(offer.output, offer.currency)}"
            if offer
            else "GPU rental"
        )
        billed = (
            " ".join(filter(None, (provider.billing_entity, provider.billing_country)))
            if provider
            else ""
        )
        context = line.context_window if line else (offer.context_window if offer else None)
        note = row.reason or ("cheapest path" if row is cheapest else "")
        rows.append(
            f'<tr class="{"is-pick" if row is cheapest else ""}"><td>{esc(name)}</td>'
            f"<td>{esc(kind)}</td>{cost}<td>{esc(prices)}</td>"
            f'<td class="num">{esc(tokens(context))}</td><td>{esc(billed or "-")}</td>'
            f"<td>{esc(note)}</td></tr>"
        )
    return rows


def paths_section(report: Report) -> str:
    if not report.comparisons:
        return ""
    headers = ["provider", "path", "monthly", "in / out per 1M", "context", "billed by", "note"]
    parts = []
    for comparison in report.comparisons:
        model = comparison.model
        parts.append(
            f'<div class="paths"><h3>{esc(model.name)} <code>{esc(model.id)}</code></h3>'
            f"{table(headers, _path_rows(comparison), ('monthly', 'context'))}</div>"
        )
    return (
        f'<section id="paths"><h2>Delivery paths for the top {len(report.comparisons)} models'
        "</h2><p>The same model from its vendor, aggregators, platforms, clouds and "
        "self-hosting; prices per million tokens in the provider's currency.</p>"
        f"{''.join(parts)}</section>"
    )


def _candidates(paths: dict[str, list[str]]) -> str:
    """``model (provider)``, ``model (4 paths)`` or a bare model id when it has no offer."""
    shown = []
    for model, providers in sorted(paths.items()):
        named = sorted({p for p in providers if p != "-"})
        detail = named[0] if len(named) == 1 else f"{len(named)} paths" if named else ""
        shown.append(f"{model} ({detail})" if detail else model)
    return ", ".join(shown)


def excluded_section(rec: Recommendation) -> str:
    """Excluded candidates grouped by reason, the most common reason first."""
    groups: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for item in rec.excluded:
        groups[item.reason][item.model].append(item.provider or "-")
    ordered = sorted(groups.items(), key=lambda kv: (-sum(map(len, kv[1].values())), kv[0]))
    rows = [
        f'<tr><td>{esc(reason)}</td><td class="num">{sum(map(len, paths.values()))}</td>'
        f"<td>{esc(_candidates(paths))}</td></tr>"
        for reason, paths in ordered
    ]
    models = len({item.model for item in rec.excluded})
    body = (
        table(["reason", "options", "models (paths)"], rows, ["options"], "long")
        if rows
        else "<p>None: every priced option was ranked.</p>"
    )
    return (
        f'<section id="excluded"><h2>Excluded candidates</h2><p>{len(rec.excluded)} options '
        f"({models} models) were left out of the ranking, and why. Options without benchmark "
        "scores are still priced (see <code>tokx estimate</code>); they cannot be ranked for "
        f"value.</p>{body}</section>"
    )


def _offer_for(index: CatalogIndex, line: CostLine) -> Offer | None:
    for offer in index.offers(line.model):
        if offer.provider == line.provider and offer.region == line.region:
            return offer
    return None


def sources_section(report: Report) -> str:
    index, rec = report.index, report.recommendation
    catalog = index.catalog
    shown = [item.line for item in rec.ranked[:TOP_OPTIONS]]
    shown += [row.line for c in report.comparisons for row in c.rows if row.line is not None]
    offers: dict[tuple[str, str, str], Offer] = {}
    for line in shown:
        offer = _offer_for(index, line)
        if offer is not None:
            offers.setdefault(offer.key, offer)
    price_rows = [
        f"<tr><td>{esc(o.model)}</td><td>{esc(o.provider)}</td>"
        f'<td><span class="url">{esc(o.source)}</span></td><td>{o.as_of.isoformat()}</td></tr>'
        for _, o in sorted(offers.items())
    ]
    bench_rows = []
    for model in sorted({item.line.model for item in rec.ranked[:TOP_OPTIONS]}):
        for bench in index.benchmarks_by_model.get(model, []):
            if rec.harnesses.get(bench.benchmark) == bench.harness:
                bench_rows.append(
                    f"<tr><td>{esc(model)}</td><td>{esc(bench.benchmark)}</td>"
                    f'<td class="num">{bench.score.normalize():f}</td><td>{esc(bench.harness)}</td>'
                    f'<td><span class="url">{esc(bench.source)}</span></td></tr>'
                )
    catalog_rows = [
        f'<tr><td>{esc(s.title)}</td><td><span class="url">{esc(s.url)}</span></td>'
        f"<td>{s.as_of.isoformat()}</td><td>{esc(s.license or '-')}</td></tr>"
        for s in catalog.sources
    ]
    catalog_table = table(["source", "address", "as of", "license"], catalog_rows)
    price_table = table(["model", "provider", "source", "as of"], price_rows, (), "long")
    bench_headers = ["model", "benchmark", "score", "harness", "source"]
    bench_table = table(bench_headers, bench_rows, ["score"], "long")
    fx = "; ".join(f"{code}: {source}" for code, source in rec.estimate.fx_sources.items())
    overlays = f" plus overlays {', '.join(catalog.overlays)}" if catalog.overlays else ""
    return (
        '<section id="sources"><h2>Catalog and sources</h2>'
        f"<p>Catalog <strong>{esc(catalog.version)}</strong> (released "
        f"{catalog.released.isoformat()}){esc(overlays)}. Source addresses are printed as text, "
        "not links: this file never loads anything.</p>"
        f"<h3>Catalog sources</h3>{catalog_table}"
        f"<h3>Prices shown in this report</h3>{price_table}"
        f"<h3>Benchmark scores used</h3>{bench_table}"
        f"{f'<p class=note>Exchange rates: {esc(fx)}</p>' if fx else ''}</section>"
    )
