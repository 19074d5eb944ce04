"""Loader safety limits, overlays, version selection, the compiled cache and lookups."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.catalog import CatalogIndex, load_catalog
from tokenexport_cli.catalog.locate import resolve_version
from tokenexport_cli.cli import app
from tokenexport_cli.errors import DataError, UsageError
from tokenexport_cli.yamlsafe import load_yaml

runner = CliRunner()


# --- safety limits ----------------------------------------------------------------------------


def test_deep_nesting_is_rejected_before_parsing(tmp_path: Path) -> None:
    # libyaml's composer recurses and segfaults on this input; it must be refused before
    # composing. Whether tokx's depth limit or the YAML scanner's own limit (PyYAML >= 6.0.3)
    # refuses it first depends on the PyYAML version, so only tokx's contract is asserted here:
    # a data error (exit 3) on one line naming the file and the line.
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 100_000)
    with pytest.raises(DataError) as caught:
        load_yaml(path)
    message = str(caught.value)
    assert caught.value.exit_code == 3
    assert message.startswith(f"{path}:1: ") and len(message) > len(f"{path}:1: ")
    assert "\n" not in message


def test_deep_nesting_through_the_cli_is_one_line_exit_3(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 100_000)
    result = runner.invoke(app, ["workload", "show", str(path)])
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr.startswith(f"tokx: error: {path}:1: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_nesting_limit_is_64_levels(tmp_path: Path) -> None:
    # 65 levels is far inside what any YAML library accepts, so this refusal is tokx's own
    path = tmp_path / "nested.yaml"
    path.write_text("[" * 64 + "]" * 64)
    nested = load_yaml(path)
    for _ in range(63):
        (nested,) = nested
    assert nested == []
    path.write_text("[" * 65 + "]" * 65)
    with pytest.raises(DataError) as caught:
        load_yaml(path)
    assert str(caught.value) == f"{path}:1: nesting deeper than 64 levels"


def test_oversized_file_is_rejected_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(17 * 1024 * 1024)  # sparse: nothing is actually written
    with pytest.raises(DataError) as caught:
        load_yaml(path)
    assert str(caught.value) == f"{path}: file is 17,825,792 bytes, over the 16,777,216-byte limit"


def test_billion_laughs_aliases_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 9):
        previous, name = chr(ord("a") + index - 1), chr(ord("a") + index)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError) as caught:
        load_yaml(path)
    assert str(caught.value) == f"{path}:1: YAML anchors and aliases are not allowed"


def test_floats_are_read_as_exact_decimals(tmp_path: Path) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text("a: 0.1\nb: 2.8e-07\nc: 3\n")
    assert load_yaml(path) == {"a": Decimal("0.1"), "b": Decimal("2.8e-07"), "c": 3}


def test_invalid_utf8_is_a_data_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"a: \xff\xfe\n")
    with pytest.raises(DataError) as caught:
        load_yaml(path)
    assert str(caught.value) == f"{path}: not valid UTF-8 (byte 3)"


# --- version selection ------------------------------------------------------------------------


def test_default_version_is_the_newest(fixture_root: Path) -> None:
    assert resolve_version().name == "2026-03-01"
    catalog = load_catalog()
    alpha = next(o for o in catalog.offers if o.model == "alpha-1" and o.provider == "alphalab")
    assert alpha.input == Decimal("2")


def test_catalog_version_selects_an_older_version(fixture_root: Path) -> None:
    result = runner.invoke(
        app, ["catalog", "show", "alpha-1", "--format", "json", "--catalog-version", "2026-01-01"]
    )
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["catalog_version"] == "2026-01-01"
    direct = next(o for o in payload["offers"] if o["provider"] == "alphalab")
    assert direct["input"] == "2.5"
    assert direct["path_kind"] == "direct"


def test_as_of_picks_newest_version_on_or_before_the_date(fixture_root: Path) -> None:
    assert resolve_version(as_of=dt.date(2026, 2, 15)).name == "2026-01-01"
    assert resolve_version(as_of=dt.date(2026, 3, 1)).name == "2026-03-01"
    with pytest.raises(UsageError, match="no catalog version released on or before 2025-12-31"):
        resolve_version(as_of=dt.date(2025, 12, 31))


def test_unknown_version_is_a_usage_error_with_suggestion(fixture_root: Path) -> None:
    result = runner.invoke(app, ["catalog", "list", "--catalog-version", "2026-03-02"])
    assert result.exit_code == 2
    assert result.stderr == (
        "tokx: error: unknown catalog version '2026-03-02'; did you mean '2026-03-01'? "
        "(available: 2026-01-01, 2026-03-01)\n"
    )


def test_versions_lists_bundled_and_synced(fixture_root: Path, tmp_path: Path) -> None:
    synced = Path(os.environ["TOKX_DATA_DIR"]) / "catalogs" / "2026-04-01.sync"
    synced.mkdir(parents=True)
    (synced / "manifest.yaml").write_text("schema_version: 1\n")
    result = runner.invoke(app, ["catalog", "versions", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [(v["version"], v["origin"]) for v in payload["versions"]] == [
        ("2026-01-01", "bundled"),
        ("2026-03-01", "bundled"),
        ("2026-04-01.sync", "synced"),
    ]
    assert payload["default"] == "2026-04-01.sync"


# --- overlays ---------------------------------------------------------------------------------

OVERLAY = """\
models:
  - id: private-7b
    name: Private 7B
    vendor: Us
    origin: DE
    open_weights: true
    context_window: 32000
    tokenizer: o200k_base
    source: internal deployment sheet
    as_of: 2026-02-01
offers:
  - model: alpha-1
    provider: alphalab
    input: 1.9
    output: 7.5
    source: our negotiated contract
    as_of: 2026-02-01
  - model: private-7b
    provider: alphalab
    input: 0.1
    output: 0.1
    source: internal deployment sheet
    as_of: 2026-02-01
"""


def test_overlay_replaces_matching_offer_and_adds_new_entries(
    fixture_root: Path, tmp_path: Path
) -> None:
    overlay = tmp_path / "negotiated.yaml"
    overlay.write_text(OVERLAY)
    index = CatalogIndex(load_catalog(overlays=(overlay,)))
    direct = [o for o in index.offers("alpha-1") if o.provider == "alphalab"]
    assert len(direct) == 1
    assert (direct[0].input, direct[0].source) == (Decimal("1.9"), "our negotiated contract")
    assert index.model("private-7b").origin == "DE"
    assert index.catalog.overlays == (str(overlay),)


def test_invalid_overlay_names_the_overlay_file(fixture_root: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "negotiated.yaml"
    overlay.write_text(
        OVERLAY.replace(
            "model: private-7b\n    provider: alphalab", "model: private-8b\n    provider: alphalab"
        )
    )
    result = runner.invoke(app, ["catalog", "show", "alpha-1", "--catalog", str(overlay)])
    assert result.exit_code == 3
    assert result.stderr == (
        f"tokx: error: {overlay}:18: offers[1].model: unknown model 'private-8b'; "
        "did you mean 'private-7b'?\n"
    )


def test_validate_an_overlay_file(fixture_root: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "negotiated.yaml"
    overlay.write_text(OVERLAY)
    result = runner.invoke(app, ["catalog", "validate", str(overlay)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"ok: {overlay} (overlay on catalog 2026-03-01): 4 models, 3 providers, 5 offers, "
        "1 benchmarks\n"
    )


def test_duplicate_inside_one_overlay_is_an_error(fixture_root: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "twice.yaml"
    body = OVERLAY.split("offers:")[1]
    overlay.write_text("offers:" + body + body.split("  - model: private-7b")[0])
    result = runner.invoke(app, ["catalog", "validate", str(overlay)])
    assert result.exit_code == 3
    assert (
        f"{overlay}:15: offers[2]: duplicate offer of 'alpha-1' by 'alphalab', already "
        "defined in twice.yaml at offers[0]" in result.stderr
    )


# --- cache ------------------------------------------------------------------------------------


def cache_files() -> list[Path]:
    return sorted((Path(os.environ["TOKX_CACHE_DIR"]) / "catalogs").glob("*.msgpack"))


def test_compiled_catalog_is_cached_and_invalidated_by_edits(catalog_copy: Path) -> None:
    first = load_catalog()
    assert len(cache_files()) == 1
    assert load_catalog() == first
    offers = catalog_copy / "offers" / "alphalab.yaml"
    offers.write_text(offers.read_text().replace("input: 2.5", "input: 2.4", 1))
    changed = load_catalog()
    assert len(cache_files()) == 2
    alpha = next(o for o in changed.offers if o.model == "alpha-1" and o.provider == "alphalab")
    assert alpha.input == Decimal("2.4")


def test_corrupt_cache_entry_is_ignored(catalog_copy: Path) -> None:
    expected = load_catalog()
    (entry,) = cache_files()
    entry.write_bytes(b"\x00garbage")
    assert load_catalog() == expected


def test_cache_never_hides_an_invalid_catalog(catalog_copy: Path) -> None:
    load_catalog()
    offers = catalog_copy / "offers" / "alphalab.yaml"
    offers.write_text(offers.read_text().replace("input: 2.5", "input: -1", 1))
    with pytest.raises(DataError, match="price must not be negative"):
        load_catalog()


# --- lookups ----------------------------------------------------------------------------------


def test_lookup_by_alias_is_case_insensitive(fixture_root: Path) -> None:
    index = CatalogIndex(load_catalog())
    assert index.model("AlphaLab/Alpha-1").id == "alpha-1"
    assert index.model("alpha-one").id == "alpha-1"


def test_unknown_model_suggests_close_matches(fixture_root: Path) -> None:
    result = runner.invoke(app, ["catalog", "show", "alpha-2"])
    assert result.exit_code == 2
    assert result.stderr == "tokx: error: unknown model 'alpha-2'; did you mean 'alpha-1'?\n"


def test_list_filters(fixture_root: Path) -> None:
    result = runner.invoke(app, ["catalog", "list", "--origin", "cn", "--format", "json"])
    assert [m["id"] for m in json.loads(result.stdout)["models"]] == ["beta-2"]
    result = runner.invoke(
        app, ["catalog", "list", "--path", "aggregator", "--closed-weights", "--format", "json"]
    )
    assert [m["id"] for m in json.loads(result.stdout)["models"]] == ["alpha-1"]
    result = runner.invoke(app, ["catalog", "list", "--path", "cloud"])
    assert result.exit_code == 2
    assert "unknown path kind 'cloud'" in result.stderr


def test_show_says_when_a_model_has_no_offers(fixture_root: Path) -> None:
    result = runner.invoke(app, ["catalog", "show", "gamma-ultra"])
    assert result.exit_code == 0
    assert (
        "No offers: no provider price is catalogued for gamma-ultra: no public price"
        in result.stdout
    )
    assert "openrouter-weekly-tokens 2026-02: 310000000000 tokens (rank 9)" in result.stdout


def test_core_does_not_import_cli_libraries() -> None:
    code = (
        "import sys; import tokenexport_cli.catalog, tokenexport_cli.schema, "
        "tokenexport_cli.yamlsafe; "
        "bad = [m for m in ('typer', 'rich', 'httpx', 'tiktoken') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
