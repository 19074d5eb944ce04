"""The report names a self-host line for what it is: whole replicas committed for the month,
never "the cheapest scored option"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from report_scan import QUICK, report_app
from typer.testing import CliRunner

runner = CliRunner()
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "catalogs" / "2026-03-01"


@pytest.fixture
def fixture_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "catalogs" / "2026-03-01"
    shutil.copytree(FIXTURE, target)
    monkeypatch.setenv("TOKX_CATALOG_ROOT", str(target.parent))
    return target


def test_report_never_calls_a_self_host_line_the_cheapest_scored_option(
    fixture_copy: Path, tmp_path: Path
) -> None:
    extra = fixture_copy / "extra.yaml"
    scored = extra.read_text(encoding="utf-8").replace(
        "market:\n",
        "  - model: beta-2\n    benchmark: gpqa-diamond\n    score: 70\n    harness: vendor-readme\n"
        "    source: tests/fixtures\n    as_of: 2026-01-01\nmarket:\n",
    )
    extra.write_text(scored, encoding="utf-8")
    target = tmp_path / "report.html"
    result = runner.invoke(report_app(), ["report", *QUICK, "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    html = target.read_text(encoding="utf-8")
    # beta-2 is scored on all three paths; its self-host line is the dearest and is described
    # as committed replicas, never as a cheapest option
    assert "cheapest scored option" not in html
    assert "scored pay-per-token option, beta-2 (selfhost" not in html
    assert "Self-hosting beta-2 commits $17,472.12/month (committed: 1 replica of 8 x H100" in html
