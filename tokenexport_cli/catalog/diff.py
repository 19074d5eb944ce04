"""Differences between two catalogs: added and removed models and offers, and per-field price
changes with absolute and percent change; rendered as plain table, JSON or markdown."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from tokenexport_cli.schema import Catalog, Offer

OfferKey = tuple[str, str, str]
DIFF_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class FieldChange:
    """One price field of one offer; ``old`` or ``new`` is None when the field appeared or went."""

    field: str
    old: Decimal | None
    new: Decimal | None

    @property
    def absolute(self) -> Decimal | None:
        return None if self.old is None or self.new is None else self.new - self.old

    @property
    def percent(self) -> Decimal | None:
        if self.old is None or self.new is None or self.old == 0:
            return None
        return (self.new - self.old) / self.old * 100


@dataclass(frozen=True)
class OfferChange:
    key: OfferKey
    currency: str  # "USD", or "CNY->USD" when the currency changed
    changes: tuple[FieldChange, ...]

    @property
    def currency_changed(self) -> bool:
        return "->" in self.currency


@dataclass(frozen=True)
class CatalogDiff:
    old: str
    new: str
    added_models: tuple[str, ...]
    removed_models: tuple[str, ...]
    added_offers: tuple[OfferKey, ...]
    removed_offers: tuple[OfferKey, ...]
    changed_offers: tuple[OfferChange, ...]

    @property
    def empty(self) -> bool:
        return not (
            self.added_models
            or self.removed_models
            or self.added_offers
            or self.removed_offers
            or self.changed_offers
        )


def load_ref(ref: str) -> Catalog:
    """A catalog by version name, or a version folder by path."""
    from tokenexport_cli.catalog.load import load_catalog, load_path

    path = Path(ref)
    if path.is_dir():
        return load_path(path)
    return load_catalog(ref)


def price_fields(offer: Offer) -> dict[str, Decimal]:
    """Every price of an offer under a stable field name (tiers by threshold, bands by name)."""
    fields: dict[str, Decimal] = {}
    for name in ("input", "output", "cache_read", "cache_write"):
        value = getattr(offer, name)
        if value is not None:
            fields[name] = value
    for tier in offer.tiers:
        for name in ("input", "output", "cache_read", "cache_write"):
            value = getattr(tier, name)
            if value is not None:
                fields[f"tier>{tier.above}.{name}"] = value
    for band in offer.time_bands:
        label = f"band[{band.name} {','.join(band.hours)}]"
        for name in ("input", "output", "cache_read", "cache_write"):
            value = getattr(band, name)
            if value is not None:
                fields[f"{label}.{name}"] = value
    if offer.batch is not None:
        for name in ("discount", "input", "output"):
            value = getattr(offer.batch, name)
            if value is not None:
                fields[f"batch.{name}"] = value
    return fields


def diff_catalogs(old: Catalog, new: Catalog) -> CatalogDiff:
    old_models = {model.id for model in old.models}
    new_models = {model.id for model in new.models}
    old_offers = {offer.key: offer for offer in old.offers}
    new_offers = {offer.key: offer for offer in new.offers}
    changed = []
    for key in sorted(old_offers.keys() & new_offers.keys()):
        before, after = old_offers[key], new_offers[key]
        before_fields, after_fields = price_fields(before), price_fields(after)
        changes = [
            FieldChange(name, before_fields.get(name), after_fields.get(name))
            for name in dict.fromkeys([*before_fields, *after_fields])
            if before_fields.get(name) != after_fields.get(name)
        ]
        currency = (
            after.currency
            if before.currency == after.currency
            else f"{before.currency}->{after.currency}"
        )
        if changes or before.currency != after.currency:
            changed.append(OfferChange(key, currency, tuple(changes)))
    return CatalogDiff(
        old=old.version,
        new=new.version,
        added_models=tuple(sorted(new_models - old_models)),
        removed_models=tuple(sorted(old_models - new_models)),
        added_offers=tuple(sorted(new_offers.keys() - old_offers.keys())),
        removed_offers=tuple(sorted(old_offers.keys() - new_offers.keys())),
        changed_offers=tuple(changed),
    )


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value.quantize(Decimal('0.01')):+}%"


def _signed(value: Decimal | None) -> str:
    return "" if value is None else ("+" if value >= 0 else "") + _number(value)


def _label(key: OfferKey) -> str:
    model, provider, region = key
    return f"{model} @ {provider}" + (f" ({region})" if region else "")


def _change_rows(diff: CatalogDiff) -> list[list[str]]:
    # across a currency change, differences would compare different units: left blank
    return [
        [
            _label(offer.key),
            change.field,
            _number(change.old),
            _number(change.new),
            "" if offer.currency_changed else _signed(change.absolute),
            "" if offer.currency_changed else _percent(change.percent),
            offer.currency,
        ]
        for offer in diff.changed_offers
        for change in offer.changes or (FieldChange("currency", None, None),)
    ]


HEADERS = ["offer", "field", "old", "new", "change", "percent", "currency"]


def to_json(diff: CatalogDiff) -> str:
    def offer_ref(key: OfferKey) -> dict[str, str | None]:
        return {"model": key[0], "provider": key[1], "region": key[2] or None}

    document = {
        "schema_version": DIFF_SCHEMA_VERSION,
        "old": diff.old,
        "new": diff.new,
        "added_models": list(diff.added_models),
        "removed_models": list(diff.removed_models),
        "added_offers": [offer_ref(key) for key in diff.added_offers],
        "removed_offers": [offer_ref(key) for key in diff.removed_offers],
        "changed_offers": [
            {
                **offer_ref(offer.key),
                "currency": offer.currency,
                "changes": [
                    {
                        "field": change.field,
                        "old": None if change.old is None else _number(change.old),
                        "new": None if change.new is None else _number(change.new),
                        "absolute": None
                        if change.absolute is None or offer.currency_changed
                        else _number(change.absolute),
                        "percent": None
                        if change.percent is None or offer.currency_changed
                        else str(change.percent.quantize(Decimal("0.01"))),
                    }
                    for change in offer.changes
                ],
            }
            for offer in diff.changed_offers
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def _summary(diff: CatalogDiff) -> str:
    return (
        f"{diff.old} -> {diff.new}: {len(diff.added_models)} models added, "
        f"{len(diff.removed_models)} removed; {len(diff.added_offers)} offers added, "
        f"{len(diff.removed_offers)} removed, {len(diff.changed_offers)} with price changes"
    )


def to_markdown(diff: CatalogDiff) -> str:
    lines = [f"## Catalog diff {diff.old} → {diff.new}", "", _summary(diff), ""]
    for title, items in (
        ("Added models", list(diff.added_models)),
        ("Removed models", list(diff.removed_models)),
        ("Added offers", [_label(key) for key in diff.added_offers]),
        ("Removed offers", [_label(key) for key in diff.removed_offers]),
    ):
        if items:
            lines += [f"### {title}", "", *(f"- `{item}`" for item in items), ""]
    rows = _change_rows(diff)
    if rows:
        lines += ["### Price changes (per million tokens)", ""]
        lines.append("| " + " | ".join(HEADERS) + " |")
        lines.append("|" + "|".join("---" if i < 2 else "---:" for i in range(len(HEADERS))) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines).rstrip() + "\n"


def to_table(diff: CatalogDiff) -> str:
    lines = [_summary(diff)]
    for title, items in (
        ("added models", list(diff.added_models)),
        ("removed models", list(diff.removed_models)),
        ("added offers", [_label(key) for key in diff.added_offers]),
        ("removed offers", [_label(key) for key in diff.removed_offers]),
    ):
        if items:
            lines += [
                "",
                f"{title}:",
                *(f"  + {item}" if "added" in title else f"  - {item}" for item in items),
            ]
    rows = _change_rows(diff)
    if rows:
        table = [HEADERS, *rows]
        widths = [max(len(row[i]) for row in table) for i in range(len(HEADERS))]
        lines += ["", "price changes (per million tokens):"]
        for number, row in enumerate(table):
            cells = [
                cell.ljust(width) if i < 2 or i == 6 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            ]
            lines.append("  " + "  ".join(cells).rstrip())
            if number == 0:
                lines.append("  " + "  ".join("-" * width for width in widths))
    return "\n".join(lines) + "\n"
