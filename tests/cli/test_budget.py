"""tokx check / baseline / diff on the sample repository in examples/ci, through CliRunner and
as a real subprocess (exit codes, stdout/stderr, NO_COLOR, GitHub Actions)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tokenexport_cli.cli import app

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def lengthen_prompt(root: Path) -> None:
    prompt = root / "prompts" / "summarize" / "billing.txt"
    prompt.write_text(prompt.read_text() + "Include the full order history. " * 300)


def tokx(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("GITHUB_ACTIONS", None) if "GITHUB_ACTIONS" not in (env or {}) else None
    return subprocess.run(
        [sys.executable, "-m", "tokenexport_cli", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_sample_repo_passes(ci_repo: Path) -> None:
    result = runner.invoke(app, ["check", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["ok"] is True
    assert payload["catalog_version"] == "2026-08-21"  # pinned by tokx.yaml
    assert [w["name"] for w in payload["workloads"]] == ["support-chat", "ticket-summaries"]
    assert all(w["change_percent"] == "0" for w in payload["workloads"])


def test_longer_prompt_fails_against_the_baseline(ci_repo: Path) -> None:
    lengthen_prompt(ci_repo)
    result = runner.invoke(app, ["check", "--baseline", "tokx-baseline.json"])
    assert result.exit_code == 1
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("tokx: error: ")
    assert "ticket-summaries: monthly cost rose" in error
    assert "over max_increase_percent 15%" in error
    assert "(1.13 USD -> " in error
    assert "support-chat" not in error


def test_baseline_then_diff(ci_repo: Path) -> None:
    assert runner.invoke(app, ["baseline", "-o", "old.json"]).exit_code == 0
    lengthen_prompt(ci_repo)
    assert runner.invoke(app, ["baseline", "-o", "new.json"]).exit_code == 0
    result = runner.invoke(app, ["diff", "old.json", "new.json", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)["workloads"]}
    assert rows["support-chat"]["change"] == "0"
    assert float(rows["ticket-summaries"]["change_percent"]) > 100
    markdown = runner.invoke(app, ["diff", "old.json", "new.json", "--format", "markdown"])
    assert "| ticket-summaries | $1.13 |" in markdown.stdout


def test_one_off_check_with_flags(ci_repo: Path) -> None:
    args = [
        "check",
        "--workload",
        "workloads/support-chat.yaml",
        "--model",
        "deepseek-v3.2",
        "--provider",
        "deepseek",
        "--catalog-version",  # the figure below is this version's DeepSeek price
        "2026-08-21",
    ]
    assert runner.invoke(app, [*args, "--max-monthly", "100"]).exit_code == 0
    result = runner.invoke(app, [*args, "--max-monthly", "10"])
    assert result.exit_code == 1
    assert "support-chat: monthly cost 43.38 USD exceeds max_monthly 10.00 USD" in result.stderr


@pytest.mark.parametrize(
    ("setup", "args", "code", "message"),
    [
        (None, ["check", "--config", "missing.yaml"], 2, "missing.yaml: config file not found"),
        (None, ["check", "--model", "x"], 2, "--model, --provider and --max-* go with --workload"),
        ("bad-key", ["check"], 3, "tokx.yaml:11: workloads[0].budget: unknown key 'budget'"),
        ("no-budget", ["check"], 3, "tokx.yaml:11: workloads[0].budgets: no budget to check"),
        ("bad-model", ["check"], 3, "workloads[0] (support-chat): unknown model 'deepseek-v9'"),
        ("no-baseline", ["check"], 2, "tokx-baseline.json: baseline file not found"),
    ],
)
def test_exit_codes_for_bad_input(
    ci_repo: Path, setup: str | None, args: list[str], code: int, message: str
) -> None:
    config = ci_repo / "tokx.yaml"
    text = config.read_text()
    if setup == "bad-key":
        config.write_text(
            text.replace(
                "    budgets:\n      max_monthly: 60", "    budget:\n      max_monthly: 60"
            )
        )
    elif setup == "no-budget":
        config.write_text(
            text.replace(
                "      max_monthly: 60\n      max_per_1k_requests: 0.1\n      max_increase_percent: 10\n",
                "      {}\n",
            ).replace("    budgets:\n      {}", "    budgets: {}")
        )
    elif setup == "bad-model":
        config.write_text(text.replace("model: deepseek-v3.2", "model: deepseek-v9"))
    elif setup == "no-baseline":
        (ci_repo / "tokx-baseline.json").unlink()
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_no_config_anywhere_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 2
    assert "no tokx.yaml here or in any parent folder" in result.stderr


def test_config_is_found_from_a_subfolder(ci_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ci_repo / "prompts" / "summarize")
    assert runner.invoke(app, ["check", "-q"]).exit_code == 0


def test_subprocess_exit_codes_streams_and_no_color(ci_repo: Path) -> None:
    ok = tokx("check", cwd=ci_repo, env={"NO_COLOR": "1"})
    assert ok.returncode == 0
    assert ok.stderr == ""
    assert "\x1b[" not in ok.stdout and "support-chat" in ok.stdout
    quiet = tokx("check", "--quiet", cwd=ci_repo)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    lengthen_prompt(ci_repo)
    failed = tokx("check", "--format", "json", cwd=ci_repo)
    assert failed.returncode == 1
    assert json.loads(failed.stdout)["ok"] is False  # results stay on stdout
    assert failed.stderr.startswith("tokx: error: ") and "Traceback" not in failed.stderr
    usage = tokx("check", "--format", "xml", cwd=ci_repo)
    assert usage.returncode == 2 and usage.stdout == ""
    (ci_repo / "tokx.yaml").write_text("workloads: [")
    data = tokx("check", cwd=ci_repo)
    assert data.returncode == 3 and "tokx.yaml" in data.stderr and data.stdout == ""


def test_github_actions_annotations_and_summary(ci_repo: Path, tmp_path: Path) -> None:
    lengthen_prompt(ci_repo)
    summary = tmp_path / "summary.md"
    result = tokx(
        "check", cwd=ci_repo, env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    # GitHub wants repository-relative paths: the config is at the workspace root here
    assert errors and all(line.startswith("::error file=tokx.yaml,") for line in errors)
    assert any(
        "title=tokx budget: ticket-summaries (max_increase_percent)" in line for line in errors
    )
    assert "| FAIL | ticket-summaries |" in summary.read_text()


def test_documented_workflow_and_pre_commit_commands_run(ci_repo: Path) -> None:
    workflow = yaml.safe_load((ci_repo / ".github" / "workflows" / "tokx-budget.yml").read_text())
    commands = [
        step["run"]
        for step in workflow["jobs"]["tokx"]["steps"]
        if str(step.get("run", "")).startswith("tokx ")
    ]
    hooks = yaml.safe_load((ci_repo / ".pre-commit-config.yaml").read_text())
    commands += [hook["entry"] for repo in hooks["repos"] for hook in repo["hooks"]]
    assert len(commands) == 2
    for command in commands:
        argv = shlex.split(command)
        assert argv[0] == "tokx"
        assert tokx(*argv[1:], cwd=ci_repo).returncode == 0, command
    lengthen_prompt(ci_repo)
    for command in commands:
        assert tokx(*shlex.split(command)[1:], cwd=ci_repo).returncode == 1, command


def test_catalog_version_override_and_as_of(ci_repo: Path) -> None:
    # the config pins 2026-08-21; --as-of reproduces the check on the catalog of that date
    result = runner.invoke(app, ["check", "--as-of", "2026-06-01", "--format", "json"])
    assert json.loads(result.stdout)["catalog_version"] == "2026-05-28"
    result = runner.invoke(app, ["baseline", "-o", "-", "--catalog-version", "2026-05-28"])
    assert json.loads(result.stdout)["catalog_version"] == "2026-05-28"


def test_check_and_estimate_print_one_digest_for_one_workload(ci_repo: Path) -> None:
    """A workload has one digest, whichever command prints it."""
    checked = runner.invoke(app, ["check", "--format", "json"])
    assert checked.exit_code == 0, checked.stderr
    by_name = {w["name"]: w for w in json.loads(checked.stdout)["workloads"]}
    for name, workload in (
        ("support-chat", "workloads/support-chat.yaml"),
        ("ticket-summaries", "workloads/ticket-summaries.yaml"),
    ):
        estimated = runner.invoke(
            app,
            [
                "estimate",
                workload,
                "-m",
                "deepseek-v3.2",
                "--format",
                "json",
                "--catalog-version",
                "2026-08-21",
            ],
        )
        assert estimated.exit_code == 0, estimated.stderr
        digest = json.loads(estimated.stdout)["workload_digest"]
        assert digest.startswith("sha256:")
        assert by_name[name]["workload_digest"] == digest


def test_annotation_paths_are_relative_to_the_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tokenexport_cli.render.budget import repository_path

    config = tmp_path / "services" / "bot" / "tokx.yaml"
    config.parent.mkdir(parents=True)
    config.write_text("")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    assert repository_path(config) == "services/bot/tokx.yaml"
    outside = Path("/etc/hosts")
    assert repository_path(outside) == "/etc/hosts"
