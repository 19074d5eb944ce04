"""Recorded logs given to ``tokx replay`` with hostile values: nesting past msgspec's depth limit,
token counts and costs no arithmetic should see, a whole-file JSON log over its size limit.
A bad line among good ones is a counted skip with a warning; a file of nothing else is a data
error naming it (exit 3); never an internal error (exit 70)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.cli import app

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
runner = CliRunner()
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture(autouse=True)
def _pinned_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOKX_CATALOG_VERSION", "2026-08-21")


def _replay(log: Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["replay", str(log), "-m", "gpt-4o", "--provider", "openai"])


def _openai_line(**usage: object) -> str:
    first = json.loads((LOGS / "openai_chat.jsonl").read_text().splitlines()[0])
    first["usage"] = {**first["usage"], **usage}
    return json.dumps(first)


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        (DEEP, "JSON nested too deeply"),
        (_openai_line(prompt_tokens=10**40), "usage.prompt_tokens: token count out of range"),
    ],
)
def test_a_hostile_jsonl_line_among_good_ones_is_skipped_and_counted(
    tmp_path: Path, bad: str, problem: str
) -> None:
    good = (LOGS / "openai_chat.jsonl").read_text().splitlines()
    log = tmp_path / "calls.jsonl"
    log.write_text("\n".join([*good, bad]) + "\n")
    result = _replay(log)
    assert result.exit_code == 0, result.output
    skipped = f"tokx: warning: {log}: skipped 1 of {len(good) + 1} lines"
    assert skipped in result.stderr and problem in result.stderr


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("calls.jsonl", DEEP + "\n", ":1: JSON nested too deeply"),
        ("calls.json", DEEP, ": JSON nested too deeply"),
        ("calls.jsonl", _openai_line(completion_tokens=10**13) + "\n", ":1: usage.completion"),
    ],
)
def test_a_log_of_only_hostile_content_is_a_data_error_naming_it(
    tmp_path: Path, name: str, text: str, problem: str
) -> None:
    log = tmp_path / name
    log.write_text(text)
    result = _replay(log)
    assert result.exit_code == 3, result.output
    assert result.stderr.strip() == result.stderr.strip().splitlines()[0]
    assert result.stderr.startswith(f"tokx: error: {log}{problem}")


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("tokens_prompt", "9" * 5000, "tokens_prompt: expected a token count"),
        ("tokens_prompt", "99999999999999999999", "tokens_prompt: token count out of range"),
        ("cost_total", "1e999999999", "cost_total: must be between 0 and"),
        ("cost_total", "nan", "cost_total: not a cost"),
        ("created_at", "2026-02-30 10:00:00", "created_at: '2026-02-30 10:00:00': day 30"),
        ("created_at", "9999-12-31 23:59:59-05:00", "is out of range in UTC"),
    ],
)
def test_a_hostile_export_cell_is_a_skipped_row_naming_its_column(
    tmp_path: Path, column: str, value: str, problem: str
) -> None:
    header, *rows = (LOGS / "openrouter_activity.csv").read_text().splitlines()
    cells = rows[0].split(",")
    cells[header.split(",").index(column)] = value
    log = tmp_path / "activity.csv"
    log.write_text("\n".join([header, *rows[1:], ",".join(cells)]) + "\n")
    result = runner.invoke(app, ["replay", str(log), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert f"tokx: warning: {log}: skipped 1 of {len(rows)} lines" in result.stderr
    assert problem in result.stderr


def test_a_whole_file_json_log_over_its_size_limit_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "calls.json"
    log.write_text("[" + _openai_line() + "]")
    monkeypatch.setattr("tokenexport_cli.logs.detect.MAX_DOCUMENT_BYTES", 100)
    result = _replay(log)
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith(f"tokx: error: {log}: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_escape_sequences_in_a_logged_model_id_never_reach_the_terminal(tmp_path: Path) -> None:
    first = json.loads((LOGS / "openai_chat.jsonl").read_text().splitlines()[0])
    first["model"] = "gpt-4o\x1b[31mRED\x1b]0;title\x07\x9b2J"
    log = tmp_path / "calls.jsonl"
    log.write_text(json.dumps(first) + "\n")
    for fmt in ("table", "json", "csv", "markdown"):
        result = runner.invoke(app, ["replay", str(log), "--format", fmt])
        assert result.exit_code == 0, result.output
        assert "gpt-4oRED" in result.stdout
        assert not any(char in result.output for char in "\x1b\x07\x9b"), fmt
