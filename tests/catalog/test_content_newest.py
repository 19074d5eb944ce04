"""Minimums and facts the newest catalog (2026-11-27) must hold: breadth, the ids people use,
what prices depend on, and the wrong data issue 14 named, fixed."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from tokenexport_cli.catalog import CatalogIndex, list_versions, load_catalog
from tokenexport_cli.schema import Offer

NEWEST = "2026-11-27"
REFERENCE = Path(__file__).parents[2].parent / "shared" / "reference-data"


@pytest.fixture(scope="module")
def index() -> CatalogIndex:
    return CatalogIndex(load_catalog(NEWEST))


def test_it_is_the_newest_version() -> None:
    assert list_versions()[-1].name == NEWEST


def test_at_least_250_models_from_15_vendors(index: CatalogIndex) -> None:
    catalog = index.catalog
    assert len(catalog.models) >= 250
    priced = {offer.model for offer in catalog.offers}
    vendors = Counter(model.vendor for model in catalog.models if model.id in priced)
    assert len(vendors) >= 15
    # llama-4-ultra is announced, unpriced; deepseek-v3-original holds the original V3 scores
    unpriced = {"llama-4-ultra", "deepseek-v3-original"}
    assert all(model.id in priced for model in catalog.models if model.id not in unpriced)


def test_every_model_and_offer_cites_a_source_of_its_own(index: CatalogIndex) -> None:
    # only Llama 4 Ultra rests on the article (market data, no price); no offer is free
    article = [m.id for m in index.catalog.models if "token-export-boom" in m.source]
    assert article == ["llama-4-ultra"]
    assert all(o.input > 0 or o.output > 0 for o in index.catalog.offers)


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("gpt-4o-2024-08-06", "gpt-4o"),  # dated id priced like the model
        ("deepseek-chat", "deepseek-v3.2"),  # vendor API ids
        ("deepseek-reasoner", "deepseek-v3.2"),
        ("qwen-plus", "qwen-plus"),
        ("kimi-k2-turbo-preview", "kimi-k2-turbo-preview"),
        ("openai/gpt-4o", "gpt-4o"),  # OpenRouter slug
        ("anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4.5"),  # Bedrock
        ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4.5"),
        ("claude-sonnet-4-5@20250929", "claude-sonnet-4.5"),  # Vertex
        ("azure_ai/deepseek-v3.2", "deepseek-v3.2"),  # Azure AI Foundry
        ("claude-opus-4-8", "claude-opus-4.8"),
    ],
)
def test_the_ids_people_use_resolve(index: CatalogIndex, name: str, model: str) -> None:
    found = index.find_model(name)
    assert found is not None and found.id == model


@pytest.mark.parametrize(
    "model",
    [
        "claude-opus-4.8",
        "claude-sonnet-5",
        "gpt-5.6",
        "gemini-3-pro-preview",
        "gemini-3.7-flash",
        "kimi-k3",
        "glm-5.3",
        "minimax-m3",
        "grok-4.5",
        "qwen3.7-max",
    ],
)
def test_each_vendor_s_newest_models_are_priced(index: CatalogIndex, model: str) -> None:
    assert index.offers(index.model(model).id)


def _offer(index: CatalogIndex, model: str, provider: str, region: str | None = None) -> Offer:
    return next(
        o
        for o in index.catalog.offers
        if (o.model, o.provider, o.region) == (model, provider, region)
    )


def test_deepseek_direct_is_deepseek_s_own_list(index: CatalogIndex) -> None:
    offer = _offer(index, "deepseek-v3.2", "deepseek")
    assert (offer.input, offer.output, offer.cache_read) == (
        Decimal("0.28"),
        Decimal("0.42"),
        Decimal("0.028"),
    )
    assert offer.source.startswith("https://api-docs.deepseek.com/")
    assert offer.caching == "automatic"


def test_sonnet_4_5_has_its_1h_write_and_200k_tier_on_every_path(index: CatalogIndex) -> None:
    offers = index.offers("claude-sonnet-4.5")
    paths = {(o.provider, o.region) for o in offers}
    assert paths >= {
        ("anthropic", None),
        ("openrouter", None),
        ("gcp-vertex", None),
        ("aws-bedrock", "global"),
        ("aws-bedrock", "regional"),
    }
    for offer in offers:
        assert offer.cache_write_1h == offer.input * 2, offer.key
        assert [t.above for t in offer.tiers_in_force] == [200_000], offer.key
        assert offer.cache_min_tokens == 1024


def test_withdrawn_anthropic_tiers_are_kept_but_not_in_force(index: CatalogIndex) -> None:
    for model in ("claude-opus-4.6", "claude-sonnet-4.6"):
        for offer in index.offers(model):
            assert offer.tiers_in_force == (), offer.key
    withdrawn = [o for o in index.catalog.offers for t in o.tiers if t.until is not None]
    assert {o.provider for o in withdrawn} >= {"gcp-vertex", "azure-ai-foundry"}


def test_bigmodel_cn_offers_are_in_cny(index: CatalogIndex) -> None:
    zhipu = [o for o in index.catalog.offers if o.provider == "zhipu"]
    assert zhipu and all(o.currency == "CNY" for o in zhipu)
    glm5 = _offer(index, "glm-5", "zhipu")
    assert (glm5.input, glm5.output) == (Decimal("4"), Decimal("18"))


def test_batch_and_caching_facts_are_present(index: CatalogIndex) -> None:
    offers = index.catalog.offers
    assert sum(o.batch is not None for o in offers if o.provider == "anthropic") >= 10
    assert {o.caching for o in offers} >= {"automatic", "explicit"}
    minimums = {o.cache_min_tokens for o in offers if o.cache_min_tokens}
    assert {1024, 2048, 4096} <= minimums


@pytest.mark.skipif(not REFERENCE.is_dir(), reason=f"no reference data at {REFERENCE}")
def test_openrouter_offers_equal_openrouter_s_api(index: CatalogIndex) -> None:
    from tokenexport_cli.catalog.importers import openrouter

    path = REFERENCE / "openrouter" / "models_api_v1_snapshot_2026-05-15.json"
    api = {e.key: e.prices for e in openrouter.parse(path.read_bytes(), str(path)) if e.prices}
    offers = [o for o in index.catalog.offers if o.provider == "openrouter"]
    assert len(offers) >= 150
    for offer in offers:
        prices = api[offer.provider_model_id or ""]
        assert (offer.input, offer.output) == (prices.input, prices.output), offer.key
        assert (offer.cache_read, offer.cache_write) == (prices.cache_read, prices.cache_write)


def test_china_platform_offers_are_in_cny_from_the_vendors_pages(index: CatalogIndex) -> None:
    """moonshot-cn and minimax-cn bill in yuan: every offer there is in CNY and carries the
    figures and source of its entry in the build's China-platform price file."""
    from tokenexport_cli.yamlsafe import load_yaml

    data = Path(__file__).parents[2] / "scripts" / "catalog_build" / "data"
    entries = load_yaml(data / "cn_platform_prices.yaml")["offers"]
    assert {e["provider"] for e in entries} == {"moonshot-cn", "minimax-cn"}
    for entry in entries:
        offer = _offer(index, entry["model"], entry["provider"])
        assert offer.currency == "CNY"
        assert offer.source == entry["source"]
        for field in ("input", "output", "cache_read", "cache_write"):
            if field in entry:
                assert getattr(offer, field) == Decimal(str(entry[field])), field
    kimi = _offer(index, "kimi-k2.5", "moonshot-cn")
    assert kimi.batch is not None and kimi.batch.input is not None
    assert kimi.batch.input < kimi.input and kimi.caching == "automatic"


def test_the_cny_rate_is_a_dated_published_reference_rate(index: CatalogIndex) -> None:
    """The newest catalog converts CNY at a sourced rate, not genai-prices' conversion constant."""
    (rate,) = [r for r in index.catalog.fx if r.currency == "CNY"]
    assert "central parity" in rate.source and "genai-prices" not in rate.source
    assert rate.as_of <= index.catalog.released
    assert rate.note is not None and "--fx" in rate.note


def test_billing_entities_of_openai_aws_xai_and_the_gpu_clouds(index: CatalogIndex) -> None:
    """Each of these providers names the entity that bills it, backed by a dated page; where
    the page gives no country, the country stays unknown rather than guessed."""
    providers = {p.id: p for p in index.catalog.providers}
    for pid in ("openai", "aws-bedrock", "xai", "lambda", "runpod"):
        provider = providers[pid]
        assert provider.billing_entity, pid
        fields = {f for fact in provider.facts for f in fact.fields if fact.url and fact.as_of}
        assert "billing_entity" in fields, pid
        assert (provider.billing_country is not None) == ("billing_country" in fields), pid
    assert providers["xai"].billing_country == "US"
    assert providers["runpod"].billing_country is None


def test_billing_entities_of_deepseek_together_openrouter_and_zai(index: CatalogIndex) -> None:
    """These providers name the entity that bills them from a dated page: DeepSeek, Together and
    OpenRouter from their own terms (archived copies), with the country those terms state;
    Z.ai's entity from its product terms, without a country because no page read states one."""
    providers = {p.id: p for p in index.catalog.providers}
    expected_country = {"deepseek": "CN", "together": "US", "openrouter": "US", "zai": None}
    for pid, country in expected_country.items():
        provider = providers[pid]
        assert provider.billing_entity, pid
        assert provider.billing_country == country, pid
        sourced = {f for fact in provider.facts for f in fact.fields if fact.url and fact.as_of}
        assert "billing_entity" in sourced, pid
        assert ("billing_country" in sourced) == (country is not None), pid
        assert all("conductatlas" not in fact.url for fact in provider.facts), pid
    assert providers["deepseek"].regions == ("cn",)
    assert "regions" in {f for fact in providers["deepseek"].facts for f in fact.fields}


def test_generated_models_carry_the_hyperscaler_paths_the_references_list(
    index: CatalogIndex,
) -> None:
    """Generated models get Bedrock, Vertex and Azure offers where a reference prices them under
    the hyperscaler's own id, with Bedrock's global and regional bases kept apart."""
    generated = {m.id for m in index.catalog.models if m.note and "generated.py" in m.note}
    hyperscalers = {"aws-bedrock", "gcp-vertex", "azure-ai-foundry"}
    offers = [
        o for o in index.catalog.offers if o.model in generated and o.provider in hyperscalers
    ]
    assert {o.provider for o in offers} == hyperscalers
    assert len({o.model for o in offers}) >= 40
    for offer in offers:
        assert offer.source.startswith(
            ("pydantic/genai-prices", "BerriAI/litellm", "anomalyco/models.dev")
        ), offer.source
    opus = {
        o.region: o for o in offers if (o.model, o.provider) == ("claude-opus-4.8", "aws-bedrock")
    }
    assert set(opus) == {"global", "regional"}
    assert opus["regional"].input > opus["global"].input
