"""Lookups over a loaded catalog: models by id or alias, providers, offers per model, with
did-you-mean suggestions on a miss."""

from __future__ import annotations

from collections import defaultdict

from tokenexport_cli.errors import UsageError
from tokenexport_cli.schema import (
    Benchmark,
    Catalog,
    FxRate,
    MarketShare,
    Model,
    Offer,
    Provider,
    TokenizerFamily,
)
from tokenexport_cli.suggest import close_matches, did_you_mean, hint


class CatalogIndex:
    """Read-only indexes over one Catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.models: dict[str, Model] = {model.id: model for model in catalog.models}
        self.providers: dict[str, Provider] = {p.id: p for p in catalog.providers}
        self.tokenizers: dict[str, TokenizerFamily] = {t.id: t for t in catalog.tokenizers}
        self.fx: dict[str, FxRate] = {rate.currency: rate for rate in catalog.fx}
        self._names: dict[str, str] = {}
        for model in catalog.models:
            for alias in model.aliases:
                self._names.setdefault(alias.lower(), model.id)
        for model in catalog.models:
            self._names[model.id.lower()] = model.id
        self.offers_by_model: dict[str, list[Offer]] = defaultdict(list)
        for offer in catalog.offers:
            self.offers_by_model[offer.model].append(offer)
        self.benchmarks_by_model: dict[str, list[Benchmark]] = defaultdict(list)
        for benchmark in catalog.benchmarks:
            self.benchmarks_by_model[benchmark.model].append(benchmark)
        self.market_by_model: dict[str, list[MarketShare]] = defaultdict(list)
        for row in catalog.market:
            self.market_by_model[row.model].append(row)

    def find_model(self, name: str) -> Model | None:
        model_id = self._names.get(name.strip().lower())
        return self.models[model_id] if model_id else None

    def model(self, name: str) -> Model:
        """The model with this id or alias (case-insensitive); UsageError with suggestions."""
        found = self.find_model(name)
        if found is None:
            close = close_matches(name, self._names, limit=6)
            ids = list(dict.fromkeys(self._names[c] for c in close))[:3]
            raise UsageError(f"unknown model '{name}'{hint(ids)}")
        return found

    def provider(self, name: str) -> Provider:
        found = self.providers.get(name.strip().lower())
        if found is None:
            raise UsageError(f"unknown provider '{name}'{did_you_mean(name, self.providers)}")
        return found

    def offers(self, model_id: str) -> list[Offer]:
        return list(self.offers_by_model.get(model_id, ()))

    def path_kinds(self, model_id: str) -> set[str]:
        return {self.providers[offer.provider].kind for offer in self.offers(model_id)}
