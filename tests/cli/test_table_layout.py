"""Tables read at ordinary terminal widths: one line per row, nothing cut, ids whole, money at
one precision per column (golden text at 80, 100 and 160 columns)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.cli import app
from tokenexport_cli.render.layout import Column, fitted
from tokenexport_cli.render.output import table_text
from tokenexport_cli.render.text import money_column, places_for

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden" / "tables"
QUICK = ["--input-tokens", "150000", "--output-tokens", "900", "--requests-per-day", "2500"]
runner = CliRunner()


def lines_of(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


@pytest.mark.parametrize("width", [80, 100, 160])
def test_estimate_breakdown_golden_at_each_width(fixture_root: Path, width: int) -> None:
    result = runner.invoke(
        app, ["estimate", *QUICK, "--breakdown", "--months", "12"], env={"COLUMNS": str(width)}
    )
    assert result.exit_code == 0, result.stderr
    golden = GOLDEN / f"estimate-breakdown-{width}.txt"
    if os.environ.get("TOKX_UPDATE_GOLDEN"):
        golden.write_text(result.stdout)
    assert result.stdout == golden.read_text()
    shown = lines_of(result.stdout)
    assert max(len(line) for line in shown) <= width
    assert not any("…" in line for line in shown)  # nothing truncated


def test_every_cost_line_is_one_table_line_at_100_columns() -> None:
    workload = REPO / "examples" / "support-bot.yaml"
    models = "deepseek-v3.2,kimi-k2.5,claude-sonnet-4.5"
    result = runner.invoke(
        app, ["estimate", str(workload), "-m", models, "--breakdown"], env={"COLUMNS": "100"}
    )
    assert result.exit_code == 0, result.stderr
    shown = lines_of(result.stdout)
    assert max(len(line) for line in shown) <= 100
    assert not any("…" in line for line in shown)
    first_table = shown[: next(i for i, line in enumerate(shown) if line.startswith("└"))]
    rows = [line for line in first_table if line.startswith("│")]
    as_json = runner.invoke(app, ["estimate", str(workload), "-m", models, "--format", "json"])
    assert len(rows) == len(json.loads(as_json.stdout)["lines"])  # one line per cost line
    assert all(row.split("│")[2].strip() in models.split(",") for row in rows)  # ids whole


def test_columns_move_and_notes_become_footnotes() -> None:
    columns = [
        Column("id"),
        Column("cost", right=True),
        Column("extra", right=True, movable=True),
        Column("notes", note=True),
    ]
    rows = [["alpha-model-one", "$1.00", "12,345", "a long note " * 4]]
    text = table_text(fitted("T", columns, rows, keys=1, width=40), width=40)
    shown = lines_of(text)
    assert max(len(line) for line in shown) <= 40
    assert "T, continued" in text and "[1] a long note" in text
    assert sum("alpha-model-one" in line for line in shown) == 2  # the key repeats
    quiet = fitted("T", columns, [[*rows[0][:3], ""]], keys=1, width=200)
    assert "notes" not in table_text(quiet, width=200)  # an always-empty notes column goes


def test_money_column_lines_up_at_one_precision() -> None:
    from decimal import Decimal

    assert places_for([Decimal("231.21"), Decimal("5.1")]) == 2
    assert places_for([Decimal("0.152"), Decimal("3.268")]) == 3
    assert places_for([Decimal("0.000123")]) == 6
    shown = money_column([Decimal("1234.5"), Decimal("0.9"), Decimal("0.8176")])
    assert shown == ["$1,234.500", "$0.900", "$0.818"]  # one precision: points line up
    approx = money_column([Decimal("686.171")], bands=[Decimal("27")])
    assert approx == ["~$686.17 ±27%"]
