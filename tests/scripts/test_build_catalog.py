"""scripts/build_catalog.py reads the four price sources only through tokx's importers and
validates what it writes with tokx's loader: a build over excerpts of the reference data, and a
full rebuild of the committed catalogs where the reference data is present."""

from __future__ import annotations

import ast
import datetime as dt
import filecmp
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tokenexport_cli.catalog import CatalogInvalid
from tokenexport_cli.schema import WEEKDAYS, Batch, Catalog, Offer, Tier, TimeBand

REPO = Path(__file__).parents[2]
SCRIPTS = REPO / "scripts"
EXCERPTS = Path(__file__).parent / "fixtures"  # holds reference-data/, as ../shared does
SHARED = REPO.parent / "shared"
AT = dt.date(2026, 8, 21)
PARSERS = {"json", "tomllib", "yaml"}


@pytest.fixture
def build(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The build package, imported the way scripts/build_catalog.py imports it."""
    monkeypatch.syspath_prepend(str(SCRIPTS))
    import catalog_build.build

    return catalog_build.build


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_no_build_module_parses_a_source_format_itself() -> None:
    """JSON, TOML and YAML sources are read by the package importers; the build only writes YAML."""
    modules = {path.name: _imports(path) for path in (SCRIPTS / "catalog_build").glob("*.py")}
    readers = {name: found & PARSERS for name, found in modules.items() if found & PARSERS}
    assert readers == {"emit.py": {"yaml"}}
    assert "tokenexport_cli" in modules["sources.py"]


def _specs() -> list[Any]:
    from catalog_build.registry import M

    return [
        M(
            "gemini-3-flash",
            "Gemini 3 Flash",
            "google",
            "US",
            "o200k_base",
            openrouter="google/gemini-3-flash-preview",
            offers={
                "google-ai-studio": [
                    "gp:gemini-3-flash-preview",
                    "ll:gemini/gemini-3-flash-preview",
                ]
            },
        ),
        M(
            "deepseek-chat",
            "DeepSeek Chat",
            "deepseek",
            "CN",
            "o200k_base",
            offers={"deepseek": ["gp:deepseek-chat", "ll:deepseek/deepseek-chat"]},
            open_weights=True,
        ),
        M(
            "grok-4.1-fast",
            "Grok 4.1 Fast",
            "xai",
            "US",
            "o200k_base",
            offers={"xai": ["ll:xai/grok-4-1-fast-reasoning"]},
            open_weights=False,
        ),
        M(
            "claude-sonnet-4.6",
            "Claude Sonnet 4.6",
            "anthropic",
            "US",
            "o200k_base",
            meta="anthropic/claude-sonnet-4-6",
            offers={"gcp-vertex": ["md:claude-sonnet-4-6@default"]},
        ),
        M(
            "deepseek-v4-pro",
            "DeepSeek V4 Pro",
            "deepseek",
            "CN",
            "o200k_base",
            meta="deepseek/deepseek-v4-pro",
            offers={"fireworks": ["md:accounts/fireworks/models/deepseek-v4-pro"]},
        ),
    ]


def _build_excerpts(build: ModuleType, folder: Path) -> tuple[Catalog, list[str]]:
    from catalog_build import market
    from catalog_build.offers import model_offers
    from catalog_build.providers import PROVIDERS
    from catalog_build.sources import Reference

    ref = Reference(EXCERPTS)
    missing: list[str] = []
    specs = _specs()
    offers = [offer for spec in specs for offer in model_offers(ref, spec, "aug", AT, missing)]
    data = {
        "models": [build.model_entry(ref, spec, []) for spec in specs],
        "providers": [build.provider_entry(provider) for provider in PROVIDERS],
        "offers": offers,
        "benchmarks": [],
        "gpus": [],
        "serving": [],
        "market": [],
        "tokenizers": market.tokenizers(),
    }
    manifest = build.manifest(folder.name, "excerpt build", "aug")
    return build.write_folder(folder, manifest, data), missing


def _offer(catalog: Catalog, model: str, provider: str) -> Offer:
    return next(o for o in catalog.offers if (o.model, o.provider) == (model, provider))


def test_a_build_of_reference_excerpts_loads_with_the_package_loader(
    build: ModuleType, tmp_path: Path
) -> None:
    catalog, missing = _build_excerpts(build, tmp_path / "2026-08-21")
    assert missing == []
    assert sorted((o.model, o.provider) for o in catalog.offers) == [
        ("claude-sonnet-4.6", "gcp-vertex"),
        ("deepseek-chat", "deepseek"),
        ("deepseek-v4-pro", "fireworks"),
        ("gemini-3-flash", "google-ai-studio"),
        ("gemini-3-flash", "openrouter"),
        ("grok-4.1-fast", "xai"),
    ]


def test_genai_prices_gives_the_price_its_check_date_and_the_batch_its_comment_states(
    build: ModuleType, tmp_path: Path
) -> None:
    catalog, _ = _build_excerpts(build, tmp_path / "2026-08-21")
    gemini = _offer(catalog, "gemini-3-flash", "google-ai-studio")
    assert (gemini.input, gemini.output, gemini.cache_read) == (
        Decimal("0.5"),
        Decimal(3),
        Decimal("0.05"),
    )
    assert gemini.batch == Batch(
        discount=Decimal("0.5"),
        note="genai-prices price_comments: Batch API offers 50% discount",
    )
    assert gemini.as_of == dt.date(2025, 12, 19)  # prices_checked, not the commit date
    assert (
        gemini.source
        == "pydantic/genai-prices@47df840:prices/providers/google.yml#gemini-3-flash-preview"
    )
    deepseek = _offer(catalog, "deepseek-chat", "deepseek")
    assert deepseek.time_bands == (
        TimeBand(
            name="genai-prices time constraint",
            timezone="UTC",
            days=WEEKDAYS,
            hours=("00:30-16:30",),
            input=Decimal("0.27"),
            output=Decimal("1.1"),
            cache_read=Decimal("0.07"),
        ),
    )
    # litellm's different price for the same offer is recorded, not used
    assert "litellm gives 0.28/0.42 (cache read 0.028)" in (deepseek.note or "")


def test_litellm_tiers_keep_the_base_cache_price_and_openrouter_prices_are_exact(
    build: ModuleType, tmp_path: Path
) -> None:
    catalog, _ = _build_excerpts(build, tmp_path / "2026-08-21")
    grok = _offer(catalog, "grok-4.1-fast", "xai")
    assert grok.tiers == (
        Tier(above=128000, input=Decimal("0.4"), output=Decimal(1), cache_read=Decimal("0.05")),
    )
    assert grok.context_window == 2_000_000
    router = _offer(catalog, "gemini-3-flash", "openrouter")
    assert (router.cache_read, router.cache_write) == (
        Decimal("0.05"),
        Decimal("0.08333333333333334"),
    )
    assert router.as_of == dt.date(2026, 5, 15)


def test_models_dev_offers_inherit_their_base_model_and_keep_short_fireworks_ids(
    build: ModuleType, tmp_path: Path
) -> None:
    catalog, _ = _build_excerpts(build, tmp_path / "2026-08-21")
    vertex = _offer(catalog, "claude-sonnet-4.6", "gcp-vertex")
    # context from models/anthropic/claude-sonnet-4-6.toml, output from the provider file
    assert (vertex.context_window, vertex.max_output) == (1_000_000, 128_000)
    assert vertex.tiers[0].cache_write == Decimal("7.5")
    fireworks = _offer(catalog, "deepseek-v4-pro", "fireworks")
    assert fireworks.provider_model_id == "deepseek-v4-pro"
    assert (fireworks.context_window, fireworks.max_output) == (1_000_000, 384_000)
    sonnet = next(model for model in catalog.models if model.id == "claude-sonnet-4.6")
    assert (sonnet.released, sonnet.context_window, sonnet.open_weights) == (
        dt.date(2026, 2, 17),
        1_000_000,
        False,
    )
    gemini = next(model for model in catalog.models if model.id == "gemini-3-flash")
    assert gemini.released == dt.date(2025, 12, 17)  # OpenRouter's listing date: no models.dev file


def test_a_written_catalog_with_a_problem_fails_with_file_line_and_key(
    build: ModuleType, tmp_path: Path
) -> None:
    from catalog_build import market

    folder = tmp_path / "2026-08-21"
    offer = {
        "model": "nowhere-1",
        "provider": "deepseek",
        "input": Decimal(1),
        "output": Decimal(2),
        "source": "test",
        "as_of": AT,
    }
    data = {
        "models": [],
        "providers": [],
        "offers": [offer],
        "benchmarks": [],
        "gpus": [],
        "serving": [],
        "market": [],
        "tokenizers": market.tokenizers(),
    }
    with pytest.raises(CatalogInvalid) as caught:
        build.write_folder(folder, build.manifest(folder.name, "bad", "aug"), data)
    assert caught.value.problems == [
        f"{folder}/offers/deepseek.yaml:6: offers[0].model: unknown model 'nowhere-1'",
        f"{folder}/offers/deepseek.yaml:7: offers[0].provider: unknown provider 'deepseek'",
    ]


@pytest.mark.skipif(
    not (SHARED / "reference-data").is_dir(),
    reason=f"the reference data is not checked out at {SHARED} (it lives beside the repository)",
)
def test_the_committed_catalogs_rebuild_unchanged(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.syspath_prepend(str(SCRIPTS))
    import build_catalog

    assert build_catalog.main(["--reference", str(SHARED), "--out", str(tmp_path)]) == 0
    for version in ("2026-05-28", "2026-08-21", "2026-11-27", "known-differences"):
        compared = filecmp.dircmp(REPO / "catalogs" / version, tmp_path / version)
        assert _differences(compared) == []


def _differences(compared: filecmp.dircmp[str]) -> list[str]:
    found = [*compared.left_only, *compared.right_only]
    _, mismatch, errors = filecmp.cmpfiles(
        compared.left, compared.right, compared.common_files, shallow=False
    )
    found += mismatch + errors
    for sub in compared.subdirs.values():
        found += _differences(sub)
    return found
