"""Differences between two catalogs: added and removed models and offers, per-field price
changes with absolute and percent change, and changed lengths from which an offer's prices are
not published (``priced_input_below``, ``priced_output_below``); rendered as plain table, JSON
or markdown."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from tokenexport_cli.schema import Catalog, Offer

OfferKey = tuple[str, str, str]


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
class LimitChange:
    """A length from which the offer's prices are not published, in tokens; ``old`` or ``new``
    is None when the limit appeared or went."""

    field: str  # "priced_input_below" or "priced_output_below"
    old: int | None
    new: int | None


@dataclass(frozen=True)
class OfferChange:
    key: OfferKey
    currency: str  # "USD", or "CNY->USD" when the currency changed
    changes: tuple[FieldChange, ...]
    limits: tuple[LimitChange, ...] = ()

    @property
    def currency_changed(self) -> bool:
        return "->" in self.currency

    @property
    def priced_differently(self) -> bool:
        return bool(self.changes) or self.currency_changed


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


def limit_fields(offer: Offer) -> dict[str, int]:
    """Each published-price limit of an offer, in tokens, by its field name."""
    return {f"priced_{side}_below": limit.tokens for side, limit in offer.priced_below}


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
        limits_before, limits_after = limit_fields(before), limit_fields(after)
        limits = [
            LimitChange(name, limits_before.get(name), limits_after.get(name))
            for name in dict.fromkeys([*limits_before, *limits_after])
            if limits_before.get(name) != limits_after.get(name)
        ]
        if changes or limits or before.currency != after.currency:
            changed.append(OfferChange(key, currency, tuple(changes), tuple(limits)))
    return CatalogDiff(
        old=old.version,
        new=new.version,
        added_models=tuple(sorted(new_models - old_models)),
        removed_models=tuple(sorted(old_models - new_models)),
        added_offers=tuple(sorted(new_offers.keys() - old_offers.keys())),
        removed_offers=tuple(sorted(old_offers.keys() - new_offers.keys())),
        changed_offers=tuple(changed),
    )
