"""Logs as a workload: ``inputs: - logs: PATH`` and the quick form's ``--input`` price the
recorded calls, scaled to the workload's volume (or the rate the logs recorded); input warnings
print as ``workload show`` prints them; no output tokens and none recorded is an error."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.cli import app

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _pinned_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hand-worked figures here come from catalog 2026-08-21; the newest may reprice them."""
    monkeypatch.setenv("TOKX_CATALOG_VERSION", "2026-08-21")


def estimate_json(*args: str) -> dict:
    result = runner.invoke(app, ["estimate", *args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_logs_workload_prices_the_recorded_calls_at_its_volume(tmp_path: Path) -> None:
    spec = tmp_path / "w.yaml"
    spec.write_text(
        f"name: w\nrequests_per_month: 1000\ninputs:\n  - logs: {LOGS / 'openai_chat.jsonl'}\n"
        "output_tokens:\n  from_logs: true\n"
    )
    payload = estimate_json(str(spec), "-m", "gpt-4o", "--provider", "openai")
    (line,) = payload["lines"]
    # the two recorded calls cost $0.02522 (tests/logs/test_replay_pricing.py): $0.01261 a
    # call, x 1,000 calls a month
    assert line["monthly"] == "12.61"
    assert line["notes"] == ["recorded usage of 2 calls"]


def test_quick_input_logs_without_a_volume_take_the_recorded_rate() -> None:
    payload = estimate_json(
        "--input",
        str(LOGS / "claude-projects"),
        "-m",
        "claude-sonnet-4.5",
        "--provider",
        "anthropic",
    )
    # 4 calls between 2026-08-03 09:00:09 and 2026-08-09 17:30:00 (6.3540625 days) x 30.44
    assert Decimal(payload["requests_per_month"]) == (
        Decimal(4) * Decimal("30.44") / Decimal("6.3540625")
    ).quantize(Decimal("0.0000000001"))


def test_log_warnings_print_for_estimate(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    log.write_text((LOGS / "openai_chat.jsonl").read_text() + "{oops\n")
    result = runner.invoke(
        app,
        ["estimate", "--input", str(log), "--requests-per-month", "10", "-m", "gpt-4o"],
    )
    assert result.exit_code == 0, result.stderr
    assert "tokx: warning: " in result.stderr and "skipped 1 of 3 lines" in result.stderr


def test_text_input_warnings_print_as_workload_show_prints_them(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("hello there")
    (tmp_path / "docs" / "b.bin").write_bytes(b"\x00\x01binary")
    spec = tmp_path / "w.yaml"
    spec.write_text(
        "name: w\nrequests_per_month: 10\ninputs:\n  - path: docs\noutput_tokens:\n  fixed: 5\n"
    )
    shown = runner.invoke(app, ["workload", "show", str(spec)])
    priced = runner.invoke(app, ["estimate", str(spec), "-m", "gpt-4o", "--provider", "openai"])
    assert priced.exit_code == 0, priced.stderr
    warnings = [line for line in shown.stderr.splitlines() if line.startswith("tokx: warning:")]
    assert warnings and all(line in priced.stderr.splitlines() for line in warnings)


def test_no_output_tokens_and_none_recorded_names_the_flag(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hello there")
    for args in (
        ["--input", str(tmp_path), "--requests-per-month", "10"],
        ["--input-tokens", "100", "--requests-per-month", "10"],
    ):
        result = runner.invoke(app, ["estimate", *args])
        assert result.exit_code == 2
        assert result.stderr.startswith("tokx: error: --output-tokens: ")
        assert "add --output-tokens N" in result.stderr


def test_check_prices_a_logs_workload_and_prints_its_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "calls.jsonl"
    log.write_text((LOGS / "openai_chat.jsonl").read_text() + "{oops\n")
    (tmp_path / "w.yaml").write_text(
        "name: w\nrequests_per_month: 1000\ninputs:\n  - logs: calls.jsonl\n"
        "output_tokens:\n  from_logs: true\n"
    )
    monkeypatch.chdir(tmp_path)
    args = ["check", "--workload", "w.yaml", "--model", "gpt-4o", "--provider", "openai"]
    # $12.61 a month (see the first test here)
    assert runner.invoke(app, [*args, "--max-monthly", "12.61"]).exit_code == 0
    result = runner.invoke(app, [*args, "--max-monthly", "12.60"])
    assert result.exit_code == 1
    assert "tokx: warning: " in result.stderr and "skipped 1 of 3 lines" in result.stderr


def _columns_workload(tmp_path: Path, columns: str) -> Path:
    spec = tmp_path / "w.yaml"
    spec.write_text(
        "name: w\nrequests_per_month: 1000\ninputs:\n"
        f"  - logs: {LOGS / 'custom_usage.csv'}\n"
        f"    columns:\n{columns}"
        "output_tokens:\n  from_logs: true\n"
    )
    return spec


def test_a_workload_columns_mapping_reads_a_table_in_no_known_format(tmp_path: Path) -> None:
    spec = _columns_workload(
        tmp_path,
        "      model: engine\n      timestamp: when\n      input: fresh_prompt\n"
        "      cache_read: cached\n      output: completion\n",
    )
    payload = estimate_json(str(spec), "-m", "gpt-4o", "--provider", "openai")
    (line,) = payload["lines"]
    # the same two gpt-4o calls as openai_chat.jsonl: $0.02522, $0.01261 a call x 1,000
    assert line["monthly"] == "12.61"


def test_workload_columns_are_validated_like_every_key(tmp_path: Path) -> None:
    spec = _columns_workload(
        tmp_path, "      model: engine\n      inptu: fresh_prompt\n      output: completion\n"
    )
    result = runner.invoke(app, ["estimate", str(spec), "-m", "gpt-4o"])
    assert result.exit_code == 3
    assert result.stderr.startswith(f"tokx: error: {spec}:7: inputs[0].columns.inptu: unknown key")
    assert "did you mean 'input'" in result.stderr
    missing = _columns_workload(tmp_path, "      model: engine\n      output: completion\n")
    result = runner.invoke(app, ["estimate", str(missing), "-m", "gpt-4o"])
    assert result.exit_code == 3
    assert f"{missing}:5: inputs[0].columns: map input too" in result.stderr
    text = tmp_path / "t.yaml"
    text.write_text(
        f"name: t\nrequests_per_day: 1\ninputs:\n  - path: {LOGS / 'custom_usage.csv'}\n"
        "    columns:\n      model: engine\n      input: a\n      output: b\n"
        "output_tokens:\n  fixed: 1\n"
    )
    result = runner.invoke(app, ["estimate", str(text), "-m", "gpt-4o"])
    assert result.exit_code == 3 and "inputs[0].columns: only with logs" in result.stderr


def test_a_logs_workload_of_requests_without_usage_counts_them_locally(tmp_path: Path) -> None:
    from tokenexport_cli.api.choices import CatalogChoice
    from tokenexport_cli.api.replay import ReplayRequest, replay

    log = LOGS / "anthropic_requests.jsonl"
    spec = tmp_path / "w.yaml"
    spec.write_text(
        f"name: w\nrequests_per_month: 1000\ninputs:\n  - logs: {log}\n"
        "output_tokens:\n  from_logs: true\n"
    )
    result = runner.invoke(
        app,
        ["estimate", str(spec), "-m", "claude-haiku-4.5", "--provider", "anthropic", "-q"],
    )
    assert result.exit_code == 0, result.stderr
    assert f"{log}: 2 calls without recorded usage" in result.stderr
    payload = estimate_json(str(spec), "-m", "claude-haiku-4.5", "--provider", "anthropic")
    (line,) = payload["lines"]
    # the same two calls as tokx replay prices them (no cache, no batch price on this
    # catalog), per call x 1,000 calls a month
    replayed = replay(
        ReplayRequest(paths=(log,), catalog=CatalogChoice(version="2026-08-21"), alternatives=0)
    )
    (source,) = replayed.lines
    assert Decimal(line["monthly"]) == (source.cost.period_cost / 2 * 1000).quantize(
        Decimal(line["monthly"])
    )


def test_workload_columns_take_exactly_the_roles_of_the_column_flag() -> None:
    from tokenexport_cli.logs.exports import ROLES
    from tokenexport_cli.workload.spec import LogColumns

    assert LogColumns.__struct_fields__ == ROLES


def _reasoning_workload(
    tmp_path: Path, ratio: str | None, log: str = "openai_responses.jsonl"
) -> Path:
    spec = tmp_path / "r.yaml"
    spec.write_text(
        f"name: r\nrequests_per_month: 1000\ninputs:\n  - logs: {LOGS / log}\n"
        "output_tokens:\n  from_logs: true\n"
        + (f"reasoning_ratio:\n  gpt-5: {ratio}\n" if ratio is not None else "")
    )
    return spec


def test_a_workload_reasoning_ratio_scales_reasoning_as_replay_does(tmp_path: Path) -> None:
    from tokenexport_cli.api.choices import CatalogChoice, open_catalog
    from tokenexport_cli.api.replay import REASONING_NOTE, ReplayRequest, replay
    from tokenexport_cli.logs.retarget import REASONING_NOTE as WORKLOAD_NOTE

    assert WORKLOAD_NOTE == REASONING_NOTE  # one wording for replay and workloads
    spec = _reasoning_workload(tmp_path, None)
    (before,) = estimate_json(str(spec), "-m", "gpt-5", "--provider", "openai")["lines"]
    assert REASONING_NOTE in before["notes"][0]  # 1:1 by default, stated as an assumption
    spec = _reasoning_workload(tmp_path, "2.5")
    (after,) = estimate_json(str(spec), "-m", "gpt-5", "--provider", "openai")["lines"]
    assert (
        "reasoning tokens x 2.5 of the source model's (the ratio given for gpt-5)"
        in (after["notes"][0])
    )
    # the one logged gpt-5-mini call reasons 1,024 tokens; gpt-5 (the same o200k family) is
    # taken to reason 1.5 x 1,024 more, at its output price, x 1,000 calls a month
    index = open_catalog(CatalogChoice(version="2026-08-21"))
    (offer,) = [o for o in index.offers("gpt-5") if o.provider == "openai"]
    extra = 1024 * Decimal("1.5") * offer.output / 1_000_000 * 1000
    assert Decimal(after["monthly"]) - Decimal(before["monthly"]) == extra
    # and the same per call as tokx replay --reasoning-ratio gpt-5=2.5
    replayed = replay(
        ReplayRequest(
            paths=(LOGS / "openai_responses.jsonl",),
            catalog=CatalogChoice(version="2026-08-21"),
            models=("gpt-5",),
            providers=("openai",),
            alternatives=0,
            reasoning_ratios={"gpt-5": Decimal("2.5")},
        )
    )
    (target,) = [line for line in replayed.lines if line.role == "target"]
    monthly = Decimal(after["monthly"])
    assert monthly == (target.cost.period_cost * 1000).quantize(monthly)


def test_a_workload_reasoning_ratio_is_validated_like_every_key(tmp_path: Path) -> None:
    spec = _reasoning_workload(tmp_path, "101")
    result = runner.invoke(app, ["estimate", str(spec), "-m", "gpt-5"])
    assert result.exit_code == 3
    assert result.stderr.startswith(f"tokx: error: {spec}:8: reasoning_ratio.gpt-5: must be")
    assert "(got 101)" in result.stderr
    spec.write_text(spec.read_text().replace("gpt-5: 101", "claude-sonnet-4.5: 1\n  gtp-5: 2"))
    result = runner.invoke(app, ["estimate", str(spec), "-m", "gpt-5"])
    assert result.exit_code == 3
    assert result.stderr.startswith(
        f"tokx: error: {spec}:9: reasoning_ratio.gtp-5: unknown model 'gtp-5'"
    )
    text = tmp_path / "t.yaml"
    text.write_text(
        f"name: t\nrequests_per_day: 1\ninputs:\n  - path: {LOGS / 'custom_usage.csv'}\n"
        "output_tokens:\n  fixed: 1\nreasoning_ratio:\n  gpt-5: 2\n"
    )
    result = runner.invoke(app, ["estimate", str(text), "-m", "gpt-4o"])
    assert result.exit_code == 3
    assert f"{text}:7: reasoning_ratio: only with logs inputs" in result.stderr


def test_a_logs_workload_counts_images_by_the_target_providers_rule(tmp_path: Path) -> None:
    from tokenexport_cli.api.choices import CatalogChoice, open_catalog
    from tokenexport_cli.api.replay import ReplayRequest, replay

    log = LOGS / "anthropic_requests.jsonl"
    spec = tmp_path / "w.yaml"
    spec.write_text(
        f"name: w\nrequests_per_month: 1000\ninputs:\n  - logs: {log}\n"
        "output_tokens:\n  from_logs: true\n"
    )
    (line,) = estimate_json(str(spec), "-m", "gpt-4o", "--provider", "openrouter")["lines"]
    assert "images of 2 calls counted by openai's image rule for gpt-4o" in line["notes"][0]
    # the same calls, images and all, as tokx replay prices them on gpt-4o through OpenRouter
    # (no cache, no batch price there), per call x 1,000 calls a month
    replayed = replay(
        ReplayRequest(
            paths=(log,),
            catalog=CatalogChoice(version="2026-08-21"),
            models=("gpt-4o",),
            providers=("openrouter",),
            alternatives=0,
        )
    )
    (target,) = [x for x in replayed.lines if x.role == "target"]
    assert "images of 2 calls counted by openai's image rule for gpt-4o" in target.cost.notes
    # the workload prices each call in whole tokens (the replay in exact fractions): at most
    # one token of input and one of output a call apart, fees included; the source's own image
    # rule would be ~250 tokens a call apart (640 + 1,399 Claude tokens against 2 x 765)
    index = open_catalog(CatalogChoice(version="2026-08-21"))
    (offer,) = [o for o in index.offers("gpt-4o") if o.provider == "openrouter"]
    apart = abs(Decimal(line["monthly"]) - target.cost.period_cost / 2 * 1000)
    assert apart <= (offer.input + offer.output) * Decimal("1.1") / 1_000_000 * 1000


def test_a_logs_workload_converts_by_the_ratio_measured_on_its_text_as_replay_does() -> None:
    """The Chinese log on Claude: estimate's line notes the same measured ratio replay uses,
    and its band is the one replay shows."""
    payload = estimate_json(
        "--input",
        str(LOGS / "openai_chinese_pairs.jsonl"),
        "-m",
        "claude-sonnet-4.5",
        "--provider",
        "anthropic",
    )
    replayed = runner.invoke(
        app,
        [
            "replay",
            str(LOGS / "openai_chinese_pairs.jsonl"),
            "-m",
            "claude-sonnet-4.5",
            "--provider",
            "anthropic",
            "--format",
            "json",
        ],
    )
    assert replayed.exit_code == 0, replayed.stderr
    (target,) = [x for x in json.loads(replayed.stdout)["lines"] if x["role"] == "target"]
    (note,) = [n for n in target["notes"] if "measured on 12 calls" in n]
    (line,) = payload["lines"]
    assert line["notes"] == [f"recorded usage of 12 calls; {note}"]
