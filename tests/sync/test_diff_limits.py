"""``tokx catalog diff`` reports the lengths from which an offer's prices are not published
(``priced_input_below``, ``priced_output_below``) that appeared, went or moved, apart from the
price changes (those are per million tokens, these are token counts)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.catalog.diff import LimitChange, diff_catalogs, load_ref
from tokenexport_cli.cli import app

BASE = Path(__file__).parent / "fixtures" / "catalogs" / "2026-06-01"
runner = CliRunner()


def _version(tmp_path: Path, name: str, limits: str) -> Path:
    """The base version with ``limits`` (YAML lines) added to alpha-1 on OpenRouter."""
    folder = tmp_path / name
    shutil.copytree(BASE, folder)
    manifest = folder / "manifest.yaml"
    manifest.write_text(manifest.read_text().replace('"2026-06-01"', f'"{name}"'))
    offers = folder / "offers" / "openrouter.yaml"
    text = offers.read_text()
    anchor = "    source: tests/sync/fixtures\n"
    assert anchor in text
    offers.write_text(text.replace(anchor, limits + anchor, 1))
    return folder


def _limit(field: str, tokens: int) -> str:
    return (
        f"    {field}:\n      tokens: {tokens}\n      source: a contract annex\n"
        "      as_of: 2026-06-01\n"
    )


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    """Old: an input limit of 64,000. New: moved to 48,000, and an output limit of 200 added."""
    old = _version(tmp_path, "2026-07-01", _limit("priced_input_below", 64000))
    new = _version(
        tmp_path,
        "2026-08-01",
        _limit("priced_input_below", 48000) + _limit("priced_output_below", 200),
    )
    return old, new


def test_the_diff_holds_each_limit_that_moved_or_appeared(versions: tuple[Path, Path]) -> None:
    old, new = versions
    [change] = diff_catalogs(load_ref(str(old)), load_ref(str(new))).changed_offers
    assert change.key == ("alpha-1", "openrouter", "")
    assert change.changes == ()  # no price moved
    assert change.limits == (
        LimitChange("priced_input_below", 64000, 48000),
        LimitChange("priced_output_below", None, 200),
    )
    back = diff_catalogs(load_ref(str(new)), load_ref(str(old))).changed_offers[0]
    assert LimitChange("priced_output_below", 200, None) in back.limits


def test_table_json_and_markdown_report_them(versions: tuple[Path, Path]) -> None:
    old, new = (str(path) for path in versions)
    table = runner.invoke(app, ["catalog", "diff", old, new])
    assert table.exit_code == 0, table.output
    assert table.stdout == (
        "2026-07-01 -> 2026-08-01: 0 models added, 0 removed; 0 offers added, 0 removed, "
        "0 with price changes, 1 with changed lengths from which prices are not published\n"
        "\n"
        "lengths from which prices are not published (tokens):\n"
        "  offer                 field                   old     new\n"
        "  --------------------  -------------------  ------  ------\n"
        "  alpha-1 @ openrouter  priced_input_below   64,000  48,000\n"
        "  alpha-1 @ openrouter  priced_output_below    none     200\n"
    )
    document = json.loads(runner.invoke(app, ["catalog", "diff", old, new, "-f", "json"]).stdout)
    [offer] = document["changed_offers"]
    assert offer["changes"] == []
    assert offer["limits"] == [
        {"field": "priced_input_below", "old": 64000, "new": 48000},
        {"field": "priced_output_below", "old": None, "new": 200},
    ]
    markdown = runner.invoke(app, ["catalog", "diff", old, new, "--format", "markdown"]).stdout
    assert "| alpha-1 @ openrouter | priced_output_below | none | 200 |" in markdown
