"""Content of the newest bundled catalog for provider facts, benchmark variants and self-host
units: counted from the catalog, each figure traced to its source in the data files."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tokenexport_cli.catalog import CatalogIndex, load_catalog

NEWEST = "2026-08-21"


@pytest.fixture(scope="module")
def index() -> CatalogIndex:
    return CatalogIndex(load_catalog(NEWEST))


def test_billing_facts_cover_hyperscalers_router_and_direct_vendors(index: CatalogIndex) -> None:
    billed = {p.id: p.billing_country for p in index.catalog.providers if p.billing_country}
    assert billed["openrouter"] == "US"
    assert billed["anthropic"] == "US"
    assert billed["gcp-vertex"] == "US"
    assert billed["azure-ai-foundry"] == "US"
    assert billed["mistral"] == "FR"
    assert billed["cohere"] == "CA"
    assert billed["alibaba-cloud-cn"] == "CN"
    assert len(billed) >= 8


def test_every_provider_fact_names_a_dated_page(index: CatalogIndex) -> None:
    with_facts = [p for p in index.catalog.providers if p.facts]
    assert len(with_facts) >= 14
    for provider in with_facts:
        for fact in provider.facts:
            assert fact.url and fact.says and fact.as_of, provider.id


def test_regions_are_sourced_for_the_hyperscalers(index: CatalogIndex) -> None:
    regions = {p.id: set(p.regions) for p in index.catalog.providers}
    assert {"us", "eu"} <= regions["aws-bedrock"]
    assert {"us", "eu"} <= regions["azure-ai-foundry"]
    assert "us" in regions["gcp-vertex"]


def test_terminal_bench_hard_has_its_own_id(index: CatalogIndex) -> None:
    rows = [b for b in index.catalog.benchmarks if b.benchmark.startswith("terminal-bench")]
    hard = [b for b in rows if "hard" in (b.note or "").lower().split("for '")[0]]
    assert hard and all(b.benchmark == "terminal-bench-hard" for b in hard)


def test_original_deepseek_v3_is_kept_apart_from_0324(index: CatalogIndex) -> None:
    original = index.benchmarks_by_model["deepseek-v3-original"]
    assert len(original) == 44
    labels = [(b.note or "").split("' for '")[1].split("'")[0] for b in original]
    assert set(labels) == {"DeepSeek V3", "DeepSeek-V3"}
    later = index.benchmarks_by_model["deepseek-v3"]
    assert not any("for 'DeepSeek V3'" in (b.note or "") for b in later)


def test_multiple_attempt_rows_are_marked(index: CatalogIndex) -> None:
    multiple = [b for b in index.catalog.benchmarks if b.attempts == "multiple"]
    assert multiple
    assert all(b.variant == "agentic-multiple-attempts" for b in multiple)
    opus = [b for b in multiple if b.model == "claude-opus-4"]
    assert [b.score for b in opus] == [Decimal("79.4")]


@pytest.mark.parametrize(
    ("model", "score", "setting"),
    [
        ("gpt-oss-120b", "52.6", "reasoning: medium"),
        ("gpt-oss-20b", "60.7", "reasoning: high"),
        ("gpt-oss-20b", "53.2", "reasoning: medium"),
        ("claude-haiku-4.5", "73.3", None),
    ],
)
def test_model_card_scores_for_cheap_priced_models(
    index: CatalogIndex, model: str, score: str, setting: str | None
) -> None:
    rows = [
        b
        for b in index.benchmarks_by_model[model]
        if b.benchmark == "swe-bench-verified" and b.score == Decimal(score)
    ]
    assert len(rows) == 1
    assert rows[0].setting == setting
    assert rows[0].harness == "vendor-reported"
    assert index.offers(model), f"{model} should be priced"


def test_self_host_units_are_deployable(index: CatalogIndex) -> None:
    units = {p.id: p for p in index.catalog.serving}
    h100 = units["deepseek-v3-sglang-h100-unit"]
    # 4 prefill + 9 decode nodes of 8 H100, at the blog's per-node figures
    assert h100.gpus_per_replica == 13 * 8
    assert h100.input_tokens_per_s == 4 * Decimal(54543)
    assert h100.output_tokens_per_s == 9 * Decimal(22282)
    assert h100.gpu_memory_gb is not None and h100.weights_gb is not None
    assert h100.gpus_per_replica * h100.gpu_memory_gb >= h100.weights_gb
    h800 = units["deepseek-v3-production-h800-unit"]
    assert h800.gpus_per_replica == (4 + 18) * 8
    assert h800.input_tokens_per_s == 4 * Decimal(73700)
    assert h800.output_tokens_per_s == 18 * Decimal(14800)
    assert not [p for p in units.values() if p.model == "deepseek-v3" and p.gpus_per_replica == 8]


def test_deepseek_v32_has_a_measured_unit_and_a_gpu_price(index: CatalogIndex) -> None:
    (unit,) = [p for p in index.catalog.serving if p.model == "deepseek-v3.2"]
    assert unit.gpu == "H200" and unit.gpus_per_replica == 8
    assert unit.input_tokens_per_s + unit.output_tokens_per_s == Decimal("27712.54")
    assert [g.usd_per_gpu_hour for g in index.catalog.gpus if g.gpu == "H200"] == [Decimal("2.3")]
