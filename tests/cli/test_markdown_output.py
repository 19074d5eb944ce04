"""Markdown output is the table people read: the same columns, cells and per-column rounding
as the terminal table (golden files in tests/golden/markdown/, refreshed with
TOKX_UPDATE_GOLDEN=1)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.cli import app

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden" / "markdown"
LOGS = REPO / "tests" / "fixtures" / "logs"
QUICK = ["--input-tokens", "150000", "--output-tokens", "900", "--requests-per-day", "2500"]
# an amount as the tables show it: sign, approximate marker, symbol, digits, band
AMOUNT = re.compile(r"~?-?[$¥€£][\d,]+(?:\.\d+)?(?: ±[\d.]+%)?|\b\d[\d,]*\.\d+\b")
runner = CliRunner()

COMMANDS = {
    "estimate": ["estimate", *QUICK, "--breakdown", "--months", "12"],
    "recommend": ["recommend", *QUICK, "--explain"],
    "compare": ["compare", "beta-2", *QUICK],
    "selfhost": ["selfhost", "beta-2", *QUICK],
}


def run(args: list[str], *extra: str, width: int = 400) -> str:
    result = runner.invoke(app, [*args, *extra], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.md"
    if os.environ.get("TOKX_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert text == path.read_text()


def assert_same_figures(table: str, markdown: str) -> None:
    """Every amount of the wide table appears in the markdown, rounded alike, in order."""
    shown = AMOUNT.findall(table)
    assert shown, "the table shows no amounts"
    assert AMOUNT.findall(markdown) == shown


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_markdown_matches_the_table(fixture_root: Path, name: str) -> None:
    markdown = run(COMMANDS[name], "--format", "markdown")
    golden(name, markdown)
    assert_same_figures(run(COMMANDS[name]), markdown)
    assert "\x1b" not in markdown and "┃" not in markdown
    tables = [line for line in markdown.splitlines() if line.startswith("|")]
    assert tables and all(line.endswith("|") for line in tables)


def test_estimate_markdown_has_one_precision_per_column(fixture_root: Path) -> None:
    markdown = run(COMMANDS["estimate"], "--format", "markdown")
    rows = [line.split(" | ") for line in markdown.splitlines() if line.startswith("| ")]
    header, body = rows[0], rows[1:]
    monthly = [row[header.index("monthly")] for row in body]
    places = {len(value.split(".")[1]) for value in monthly}
    assert len(places) == 1  # aligned figures, not raw 10-decimal strings
    assert all(len(row) == len(header) for row in body)
    assert "breakdown.input" not in markdown  # the table's columns, not the flattened payload


def test_replay_markdown_matches_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOKX_CATALOG_VERSION", "2026-08-21")  # the figures below are its prices
    args = ["replay", str(LOGS / "openrouter_activity.csv")]
    markdown = run(args, "--format", "markdown")
    golden("replay", markdown)
    assert_same_figures(run(args), markdown)


def test_check_and_diff_markdown_match_their_tables(ci_repo: Path) -> None:
    prompt = ci_repo / "prompts" / "summarize" / "billing.txt"
    prompt.write_text(prompt.read_text() + "Include the full order history. " * 30)
    result = runner.invoke(app, ["check", "--format", "markdown"], env={"COLUMNS": "400"})
    assert result.exit_code == 1  # the longer prompt breaks a budget
    golden("check", result.stdout)
    assert_same_figures(runner.invoke(app, ["check"], env={"COLUMNS": "400"}).stdout, result.stdout)
    assert runner.invoke(app, ["baseline", "-o", "new.json"]).exit_code == 0
    diff_args = ["diff", "tokx-baseline.json", "new.json"]
    markdown = run(diff_args, "--format", "markdown")
    golden("diff", markdown)
    assert_same_figures(run(diff_args), markdown)


def test_a_key_value_table_gets_a_markdown_header_row(fixture_root: Path) -> None:
    """`catalog show`'s facts table has no header on the terminal; markdown needs one, so it is
    named (an empty header row renders as a blank first row)."""
    text = run(["catalog", "show", "beta-2", "--format", "markdown"])
    header = text.splitlines()[0]
    assert header == "| field | value |"
    lines = text.splitlines()
    headers = [lines[i - 1] for i, line in enumerate(lines) if re.fullmatch(r"\|(-+:?\|)+", line)]
    assert len(headers) >= 2  # the facts and the offers
    for row in headers:
        assert all(cell.strip() for cell in row.strip("|").split("|")), row
