"""The workload option group: declared once, the same argument and flags, in the same place,
on every pricing command."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tokenexport_cli.cli import app

runner = CliRunner()
GROUP = [
    "workload",
    "input_files",
    "input_tokens",
    "output_tokens",
    "requests_per_day",
    "requests_per_month",
    "batch_fraction",
]


def parameters(command: str) -> list[str]:
    group = typer.main.get_command(app)
    with group.make_context("tokx", [command, "--help"], resilient_parsing=True) as context:
        found = group.get_command(context, command)
    assert found is not None
    return [param.name or "" for param in found.params]


@pytest.mark.parametrize(
    ("command", "first"),
    [("estimate", 0), ("recommend", 0), ("report", 0), ("compare", 1), ("selfhost", 1)],
)
def test_group_sits_where_the_flags_were_declared(command: str, first: int) -> None:
    names = parameters(command)
    expected = GROUP if command != "selfhost" else GROUP[:-1]  # no batch API when self-hosting
    assert names[first : first + len(expected)] == expected
    assert ("batch_fraction" in names) == (command != "selfhost")


def test_group_values_reach_the_core(fixture_root: Path) -> None:
    quick = ["--input-tokens", "1000", "--output-tokens", "100", "--requests-per-month", "3000"]
    result = runner.invoke(app, ["estimate", *quick, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert '"requests_per_month": "3000"' in result.stdout
    bad = runner.invoke(app, ["selfhost", "beta-2", *quick[:4], "--requests-per-day", "x"])
    assert bad.exit_code == 2
    assert bad.stderr == "tokx: error: --requests-per-day: 'x' is not a number\n"
