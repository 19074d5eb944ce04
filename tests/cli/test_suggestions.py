"""Did-you-mean: one wording everywhere, prefixes first, unknown keys of every user file."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tokenexport_cli.cli import app
from tokenexport_cli.suggest import close_matches, did_you_mean

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_a_prefix_is_suggested_before_closer_looking_names() -> None:
    names = ["swe-bench-pro", "multi-swe-bench", "tau-bench", "swe-bench-verified"]
    assert close_matches("swe-bench", names, 2) == ["swe-bench-pro", "swe-bench-verified"]
    assert did_you_mean("SWE-bench", names, 1) == "; did you mean 'swe-bench-pro'?"
    assert did_you_mean("zzz", names) == ""


def test_unknown_workload_key_gets_a_suggestion(tmp_path: Path) -> None:
    workload = tmp_path / "w.yaml"
    workload.write_text("name: x\nrequests_per_month: 10\ncache_hit: 0.5\n")
    result = runner.invoke(app, ["workload", "show", str(workload)])
    assert result.exit_code == 3
    assert result.stderr.startswith(
        f"tokx: error: {workload}:3: cache_hit: unknown key 'cache_hit'; "
        "did you mean 'cache_hit_rate'"
    )


def test_unknown_config_key_nested_gets_a_suggestion(tmp_path: Path) -> None:
    config = tmp_path / "tokx.yaml"
    config.write_text(
        "workloads:\n  - name: a\n    workload: w.yaml\n    model: m\n    provider: p\n"
        "    budgets: {max_montly: 5}\n"
    )
    result = runner.invoke(app, ["check", "--config", str(config)])
    assert result.exit_code == 3
    assert "workloads[0].budgets.max_montly: unknown key 'max_montly'; did you mean " in (
        result.stderr
    )
    assert "'max_monthly'" in result.stderr


def test_benchmark_floor_suggests_the_benchmark_it_starts() -> None:
    result = runner.invoke(
        app,
        ["recommend", str(REPO / "examples" / "support-bot.yaml"), "--min", "swe-bench=60"],
    )
    assert result.exit_code == 2
    assert "unknown benchmark 'swe-bench'; did you mean " in result.stderr
    assert "'swe-bench-verified'" in result.stderr


def test_a_warning_names_its_file_once(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(
        '{"messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}, '
        '{"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]}]}\n'
    )
    workload = tmp_path / "w.yaml"
    workload.write_text(
        f"name: w\nrequests_per_month: 10\noutput_tokens: {{fixed: 100}}\ninputs:\n  - chat_jsonl: {log}\n"
    )
    result = runner.invoke(app, ["workload", "show", str(workload), "-t", "o200k_base"])
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warnings == [
        f"tokx: warning: {log}: 1 message part(s) without text (images, audio, documents) "
        "not counted"
    ]
