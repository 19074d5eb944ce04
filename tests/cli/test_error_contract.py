"""The exit-code contract, one ending at a time: usage (2), data (3), budget (1), internal (70),
interrupt (130), a closed pipe (never 1), each with one line on stderr and no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.cli import app
from tokenexport_cli.errors import (
    BROKEN_PIPE_EXIT,
    BudgetExceeded,
    DataError,
    InvalidValue,
    NetworkError,
    TokxError,
    UsageError,
    exit_code_for,
)

REPO = Path(__file__).resolve().parents[2]
QUICK = ["--input-tokens", "1000", "--output-tokens", "100", "--requests-per-month", "1000"]
runner = CliRunner()


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (UsageError("x"), 2),
        (InvalidValue("x", "fx"), 2),
        (DataError("x"), 3),
        (NetworkError("x"), 4),
        (BudgetExceeded("x"), 1),
        (TokxError("x"), 1),
        (KeyboardInterrupt(), 130),
        (BrokenPipeError(), BROKEN_PIPE_EXIT),
        (RuntimeError("x"), 70),
    ],
)
def test_one_table_maps_every_ending(error: BaseException, code: int) -> None:
    assert exit_code_for(error) == code


def _one_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_a_bug_is_one_line_and_exit_70(monkeypatch: pytest.MonkeyPatch) -> None:
    import tokenexport_cli.api.cost as cost

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(cost, "cost_context", broken)
    monkeypatch.delenv("TOKX_DEBUG", raising=False)
    result = runner.invoke(app, ["estimate", *QUICK])
    assert result.exit_code == 70
    line = _one_line(result.stderr)
    assert line.startswith("tokx: error: internal error: RuntimeError: boom")
    assert "TOKX_DEBUG=1" in line


def test_tokx_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import tokenexport_cli.api.cost as cost

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cost, "cost_context", broken)
    monkeypatch.setenv("TOKX_DEBUG", "1")
    result = runner.invoke(app, ["estimate", *QUICK])
    assert isinstance(result.exception, RuntimeError)


def test_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    import tokenexport_cli.api.cost as cost

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cost, "cost_context", interrupted)
    result = runner.invoke(app, ["estimate", *QUICK])
    assert result.exit_code == 130
    assert _one_line(result.stderr) == "tokx: error: interrupted"


def test_click_usage_errors_are_one_line_exit_2() -> None:
    result = runner.invoke(app, ["estimate", "--no-such-flag"])
    assert result.exit_code == 2
    line = _one_line(result.stderr)
    assert line.startswith("tokx: error: ")
    assert "--no-such-flag" in line
    result = runner.invoke(app, ["estimate", "--input-tokens", "many"])
    assert result.exit_code == 2
    assert "--input-tokens" in _one_line(result.stderr)


def test_a_value_rejected_by_the_core_names_the_flag() -> None:
    result = runner.invoke(app, ["estimate", *QUICK, "--fx", "CNY=-1"])
    assert result.exit_code == 2
    assert _one_line(result.stderr) == (
        "tokx: error: --fx: must be between 0.000001 and 1000000 (got -1)"
    )


def test_a_config_value_is_a_data_error_naming_file_line_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workload = REPO / "examples" / "support-bot.yaml"
    (tmp_path / "tokx.yaml").write_text(
        "currency: USD\n"
        "fx:\n"
        "  CNY: -1\n"
        "workloads:\n"
        f"  - name: bot\n    workload: {workload}\n    model: deepseek-v3.2\n"
        "    provider: deepseek\n    budgets: {max_monthly: 1000}\n"
    )
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 3
    assert _one_line(result.stderr) == (
        f"tokx: error: {tmp_path / 'tokx.yaml'}:3: fx.CNY: must be between 0.000001 and 1000000 (got -1)"
    )


def test_catalog_validate_rejects_a_band_of_150_percent(tmp_path: Path) -> None:
    overlay = tmp_path / "wide.yaml"
    overlay.write_text(
        "tokenizers:\n"
        "  - id: wide\n"
        "    kind: approximate\n"
        "    reference: o200k_base\n"
        "    factor: 1.0\n"
        "    band_percent: 150\n"
        "    source: test\n"
        "    as_of: 2026-01-01\n"
    )
    result = runner.invoke(app, ["catalog", "validate", str(overlay)])
    assert result.exit_code == 3
    assert f"{overlay}:6: tokenizers[0].band_percent: must be between 0 and 100 (got 150)" in (
        result.stderr
    )
    text = tmp_path / "a.txt"
    text.write_text("hello world")
    result = runner.invoke(app, ["tokens", "-t", "wide", str(text), "--catalog", str(overlay)])
    assert result.exit_code == 3


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX shell")
def test_a_closed_pipe_never_exits_1() -> None:
    """``tokx estimate ... | head -1`` under pipefail: tokx ends quietly, never with 1."""
    script = (
        "set -o pipefail; "
        f"{sys.executable} -m tokenexport_cli estimate {REPO / 'examples' / 'support-bot.yaml'} "
        "--all | head -1 >/dev/null; echo $?"
    )
    env = {**os.environ, "COLUMNS": "100"}
    for _ in range(3):
        run = subprocess.run(
            ["bash", "-c", script], capture_output=True, text=True, env=env, cwd=REPO
        )
        assert run.stdout.strip() in ("0", str(BROKEN_PIPE_EXIT)), run.stderr
        assert "Traceback" not in run.stderr and "Exception ignored" not in run.stderr
