"""`tokx catalog show` resolves the ids people use (dated ids, vendor API ids) in the newest
catalog, and shows what prices depend on: 1-hour cache writes, cacheable minimums, tiers."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from tokenexport_cli.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("gpt-4o-2024-08-06", "gpt-4o"),
        ("deepseek-chat", "deepseek-v3.2"),
        ("qwen-plus", "qwen-plus"),
        ("kimi-k2-turbo-preview", "kimi-k2-turbo-preview"),
    ],
)
def test_catalog_show_resolves_vendor_and_dated_ids(name: str, model: str) -> None:
    result = runner.invoke(app, ["catalog", "show", name, "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["catalog_version"] == "2026-11-27"
    assert payload["model"]["id"] == model
    assert payload["offers"]


def test_deepseek_direct_offer_in_the_table() -> None:
    result = runner.invoke(app, ["catalog", "show", "deepseek-v3.2"])
    assert result.exit_code == 0, result.output
    direct = next(line for line in result.stdout.splitlines() if "│ deepseek " in line)
    cells = [cell.strip() for cell in direct.split("│")]
    # a price column pads its figures to one number of decimals, never rounds them
    assert [Decimal(cell.lstrip("$")) for cell in cells[4:7]] == [
        Decimal("0.28"),
        Decimal("0.42"),
        Decimal("0.028"),
    ]


def test_sonnet_shows_its_one_hour_write_minimum_and_tier() -> None:
    result = runner.invoke(app, ["catalog", "show", "claude-sonnet-4.5"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    direct = next(line for line in lines if "│ anthropic " in line)
    assert "$3.75 (1h $6); min 1,024" in direct
    # long cells become numbered footnotes below the table when it would not fit
    notes = dict(line.split(" ", 1) for line in lines if line.startswith("["))
    shown = direct + " ".join(notes.get(cell.strip(), "") for cell in direct.split("│"))
    assert ">200K: $6/$22.5" in shown


def test_a_withdrawn_tier_is_shown_as_withdrawn() -> None:
    result = runner.invoke(app, ["catalog", "show", "claude-opus-4.6"])
    assert result.exit_code == 0, result.output
    assert "(withdrawn" in result.stdout
    shown = runner.invoke(app, ["catalog", "show", "claude-opus-4.6", "--format", "json"])
    tiers = [tier for offer in json.loads(shown.stdout)["offers"] for tier in offer["tiers"]]
    assert tiers
    assert {tier["until"] for tier in tiers} == {"2026-03-13"}


def test_an_unknown_id_still_fails_with_suggestions() -> None:
    result = runner.invoke(app, ["catalog", "show", "qwen-pluss"])
    assert result.exit_code != 0
    assert "qwen-plus" in result.output
