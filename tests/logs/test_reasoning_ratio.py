"""``--reasoning-ratio MODEL=R``: a target that reasons R times as much as the logged model;
1:1 by default, which the output states as an assumption."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.api.choices import CatalogChoice
from tokenexport_cli.api.replay import REASONING_NOTE, ReplayRequest, ReplayResult, replay
from tokenexport_cli.cli import app
from tokenexport_cli.errors import InvalidValue

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
PINNED = CatalogChoice(version="2026-08-21")
runner = CliRunner()


def _run(**ratios: str) -> ReplayResult:
    return replay(
        ReplayRequest(
            paths=(LOGS / "openai_responses.jsonl",),
            catalog=PINNED,
            models=("gpt-5-mini", "deepseek-v3.2"),
            providers=("openai", "deepseek"),
            alternatives=0,
            reasoning_ratios={name: Decimal(value) for name, value in ratios.items()},
        )
    )


def _line(result: ReplayResult, role: str, model: str):  # type: ignore[no-untyped-def]
    (line,) = [x for x in result.lines if x.role == role and x.cost.model == model]
    return line.cost


def test_the_default_is_one_to_one_and_says_it_is_an_assumption() -> None:
    target = _line(_run(), "target", "deepseek-v3.2")
    assert REASONING_NOTE in target.notes


def test_a_ratio_scales_only_the_reasoning_of_calls_logged_on_other_models() -> None:
    plain, doubled = _run(), _run(**{"deepseek-v3.2": "2"})
    before, after = (
        _line(plain, "target", "deepseek-v3.2"),
        _line(doubled, "target", "deepseek-v3.2"),
    )
    # the log's 1,024 reasoning tokens become 2,048 (both x the same family ratio)
    assert after.breakdown["reasoning"] == before.breakdown["reasoning"] * 2
    assert after.breakdown["output"] == before.breakdown["output"]
    assert REASONING_NOTE not in after.notes
    assert any("reasoning tokens x 2" in note for note in after.notes)
    # the logged model's own bill is what was logged, whatever ratio it is given
    own = _line(_run(**{"gpt-5-mini": "3"}), "source", "gpt-5-mini")
    assert own.period_cost == _line(plain, "source", "gpt-5-mini").period_cost


def test_a_ratio_out_of_range_or_for_an_unknown_model_is_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        _run(**{"deepseek-v3.2": "101"})
    assert caught.value.field == "reasoning_ratios"
    result = runner.invoke(
        app,
        ["replay", str(LOGS / "openai_responses.jsonl"), "--reasoning-ratio", "deepseek-v3.2=-1"],
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("tokx: error: --reasoning-ratio:")
    assert len(result.stderr.strip().splitlines()) == 1
    result = runner.invoke(
        app, ["replay", str(LOGS / "openai_responses.jsonl"), "--reasoning-ratio", "deepseek-v3.2"]
    )
    assert result.exit_code == 2 and "NAME=NUMBER" in result.stderr


def test_the_cli_passes_the_ratio_through() -> None:
    result = runner.invoke(
        app,
        [
            "replay",
            str(LOGS / "openai_responses.jsonl"),
            "--catalog-version",
            "2026-08-21",
            "-m",
            "deepseek-v3.2",
            "--provider",
            "deepseek",
            "--reasoning-ratio",
            "deepseek-v3.2=0.5",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert "reasoning tokens x 0.5 of the source model's" in result.stdout
