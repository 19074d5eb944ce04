"""The bundled catalogs meet the content minimums of the catalog issue, counted, not eyeballed."""

from __future__ import annotations

from collections import defaultdict

import pytest

from tokenexport_cli.catalog import CatalogIndex, list_versions, load_catalog
from tokenexport_cli.schema import PATH_KINDS

ARTICLE_MODELS = [
    "minimax-m2.5",
    "kimi-k2.5",
    "deepseek-v3.2",
    "deepseek-v4",
    "glm-5",
    "qwen3.6-max",
    "gpt-5.5-pro",
    "claude-opus-4",
    "gemini-2.5-pro",
    "gemini-3-flash",
    "llama-4-ultra",
    "mistral-large-3",
]


@pytest.fixture(scope="module", params=["2026-05-28", "2026-08-21", "2026-11-27"])
def index(request: pytest.FixtureRequest) -> CatalogIndex:
    return CatalogIndex(load_catalog(request.param))


def test_three_versions_ship() -> None:
    names = [v.name for v in list_versions()]
    assert names == ["2026-05-28", "2026-08-21", "2026-11-27"]


def test_sixty_models_from_twelve_providers_on_all_path_kinds(index: CatalogIndex) -> None:
    assert len(index.catalog.models) >= 60
    providers_with_offers = {offer.provider for offer in index.catalog.offers}
    assert len(providers_with_offers) >= 12
    assert {p.kind for p in index.catalog.providers} == set(PATH_KINDS)


def test_five_models_on_three_or_more_path_kinds(index: CatalogIndex) -> None:
    kinds = defaultdict(set)
    for offer in index.catalog.offers:
        kinds[offer.model].add(index.providers[offer.provider].kind)
    assert sum(1 for found in kinds.values() if len(found) >= 3) >= 5


def test_every_article_model_is_there_under_its_known_id(index: CatalogIndex) -> None:
    for name in ARTICLE_MODELS:
        assert index.find_model(name) is not None, name


def test_llama_4_ultra_has_market_data_and_no_offers(index: CatalogIndex) -> None:
    model = index.model("llama-4-ultra")
    assert index.offers(model.id) == []
    assert index.market_by_model[model.id]
    assert model.note


def test_pricing_features_are_present(index: CatalogIndex) -> None:
    offers = index.catalog.offers
    assert sum(1 for o in offers if o.tiers) >= 2
    assert any(o.cache_read is not None for o in offers)
    assert any(o.cache_write is not None for o in offers)
    assert any(o.batch is not None for o in offers)
    assert any(o.currency == "CNY" for o in offers)


def test_newest_version_has_deepseek_time_bands() -> None:
    index = CatalogIndex(load_catalog("2026-08-21"))
    banded = [o for o in index.catalog.offers if o.time_bands]
    assert any(o.provider == "deepseek" for o in banded)
    weekday_only = [b for o in banded for b in o.time_bands if len(b.days) == 5]
    assert weekday_only


def test_may_version_carries_the_articles_cny_figures() -> None:
    index = CatalogIndex(load_catalog("2026-05-28"))
    article = [
        o for o in index.catalog.offers if o.currency == "CNY" and "token-export-boom" in o.source
    ]
    assert {o.model for o in article} >= {"minimax-m2.5", "kimi-k2.5"}


def test_benchmarks_gpus_serving_and_market(index: CatalogIndex) -> None:
    catalog = index.catalog
    assert len(catalog.benchmarks) >= 500
    assert len({b.harness for b in catalog.benchmarks}) >= 3
    assert catalog.gpus and catalog.serving and catalog.market


def test_every_entry_is_sourced_and_dated(index: CatalogIndex) -> None:
    catalog = index.catalog
    for section in (
        catalog.models,
        catalog.providers,
        catalog.offers,
        catalog.benchmarks,
        catalog.gpus,
        catalog.serving,
        catalog.market,
        catalog.tokenizers,
        catalog.fx,
    ):
        for entry in section:
            assert entry.source.strip() and entry.as_of, entry
