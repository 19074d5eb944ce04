"""The replay properties, format by format: the same log given twice (copied, or listed in two
folders) doubles nothing, and a log split into two files prices to the same sum as the whole
file. Every fixture format is covered; the hypothesis versions of both properties on usage
tables are in ``test_replay_pricing.py``."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from tokenexport_cli.api.choices import CatalogChoice
from tokenexport_cli.api.replay import ReplayRequest, replay

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
PINNED = CatalogChoice(version="2026-08-21")
#: the custom table is read through column roles (README "Replaying recorded traffic")
COLUMNS = {
    "custom_usage.csv": {
        "model": "engine",
        "timestamp": "when",
        "input": "fresh_prompt",
        "cache_read": "cached",
        "output": "completion",
        "cost": "usd",
    }
}
#: every fixture of one file, by format: OpenAI chat (with a {request, response} pair),
#: Responses, Batch output, requests without usage (Chat and Batch input), Anthropic pairs,
#: response objects, Message Batches, requests without usage, Gemini usageMetadata and requests, Codex CLI,
#: LiteLLM, OpenRouter activity, Langfuse JSONL and CSV, OTel spans, a table through columns
FILES = [
    "openai_chat.jsonl",
    "openai_responses.jsonl",
    "openai_batch_output.jsonl",
    "openai_requests.jsonl",
    "anthropic_messages.jsonl",
    "anthropic_responses.jsonl",
    "anthropic_batch_results.jsonl",
    "anthropic_requests.jsonl",
    "gemini.jsonl",
    "gemini_requests.jsonl",
    "codex_session.jsonl",
    "litellm_spendlogs.csv",
    "openrouter_activity.csv",
    "langfuse_observations.jsonl",
    "langfuse_observations.csv",
    "otel_spans.json",
    "custom_usage.csv",
]


def _costs(
    *paths: Path, name: str, columns: dict[str, str] | None = None
) -> tuple[int, dict[str, Decimal], Decimal | None]:
    mapping = COLUMNS.get(name, {}) if columns is None else columns
    result = replay(ReplayRequest(paths=paths, catalog=PINNED, alternatives=0, columns=mapping))
    lines = {f"{x.cost.model}/{x.cost.provider}": x.cost.period_cost for x in result.lines}
    return result.requests, lines, result.recorded_spend


#: a table read through columns without a request_id role cannot tell a repeated row from a
#: repeated call (README): only the same file given twice (or a copy) is read once
WITHOUT_IDS = ["custom_usage.csv"]


@pytest.mark.parametrize("name", [*FILES, "claude-projects"])
def test_the_same_log_given_twice_doubles_nothing(name: str, tmp_path: Path) -> None:
    once = _costs(LOGS / name, name=name)
    copies = _twice(name, tmp_path)
    assert _costs(*copies, name=name) == once
    assert once[0] > 0 and once[1]  # the format was read and priced


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_a_table_without_ids_given_twice_is_read_once_with_a_warning(
    engine: str, tmp_path: Path
) -> None:
    (name,) = WITHOUT_IDS
    columns = COLUMNS[name]
    once = replay(
        ReplayRequest(
            paths=(LOGS / name,), catalog=PINNED, alternatives=0, columns=columns, engine=engine
        )
    )
    first, second = _twice(name, tmp_path)
    twice = replay(
        ReplayRequest(
            paths=(first, second, first),
            catalog=PINNED,
            alternatives=0,
            columns=columns,
            engine=engine,  # type: ignore[arg-type]
        )
    )
    assert twice.requests == once.requests
    assert [line.cost for line in twice.lines] == [line.cost for line in once.lines]
    messages = [w.message for w in twice.warnings if w.kind == "duplicate_file"]
    assert messages == [
        f"{second}: the same content as {first} (size and sha256): read once",
        f"{first}: given more than once: read once",
    ]


def test_a_table_without_ids_counts_repeated_rows_of_other_files_twice(tmp_path: Path) -> None:
    (name,) = WITHOUT_IDS
    requests, lines, spend = _costs(LOGS / name, name=name)
    assert spend is not None
    table = (LOGS / name).read_text().splitlines()
    # the same rows in another order: another file, whose rows cannot be told from new calls
    (tmp_path / "reordered.csv").write_text("\n".join([table[0], *reversed(table[1:])]) + "\n")
    twice = _costs(LOGS / name, tmp_path / "reordered.csv", name=name)
    assert twice == (2 * requests, {key: 2 * cost for key, cost in lines.items()}, 2 * spend)
    # mapping an id column counts each call once again
    with_ids = [f"{table[0]},call"] + [f"{row},c{number}" for number, row in enumerate(table[1:])]
    (tmp_path / "ids.csv").write_text("\n".join(with_ids) + "\n")
    (tmp_path / "ids_reordered.csv").write_text(
        "\n".join([with_ids[0], *reversed(with_ids[1:])]) + "\n"
    )
    mapping = {**COLUMNS[name], "request_id": "call"}
    paths = [tmp_path / "ids.csv", tmp_path / "ids_reordered.csv"]
    assert _costs(*paths, name=name, columns=mapping) == (requests, lines, spend)


def _twice(name: str, tmp_path: Path) -> list[Path]:
    copies = []
    for folder in ("first", "second"):
        target = tmp_path / folder / name
        if (LOGS / name).is_dir():
            shutil.copytree(LOGS / name, target)
        else:
            target.parent.mkdir()
            shutil.copy(LOGS / name, target)
        copies.append(target)
    return copies


def _halves(path: Path) -> tuple[str, str]:
    lines = path.read_text().splitlines(keepends=True)
    if path.suffix == ".csv":  # each half keeps the header
        header, rows = lines[0], lines[1:]
        cut = len(rows) // 2
        return header + "".join(rows[:cut]), header + "".join(rows[cut:])
    cut = len(lines) // 2
    return "".join(lines[:cut]), "".join(lines[cut:])


# a Codex session must keep its session_meta and turn_context lines, and an OTel export is one
# JSON document: neither is cut inside (a split by whole files is the Claude Code folder test
# below); a file of one call has nothing to split
SPLITTABLE = [
    name
    for name in FILES
    if name not in ("codex_session.jsonl", "otel_spans.json")
    and len((LOGS / name).read_text().splitlines()) >= (3 if name.endswith(".csv") else 2)
]


@pytest.mark.parametrize("name", SPLITTABLE)
def test_a_log_split_into_two_files_prices_to_the_same_sum(name: str, tmp_path: Path) -> None:
    first, second = _halves(LOGS / name)
    assert first.strip() and second.strip()
    (tmp_path / f"a_{name}").write_text(first)
    (tmp_path / f"b_{name}").write_text(second)
    split = _costs(tmp_path / f"a_{name}", tmp_path / f"b_{name}", name=name)
    assert split == _costs(LOGS / name, name=name)


def test_a_claude_code_folder_split_into_two_folders_prices_the_same(tmp_path: Path) -> None:
    whole = LOGS / "claude-projects"
    files = sorted(path for path in whole.rglob("*.jsonl"))
    assert len(files) >= 2
    for number, path in enumerate(files):
        half = tmp_path / ("a" if number % 2 else "b") / path.relative_to(whole)
        half.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, half)
    split = _costs(tmp_path / "a", tmp_path / "b", name="claude-projects")
    assert split == _costs(whole, name="claude-projects")
