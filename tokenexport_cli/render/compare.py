"""Render a model's delivery paths side by side, and self-hosting break-even figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tokenexport_cli.pricing.selfhost import Breakeven
from tokenexport_cli.ranking import Comparison, PathRow
from tokenexport_cli.render import payloads
from tokenexport_cli.render.cost import decimal_str, line_payload
from tokenexport_cli.render.output import View
from tokenexport_cli.render.text import money, money_column, price, tokens


def _fees(row: PathRow) -> str:
    if row.provider is None or not row.provider.fees:
        return "-"
    return ", ".join(
        f"{fee.percent.normalize():f}% {fee.kind.replace('_', ' ')}" for fee in row.provider.fees
    )


def _cost_label(comparison: Comparison) -> str:
    return "per 1M tokens (3:1 in:out)" if comparison.blended else "monthly"


def compare_table(comparison: Comparison) -> list[Any]:
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    from tokenexport_cli.render.layout import Column, fitted

    model = comparison.model
    title = (
        f"{escape(model.name)} \\[{model.id}] across {len(comparison.rows)} delivery paths "
        f"(catalog {comparison.estimate.catalog_version})"
    )
    columns = [
        Column("provider"),
        Column("path"),
        Column(_cost_label(comparison), right=True),
        Column("in/out per 1M", right=True, movable=True),
        Column("context", right=True, movable=True),
        Column("billed by", movable=True),
        Column("regions", movable=True, note=True),
        Column("cache", movable=True),
        Column("batch", movable=True),
        Column("fees", movable=True),
        Column("note", movable=True, note=True),
    ]
    cells: list[list[str]] = []
    priced = [row.line for row in comparison.rows if row.line is not None]
    costs = iter(
        money_column(
            [line.monthly for line in priced],
            priced[0].currency if priced else "USD",
            [line.band_percent for line in priced],
            [line.reconstructed for line in priced],
        )
    )
    for row in comparison.rows:
        offer, line, provider = row.offer, row.line, row.provider
        cost = next(costs) if line else "excluded"
        billed = "-"
        if provider is not None and (provider.billing_entity or provider.billing_country):
            billed = " ".join(filter(None, (provider.billing_entity, provider.billing_country)))
        cells.append(
            [
                line.provider if provider is None and line else (provider.id if provider else "-"),
                line.path_kind if line else (provider.kind if provider else "-"),
                cost,
                f"{price(offer.input, offer.currency)}/{price(offer.output, offer.currency)}"
                if offer
                else "GPU rental",
                tokens(
                    line.context_window
                    if line
                    else (offer.context_window if offer else None) or model.context_window
                ),
                billed,
                (
                    offer.region
                    if offer and offer.region
                    else ", ".join(provider.regions)
                    if provider and provider.regions
                    else ""  # a note column: empty, not a footnote of "-"
                ),
                ("read " + price(offer.cache_read, offer.currency))
                if offer and offer.cache_read is not None
                else "-",
                "yes" if offer and offer.batch else "-",
                _fees(row),
                row.reason or "",
            ]
        )
    # columns no path has data for (e.g. billing entity where no source states it) are left out
    keep = [i for i, _ in enumerate(columns) if i < 3 or any(c[i] not in ("-", "") for c in cells)]
    out: list[Any] = fitted(
        title,
        [columns[i] for i in keep],
        [[row_cells[i] for i in keep] for row_cells in cells],
        keys=2,
    )
    sources = Table(title="Sources", title_justify="left")
    for header in ("provider", "price source", "as of"):
        sources.add_column(header, overflow="fold")
    for row in comparison.rows:
        if row.offer is not None:
            sources.add_row(row.offer.provider, row.offer.source, row.offer.as_of.isoformat())
    out.append(sources)
    if comparison.cheapest and comparison.cheapest.line:
        line = comparison.cheapest.line
        out.append(
            Text(
                f"Cheapest path under your constraints: {line.provider} "
                f"({line.path_kind}) at {money(line.monthly, line.currency)} "
                f"{'per 1M tokens' if comparison.blended else 'a month'}."
            )
        )
    else:
        out.append(Text("No path meets your constraints."))
    if not comparison.rows:
        out.append(Text(f"No offers: {model.note or 'no price on any delivery path'}"))
    return out


def compare_payload(comparison: Comparison) -> payloads.CompareOutput:
    rows = []
    for row in comparison.rows:
        provider = row.provider
        rows.append(
            payloads.PathCost(
                provider=provider.id if provider else (row.line.provider if row.line else None),
                path_kind=provider.kind if provider else "selfhost",
                billing_entity=provider.billing_entity if provider else None,
                billing_country=provider.billing_country if provider else None,
                regions=list(provider.regions) if provider else [],
                cost=line_payload(row.line) if row.line else None,
                eligible=row.line is not None and row.reason is None,
                reason=row.reason,
                source=row.offer.source if row.offer else None,
            )
        )
    cheapest = comparison.cheapest
    return payloads.CompareOutput(
        catalog_version=comparison.estimate.catalog_version,
        model=comparison.model.id,
        cost_basis="per_1m_tokens_3_to_1" if comparison.blended else "monthly",
        paths=rows,
        cheapest=cheapest.line.provider if cheapest and cheapest.line else None,
    )


def compare_view(comparison: Comparison) -> View:
    return View(
        payload=compare_payload(comparison),
        records="paths",
        title=f"{comparison.model.id} across delivery paths",
        table=lambda: compare_table(comparison),
    )


def selfhost_table(
    model: str, points: list[Breakeven], requests: Decimal, catalog_version: str
) -> list[Any]:
    from rich.table import Table
    from rich.text import Text

    out: list[Any] = []
    for point in points:
        rig = point.rig
        per_in, per_out = rig.usd_per_million()
        table = Table(
            title=f"Self-hosting {model} on {rig.gpus} x {rig.profile.gpu} "
            f"(catalog {catalog_version}, USD)",
            title_justify="left",
        )
        table.add_column("figure")
        table.add_column("value", justify="right")
        rows = [
            ("input tokens, per 1M", money(per_in)),
            ("output tokens, per 1M", money(per_out)),
            ("one replica, a month (always on)", money(rig.monthly_fixed_usd())),
            ("replica-seconds per request", f"{point.seconds_per_request:.3f}"),
            ("requests a month one replica serves", f"{point.capacity_per_replica:,.0f}"),
            (f"replicas for {requests:,.0f} requests/month", str(point.replicas_needed)),
            ("rented replicas, a month", money(point.monthly_fixed)),
            ("per request at full load", money(point.cost_per_request_full)),
        ]
        if point.api_line is not None:
            api = point.api_line
            rows.append(
                (
                    f"cheapest API: {api.provider} ({api.path_kind}), per request",
                    money(api.per_request),
                )
            )
            rows.append((f"cheapest API for {requests:,.0f} requests/month", money(api.monthly)))
        for label, value in rows:
            table.add_row(label, value)
        out.append(table)
        if point.api_line is None:
            out.append(Text("No API price for this model: no break-even to compute."))
        elif point.breakeven_requests is None:
            out.append(
                Text(
                    "Break-even: never. Even fully loaded, a rented replica costs more "
                    "per request than the cheapest API path."
                )
            )
        else:
            out.append(
                Text(
                    f"Break-even: above {point.breakeven_requests:,.0f} requests a month "
                    "always-on replicas cost less than the cheapest API path."
                )
            )
        out.append(Text("Assumptions: " + "; ".join(rig.assumptions())))
    return out


def selfhost_payload(
    model: str, points: list[Breakeven], requests: Decimal, catalog_version: str
) -> payloads.SelfhostOutput:
    entries = []
    for point in points:
        per_in, per_out = point.rig.usd_per_million()
        entries.append(
            payloads.SelfhostProfile(
                serving_profile=point.rig.profile.id,
                gpu=point.rig.profile.gpu,
                gpus=point.rig.gpus,
                usd_per_gpu_hour=decimal_str(point.rig.usd_per_gpu_hour),
                utilization=decimal_str(point.rig.utilization),
                usd_per_million_input=decimal_str(per_in),
                usd_per_million_output=decimal_str(per_out),
                replica_monthly_usd=decimal_str(point.rig.monthly_fixed_usd()),
                capacity_requests_per_replica=decimal_str(point.capacity_per_replica),
                replicas_needed=point.replicas_needed,
                monthly_fixed_usd=decimal_str(point.monthly_fixed),
                cheapest_api=line_payload(point.api_line) if point.api_line else None,
                breakeven_requests_per_month=(
                    decimal_str(point.breakeven_requests)
                    if point.breakeven_requests is not None
                    else None
                ),
                assumptions=list(point.rig.assumptions()),
            )
        )
    return payloads.SelfhostOutput(
        catalog_version=catalog_version,
        model=model,
        requests_per_month=decimal_str(requests),
        profiles=entries,
    )


def selfhost_view(
    model: str, points: list[Breakeven], requests: Decimal, catalog_version: str
) -> View:
    return View(
        payload=selfhost_payload(model, points, requests, catalog_version),
        records="profiles",
        title=f"Self-hosting {model}",
        table=lambda: selfhost_table(model, points, requests, catalog_version),
    )
