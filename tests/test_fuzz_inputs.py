"""Fuzz: mutants of the bundled example files (catalog overlay, workload, config, baseline) and of
recorded logs (an OpenAI log, a Claude Code session log, a provider CSV export: replay) must
end each command in-process with success or a one-line TokxError (exit 2/3; 1 is a budget
verdict of ``check``), never an internal error (70), a traceback or a hang.

Each mutant replaces a value with a hostile one (extreme or impossible numbers, dates, escapes,
wrong types), deletes or duplicates a line. ``TOKX_FUZZ_EXAMPLES`` sets mutants per file kind
(default 500, what CI runs). Runs are derandomized, so a failure reproduces on every run.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tokenexport_cli.cli import app

REPO = Path(__file__).parent.parent
FIXTURE_VERSION = REPO / "tests" / "fixtures" / "catalogs" / "2026-01-01"
LOGS = REPO / "tests" / "fixtures" / "logs"
CLAUDE_SESSION = LOGS / "claude-projects" / "-home-dev-shop" / "0b7e-session.jsonl"
EXAMPLES = int(os.environ.get("TOKX_FUZZ_EXAMPLES", "500"))
#: Only to tell a hang from a slow case: a mutant normally ends in well under a second.
HANG_SECONDS = 60
runner = CliRunner()

YAML_VALUES = [
    "1e400", "1.0e400", "1e-999999999", "1.0e-999999999", "1e30", "1.0e30", "-1", "0", "-0.0",
    ".nan", ".inf", "-.inf", "NaN", "1" + "0" * 30, "9" * 5000, "-99999999999999999999",
    "0.0000000000000000000001", "3.14159265358979323846264338327950288419716939937510",
    "2026-02-30", "2026-13-01", "2026-01-01T00:00:00+99:00", "9999-12-31T23:59:59-23:59",
    "2026-01-01 25:61:61", "0000-01-01", '""', "~", "[]", "{}", "true", "0x10", "1_000",
    "12:30:00", '"\\e[31mred\\e[0m"', '"\\x9b2J"', '"a\\0b"', "!!binary aGVsbG8=",
    "[1e400, .nan]", "{input: 1e400}",
]  # fmt: skip
CSV_VALUES = [
    "1e400", "1e999999999", "-1", "1" + "0" * 30, "9" * 5000, "nan", "inf", "", "2026-02-30",
    "2026-01-01T00:00:00+99:00", "9999-12-31 23:59:59-05:00", "0001-01-01 00:00:00+05:00",
    "\x1b[31mred", "\x9b2J", "a\x00b", "=HYPERLINK(1)", '"', "x" * 200_000,
    "[" * 60_000 + "]" * 60_000, '{"input": 1e999999999}', '{"usage_object": {"prompt_tokens": -1}}',
]  # fmt: skip
CSV_SEEDS = ["openrouter_activity.csv", "langfuse_observations.csv", "litellm_spendlogs.csv"]
JSON_VALUES = [
    "1e400", "1e-999999999", '"1e400"', '"1e-999999999"', "-1", "0", "null", "true", "[]",
    "{}", '"2026-02-30"', '"2026-01-01T00:00:00+99:00"', "NaN", "Infinity", '"NaN"',
    '"\\u001b[31mred"', "9" * 5000, '"' + "9" * 5000 + '"', "[" * 3000 + "]" * 3000,
    "1" + "0" * 30, '"9999-12-31T23:59:59-23:59"', "0.1e-30", '"-0"',
]  # fmt: skip
_YAML_VALUE_LINE = re.compile(r"^(\s*(?:- )?[A-Za-z_][\w-]*: )(\S.*)$")
_JSON_VALUE = re.compile(r'(: )("[^"]*"|-?[0-9][^,}\]\s]*|null|true|false)')


class HangError(Exception):
    """A case ran past HANG_SECONDS."""


@pytest.fixture(autouse=True)
def hang_guard() -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise HangError(f"a case took longer than {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expire)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of examples/ (mutants sit where the originals are, so relative paths resolve)
    and an overlay seed that uses every section of the fixture catalog."""
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(REPO / "examples", root / "examples")
    merged: dict[str, list[object]] = {}
    for path in sorted(FIXTURE_VERSION.rglob("*.yaml")):
        if path.name == "manifest.yaml":
            continue
        for section, entries in yaml.safe_load(path.read_text()).items():
            merged.setdefault(section, []).extend(entries)
    (root / "overlay.yaml").write_text(yaml.safe_dump(merged, sort_keys=False))
    return root


def _numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.decimals(allow_nan=False, allow_infinity=False, places=None).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    )


@st.composite
def yaml_mutant(draw: st.DrawFn, seed: str) -> str:
    lines = seed.splitlines()
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = draw(st.sampled_from(["value", "value", "value", "number", "delete", "copy"]))
        match = _YAML_VALUE_LINE.match(lines[index])
        if action in ("value", "number") and match:
            value = draw(st.sampled_from(YAML_VALUES) if action == "value" else _numbers())
            lines[index] = match.group(1) + value
        elif action == "delete":
            del lines[index]
        elif action == "copy":
            lines.insert(index, lines[index])
        if not lines:
            lines = [""]
    return "\n".join(lines) + "\n"


@st.composite
def json_mutant(draw: st.DrawFn, seed: str) -> str:
    text = seed
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        spots = list(_JSON_VALUE.finditer(text))
        spot = draw(st.sampled_from(spots)) if spots else None
        if spot is None:
            break
        value = draw(st.one_of(st.sampled_from(JSON_VALUES), _numbers()))
        text = text[: spot.start(2)] + value + text[spot.end(2) :]
    return text


def _check(args: list[str], allowed: tuple[int, ...] = (0, 2, 3)) -> int:
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    try:
        result = runner.invoke(app, args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    output = result.stdout + result.stderr
    assert result.exit_code in allowed, (args, result.exit_code, output[-2000:])
    assert "internal error" not in output and "Traceback" not in output, output[-2000:]
    if result.exit_code in (2, 3):
        errors = [line for line in result.stderr.splitlines() if line.startswith("tokx: error: ")]
        assert errors, result.stderr[-2000:]
    return result.exit_code


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@FUZZ
@given(data=st.data())
def test_overlay_mutants(tree: Path, data: st.DataObject, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOKX_CATALOG_ROOT", str(FIXTURE_VERSION.parent))
    seed = (tree / "overlay.yaml").read_text()
    mutant = tree / "overlay-mutant.yaml"
    mutant.write_text(data.draw(yaml_mutant(seed)))
    valid = _check(["catalog", "validate", str(mutant), "--catalog-version", "2026-01-01"]) == 0
    quick = ["--input-tokens", "1200", "--output-tokens", "300", "--requests-per-day", "1000"]
    priced = _check(
        ["estimate", *quick, "--catalog", str(mutant), "--catalog-version", "2026-01-01"]
    )
    # validate accepts only what every command can use (and rejects what any would refuse)
    assert valid == (priced == 0), mutant.read_text()


@FUZZ
@given(data=st.data())
def test_workload_mutants(tree: Path, data: st.DataObject) -> None:
    original = tree / "examples" / "ci" / "workloads" / "support-chat.yaml"
    mutant = original.with_name("mutant.yaml")
    mutant.write_text(data.draw(yaml_mutant(original.read_text())))
    _check(["workload", "show", str(mutant)])
    _check(["estimate", str(mutant), "-m", "deepseek-v3.2", "-f", "json"])


@FUZZ
@given(data=st.data())
def test_config_mutants(tree: Path, data: st.DataObject) -> None:
    original = tree / "examples" / "ci" / "tokx.yaml"
    mutant = original.with_name("tokx-mutant.yaml")
    mutant.write_text(data.draw(yaml_mutant(original.read_text())))
    _check(["check", "--config", str(mutant), "-f", "json"], allowed=(0, 1, 2, 3))


@FUZZ
@given(data=st.data())
def test_baseline_mutants(tree: Path, data: st.DataObject) -> None:
    folder = tree / "examples" / "ci"
    original = folder / "tokx-baseline.json"
    mutant = folder / "baseline-mutant.json"
    mutant.write_text(data.draw(json_mutant(original.read_text())))
    _check(["diff", str(mutant), str(original), "-f", "json"])
    _check(
        ["check", "--config", str(folder / "tokx.yaml"), "--baseline", str(mutant), "-f", "json"],
        allowed=(0, 1, 2, 3),
    )


@FUZZ
@given(data=st.data())
def test_recorded_log_mutants(
    tree: Path, data: st.DataObject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The replay path: a recorded OpenAI log (usage, model, created) mutated like a baseline; a
    bad line among good ones is a counted skip, a log of only bad lines exit 3."""
    monkeypatch.setenv("TOKX_CATALOG_VERSION", "2026-08-21")
    mutant = tree / "calls-mutant.jsonl"
    mutant.write_text(data.draw(json_mutant(_log_seed())))
    _check(["replay", str(mutant), "-m", "gpt-4o", "--provider", "openai", "-f", "json"])


@FUZZ
@given(data=st.data())
def test_claude_code_session_mutants(
    tree: Path, data: st.DataObject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Claude Code session log (usage, model, timestamp, ids of each line) mutated like a
    baseline, read as the format detection finds it."""
    monkeypatch.setenv("TOKX_CATALOG_VERSION", "2026-08-21")
    mutant = tree / "session-mutant.jsonl"
    mutant.write_text(data.draw(json_mutant(_log_seed(CLAUDE_SESSION))))
    _check(["replay", str(mutant), "-m", "claude-sonnet-4-5", "-f", "json"])


@st.composite
def csv_mutant(draw: st.DrawFn, seed: str) -> str:
    """``seed`` (a CSV table) with 1-3 cells replaced by hostile values, or a row deleted or
    copied."""
    rows = list(csv.reader(io.StringIO(seed)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        index = draw(st.integers(min_value=0, max_value=len(rows) - 1))
        action = draw(st.sampled_from(["cell", "cell", "cell", "number", "delete", "copy"]))
        if action in ("cell", "number") and rows[index]:
            column = draw(st.integers(min_value=0, max_value=len(rows[index]) - 1))
            value = draw(st.sampled_from(CSV_VALUES) if action == "cell" else _numbers())
            rows[index][column] = value
        elif action == "delete" and len(rows) > 1:
            del rows[index]
        elif action == "copy":
            rows.insert(index, list(rows[index]))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


@FUZZ
@given(data=st.data())
def test_provider_csv_export_mutants(
    tree: Path, data: st.DataObject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Provider CSV exports (OpenRouter activity; Langfuse observations and LiteLLM spend logs,
    whose cells hold JSON): counts, costs, times per row."""
    monkeypatch.setenv("TOKX_CATALOG_VERSION", "2026-08-21")
    seed = data.draw(st.sampled_from(CSV_SEEDS))
    mutant = tree / seed
    mutant.write_text(data.draw(csv_mutant((LOGS / seed).read_text())))
    _check(["replay", str(mutant), "-f", "json"])


def _log_seed(path: Path | None = None) -> str:
    """The fixture log with ``": "`` separators, which ``json_mutant`` finds values by."""
    lines = (path or LOGS / "openai_chat.jsonl").read_text().splitlines()
    return "".join(json.dumps(json.loads(line)) + "\n" for line in lines if line.strip())


def test_the_seeds_are_valid(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The unmutated seeds pass, so every failure above is the mutation's."""
    monkeypatch.setenv("TOKX_CATALOG_ROOT", str(FIXTURE_VERSION.parent))
    overlay = tree / "overlay.yaml"
    result = runner.invoke(
        app, ["catalog", "validate", str(overlay), "--catalog-version", "2026-01-01"]
    )
    assert result.exit_code == 0, result.output
    monkeypatch.delenv("TOKX_CATALOG_ROOT")
    baseline = json.loads((tree / "examples" / "ci" / "tokx-baseline.json").read_text())
    assert baseline["workloads"]
    assert _JSON_VALUE.search(json.dumps(baseline, indent=2))
    monkeypatch.setenv("TOKX_CATALOG_VERSION", "2026-08-21")
    log = tree / "calls.jsonl"
    log.write_text(_log_seed())
    replayed = runner.invoke(app, ["replay", str(log), "-m", "gpt-4o", "--provider", "openai"])
    assert replayed.exit_code == 0 and not replayed.stderr, replayed.output
