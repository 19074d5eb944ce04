"""``tokx catalog diff``: added/removed models and offers and per-field price changes, and the
issue's "done when": imports of OpenRouter and litellm data validate and diff against the base."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.catalog.diff import diff_catalogs, load_ref
from tokenexport_cli.catalog.locate import list_versions
from tokenexport_cli.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
BASE = FIXTURES / "catalogs" / "2026-06-01"
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference-data"
runner = CliRunner()


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    """The base version and an edited copy: one price up, one offer and one model removed,
    one model and offer added."""
    new = tmp_path / "2026-07-01"
    shutil.copytree(BASE, new)
    manifest = new / "manifest.yaml"
    manifest.write_text(manifest.read_text().replace('"2026-06-01"', '"2026-07-01"'))
    offers = new / "offers" / "openrouter.yaml"
    offers.write_text(
        offers.read_text()
        .replace("input: 2.5\n    output: 10\n    batch", "input: 3\n    output: 10\n    batch")
        .split("  - model: beta-2")[0]
    )
    (new / "extra.yaml").write_text(
        "models:\n  - id: delta-4\n    name: Delta\n    vendor: d\n    origin: FR\n"
        "    open_weights: true\n    tokenizer: unknown\n    source: test\n    as_of: 2026-07-01\n"
        "offers:\n  - model: delta-4\n    provider: together\n    input: 1\n    output: 2\n"
        "    source: test\n    as_of: 2026-07-01\n"
    )
    return BASE, new


def test_diff_finds_added_removed_and_changed(versions: tuple[Path, Path]) -> None:
    old, new = versions
    diff = diff_catalogs(load_ref(str(old)), load_ref(str(new)))
    assert diff.added_models == ("delta-4",)
    assert diff.removed_models == ()
    assert diff.added_offers == (("delta-4", "together", ""),)
    assert diff.removed_offers == (("beta-2", "openrouter", ""),)
    [change] = diff.changed_offers
    assert change.key == ("alpha-1", "openrouter", "")
    [field] = change.changes
    assert (field.field, str(field.old), str(field.new), str(field.absolute)) == (
        "input",
        "2.5",
        "3",
        "0.5",
    )
    assert field.percent == 20


def test_diff_table_json_and_markdown(versions: tuple[Path, Path]) -> None:
    old, new = (str(path) for path in versions)
    table = runner.invoke(app, ["catalog", "diff", old, new])
    assert table.exit_code == 0, table.output
    assert table.stdout == (
        "2026-06-01 -> 2026-07-01: 1 models added, 0 removed; 1 offers added, 1 removed, "
        "1 with price changes\n"
        "\n"
        "added models:\n"
        "  + delta-4\n"
        "\n"
        "added offers:\n"
        "  + delta-4 @ together\n"
        "\n"
        "removed offers:\n"
        "  - beta-2 @ openrouter\n"
        "\n"
        "price changes (per million tokens):\n"
        "  offer                 field  old  new  change  percent  currency\n"
        "  --------------------  -----  ---  ---  ------  -------  --------\n"
        "  alpha-1 @ openrouter  input  2.5    3    +0.5  +20.00%  USD\n"
    )
    document = json.loads(runner.invoke(app, ["catalog", "diff", old, new, "-f", "json"]).stdout)
    assert document["changed_offers"][0]["changes"] == [
        {"field": "input", "old": "2.5", "new": "3", "absolute": "0.5", "percent": "20.00"}
    ]
    assert document["removed_offers"] == [
        {"model": "beta-2", "provider": "openrouter", "region": None}
    ]
    markdown = runner.invoke(app, ["catalog", "diff", old, new, "--format", "markdown"]).stdout
    assert "| alpha-1 @ openrouter | input | 2.5 | 3 | +0.5 | +20.00% | USD |" in markdown


def test_diff_of_unknown_version_is_a_usage_error() -> None:
    result = runner.invoke(app, ["catalog", "diff", "2026-06-01", "1999-01-01"])
    assert result.exit_code == 2


def test_done_when_fixture_imports_validate_and_diff_against_the_base() -> None:
    for fmt, name in (("openrouter", "openrouter.json"), ("litellm", "litellm.json")):
        result = runner.invoke(
            app, ["catalog", "import", fmt, str(FIXTURES / name), "--catalog-version", "2026-06-01"]
        )
        assert result.exit_code == 0, result.output
    synced = [v for v in list_versions() if v.origin == "synced"]
    assert len(synced) == 2
    for version in synced:
        check = runner.invoke(app, ["catalog", "validate", str(version.path)])
        assert check.exit_code == 0, check.output
    newest = synced[-1].name
    result = runner.invoke(app, ["catalog", "diff", "2026-06-01", newest, "-f", "json"])
    assert result.exit_code == 0, result.output
    changed = {
        (offer["model"], offer["provider"]): offer["changes"]
        for offer in json.loads(result.stdout)["changed_offers"]
    }
    # one import came from each file; litellm changed alphalab's offer, OpenRouter its own
    assert ("alpha-1", "alphalab") in changed or ("alpha-1", "openrouter") in changed


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/reference-data is not present")
def test_reference_openrouter_and_litellm_imports_against_the_bundled_catalog(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TOKX_CATALOG_ROOT")  # the real bundled catalogs
    newest_bundled = list_versions()[-1].name
    sources = (
        (
            "openrouter",
            REFERENCE / "openrouter" / "models_api_v1_snapshot_2026-05-15.json",
            set(),  # the newest catalog's OpenRouter offers are this API response's prices
        ),
        (
            "litellm",
            REFERENCE / "litellm" / "model_prices_and_context_window.json",
            {"deepseek-v3.2", "kimi-k2.5", "minimax-m2.5"},
        ),
    )
    for fmt, path, expected in sources:
        result = runner.invoke(
            app,
            [
                "catalog",
                "import",
                fmt,
                str(path),
                "--catalog-version",
                newest_bundled,
                "--as-version",
                f"2026-11-23.{fmt}",
                "--format",
                "json",
            ],
        )
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["unmatched_count"] > 0
        diff = runner.invoke(
            app, ["catalog", "diff", newest_bundled, f"2026-11-23.{fmt}", "-f", "json"]
        )
        assert diff.exit_code == 0, diff.output
        models = {offer["model"] for offer in json.loads(diff.stdout)["changed_offers"]}
        if expected:
            assert expected <= models, (fmt, sorted(models))
        else:
            assert models == set(), (fmt, sorted(models))
