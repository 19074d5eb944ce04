"""Render catalog listings: models, one model's offers across paths, versions."""

from __future__ import annotations

from typing import Any

import msgspec

from tokenexport_cli.catalog import CatalogIndex
from tokenexport_cli.catalog.locate import VersionDir
from tokenexport_cli.render import payloads
from tokenexport_cli.render.output import View
from tokenexport_cli.render.text import context_window, price, price_column, tokens
from tokenexport_cli.schema import Model, Offer


def models_view(models: list[Model], index: CatalogIndex) -> View:
    listed = [
        payloads.ListedModel(
            **msgspec.structs.asdict(model),
            path_kinds=sorted(index.path_kinds(model.id)),
            offer_count=len(index.offers(model.id)),
        )
        for model in models
    ]
    return View(
        payload=payloads.ModelsOutput(catalog_version=index.catalog.version, models=listed),
        records="models",
        title=f"Models in catalog {index.catalog.version}",
        table=lambda: [models_table(models, index)],
    )


def models_table(models: list[Model], index: CatalogIndex) -> Any:
    from rich.table import Table

    table = Table(title=f"Models in catalog {index.catalog.version}", title_justify="left")
    for header in ("id", "vendor", "origin", "open", "context", "offers", "paths"):
        table.add_column(header, justify="right" if header in ("context", "offers") else "left")
    for model in models:
        offers = index.offers(model.id)
        table.add_row(
            model.id,
            model.vendor,
            model.origin,
            "yes" if model.open_weights else "no",
            tokens(model.context_window),
            str(len(offers)) if offers else "none",
            ",".join(sorted(index.path_kinds(model.id))) or "-",
        )
    return table


def _cache_write(offer: Offer) -> str:
    """The default-TTL write price, and the 1-hour one where the offer has it."""
    text = price(offer.cache_write, offer.currency)
    if offer.cache_write_1h is not None:
        text += f" (1h {price(offer.cache_write_1h, offer.currency)})"
    if offer.cache_min_tokens is not None:
        text += f"; min {tokens(offer.cache_min_tokens)}"
    return text


def _extras(offer: Offer) -> str:
    parts = []
    for tier in offer.tiers:
        withdrawn = f" (withdrawn {tier.until})" if tier.until is not None else ""
        parts.append(
            f">{tokens(tier.above)}: {price(tier.input, offer.currency)}/"
            f"{price(tier.output, offer.currency)}{withdrawn}"
        )
    for side, limit in offer.priced_below:
        parts.append(
            f"{limit.tokens:,}+ {side} tokens: price not published (costs are lower bounds)"
        )
    for band in offer.time_bands:
        days = (
            "weekdays"
            if band.days == ("mon", "tue", "wed", "thu", "fri")
            else ("daily" if len(band.days) == 7 else ",".join(band.days))
        )
        parts.append(
            f"{band.name} {' '.join(band.hours)} {band.timezone} {days}: "
            f"{price(band.input, offer.currency)}/{price(band.output, offer.currency)}"
        )
    if offer.batch is not None:
        if offer.batch.discount is not None:
            parts.append(f"batch -{(offer.batch.discount * 100).normalize():f}%")
        else:
            parts.append(
                f"batch {price(offer.batch.input, offer.currency)}/"
                f"{price(offer.batch.output, offer.currency)}"
            )
    return "; ".join(parts)


def model_show_table(model: Model, index: CatalogIndex) -> list[Any]:
    """Renderables for ``tokx catalog show``: facts, offers across paths, sources."""
    from rich.table import Table
    from rich.text import Text

    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    licence = f" ({model.license})" if model.license else ""
    for label, value in (
        ("model", f"{model.name} [{model.id}]"),
        ("vendor", f"{model.vendor} ({model.origin})"),
        ("open weights", ("yes" if model.open_weights else "no") + licence),
        ("released", model.released.isoformat() if model.released else "-"),
        ("context", context_window(model.context_window)),
        ("max output", context_window(model.max_output)),
        ("tokenizer", model.tokenizer),
        ("aliases", ", ".join(model.aliases) or "-"),
        ("source", f"{model.source} (as of {model.as_of})"),
        ("catalog", index.catalog.version),
    ):
        facts.add_row(label, Text(value))
    out: list[Any] = [facts]
    offers = sorted(
        index.offers(model.id),
        key=lambda o: (index.providers[o.provider].kind, o.provider, o.region or ""),
    )
    if not offers:
        note = f": {model.note}" if model.note else ""
        out.append(Text(f"No offers: no provider price is catalogued for {model.id}{note}"))
    else:
        from tokenexport_cli.render.layout import Column, fitted

        columns = [
            Column("provider"),
            Column("path", movable=True),
            Column("region", movable=True),
            Column("input", right=True),
            Column("output", right=True),
            Column("cache read", right=True, movable=True),
            Column("cache write", right=True, movable=True),
            Column("context", right=True, movable=True),
            Column("as of", movable=True),
            Column("tiers, bands, batch", note=True),
            Column("source", note=True),
        ]
        currencies = [offer.currency for offer in offers]
        inputs = price_column([offer.input for offer in offers], currencies)
        outputs = price_column([offer.output for offer in offers], currencies)
        reads = price_column([offer.cache_read for offer in offers], currencies)
        rows = [
            [
                offer.provider,
                index.providers[offer.provider].kind,
                offer.region or "-",
                inputs[number],
                outputs[number],
                reads[number],
                _cache_write(offer),
                context_window(offer.context_window or model.context_window),
                offer.as_of.isoformat(),
                _extras(offer),
                offer.source,
            ]
            for number, offer in enumerate(offers)
        ]
        out += fitted(f"{len(offers)} offers (prices per 1M tokens)", columns, rows, keys=1)
    benchmarks = index.benchmarks_by_model.get(model.id, [])
    if benchmarks:
        table = Table(
            title="Benchmarks (scores from different harnesses are not comparable)",
            title_justify="left",
        )
        for header in ("benchmark", "score", "harness", "as of", "source"):
            table.add_column(header, overflow="fold")
        for row in sorted(benchmarks, key=lambda b: (b.benchmark, b.harness)):
            table.add_row(
                row.benchmark,
                f"{row.score.normalize():f}",
                row.harness,
                row.as_of.isoformat(),
                row.source,
            )
        out.append(table)
    for share in index.market_by_model.get(model.id, []):
        volume = f"{share.tokens.normalize():f} tokens" if share.tokens is not None else ""
        rank = f" (rank {share.rank})" if share.rank else ""
        out.append(
            Text(f"market: {share.scope} {share.period}: {volume}{rank}; source {share.source}")
        )
    return out


def model_show_view(model: Model, index: CatalogIndex) -> View:
    offers = [
        payloads.ShownOffer(
            **msgspec.structs.asdict(offer), path_kind=index.providers[offer.provider].kind
        )
        for offer in index.offers(model.id)
    ]
    payload = payloads.ModelShowOutput(
        catalog_version=index.catalog.version,
        model=model,
        offers=offers,
        benchmarks=list(index.benchmarks_by_model.get(model.id, [])),
        market=list(index.market_by_model.get(model.id, [])),
    )
    return View(
        payload=payload,
        records="offers",
        title=f"Offers of {model.id}",
        table=lambda: model_show_table(model, index),
    )


def versions_table(versions: list[VersionDir], default: str) -> Any:
    from rich.table import Table

    table = Table(title="Catalog versions", title_justify="left")
    for header in ("version", "released", "origin", "default", "path"):
        table.add_column(header, overflow="fold")
    for version in versions:
        table.add_row(
            version.name,
            version.released.isoformat(),
            version.origin,
            "yes" if version.name == default else "",
            str(version.path),
        )
    return table


def versions_view(versions: list[VersionDir], default: str) -> View:
    payload = payloads.VersionsOutput(
        default=default,
        versions=[
            payloads.VersionEntry(
                version=v.name,
                released=v.released.isoformat(),
                origin=v.origin,
                path=str(v.path),
            )
            for v in versions
        ],
    )
    return View(
        payload=payload,
        records="versions",
        title="Catalog versions",
        table=lambda: [versions_table(versions, default)],
    )
