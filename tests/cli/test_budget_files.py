"""tokx check and tokx diff name the input files that moved the cost, in every format, on the
sample repository in examples/ci."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from tokenexport_cli.budget.attribution import NO_FILE_COUNTS
from tokenexport_cli.cli import app

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()
BILLING = "prompts/summarize/billing.txt"


def change_billing_prompt(root: Path) -> None:
    prompt = root / BILLING
    prompt.write_text(prompt.read_text() + "Include the full order history. " * 30)


def checked(*args: str) -> dict[str, dict[str, object]]:
    result = runner.invoke(app, ["check", "--format", "json", *args])
    assert result.exit_code in (0, 1), result.stderr
    return {w["name"]: w for w in json.loads(result.stdout)["workloads"]}


def test_changing_one_prompt_file_makes_check_name_that_file(ci_repo: Path) -> None:
    """The done-when of issue 16, end to end on the committed baseline."""
    unchanged = checked()
    assert all(w["files"] == [] and w["files_note"] is None for w in unchanged.values())
    change_billing_prompt(ci_repo)
    table = runner.invoke(app, ["check"])
    assert "Files that moved the cost" in table.stdout
    named = [line for line in table.stdout.splitlines() if BILLING in line]
    assert len(named) == 1 and "ticket-summaries" in named[0]
    workloads = checked()
    assert workloads["support-chat"]["files"] == []
    (moved,) = workloads["ticket-summaries"]["files"]  # type: ignore[misc]
    assert moved["path"] == BILLING and moved["system_prompt"] is False
    assert moved["input_tokens_after"] > moved["input_tokens_before"]
    # one file changed and nothing else: the workload is priced linearly in its tokens (no
    # tier is crossed), so the file's share is the whole change
    whole = Decimal(workloads["ticket-summaries"]["monthly"]) - Decimal(
        workloads["ticket-summaries"]["baseline_monthly"]
    )
    assert Decimal(moved["cost_change"]) == whole > 0


def test_markdown_and_github_name_the_file(ci_repo: Path, tmp_path: Path) -> None:
    change_billing_prompt(ci_repo)
    markdown = runner.invoke(app, ["check", "--format", "markdown"]).stdout
    assert "#### Files that moved the cost" in markdown
    row = next(line for line in markdown.splitlines() if BILLING in line)
    baseline = json.loads((ci_repo / "tokx-baseline.json").read_text())
    (before,) = [
        f["input_tokens"]
        for w in baseline["workloads"]
        for f in w["tokens"]["files"]
        if f["path"] == BILLING
    ]
    assert row.startswith(f"| ticket-summaries | {BILLING} | {before:,} -> ")
    assert row.endswith(" |") and "| +$0." in row
    summary = tmp_path / "summary.md"
    result = runner.invoke(
        app,
        ["check"],
        env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)},
    )
    warnings = [line for line in result.stdout.splitlines() if line.startswith("::warning ")]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"::warning file={BILLING},title=tokx cost: ticket-summaries::")
    assert BILLING in summary.read_text()


def test_system_prompt_change_is_named_for_its_workload(ci_repo: Path) -> None:
    prompt = ci_repo / "prompts" / "support-system.md"
    prompt.write_text(prompt.read_text() + "Quote the order number you were given.\n")
    workloads = checked()
    (moved,) = workloads["support-chat"]["files"]  # type: ignore[misc]
    assert moved["path"] == "prompts/support-system.md" and moved["system_prompt"] is True
    assert workloads["ticket-summaries"]["files"] == []


def test_baseline_then_diff_names_the_file(ci_repo: Path) -> None:
    assert runner.invoke(app, ["baseline", "-o", "old.json"]).exit_code == 0
    change_billing_prompt(ci_repo)
    assert runner.invoke(app, ["baseline", "-o", "new.json"]).exit_code == 0
    result = runner.invoke(app, ["diff", "old.json", "new.json", "--format", "json"])
    rows = {row["name"]: row for row in json.loads(result.stdout)["workloads"]}
    assert [f["path"] for f in rows["ticket-summaries"]["files"]] == [BILLING]
    assert Decimal(rows["ticket-summaries"]["files"][0]["cost_change"]) == Decimal(
        rows["ticket-summaries"]["change"]
    )
    table = runner.invoke(app, ["diff", "old.json", "new.json"]).stdout
    assert any(BILLING in line for line in table.splitlines())
    markdown = runner.invoke(app, ["diff", "old.json", "new.json", "--format", "markdown"]).stdout
    assert f"| ticket-summaries | {BILLING} |" in markdown


def test_a_baseline_without_file_counts_gives_a_note(ci_repo: Path) -> None:
    path = ci_repo / "tokx-baseline.json"
    data = json.loads(path.read_text())
    data["schema_version"] = 1
    for entry in data["workloads"]:
        del entry["tokens"]
    path.write_text(json.dumps(data))
    change_billing_prompt(ci_repo)
    workloads = checked()
    assert workloads["ticket-summaries"]["files"] == []
    assert workloads["ticket-summaries"]["files_note"] == NO_FILE_COUNTS
    table = runner.invoke(app, ["check"])
    assert table.exit_code == 1  # the budget still fails; the note does not hide it
    assert f"ticket-summaries: {NO_FILE_COUNTS}" in table.stdout


def test_file_costs_share_one_precision_across_workloads() -> None:
    from tokenexport_cli.budget.attribution import Attribution, FileChange
    from tokenexport_cli.render.budget_files import file_rows

    def moved(path: str, cost: str) -> Attribution:
        return Attribution((FileChange(path, False, 10, 20, 1, 2, Decimal(cost)),))

    rows, lines = file_rows(
        [("a", "USD", moved("x.txt", "0.7966")), ("b", "USD", moved("y", "2.5"))]
    )
    assert [row[-1] for row in rows] == ["+$0.797", "+$2.500"]
    assert [row[2:4] for row in rows] == [["10 -> 20", "+10"], ["10 -> 20", "+10"]]
    assert lines == []


def test_cost_change_is_the_hand_worked_figure(ci_repo: Path) -> None:
    """README, "Which file moved the cost": gpt-oss-20b via aws-bedrock in catalog 2026-08-21
    (no batch price, no tiers), 3,000 requests a day over 3 sample files; each sample token
    costs (requests a month / 3) x the price per token."""
    import yaml

    offers = yaml.safe_load(
        (REPO / "catalogs" / "2026-08-21" / "offers" / "aws-bedrock.yaml").read_text()
    )
    (offer,) = [o for o in offers["offers"] if o["model"] == "gpt-oss-20b"]
    input_price, output_price = Decimal(str(offer["input"])), Decimal(str(offer["output"]))
    change_billing_prompt(ci_repo)
    workload = checked()["ticket-summaries"]
    assert (workload["model"], workload["provider"]) == ("gpt-oss-20b", "aws-bedrock")
    (moved,) = workload["files"]  # type: ignore[misc]
    per_sample = Decimal(3000) * Decimal("30.44") / 3  # 30,440 requests a month
    more_input = moved["input_tokens_after"] - moved["input_tokens_before"]
    more_output = moved["output_tokens_after"] - moved["output_tokens_before"]
    expected = per_sample * (more_input * input_price + more_output * output_price) / 10**6
    assert Decimal(moved["cost_change"]) == expected
