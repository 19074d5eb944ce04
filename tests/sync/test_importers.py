"""Importers: exact conversions per format, matching, unmatched reporting, --add-models, writes."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.catalog.importers import format_module, parse_path
from tokenexport_cli.catalog.importers.base import SourceInfo
from tokenexport_cli.catalog.importers.pipeline import ImportTarget, run_import
from tokenexport_cli.catalog.load import load_catalog, load_path
from tokenexport_cli.catalog.locate import synced_root
from tokenexport_cli.cli import app
from tokenexport_cli.errors import DataError
from tokenexport_cli.render.json_schema import validate_output
from tokenexport_cli.schema import Batch, Offer, Tier

SYNC_FIXTURES = Path(__file__).parent / "fixtures"
BASE_VERSION = "2026-06-01"
RETRIEVED = dt.datetime(2026, 6, 15, 9, 30, tzinfo=dt.UTC)
runner = CliRunner()


def _import(fmt: str, name: str, *, add_models: bool = False, as_version: str | None = None):
    module = format_module(fmt)
    source = SourceInfo(module.FORMAT, f"fixtures/{name}", RETRIEVED)
    entries = parse_path(module, SYNC_FIXTURES / name, source.as_of)
    target = ImportTarget(as_version=as_version)
    return run_import(module, entries, source, target, add_models=add_models)


def _offers(result) -> dict[tuple[str, str], Offer]:
    catalog = load_path(result.path)
    return {(offer.model, offer.provider): offer for offer in catalog.offers}


def _reasons(result) -> dict[str, str]:
    return {entry.key: entry.reason for entry in result.plan.unmatched}


def test_openrouter_per_token_strings_become_exact_per_million_prices() -> None:
    result = _import("openrouter", "openrouter.json")
    assert result.path == synced_root() / "2026-06-15.093000.openrouter"
    offers = _offers(result)
    alpha = offers[("alpha-1", "openrouter")]
    assert (alpha.input, alpha.output, alpha.cache_read) == (
        Decimal("3"),
        Decimal("12"),
        Decimal("0.3"),
    )
    # OpenRouter publishes no batch prices: the base offer's batch is kept, and the note says so
    assert alpha.batch == Batch(discount=Decimal("0.5"))
    assert "batch kept from tests/sync/fixtures" in (alpha.note or "")
    assert alpha.source.startswith("openrouter:fixtures/openrouter.json#alphalab/alpha-1")
    assert alpha.as_of == dt.date(2026, 6, 15)
    assert "retrieved 2026-06-15T09:30:00Z" in (alpha.note or "")
    assert alpha.max_output == 32000
    # offers the source does not list are kept unchanged
    assert offers[("alpha-1", "alphalab")].source == "tests/sync/fixtures"
    assert _reasons(result) == {
        "betaai/beta-2:free": "duplicate",
        "newco/gamma-3": "no-model",
        "openrouter/auto": "no-price",
    }


def test_add_models_writes_unmatched_entries_as_new_models() -> None:
    result = _import("openrouter", "openrouter.json", add_models=True)
    catalog = load_path(result.path)
    gamma = next(model for model in catalog.models if model.id == "gamma-3")
    assert gamma.aliases == ("newco/gamma-3", "newco/Gamma-3")
    assert (gamma.origin, gamma.tokenizer, gamma.open_weights) == ("ZZ", "unknown", True)
    assert gamma.context_window == 65536 and gamma.max_output == 8192
    assert "origin unknown" in (gamma.note or "")
    offer = next(o for o in catalog.offers if o.model == "gamma-3")
    assert (offer.provider, offer.input, offer.output) == (
        "openrouter",
        Decimal("0.123456"),
        Decimal("0.987654321"),
    )
    assert "newco/gamma-3" not in _reasons(result)


def test_litellm_tiers_batches_and_cache_prices_are_exact() -> None:
    result = _import("litellm", "litellm.json")
    offers = _offers(result)
    alpha = offers[("alpha-1", "alphalab")]
    assert (alpha.input, alpha.output, alpha.cache_read) == (
        Decimal("2.5"),
        Decimal("10"),
        Decimal("0.25"),
    )
    assert alpha.tiers == (
        Tier(above=200000, input=Decimal(5), output=Decimal(15), cache_read=Decimal("0.25")),
    )
    assert alpha.batch == Batch(
        input=Decimal("1.25"), output=Decimal("5"), note="litellm *_cost_per_token_batches"
    )
    together = offers[("beta-2", "together")]
    assert (together.input, together.output) == (Decimal("0.3"), Decimal("1.14"))
    assert result.plan.added == (("beta-2", "together", ""),)
    assert _reasons(result) == {
        "vercel_ai_gateway/alphalab/alpha-1": "no-provider",
        "alphalab/alpha-embed": "no-price",
        "alphalab/zeta-1": "no-model",
    }


def test_genai_prices_applies_date_constraints_and_time_bands() -> None:
    result = _import("genai-prices", "genai")
    alpha = _offers(result)[("alpha-1", "alphalab")]
    # the 2026-06-01 price is in force on 2026-06-15; the 2027 one is not yet
    assert (alpha.input, alpha.output, alpha.cache_read) == (Decimal(2), Decimal(8), Decimal("0.2"))
    assert alpha.tiers == (
        Tier(above=200000, input=Decimal(2), output=Decimal(8), cache_read=Decimal("0.4")),
    )
    assert [(b.hours, b.input, b.output) for b in alpha.time_bands] == [
        (("16:30-00:30",), Decimal(1), Decimal(4))
    ]
    beta = _offers(result)[("beta-2", "betaai")]
    # genai-prices gives no time bands here, so the import says what it knows: none
    assert (beta.input, beta.output, beta.time_bands) == (Decimal("0.275"), Decimal("0.4125"), ())
    assert _reasons(result) == {"alphalab/alpha-vision": "no-price"}


@pytest.mark.parametrize("name", ["models-dev", "models-dev-api.json"])
def test_models_dev_tree_and_api_json_give_the_same_offers(name: str) -> None:
    result = _import("models-dev", name)
    offers = _offers(result)
    alpha = offers[("alpha-1", "alphalab")]
    assert (alpha.input, alpha.output, alpha.cache_read) == (
        Decimal(3),
        Decimal(12),
        Decimal("0.3"),
    )
    assert alpha.tiers == (
        Tier(above=200000, input=Decimal(6), output=Decimal(18), cache_read=Decimal("0.3")),
    )
    assert alpha.context_window == 400000
    # the tree's togetherai file names a base model and overrides only its input price
    together = offers[("beta-2", "together")]
    assert (together.input, together.output) == (Decimal("0.31"), Decimal("1.15"))


def test_cli_import_reports_unmatched_as_json_and_writes_a_loadable_version() -> None:
    result = runner.invoke(
        app,
        [
            "catalog",
            "import",
            "litellm",
            str(SYNC_FIXTURES / "litellm.json"),
            "--retrieved",
            "2026-06-20",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    validate_output("catalog import", result.stdout)  # the published contract, strictly
    assert report["catalog_version"].startswith("2026-06-20.")
    assert report["unmatched_count"] == 3
    assert report["unmatched_by_reason"] == {"no-model": 1, "no-price": 1, "no-provider": 1}
    assert {u["key"] for u in report["unmatched"]} == {
        "vercel_ai_gateway/alphalab/alpha-1",
        "alphalab/alpha-embed",
        "alphalab/zeta-1",
    }
    catalog = load_catalog()  # the import is now the newest version
    assert catalog.version == report["catalog_version"]
    assert len(catalog.offers) == 5


def test_cli_import_table_lists_unmatched_entries() -> None:
    result = runner.invoke(
        app, ["catalog", "import", "openrouter", str(SYNC_FIXTURES / "openrouter.json")]
    )
    assert result.exit_code == 0, result.output
    assert "2 offers replaced, 0 added, 0 new models, 3 unmatched" in result.stdout
    assert "unmatched, no-model (1)" in result.stdout
    assert "  newco/gamma-3\n" in result.stdout


def test_overlay_output_is_valid_on_the_base_and_leaves_the_data_dir_alone(tmp_path: Path) -> None:
    overlay = tmp_path / "prices.yaml"
    result = runner.invoke(
        app,
        [
            "catalog",
            "import",
            "openrouter",
            str(SYNC_FIXTURES / "openrouter.json"),
            "--to",
            str(overlay),
            "--add-models",
        ],
    )
    assert result.exit_code == 0, result.output
    catalog = load_catalog(BASE_VERSION, (overlay,))
    alpha = next(o for o in catalog.offers if o.key == ("alpha-1", "openrouter", ""))
    assert alpha.input == Decimal(3)
    assert any(model.id == "gamma-3" for model in catalog.models)
    assert not synced_root().exists()
    assert [p.name for p in tmp_path.iterdir()] == ["prices.yaml"]


def test_second_import_builds_on_the_first_and_replaces_same_name() -> None:
    first = _import("openrouter", "openrouter.json", as_version="2026-06-15.mine")
    second = _import("litellm", "litellm.json", as_version="2026-06-16.mine")
    offers = _offers(second)
    assert offers[("alpha-1", "openrouter")].input == Decimal(3)  # from the first import
    assert offers[("alpha-1", "alphalab")].batch is not None  # from the second
    again = _import("openrouter", "openrouter.json", add_models=True, as_version="2026-06-16.mine")
    assert again.path == second.path
    assert any(model.id == "gamma-3" for model in load_path(second.path).models)
    assert sorted(p.name for p in synced_root().iterdir()) == [first.path.name, second.path.name]


def test_a_failed_validation_leaves_previous_catalogs_untouched(
    monkeypatch: pytest.MonkeyPatch, hash_tree: Callable[[Path], str]
) -> None:
    _import("openrouter", "openrouter.json", as_version="2026-06-15.mine")
    before = hash_tree(synced_root())

    def invalid(folder: Path, name: str, written: object) -> None:
        raise DataError(f"{folder}: invented problem")

    monkeypatch.setattr("tokenexport_cli.catalog.importers.write._validate", invalid)
    with pytest.raises(DataError):
        _import("litellm", "litellm.json", as_version="2026-06-15.mine")
    assert hash_tree(synced_root()) == before


def test_a_writer_killed_between_renames_is_recovered_by_the_next_write(
    hash_tree: Callable[[Path], str],
) -> None:
    first = _import("openrouter", "openrouter.json", as_version="2026-06-15.mine")
    content = hash_tree(first.path)
    moved = first.path.parent / f".tokx-old-999999999-{first.path.name}"
    first.path.rename(moved)  # as if killed after moving the old version aside
    _import("litellm", "litellm.json", as_version="2026-06-16.other")
    assert hash_tree(first.path) == content
    assert not moved.exists()


def test_untouched_files_are_copied_byte_for_byte() -> None:
    result = _import("openrouter", "openrouter.json")
    name = "offers/alphalab.yaml"
    assert (result.path / name).read_bytes() == (
        SYNC_FIXTURES / "catalogs" / BASE_VERSION / name
    ).read_bytes()


@pytest.mark.parametrize(
    ("fmt", "content", "code"),
    [
        ("openrouter", b"{not json", 3),
        ("openrouter", b'{"models": []}', 3),
        ("litellm", b"[1, 2]", 3),
        ("nonsense", b"{}", 2),
    ],
)
def test_malformed_local_files_exit_3(tmp_path: Path, fmt: str, content: bytes, code: int) -> None:
    source = tmp_path / "source.json"
    source.write_bytes(content)
    result = runner.invoke(app, ["catalog", "import", fmt, str(source)])
    assert result.exit_code == code, result.output
    assert not synced_root().exists()


def test_output_and_as_version_together_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "catalog",
            "import",
            "openrouter",
            str(SYNC_FIXTURES / "openrouter.json"),
            "--to",
            str(tmp_path / "x.yaml"),
            "--as-version",
            "2026-06-15.x",
        ],
    )
    assert result.exit_code == 2
