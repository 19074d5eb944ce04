"""The cell plan for a set of offers: their price boundaries in the tokens of every source
tokenizer family that may be priced on them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from tokenexport_cli.catalog.index import CatalogIndex
from tokenexport_cli.schema import Offer
from tokenexport_cli.tokens.family_ratio import FamilyRatio, family_ratio
from tokenexport_cli.warehouse.cells import CellPlan, Limits, plan_for


def offers_plan(
    index: CatalogIndex,
    offers: Sequence[Offer],
    families: Iterable[str],
    measured: Mapping[str, Iterable[FamilyRatio]] | None = None,
) -> CellPlan:
    """Cells every offer can be priced from, for sources of the given tokenizer families
    (and, per target family, the ratios measured on the log's own text)."""
    sources = set(families)
    entries = []
    for offer in offers:
        model = index.models[offer.model]
        ratios = [family_ratio(f, model.tokenizer, index.tokenizers) for f in sources]
        ratios += (measured or {}).get(model.tokenizer, ())
        entries.append((Limits.of(offer, model), ratios))
    return plan_for(entries)


def catalog_families(index: CatalogIndex) -> set[str]:
    """Every tokenizer family a catalog model has: the sources an emitted query may meet."""
    return {model.tokenizer for model in index.models.values()}
