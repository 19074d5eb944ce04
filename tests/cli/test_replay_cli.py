"""``tokx replay`` end to end: the done-when of issue 15 on the fixture logs, the JSON contract,
warnings on stderr and the exit codes of bad input."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.cli import app
from tokenexport_cli.render.json_schema import validate_output

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _pinned_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hand-worked figures here come from catalog 2026-08-21; the newest may reprice them."""
    monkeypatch.setenv("TOKX_CATALOG_VERSION", "2026-08-21")


def replay_json(*args: str) -> dict:
    result = runner.invoke(app, ["replay", *args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    validate_output("replay", result.stdout)
    return json.loads(result.stdout)


def test_claude_code_folder_on_sonnet_and_deepseek() -> None:
    folder = str(LOGS / "claude-projects")
    sonnet = replay_json(folder, "-m", "claude-sonnet-4.5", "--provider", "anthropic")
    source, target = sonnet["lines"]
    # as billed = the chosen model at list prices, to the cent and beyond (hand-worked in
    # tests/logs/test_replay_pricing.py): $0.39375
    assert source["role"] == "source" and target["role"] == "target"
    assert source["period_cost"] == target["period_cost"] == "0.39375"
    assert sonnet["period"] == {
        "start": "2026-08-03T09:00:09+00:00",
        "end": "2026-08-09T17:30:00+00:00",
        "days": "6.3540625",
    }
    assert sonnet["requests"] == 4 and sonnet["recorded_spend"] is None
    assert sonnet["sources"][0]["counts"]["cache_read"] == 228400
    deepseek = replay_json(folder, "-m", "deepseek-v3.2", "--provider", "deepseek")
    line = deepseek["lines"][1]
    assert (line["model"], line["provider"], line["path"]) == (
        "deepseek-v3.2",
        "deepseek",
        "direct",
    )
    assert Decimal(line["period_cost"]) < Decimal("0.39375")
    # claude -> deepseek-v3 counts: bands 14.5% (claude) + 12.5% (deepseek-v3 chat content)
    assert line["long_requests"] == 1 and line["approximate_band_percent"] == "27"
    assert any("cache reads and writes billed as input" in note for note in line["notes"])


def test_openrouter_export_shows_recorded_spend_beside_alternatives() -> None:
    result = runner.invoke(app, ["replay", str(LOGS / "openrouter_activity.csv")])
    assert result.exit_code == 0, result.stderr
    assert "recorded spend 0.0057 USD" in result.stdout
    assert "recorded" in result.stdout and "alternative" in result.stdout
    assert "unresolved: not priced" in result.stdout
    payload = replay_json(str(LOGS / "openrouter_activity.csv"))
    assert payload["recorded_spend"] == "0.0056852"
    assert {line["role"] for line in payload["lines"]} == {"source", "alternative"}


def test_csv_output_has_a_row_per_line() -> None:
    result = runner.invoke(
        app, ["replay", str(LOGS / "openai_chat.jsonl"), "-m", "gpt-5-mini", "--format", "csv"]
    )
    assert result.exit_code == 0, result.stderr
    header, *rows = result.stdout.strip().splitlines()
    assert header.startswith("role,model,provider,region,path,currency,requests,period_cost")
    assert len(rows) == 1 + 3  # the source line, then gpt-5-mini on each of its three paths


def test_skipped_lines_warn_on_stderr(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    log.write_text((LOGS / "openai_chat.jsonl").read_text() + "{oops\n")
    result = runner.invoke(app, ["replay", str(log), "-m", "gpt-4o", "--provider", "openai"])
    assert result.exit_code == 0
    assert f"tokx: warning: {log}: skipped 1 of 3 lines" in result.stderr


def test_bad_input_exit_codes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n")
    result = runner.invoke(app, ["replay", str(bad)])
    assert result.exit_code == 3
    assert result.stderr.startswith(f"tokx: error: {bad}:1: ")
    missing = runner.invoke(app, ["replay", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2
    wrong = runner.invoke(app, ["replay", str(bad), "--long-inputs", "drop"])
    assert wrong.exit_code == 2 and "--long-inputs" in wrong.stderr
    kind = runner.invoke(app, ["replay", str(bad), "--path", "cloud"])
    assert kind.exit_code == 2 and kind.stderr.startswith("tokx: error: --path: unknown path kind")
    fmt = runner.invoke(app, ["replay", str(bad), "--log-format", "splunk"])
    assert fmt.exit_code == 2 and "unknown log format 'splunk'" in fmt.stderr


def test_a_table_in_no_known_format_through_column_roles() -> None:
    log = str(LOGS / "custom_usage.csv")
    unknown = runner.invoke(app, ["replay", log])
    assert unknown.exit_code == 3
    assert "--column ROLE=HEADER" in unknown.stderr and "engine, when" in unknown.stderr
    mapped = replay_json(
        log,
        *("--column", "model=engine", "--column", "timestamp=when"),
        *("--column", "input=fresh_prompt", "--column", "cache_read=cached"),
        *("--column", "output=completion", "--column", "cost=usd"),
    )
    # the same two gpt-4o calls as openai_chat.jsonl: $0.02522 at list prices, as recorded
    assert mapped["lines"][0]["period_cost"] == "0.02522"
    assert mapped["recorded_spend"] == "0.02522"
    bad_role = runner.invoke(app, ["replay", log, "--column", "tokens=fresh_prompt"])
    assert bad_role.exit_code == 2
    assert bad_role.stderr.startswith("tokx: error: --column: unknown role tokens")
    absent = runner.invoke(
        app,
        ["replay", log, "--column", "model=engine", "--column", "input=x", "--column", "output=y"],
    )
    assert absent.exit_code == 3 and "no column x, y" in absent.stderr


def test_a_log_with_request_text_converts_by_the_ratio_measured_on_it() -> None:
    """Claude counts measured on the log's own (Chinese) text: the JSON line names the calls,
    the ratio and its interval, and its band contains the ratio."""
    data = replay_json(
        str(LOGS / "openai_chinese_pairs.jsonl"),
        "-m",
        "claude-sonnet-4.5",
        "--provider",
        "anthropic",
    )
    target = data["lines"][1]
    (note,) = [n for n in target["notes"] if "ratio measured on 12 calls of this log" in n]
    point, low, high = (
        float(x)
        for x in note.rsplit(": ", 1)[1].replace("[", "").replace("]", "").replace(",", "").split()
    )
    band = float(target["approximate_band_percent"]) / 100
    assert low <= point <= high
    assert point * (1 - band) <= low and high <= point * (1 + band)


def test_table_shows_a_converted_lines_band_on_the_period_and_the_month() -> None:
    # Claude counts converted to DeepSeek's tokens carry the family ratio's band; the monthly
    # projection is the same figure scaled, so it carries the same band
    result = runner.invoke(
        app,
        [
            "replay",
            str(LOGS / "claude-projects"),
            "-m",
            "deepseek-v3.2",
            "--provider",
            "deepseek",
            "--catalog-version",
            "2026-08-21",
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "deepseek-v3.2" in line)
    bands = [cell.strip() for cell in row.split("│") if "±" in cell]
    assert len(bands) == 2
    assert bands[0].split("±")[1] == bands[1].split("±")[1]
