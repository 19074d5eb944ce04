"""Self-host lines end to end: whole committed replicas in estimate, units that hold their
weights, and the report naming a self-host line for what it is."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.cli import app

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "catalogs" / "2026-03-01"
QUICK = ["--input-tokens", "1000", "--output-tokens", "1000", "--requests-per-month", "1000"]


@pytest.fixture
def fixture_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "catalogs" / "2026-03-01"
    shutil.copytree(FIXTURE, target)
    monkeypatch.setenv("TOKX_CATALOG_ROOT", str(target.parent))
    return target


def test_v32_line_is_one_committed_h200_node() -> None:
    result = runner.invoke(
        app,
        [
            "estimate",
            str(REPO / "examples" / "support-bot.yaml"),
            "--model",
            "deepseek-v3.2",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    (line,) = [ln for ln in json.loads(result.stdout)["lines"] if ln["path_kind"] == "selfhost"]
    # 8 H200 x $2.3/h (the LMSYS blog's cost assumption) x 730.44 h, one node being plenty
    assert line["monthly"] == "13440.096"
    assert line["notes"][0].startswith("committed: 1 replica of 8 x H200 at $2.3/GPU-h")


def test_a_unit_too_small_for_its_weights_is_rejected(fixture_copy: Path) -> None:
    extra = fixture_copy / "extra.yaml"
    text = extra.read_text(encoding="utf-8")
    extra.write_text(
        text.replace(
            "    gpus_per_replica: 8\n",
            "    gpus_per_replica: 8\n    gpu_memory_gb: 80\n    weights_gb: 720\n",
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["estimate", *QUICK])
    assert result.exit_code == 3
    assert "8 x 80 GB = 640 GB cannot hold 720 GB of weights" in result.stderr
