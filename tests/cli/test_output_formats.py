"""Machine-readable output: the JSON contract (schema file, golden file, strict decoding), CSV,
markdown, --output, --quiet and TOKX_FORMAT."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.cli import app
from tokenexport_cli.render.json_schema import schema_text, validate_output

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden" / "estimate_fixture.json"
QUICK = ["--input-tokens", "1000", "--output-tokens", "1000", "--requests-per-month", "1000"]
runner = CliRunner()


def test_published_schema_matches_the_code() -> None:
    assert (REPO / "schemas" / "output.schema.json").read_text() == schema_text()
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert result.stdout == schema_text()


def test_estimate_json_is_pinned_by_a_golden_file(fixture_root: Path) -> None:
    result = runner.invoke(app, ["estimate", *QUICK, "--format", "json", "--months", "3"])
    assert result.exit_code == 0, result.stderr
    if os.environ.get("TOKX_UPDATE_GOLDEN"):
        GOLDEN.write_text(result.stdout)
    assert result.stdout == GOLDEN.read_text()
    validate_output("estimate", result.stdout)


def test_recommend_json_follows_the_contract(fixture_root: Path) -> None:
    result = runner.invoke(app, ["recommend", *QUICK, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    payload = validate_output("recommend", result.stdout)
    assert payload.schema_version == 1 and payload.catalog_version == "2026-03-01"
    assert payload.workload_digest.startswith("sha256:")


def test_csv_has_one_row_per_cost_line(fixture_root: Path) -> None:
    result = runner.invoke(app, ["estimate", *QUICK, "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert next((r["model"], r["provider"], r["monthly"]) for r in rows) == (
        "beta-2",
        "betaai",
        "1.2235449735",
    )
    assert len(rows) == 5
    assert "breakdown.fees" in rows[0] and "\x1b" not in result.stdout


def test_markdown_table(fixture_root: Path) -> None:
    result = runner.invoke(app, ["catalog", "list", "--format", "markdown"])
    lines = result.stdout.splitlines()
    assert lines[0] == "### Models in catalog 2026-03-01"
    assert lines[2].startswith("| id | vendor | origin |")  # the table's columns
    assert len([line for line in lines if line.startswith("| ")]) == 4  # header + 3 models


def test_output_file_and_quiet(fixture_root: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "estimate.json"
    missing = runner.invoke(app, ["estimate", *QUICK, "-o", str(target)])
    assert missing.exit_code == 2
    assert missing.stderr == f"tokx: error: --output: folder '{target.parent}' does not exist\n"
    target.parent.mkdir()
    result = runner.invoke(app, ["estimate", *QUICK, "--format", "json", "-o", str(target)])
    assert (result.exit_code, result.stdout) == (0, "")
    assert json.loads(target.read_text())["catalog_version"] == "2026-03-01"
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]  # no temp left
    quiet = runner.invoke(app, ["estimate", *QUICK, "--quiet"])
    assert (quiet.exit_code, quiet.stdout) == (0, "")


def test_format_from_environment(fixture_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOKX_FORMAT", "json")
    result = runner.invoke(app, ["catalog", "versions"])
    assert json.loads(result.stdout)["default"] == "2026-03-01"
    monkeypatch.setenv("TOKX_FORMAT", "yaml")
    result = runner.invoke(app, ["catalog", "versions"])
    assert result.exit_code == 2
    assert result.stderr == (
        "tokx: error: --format: unknown format 'yaml' (choose from table, json, csv, markdown)\n"
    )


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("estimate", ["estimate", *QUICK]),
        ("recommend", ["recommend", *QUICK]),
        ("compare", ["compare", "alpha-1"]),
        ("catalog versions", ["catalog", "versions"]),
        ("catalog list", ["catalog", "list"]),
        ("catalog show", ["catalog", "show", "alpha-1"]),
    ],
)
def test_every_json_output_decodes_strictly_against_its_contract(
    fixture_root: Path, command: str, args: list[str]
) -> None:
    """One payload type per command is both the output and the published schema."""
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    payload = validate_output(command, result.stdout)
    assert payload.schema_version == 1
    published = json.loads(schema_text())["$defs"]
    assert type(payload).__name__ in published


def test_tokens_and_workload_json_follow_the_contract(tmp_path: Path) -> None:
    sample = tmp_path / "a.txt"
    sample.write_text("hello tokens, hello world")
    result = runner.invoke(app, ["tokens", str(sample), "--format", "json", "--no-cache"])
    assert result.exit_code == 0, result.stderr
    counted = validate_output("tokens", result.stdout)
    assert counted.totals[0].family == "o200k_base" and counted.totals[0].tokens > 0
    result = runner.invoke(
        app, ["workload", "show", str(REPO / "examples" / "support-bot.yaml"), "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr
    shown = validate_output("workload show", result.stdout)
    assert shown.workload == "support-bot" and shown.families
