"""Workload statistics, estimates and calibration count Claude with the reconstruction (shown
as ≈), in full for small samples and on a measured sample, with its interval, for large ones."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from tokenexport_cli.cli import app
from tokenexport_cli.tokens.claude import MESSAGE_FRAME, count_content
from tokenexport_cli.tokens.workload_reconstruct import BUDGET_BYTES
from tokenexport_cli.workload.load import load_workload

REPO = Path(__file__).resolve().parents[2]
SUPPORT_BOT = REPO / "examples" / "support-bot.yaml"
runner = CliRunner()


def _json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _reconstructed_inputs(path: Path, family: str) -> list[int]:
    """Each request's input as the reconstruction counts it, in full: content plus frame,
    plus the shared system prompt and its frame."""
    workload = load_workload(path)
    frame = MESSAGE_FRAME[family]
    prefix = 0
    if workload.system_prompt:
        prefix = count_content(workload.system_prompt, family) + frame
    return [
        prefix
        + sum(count_content(part, family) for part in request.parts)
        + frame * request.message_count
        for request in workload.requests()
    ]


def test_workload_show_reconstructs_both_claude_vocabularies_in_full() -> None:
    payload = _json("workload", "show", str(SUPPORT_BOT), "-m", "claude-sonnet-4.5,claude-opus-4.7")
    families = {f["family"]: f for f in payload["families"]}
    for family in ("claude", "claude-v4.7"):
        stats = families[family]
        assert stats["exact"] is False and stats["reconstructed"] is True
        # small samples: reconstructed in full, so the band is the reconstruction's bound alone
        assert Decimal(stats["band_percent"]) == 1
        expected = _reconstructed_inputs(SUPPORT_BOT, family)
        assert stats["input"]["total"] == sum(expected)
        assert stats["input"]["max"] == max(expected)
    assert "reconstructed" not in families["o200k_base"]


def test_workload_table_marks_reconstructed_counts() -> None:
    result = runner.invoke(
        app,
        ["workload", "show", str(SUPPORT_BOT), "-m", "claude-sonnet-4.5"],
        env={"COLUMNS": "160"},
    )
    assert result.exit_code == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "│ claude " in line)
    assert "reconstructed ±1%" in row
    total = sum(_reconstructed_inputs(SUPPORT_BOT, "claude"))
    assert f"≈{total:,}" in row


def test_estimate_prices_claude_from_the_reconstruction() -> None:
    payload = _json("estimate", str(SUPPORT_BOT), "-m", "claude-sonnet-4.5,deepseek-v3.2")
    claude = [line for line in payload["lines"] if line["model"] == "claude-sonnet-4.5"]
    others = [line for line in payload["lines"] if line["model"] != "claude-sonnet-4.5"]
    assert claude and others
    assert all(line["tokens_reconstructed"] is True for line in claude)
    assert all(Decimal(line["approximate_band_percent"]) == 1 for line in claude)
    assert all("tokens_reconstructed" not in line for line in others)
    table = runner.invoke(
        app, ["estimate", str(SUPPORT_BOT), "-m", "claude-sonnet-4.5"], env={"COLUMNS": "160"}
    )
    assert table.exit_code == 0, table.stderr
    assert "≈$" in table.stdout and "~$" not in table.stdout


def _large_workload(folder: Path) -> Path:
    rng = random.Random(7)
    words = [
        "the",
        "invoice",
        "order",
        "refund",
        "shipping",
        "delay",
        "customer",
        "account",
        "password",
        "reset",
        "订单",
        "退款",
        "物流",
        "账户",
        "def",
        "return",
        "None",
        "{}",
        "[]",
        "=>",
        "await",
        "async",
        "😀",
        "naïve",
        "Zürich",
        "2026-11-27",
        "#42",
    ]
    lines = []
    for _ in range(160):
        content = " ".join(rng.choice(words) for _ in range(rng.randint(60, 260)))
        lines.append(json.dumps({"messages": [{"role": "user", "content": content}]}))
    (folder / "chats.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = folder / "big.yaml"
    spec.write_text(
        "name: big\nrequests_per_day: 1000\ninputs:\n  - chat_jsonl: chats.jsonl\n"
        "output_tokens:\n  fixed: 100\n",
        encoding="utf-8",
    )
    return spec


def test_large_samples_are_sampled_and_the_interval_contains_the_full_count(
    tmp_path: Path,
) -> None:
    spec = _large_workload(tmp_path)
    size = (tmp_path / "chats.jsonl").stat().st_size
    assert size > 2 * BUDGET_BYTES  # so only part of it is reconstructed
    payload = _json("workload", "show", str(spec), "-t", "claude")
    stats = payload["families"][0]
    band = Decimal(stats["band_percent"]) / 100
    assert stats["reconstructed"] is True and band > Decimal("0.01")
    truth = sum(_reconstructed_inputs(spec, "claude"))
    estimate = stats["input"]["total"]
    assert estimate != truth  # really an estimate
    assert abs(estimate - truth) <= band * estimate
    again = _json("workload", "show", str(spec), "-t", "claude")
    assert again["families"][0]["input"]["total"] == estimate  # same inputs, same estimate


def test_calibration_compares_the_api_with_the_reconstruction(tmp_path: Path) -> None:
    from tokenexport_cli.catalog import CatalogIndex, load_catalog
    from tokenexport_cli.tokens.families import family_spec
    from tokenexport_cli.tokens.workload_counts import request_tokens
    from tokenexport_cli.workload.request import Request

    index = CatalogIndex(load_catalog())
    spec = family_spec(index, "claude")
    text = "Summarise the attached invoice, please. 请总结这张发票。 def f(): return 42"
    request = Request(source="t", parts=(text,), message_count=1)
    assert request_tokens(request, spec) == count_content(text, "claude") + MESSAGE_FRAME["claude"]
