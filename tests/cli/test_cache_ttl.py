"""A workload's `cache_ttl` and an offer's minimum cacheable prefix, end to end through
`tokx estimate` on the newest catalog (Claude Sonnet 4.5 on Anthropic: 5-minute writes 3.75,
1-hour writes 6 per million tokens, nothing cached under 1,024 tokens)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from tokenexport_cli.cli import app

runner = CliRunner()
EXAMPLES = Path(__file__).parents[2] / "examples"


def _workload(tmp_path: Path, repeat: int, ttl: str | None) -> Path:
    prompt = (EXAMPLES / "support-bot" / "system-prompt.md").read_text(encoding="utf-8")
    (tmp_path / "prompt.md").write_text("\n".join([prompt] * repeat), encoding="utf-8")
    conversations = EXAMPLES / "support-bot" / "conversations.jsonl"
    lines = [
        f"name: ttl-{repeat}-{ttl}",
        "requests_per_month: 1000",
        "inputs:",
        f"  - chat_jsonl: {conversations}",
        "system_prompt_file: prompt.md",
        "output_tokens:",
        "  fixed: 100",
        "cache_hit_rate: 0.5",
    ]
    if ttl:
        lines.append(f"cache_ttl: {ttl}")
    path = tmp_path / f"w-{repeat}-{ttl}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _breakdown(workload: Path) -> dict[str, Decimal]:
    args = ["estimate", str(workload), "-m", "claude-sonnet-4.5", "--provider", "anthropic"]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout)["lines"][0]
    return {key: Decimal(value) for key, value in line["breakdown"].items()}


def test_one_hour_writes_cost_the_one_hour_price(tmp_path: Path) -> None:
    five = _breakdown(_workload(tmp_path, 4, None))
    hour = _breakdown(_workload(tmp_path, 4, "1h"))
    assert five["cache_write"] > 0
    # the same tokens written at 6 instead of 3.75 per million
    assert hour["cache_write"] / five["cache_write"] == Decimal("1.6")
    assert hour["cached_input"] == five["cached_input"]
    assert hour["input"] == five["input"]


def test_a_prefix_under_the_minimum_is_billed_as_plain_input(tmp_path: Path) -> None:
    short = _breakdown(_workload(tmp_path, 1, "1h"))  # the 477-token support-bot prompt
    assert short["cached_input"] == 0
    assert short["cache_write"] == 0


def test_a_bad_ttl_is_a_located_error(tmp_path: Path) -> None:
    workload = _workload(tmp_path, 1, "2h")
    result = runner.invoke(app, ["estimate", str(workload), "-m", "claude-sonnet-4.5"])
    assert result.exit_code != 0
    assert f"{workload}:" in result.stderr
    assert "cache_ttl" in result.stderr
    assert "Traceback" not in result.output
