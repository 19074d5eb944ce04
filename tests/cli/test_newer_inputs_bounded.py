"""Issue 18's contract over the inputs added after it was first fixed (log readers, provider
CSV exports, usage tables, saved aggregates, caches): special files, endless lines, numbers
and times out of range, unreadable files and escape sequences each end at once with one line
naming the file (exit 2 or 3) or a counted skipped line, never an internal error (70), a hang,
memory growing with the file, or an escape sequence on the terminal."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.cli import app

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
CLAUDE = LOGS / "claude-projects" / "-home-dev-shop" / "0b7e-session.jsonl"
ESCAPES = "\x1b[31mRED\x1b]0;title\x07\x9b2J"
AGGREGATE = (
    "model,provider,slot,exact,requests,input,cache_read,cache_write_5m,output,reasoning,"
    "prompt_min,prompt_max,whole_max,first_seen,last_seen"
)
GOOD_CELL = "gemini-2.5-pro,,3,false,1,40,0,0,1,0,40,40,41,1785744000,1785744000"
GEMINI = ["-m", "gemini-2.5-pro", "--provider", "google-ai-studio"]
runner = CliRunner()

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs need a POSIX system")


@pytest.fixture(autouse=True)
def _pinned_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOKX_CATALOG_VERSION", "2026-11-27")


def _error(result) -> str:  # type: ignore[no-untyped-def]
    lines = [line for line in result.stderr.splitlines() if line.startswith("tokx: error: ")]
    assert len(lines) == 1 and result.stderr.count("\n") == 1, result.output
    return lines[0]


# --- line-by-line readers read each line with a bound ------------------------------------


def _long_header_csv(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    header = (LOGS / "openrouter_activity.csv").read_text().splitlines()[0]
    path.write_text(header + "," + "x" * 3000 + "\n")
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["replay", "{path}"],
        ["replay", "--engine", "duckdb", "{path}"],
        ["estimate", "-i", "{path}", "--requests-per-day", "10", "-m", "gpt-4o"],
    ],
    ids=["replay", "replay-duckdb", "estimate-input"],
)
def test_a_csv_line_over_the_bound_is_a_data_error_naming_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setattr("tokenexport_cli.inputfile.MAX_LINE_BYTES", 1024)
    path = _long_header_csv(tmp_path, "activity.csv")
    result = runner.invoke(app, [arg.format(path=path) for arg in args])
    assert result.exit_code == 3, result.output
    assert _error(result) == f"tokx: error: {path}:1: line longer than 0 MiB"


def test_a_usage_csv_line_over_the_bound_is_a_data_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tokenexport_cli.inputfile.MAX_LINE_BYTES", 1024)
    table = tmp_path / "usage.csv"
    table.write_text("prompt_tokens," + "y" * 3000 + "\n10,1\n")
    workload = tmp_path / "w.yaml"
    workload.write_text(
        "name: w\nrequests_per_day: 10\ninputs:\n  - usage_csv: usage.csv\n"
        "output_tokens:\n  fixed: 10\n"
    )
    result = runner.invoke(app, ["workload", "show", str(workload)])
    assert result.exit_code == 3, result.output
    assert _error(result) == f"tokx: error: {table}:1: line longer than 0 MiB"


def test_a_jsonl_table_line_over_the_bound_is_never_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine choice peeks at a JSONL file's first line: through the same bound."""
    monkeypatch.setattr("tokenexport_cli.inputfile.MAX_LINE_BYTES", 1024)
    monkeypatch.setattr("tokenexport_cli.logs.detect.MAX_LINE_BYTES", 10**9)
    path = tmp_path / "calls.jsonl"
    path.write_text(json.dumps({"model": "gpt-4o", "pad": "z" * 3000}) + "\n")
    result = runner.invoke(app, ["replay", str(path)])
    assert result.exit_code == 3, result.output
    assert _error(result) == f"tokx: error: {path}:1: line longer than 0 MiB"


def test_a_csv_cell_past_the_csv_field_limit_is_a_data_error_naming_its_line(
    tmp_path: Path,
) -> None:
    header, *rows = (LOGS / "openrouter_activity.csv").read_text().splitlines()
    path = tmp_path / "activity.csv"
    path.write_text("\n".join([header, rows[0], '"' + "w" * 200_000 + '"']) + "\n")
    result = runner.invoke(app, ["replay", str(path)])
    assert result.exit_code == 3, result.output
    assert _error(result).startswith(f"tokx: error: {path}:3: not valid CSV: ")


@pytest.mark.parametrize(
    ("fixture", "column", "name"),
    [
        ("langfuse_observations.csv", "usage_details", "usageDetails"),
        ("langfuse_observations.csv", "cost_details", "costDetails"),
        ("litellm_spendlogs.csv", "metadata", "metadata"),
    ],
)
def test_a_json_cell_nested_past_the_decoder_is_a_counted_skip(
    tmp_path: Path, fixture: str, column: str, name: str
) -> None:
    rows = list(csv.reader(io.StringIO((LOGS / fixture).read_text())))
    rows[1][rows[0].index(column)] = "[" * 60_000 + "]" * 60_000  # under csv's field limit
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path = tmp_path / fixture
    path.write_text(buffer.getvalue())
    result = runner.invoke(app, ["replay", str(path), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert f"(first: line 2: {name}: JSON nested too deeply)" in result.stderr


# --- every log reader opens through inputfile ---------------------------------------------


@pytest.mark.parametrize(
    "fixture", ["openai_chat.jsonl", "openrouter_activity.csv", "otel_spans.json"]
)
def test_an_unreadable_log_is_a_data_error_naming_it(
    tmp_path: Path, deny_read, fixture: str
) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    path = folder / fixture
    shutil.copy(LOGS / fixture, path)
    deny_read(path)
    for given in (path, folder):
        result = runner.invoke(app, ["replay", str(given)])
        assert result.exit_code == 3, result.output
        assert _error(result) == (f"tokx: error: {path}: cannot read: {os.strerror(errno.EACCES)}")


@needs_fifo
def test_a_fifo_or_device_link_in_a_log_folder_is_skipped_with_a_counted_warning(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    shutil.copy(LOGS / "openai_chat.jsonl", folder / "a.jsonl")
    os.mkfifo(folder / "b.jsonl")
    (folder / "c.jsonl").symlink_to(os.devnull)
    result = runner.invoke(app, ["replay", str(folder), "-f", "json"])
    assert result.exit_code == 0, result.output
    warning = (
        f"tokx: warning: {folder / 'b.jsonl'}: a FIFO, device or socket in the log folders, "
        "skipped (2 such files in all)\n"
    )
    assert result.stderr == warning
    assert json.loads(result.stdout)["requests"] == len(
        (LOGS / "openai_chat.jsonl").read_text().splitlines()
    )
    workload = tmp_path / "w.yaml"
    workload.write_text(
        "name: w\nrequests_per_day: 10\ninputs:\n  - logs: logs\n"
        "output_tokens:\n  from_logs: true\n"
    )
    result = runner.invoke(app, ["estimate", str(workload), "-m", "gpt-4o", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert warning in result.stderr


@needs_fifo
def test_a_fifo_in_a_folder_given_to_tokens_is_skipped_with_a_counted_warning(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.txt").write_text("hello world")
    os.mkfifo(tmp_path / "b.txt")
    result = runner.invoke(app, ["tokens", str(tmp_path), "--no-cache", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"tokx: warning: {tmp_path / 'b.txt'}: a FIFO, device or socket in the input folders, "
        "skipped (1 such file in all)\n"
    )


@needs_fifo
@pytest.mark.parametrize("source", ["path: samples", "glob: 'samples/*.txt'", "--input"])
def test_a_fifo_among_text_samples_is_skipped_with_a_counted_warning(
    tmp_path: Path, source: str
) -> None:
    """A workload's folder or glob of text samples, or ``--input`` on a folder: a FIFO or a
    device link there is never opened, and one warning counts them."""
    samples = tmp_path / "samples"
    samples.mkdir()
    (samples / "a.txt").write_text("hello world")
    os.mkfifo(samples / "b.txt")
    (samples / "c.txt").symlink_to(os.devnull)
    if source == "--input":
        args = ["estimate", "--input", str(samples), "--requests-per-day", "10"]
        args += ["--output-tokens", "100"]
    else:
        workload = tmp_path / "w.yaml"
        workload.write_text(
            f"name: w\nrequests_per_day: 10\ninputs:\n  - {source}\noutput_tokens:\n  fixed: 100\n"
        )
        args = ["estimate", str(workload)]
    result = runner.invoke(app, [*args, "-m", "gpt-4o", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert (
        f"tokx: warning: {samples / 'b.txt'}: a FIFO, device or socket in the workload's "
        "inputs, skipped (2 such files in all)\n"
    ) in result.stderr


@needs_fifo
@pytest.mark.parametrize("kind", ["logs", "path", "usage_csv", "system_prompt_file"])
def test_a_fifo_named_in_a_workload_is_refused_naming_the_key(tmp_path: Path, kind: str) -> None:
    os.mkfifo(tmp_path / "pipe")
    inputs = "  - path: notes.txt\n" if kind == "system_prompt_file" else f"  - {kind}: pipe\n"
    extra = "system_prompt_file: pipe\n" if kind == "system_prompt_file" else ""
    (tmp_path / "notes.txt").write_text("hello")
    workload = tmp_path / "w.yaml"
    workload.write_text(
        f"name: w\nrequests_per_day: 10\ninputs:\n{inputs}{extra}output_tokens:\n  fixed: 9\n"
    )
    result = runner.invoke(app, ["estimate", str(workload), "-m", "gpt-4o"])
    assert result.exit_code == 3, result.output
    key = "system_prompt_file" if kind == "system_prompt_file" else f"inputs[0].{kind}"
    assert _error(result).endswith(
        f"{key}: 'pipe' is a FIFO (named pipe), expected a "
        + ("file or folder" if kind in ("logs", "path") else "file")
    )


@needs_fifo
def test_calibrate_names_a_fifo_or_a_folder_for_what_it_is(tmp_path: Path) -> None:
    pipe = tmp_path / "chat.jsonl"
    os.mkfifo(pipe)
    for given, kind in ((pipe, "a FIFO (named pipe)"), (tmp_path, "a directory")):
        result = runner.invoke(app, ["calibrate", str(given), "--dry-run"])
        assert result.exit_code == 2, result.output
        assert _error(result) == f"tokx: error: {given}: is {kind}, expected a chat log"


# --- saved aggregates -----------------------------------------------------------------------


@needs_fifo
def test_a_special_file_given_as_an_aggregate_is_refused_before_duckdb(tmp_path: Path) -> None:
    fifo = tmp_path / "cells.csv"
    os.mkfifo(fifo)
    device = tmp_path / "random.csv"
    device.symlink_to(os.devnull)
    folder = tmp_path / "folder.parquet"
    folder.mkdir()
    for path, kind in (
        (fifo, "a FIFO (named pipe)"),
        (device, "a device"),
        (folder, "a directory"),
    ):
        result = runner.invoke(app, ["replay", "--aggregate", str(path), *GEMINI])
        assert result.exit_code == 2, result.output
        assert _error(result) == f"tokx: error: {path}: is {kind}, expected a saved aggregate"
    missing = tmp_path / "none*.csv"
    result = runner.invoke(app, ["replay", "--aggregate", str(missing), *GEMINI])
    assert result.exit_code == 2, result.output
    assert _error(result) == f"tokx: error: {missing}: saved aggregate not found"


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            "gemini-2.5-pro,,3,false,1,1" + "0" * 30 + ",0,0,1,0,40,40,41,,",
            "input: must be between 0 and 1000000000000",
        ),
        (
            "gemini-2.5-pro,,3,false,1,40,0,0,1,0,40,40,1e999999999,,",
            "whole_max: must be between 0 and 1000000000000",
        ),
        ("gemini-2.5-pro,,1e999999999,false,1,40,0,0,1,0,40,40,41,,", "slot: expected -1"),
        (
            "gemini-2.5-pro,,3,false,1,40,0,0,1,0,40,40,41,99999999999999999,1",
            "first_seen: Unix time out of range (1970 to 9999",
        ),
        (
            "gemini-2.5-pro,,3,false,1,40,0,0,1,0,40,40,41,1,1e400",
            "last_seen: Unix time out of range (1970 to 9999",
        ),
    ],
)
def test_an_aggregate_number_out_of_range_names_its_line_and_column(
    tmp_path: Path, row: str, problem: str
) -> None:
    path = tmp_path / "cells.csv"
    path.write_text("\n".join([AGGREGATE, GOOD_CELL, row]) + "\n")
    result = runner.invoke(app, ["replay", "--aggregate", str(path), *GEMINI])
    assert result.exit_code == 3, result.output
    assert _error(result).startswith(f"tokx: error: {path}:3: {problem}")


def test_an_aggregate_cost_out_of_range_names_its_column(tmp_path: Path) -> None:
    path = tmp_path / "cells.csv"
    path.write_text(f"{AGGREGATE},cost\n{GOOD_CELL},1e999999999\n")
    result = runner.invoke(app, ["replay", "--aggregate", str(path), *GEMINI])
    assert result.exit_code == 3, result.output
    assert _error(result).startswith(f"tokx: error: {path}:2: cost: must be between 0 and")


def test_escape_sequences_in_an_aggregate_model_never_reach_the_terminal(tmp_path: Path) -> None:
    path = tmp_path / "cells.csv"
    path.write_text(f"{AGGREGATE}\ngemini-2.5-pro{ESCAPES},{GOOD_CELL.split(',', 1)[1]}\n")
    result = runner.invoke(app, ["replay", "--aggregate", str(path)])
    assert result.exit_code == 0, result.output
    assert "gemini-2.5-proRED" in result.stdout
    assert not any(char in result.output for char in "\x1b\x07\x9b")


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        ("10,1,9999-12-31T23:59:59-05:00", "when: "),
        ("10,1,0001-01-01T00:00:00+05:00", "when: "),
        ("10000000000000,1,2026-08-03T09:00:00Z", "prompt: token count "),
    ],
)
@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_a_usage_table_row_out_of_range_is_skipped_on_both_engines(
    tmp_path: Path, cells: str, problem: str, engine: str
) -> None:
    columns = ["--column", "model=engine", "--column", "input=prompt"]
    columns += ["--column", "output=completion", "--column", "timestamp=when"]
    header, good = "engine,prompt,completion,when", "gpt-4o,100,10,2026-08-03T09:00:00Z"
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(f"{header}\n{good}\ngpt-4o,{cells}\n")
    result = runner.invoke(app, ["replay", str(mixed), "--engine", engine, *columns])
    assert result.exit_code == 0, result.output
    where = f"line 3: {problem}" if engine == "python" else f"{mixed}:3: {problem}"
    assert where in result.stderr and "out of range" in result.stderr
    assert "skipped 1 " in result.stderr
    alone = tmp_path / "alone.csv"
    alone.write_text(f"{header}\ngpt-4o,{cells}\n")
    result = runner.invoke(app, ["replay", str(alone), "--engine", engine, *columns])
    assert result.exit_code == 3, result.output
    assert _error(result).startswith(f"tokx: error: {alone}:2: {problem}")
    assert "out of range" in _error(result)


# --- Claude Code session logs ---------------------------------------------------------------


def _claude_line(**changes: object) -> str:
    """The fixture's first assistant line as a new call, with ``changes`` (``usage.X``,
    ``timestamp``, ``costUSD``, ``model``) applied."""
    for text in CLAUDE.read_text().splitlines():
        line = json.loads(text)
        if line.get("type") == "assistant":
            break
    line["message"]["id"] = "msg_hostile"
    for key, value in changes.items():
        if key.startswith("usage."):
            line["message"]["usage"][key.removeprefix("usage.")] = value
        elif key == "model":
            line["message"]["model"] = value
        else:
            line[key] = value
    return json.dumps(line)


HOSTILE_CLAUDE = [
    ({"usage.input_tokens": 10**30}, "message.usage: token count out of range"),
    ({"usage.output_tokens": 10**13}, "message.usage: token count out of range"),
    ({"costUSD": -5}, "costUSD: not a cost"),
    ({"timestamp": "9999-12-31T23:59:59-05:00"}, "timestamp: 9999-12-31T23:59:59-05:00 is out"),
    ({"timestamp": "0001-01-01T00:00:00+05:00"}, "timestamp: 0001-01-01T00:00:00+05:00 is out"),
]


@pytest.mark.parametrize(("changes", "problem"), HOSTILE_CLAUDE)
def test_a_hostile_claude_code_line_is_a_counted_skip_or_alone_a_data_error(
    tmp_path: Path, changes: dict[str, object], problem: str
) -> None:
    good = CLAUDE.read_text().splitlines()
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("\n".join([*good, _claude_line(**changes)]) + "\n")
    result = runner.invoke(app, ["replay", str(mixed), "-m", "claude-sonnet-4-5"])
    assert result.exit_code == 0, result.output
    assert f"{mixed}: skipped 1 of {len(good) + 1} lines" in result.stderr
    assert f"line {len(good) + 1}: {problem}" in result.stderr
    alone = tmp_path / "alone.jsonl"
    alone.write_text(_claude_line(**changes) + "\n")
    result = runner.invoke(app, ["replay", str(alone), "--log-format", "claude-code"])
    assert result.exit_code == 3, result.output
    assert _error(result).startswith(f"tokx: error: {alone}:1: {problem}")


def test_a_claude_code_cost_past_any_money_is_a_skipped_line(tmp_path: Path) -> None:
    text = _claude_line(costUSD=1).replace('"costUSD": 1', '"costUSD": 1e999999999')
    log = tmp_path / "s.jsonl"
    log.write_text("\n".join([*CLAUDE.read_text().splitlines(), text]) + "\n")
    result = runner.invoke(app, ["replay", str(log), "-m", "claude-sonnet-4-5"])
    assert result.exit_code == 0, result.output
    assert "costUSD: must be between 0 and" in result.stderr


# --- terminal escapes from logs and file names ------------------------------------------------


def test_escape_sequences_in_a_log_file_name_never_reach_a_warning(tmp_path: Path) -> None:
    log = tmp_path / f"calls{ESCAPES[:8]}.jsonl"
    log.write_text((LOGS / "openai_chat.jsonl").read_text() + "not json\n")
    result = runner.invoke(app, ["replay", str(log)])
    assert result.exit_code == 0, result.output
    assert f"{tmp_path}/callsRED.jsonl: skipped 1 of" in result.stderr
    assert not any(char in result.output for char in "\x1b\x07\x9b")


def test_escape_sequences_in_a_missing_file_name_never_reach_the_error(tmp_path: Path) -> None:
    name = tmp_path / "x\x1b]0;title\x07y\x01.jsonl"  # no [: not a glob
    result = runner.invoke(app, ["replay", str(name)])
    assert result.exit_code == 2, result.output
    assert _error(result) == f"tokx: error: {tmp_path}/xy.jsonl: no such file or directory"


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_escape_sequences_in_a_usage_table_model_never_reach_the_terminal(
    tmp_path: Path, engine: str
) -> None:
    table = tmp_path / "usage.csv"
    table.write_text(f"engine,prompt,completion\ngpt-4o{ESCAPES},100,10\n")
    columns = ["--column", "model=engine", "--column", "input=prompt"]
    columns += ["--column", "output=completion"]
    for models in ([], ["-m", "gpt-4o"]):
        result = runner.invoke(app, ["replay", str(table), "--engine", engine, *columns, *models])
        assert result.exit_code == 0, result.output
        assert "gpt-4oRED" in result.stdout
        assert not any(char in result.output for char in "\x1b\x07\x9b")


def test_escape_sequences_in_a_logged_request_model_never_reach_a_warning(tmp_path: Path) -> None:
    """The tool-overhead warning names the logged model: cleaned like every warning."""
    first = json.loads((LOGS / "anthropic_requests.jsonl").read_text().splitlines()[0])
    first["request"]["model"] = f"claude-x{ESCAPES}"
    log = tmp_path / "requests.jsonl"
    log.write_text(json.dumps(first) + "\n")
    result = runner.invoke(app, ["replay", str(log)])
    assert result.exit_code in (0, 3), result.output
    assert not any(char in result.output for char in "\x1b\x07\x9b")


def test_an_import_onto_a_folder_names_the_target_not_a_temporary_file(tmp_path: Path) -> None:
    source = Path(__file__).parent.parent / "sync" / "fixtures" / "openrouter.json"
    folder = tmp_path / "mine.yaml"
    folder.mkdir()
    result = runner.invoke(
        app, ["catalog", "import", "openrouter", str(source), "--to", str(folder)]
    )
    assert result.exit_code == 2, result.output
    assert _error(result) == f"tokx: error: cannot write '{folder}': {os.strerror(errno.EISDIR)}"
    assert [path.name for path in tmp_path.iterdir()] == ["mine.yaml"]


# --- caches: a miss, never a hang ------------------------------------------------------------


@needs_fifo
def test_a_fifo_or_device_where_a_cache_file_was_is_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tokenexport_cli.catalog import load
    from tokenexport_cli.tokens import parsed_cache
    from tokenexport_cli.tokens.registry import DATA_DIR
    from tokenexport_cli.tokens.sources import SOURCES

    fifo = tmp_path / "cache.bin"
    os.mkfifo(fifo)
    for path in (fifo, Path(os.devnull)):
        monkeypatch.setattr(load, "_cache_path", lambda digest, path=path: path)
        assert load._read_cache("0" * 64) is None
        monkeypatch.setattr(parsed_cache, "cache_path", lambda *args, path=path: path)
        source = SOURCES[0]
        assert parsed_cache.load(source, DATA_DIR, "", dict) is None
