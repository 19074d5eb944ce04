"""Tool-use overhead on another model: a call with recorded usage whose request shows tool
definitions carries its provider's overhead in the recorded input; priced on another model it
is taken out and the target's own put in (hand-worked below on catalog 2026-08-21)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

from tokenexport_cli.api.choices import CatalogChoice
from tokenexport_cli.api.replay import ReplayRequest, ReplayResult, replay
from tokenexport_cli.logs.local_count import ANTHROPIC_TOOL_PROMPT
from tokenexport_cli.pricing.engine import to_decimal

PINNED = CatalogChoice(version="2026-08-21")
#: get_stock(sku: string), as in anthropic_requests.jsonl
TOOL = {
    "name": "get_stock",
    "description": "Stock level of a product",
    "input_schema": {
        "type": "object",
        "properties": {"sku": {"type": "string", "description": "The product SKU"}},
        "required": ["sku"],
    },
}


def _log(tmp_path: Path, usage: dict[str, int], tools: bool = True) -> Path:
    request: dict[str, object] = {
        "model": "claude-haiku-4-5",
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": "How many NW-4829 are left?"}],
    }
    if tools:
        request |= {"tools": [TOOL], "tool_choice": {"type": "auto"}}
    call = {
        "timestamp": "2026-08-03T09:00:00Z",
        "request": request,
        "response": {
            "id": "msg_T1",
            "type": "message",
            "role": "assistant",
            "model": "claude-haiku-4-5-20251001",
            "content": [{"type": "text", "text": "12 left."}],
            "usage": {"output_tokens": 100, **usage},
        },
    }
    path = tmp_path / "tools.jsonl"
    path.write_text(json.dumps(call) + "\n")
    return path


def _target(path: Path, model: str, provider: str) -> ReplayResult:
    return replay(
        ReplayRequest(
            paths=(path,), catalog=PINNED, models=(model,), providers=(provider,), alternatives=0
        )
    )


def test_anthropic_tool_prompt_swapped_for_another_claude_models() -> None:
    # the published sizes (tool_choice auto) the hand-worked figures use
    assert ANTHROPIC_TOOL_PROMPT["claude-haiku-4.5"][0] == 496
    assert ANTHROPIC_TOOL_PROMPT["claude-sonnet-4"][0] == 313


def test_uncached_call_on_sonnet_4(tmp_path: Path) -> None:
    # Haiku 4.5 -> Sonnet 4, both the claude family (ratio 1): 1,200 input - 496 + 313 = 1,017
    # input at $3/M + 100 output at $15/M = 3,051 + 1,500 = $0.004551
    result = _target(_log(tmp_path, {"input_tokens": 1200}), "claude-sonnet-4", "anthropic")
    (line,) = [line for line in result.lines if line.role == "target"]
    assert str(line.cost.period_cost) == "0.004551"
    assert any("tool-use overhead of 1 call" in note for note in line.cost.notes)


def test_cached_prefix_holds_the_tool_prompt(tmp_path: Path) -> None:
    # tools open the prompt, so the 4,000 cache-read tokens hold the 496: 4,000 - 496 + 313 =
    # 3,817 read at $0.30/M = 1,145.1; 50 input at $3 = 150; 100 output at $15 = 1,500:
    # $0.0027951
    usage = {"input_tokens": 50, "cache_read_input_tokens": 4000}
    result = _target(_log(tmp_path, usage), "claude-sonnet-4", "anthropic")
    (line,) = [line for line in result.lines if line.role == "target"]
    assert str(line.cost.period_cost) == "0.0027951"


def test_on_gpt_4o_openai_function_framing_goes_in(tmp_path: Path) -> None:
    # OpenAI cookbook framing for one function with one property: 7 + 3 + 3 + 12 = 25 gpt-4o
    # tokens; claude -> o200k_base by the catalog ratio 1/1.27, so 25 * 1.27 = 31.75 -> 32
    # claude tokens put in; 1,200 - 496 + 32 = 736 input. Cost: (736 x $2.50 + 100 x $10)
    # x 100/127 per million = 2,840 x 100/127 / 10^6
    result = _target(_log(tmp_path, {"input_tokens": 1200}), "gpt-4o", "openai")
    (line,) = [line for line in result.lines if line.role == "target"]
    assert line.cost.period_cost == to_decimal(Fraction(2840 * 100, 127 * 1_000_000))
    assert any("OpenAI's function framing for gpt-4o" in note for note in line.cost.notes)


def test_a_call_without_tools_or_on_its_own_model_is_unchanged(tmp_path: Path) -> None:
    # no tools: 1,200 x $3 + 100 x $15 = $0.0051 on Sonnet 4
    plain = tmp_path / "plain"
    plain.mkdir()
    result = _target(
        _log(plain, {"input_tokens": 1200}, tools=False), "claude-sonnet-4", "anthropic"
    )
    (line,) = [line for line in result.lines if line.role == "target"]
    assert str(line.cost.period_cost) == "0.0051"
    # on its own model the recorded input is the bill: 1,200 x $1 + 100 x $5 = $0.0017
    own = _target(_log(tmp_path, {"input_tokens": 1200}), "claude-haiku-4.5", "anthropic")
    assert {str(line.cost.period_cost) for line in own.lines} == {"0.0017"}
    assert not any("tool-use" in note for line in own.lines for note in line.cost.notes)


def test_a_target_without_a_published_overhead_only_loses_the_source_one(tmp_path: Path) -> None:
    result = _target(_log(tmp_path, {"input_tokens": 1200}), "deepseek-v3.2", "deepseek")
    (line,) = [line for line in result.lines if line.role == "target"]
    assert any("none published for deepseek-v3.2, none added" in n for n in line.cost.notes)


def test_a_logs_workload_swaps_the_overhead_as_replay_does(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tokenexport_cli.cli import app

    path = _log(tmp_path, {"input_tokens": 1200})
    result = CliRunner().invoke(
        app,
        [
            "estimate",
            "--input",
            str(path),
            "--requests-per-month",
            "1000",
            "-m",
            "claude-sonnet-4",
            "--provider",
            "anthropic",
            "--catalog-version",
            "2026-08-21",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    (line,) = json.loads(result.stdout)["lines"]
    assert "tool-use overhead of 1 call with tool definitions swapped" in line["notes"][0]
    # the call as Sonnet 4 bills it ($0.004551, above) a thousand times a month
    assert line["monthly"] == "4.551"


def test_a_request_counted_locally_swaps_its_overhead_too(tmp_path: Path) -> None:
    # anthropic_requests.jsonl line 1 (no usage): Haiku 4.5 counts 620 input (the tool-use
    # prompt's 496 included) and 640 image tokens; on Sonnet 4, 620 - 496 + 313 = 437 input
    # and the same 640 image tokens (Anthropic's rule both): 1,077 x $3/M = $0.003231
    logs = Path(__file__).parent.parent / "fixtures" / "logs"
    one = tmp_path / "one.jsonl"
    one.write_text((logs / "anthropic_requests.jsonl").read_text().splitlines()[0] + "\n")
    result = _target(one, "claude-sonnet-4", "anthropic")
    assert (result.sources[0].counts["input"], result.sources[0].counts["image_input"]) == (
        620,
        640,
    )
    (line,) = [line for line in result.lines if line.role == "target"]
    assert str(line.cost.breakdown["input"]) == "0.003231"
