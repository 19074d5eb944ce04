"""The Workload object: quick form, example workloads, JSON Schema, and core import hygiene."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tokenexport_cli.cli.common import flag_errors
from tokenexport_cli.errors import InvalidValue, UsageError
from tokenexport_cli.workload import load_workload, quick_workload
from tokenexport_cli.workload.jsonschema import render_schema, workload_json_schema

REPO = Path(__file__).parents[2]


def test_quick_form_builds_the_same_kind_of_workload(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("alpha")
    (tmp_path / "chat.jsonl").write_text('{"messages": [{"role": "user", "content": "hi"}]}\n')
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "b.md").write_text("beta")
    workload = quick_workload(
        ["a.txt", "chat.jsonl", "more/*.md"],
        requests_per_day=Decimal(1000),
        output_tokens=200,
        base=tmp_path,
    )
    assert workload.requests_per_month == Decimal("30440")
    assert workload.output.fixed == 200
    assert [item.kind for item in workload.inputs] == ["text", "chat_jsonl", "text"]
    requests = list(workload.requests())
    assert [(r.parts, r.message_count) for r in requests] == [
        (("alpha",), 0),
        (("hi",), 1),
        (("beta",), 0),
    ]
    assert workload.traffic.timezone == "UTC" and sum(workload.traffic.weights) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "give --requests-per-day or --requests-per-month (exactly one)"),
        (
            {"requests_per_day": Decimal(1), "requests_per_month": Decimal(1)},
            "give --requests-per-day or --requests-per-month (exactly one)",
        ),
        ({"requests_per_month": Decimal(-1)}, "request volume must not be negative (got -1)"),
        (
            {"requests_per_month": Decimal(1), "output_tokens": -3},
            "--output-tokens: must not be negative (got -3)",
        ),
        (
            {"requests_per_month": Decimal(1), "batch_fraction": Decimal("1.5")},
            "--batch-fraction: must be between 0 and 1 (got 1.5)",
        ),
    ],
)
def test_quick_form_flag_errors(tmp_path: Path, kwargs: dict[str, object], message: str) -> None:
    """The core names no flag; the CLI's ``flag_errors`` adds the flag the value came from."""
    (tmp_path / "a.txt").write_text("alpha")
    with pytest.raises(UsageError) as caught, flag_errors():
        quick_workload(["a.txt"], base=tmp_path, **kwargs)  # type: ignore[arg-type]
    assert str(caught.value) == message
    with pytest.raises(UsageError) as neutral:
        quick_workload(["a.txt"], base=tmp_path, **kwargs)  # type: ignore[arg-type]
    assert not str(neutral.value).startswith("--")


def test_quick_form_missing_input(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught, flag_errors():
        quick_workload(["nope.txt"], requests_per_day=Decimal(1), base=tmp_path)
    assert str(caught.value) == f"--input: 'nope.txt' not found (in {tmp_path})"
    with pytest.raises(InvalidValue) as neutral:
        quick_workload(["nope.txt"], requests_per_day=Decimal(1), base=tmp_path)
    assert (str(neutral.value), neutral.value.field) == (
        f"'nope.txt' not found (in {tmp_path})",
        "input_files",
    )


def test_support_bot_example() -> None:
    workload = load_workload(REPO / "examples" / "support-bot.yaml")
    requests = list(workload.requests())
    assert workload.requests_per_month == Decimal(50000) * Decimal("30.44")
    assert workload.traffic.timezone == "America/New_York"
    assert workload.traffic.label == "business-hours (America/New_York)"
    assert workload.cache_hit_rate == Decimal("0.8")
    assert workload.system_prompt is not None and "Juniper" in workload.system_prompt
    assert 20 <= len(requests) <= 40
    assert all(r.usage is None and r.message_count >= 1 for r in requests)
    assert any("\u4e00" <= char <= "\u9fff" for r in requests for part in r.parts for char in part)


def test_doc_review_example() -> None:
    workload = load_workload(REPO / "examples" / "doc-review.yaml")
    requests = list(workload.requests())
    sizes = sorted(len(r.parts[0]) for r in requests)
    assert workload.batch_fraction == Decimal("0.5")
    assert workload.traffic.label == "uniform"
    assert workload.output.ratio == Decimal("0.05")
    assert len(requests) >= 3
    assert sizes[-1] > 600_000 > sizes[0]  # one long document among short ones
    examples_size = sum(p.stat().st_size for p in (REPO / "examples").rglob("*") if p.is_file())
    assert examples_size < 2 * 1024 * 1024


def test_long_example_document_is_reproducible() -> None:
    sys.path.insert(0, str(REPO / "examples" / "doc-review"))
    try:
        import make_manual  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    assert make_manual.build() == make_manual.TARGET.read_text(encoding="utf-8")


def test_committed_schema_matches_the_structs() -> None:
    committed = (REPO / "schemas" / "workload.schema.json").read_text(encoding="utf-8")
    assert committed == render_schema(), (
        "regenerate: python -m tokenexport_cli.workload.jsonschema schemas/workload.schema.json"
    )


def test_schema_describes_the_rules_editors_can_check() -> None:
    schema = workload_json_schema()
    spec = schema["$defs"]["WorkloadSpec"]
    assert sorted(spec["required"]) == ["inputs", "name", "output_tokens"]
    assert spec["oneOf"] == [
        {"required": ["requests_per_day"]},
        {"required": ["requests_per_month"]},
    ]
    assert spec["properties"]["cache_hit_rate"] == {
        "type": "number",
        "description": "Share of requests whose system prompt is a cache hit.",
        "default": 0,
        "minimum": 0,
        "maximum": 1,
    }
    assert schema["$defs"]["InputSource"]["additionalProperties"] is False
    json.dumps(schema)  # plain JSON, no Decimals left


def test_core_does_not_import_typer_or_rich() -> None:
    code = (
        "import sys, tokenexport_cli.workload, tokenexport_cli.workload.calibrate, "
        "tokenexport_cli.workload.jsonschema\n"
        "print(sorted(m for m in ('typer', 'rich') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.strip() == "[]"
