"""The bounds table and the date parser at every edge: extreme numbers and impossible dates in
files and flags end at once as located data errors (exit 3) or usage errors naming the flag
(exit 2), and ``catalog validate`` rejects what a pricing command would refuse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from tokenexport_cli.bounds import BOUNDS, check
from tokenexport_cli.cli import app
from tokenexport_cli.dates import DateProblem, from_unix, parse_timestamp

runner = CliRunner()
QUICK = ["--input-tokens", "1000", "--output-tokens", "100", "--requests-per-day", "10"]
OFFER = """\
offers:
  - model: deepseek-v3.2
    provider: deepseek
    region: mine
    input: 0.5
    output: 1
    tiers:
      - above: 100000
        input: 1
        output: 2
    time_bands:
      - name: night
        timezone: UTC
        hours: ["00:00-08:00"]
        input: 0.25
        output: 0.5
    batch:
      input: 0.2
      output: 0.4
    source: my contract
    as_of: 2026-06-01
providers:
  - id: deepseek
    name: DeepSeek
    kind: direct
    fees:
      - kind: usage_markup
        percent: 5
        source: my contract
        as_of: 2026-06-01
    source: my contract
    as_of: 2026-06-01
"""


def _error(result) -> str:  # type: ignore[no-untyped-def]
    lines = [line for line in result.stderr.splitlines() if line.startswith("tokx: error: ")]
    assert lines, result.output
    return lines[0]


@pytest.mark.parametrize("value", ["1e400", "1.0e400", "1e-999999999", "1e30", "-1", "1e-19"])
@pytest.mark.parametrize(
    ("old", "line", "key"),
    [
        ("input: 0.5", 5, "offers[0].input"),
        ("        input: 1", 9, "offers[0].tiers[0].input"),
        ("        input: 0.25", 15, "offers[0].time_bands[0].input"),
        ("      input: 0.2", 18, "offers[0].batch.input"),
        ("        percent: 5", 28, "providers[0].fees[0].percent"),
    ],
)
def test_an_extreme_overlay_number_is_rejected_by_validate_and_by_commands(
    tmp_path: Path, value: str, old: str, line: int, key: str
) -> None:
    overlay = tmp_path / "overlay.yaml"
    assert old + "\n" in OFFER
    overlay.write_text(OFFER.replace(old + "\n", old.split(":")[0] + f": {value}\n", 1))
    validated = runner.invoke(app, ["catalog", "validate", str(overlay)])
    assert validated.exit_code == 3, validated.output
    assert _error(validated).startswith(f"tokx: error: {overlay}:{line}: {key}: ")
    priced = runner.invoke(app, ["estimate", *QUICK, "--catalog", str(overlay)])
    assert priced.exit_code == 3, priced.output
    assert _error(priced).startswith(f"tokx: error: {overlay}:{line}: {key}: ")


def test_the_unchanged_overlay_is_valid(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(OFFER)
    assert runner.invoke(app, ["catalog", "validate", str(overlay)]).exit_code == 0
    assert runner.invoke(app, ["estimate", *QUICK, "--catalog", str(overlay)]).exit_code == 0


@pytest.mark.parametrize("window", [10**30, 2**63, 10**10, 0])
def test_a_context_window_out_of_range_is_a_located_data_error(tmp_path: Path, window: int) -> None:
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(
        OFFER.replace("    output: 1\n", f"    output: 1\n    context_window: {window}\n", 1)
    )
    result = runner.invoke(app, ["estimate", *QUICK, "--catalog", str(overlay)])
    assert result.exit_code == 3, result.output
    assert _error(result).startswith(f"tokx: error: {overlay}:7: offers[0].context_window: ")


@pytest.mark.parametrize(
    "value", ["2026-02-30", "2026-01-01T00:00:00+99:00", "2026-13-01", "2025-02-29"]
)
@pytest.mark.parametrize("key", ["as_of", "source"])
def test_an_impossible_date_is_a_located_data_error(tmp_path: Path, value: str, key: str) -> None:
    overlay = tmp_path / "overlay.yaml"
    old = "    source: my contract\n    as_of: 2026-06-01\n"
    new = old.replace(
        f"{key}: " + ("my contract" if key == "source" else "2026-06-01"), f"{key}: {value}"
    )
    overlay.write_text(OFFER.replace(old, new, 1))
    result = runner.invoke(app, ["catalog", "validate", str(overlay)])
    assert result.exit_code == 3, result.output
    line = 20 if key == "source" else 21
    assert _error(result).startswith(f"tokx: error: {overlay}:{line}: offers[0].{key}: '{value}'")


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["estimate", "--input-tokens", "1", "--output-tokens", "1", "--requests-per-day", "1e30"], "--requests-per-day"),
        (["estimate", "--input-tokens", "1", "--output-tokens", "1", "--requests-per-day", "1e999999999"], "--requests-per-day"),
        (["estimate", "--input-tokens", "1", "--output-tokens", "1", "--requests-per-month", "1e400"], "--requests-per-month"),
        (["estimate", *QUICK, "--currency", "CNY", "--fx", "CNY=1e-999999999"], "--fx"),
        (["estimate", *QUICK, "--currency", "CNY", "--fx", "CNY=1e999999999"], "--fx"),
        (["estimate", "--input-tokens", str(10**30), "--output-tokens", "1", "--requests-per-day", "1"], "--input-tokens"),
        (["selfhost", "deepseek-v3", "--gpu-price", "1e999999999"], "--gpu-price"),
        (["selfhost", "deepseek-v3", "--gpu-price", "1e-999999999"], "--gpu-price"),
        (["selfhost", "deepseek-v3", "--utilization", "1e-999999"], "--utilization"),
        (["recommend", *QUICK, "--objective", "value", "--weight", "gpqa-diamond=1e999999999"], "--weight"),
        (["catalog", "sync", "openrouter", "--timeout", "nan"], "--timeout"),
        (["catalog", "sync", "openrouter", "--timeout", "inf"], "--timeout"),
    ],
)  # fmt: skip
def test_an_extreme_flag_value_is_exit_2_naming_the_flag(args: list[str], flag: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert _error(result).startswith(f"tokx: error: {flag}: ")


def test_a_workload_volume_out_of_range_is_a_located_data_error(tmp_path: Path) -> None:
    workload = tmp_path / "w.yaml"
    (tmp_path / "p.txt").write_text("hello")
    workload.write_text(
        "name: w\nrequests_per_day: 1e30\ninputs:\n  - path: p.txt\noutput_tokens:\n  fixed: 5\n"
    )
    result = runner.invoke(app, ["workload", "show", str(workload)])
    assert result.exit_code == 3, result.output
    assert _error(result).startswith(f"tokx: error: {workload}:2: requests_per_day: ")


@given(st.decimals(allow_nan=True, allow_infinity=True), st.sampled_from(sorted(BOUNDS)))
def test_a_value_within_its_bound_is_exactly_in_the_documented_range(
    value: Decimal, kind: str
) -> None:
    bound = BOUNDS[kind]
    if check(value, kind) is None:
        assert value.is_finite()
        assert bound.low <= value <= bound.high
        assert not (bound.low_open and value == bound.low)
        assert value.as_tuple().exponent >= -bound.places or value == value.quantize(
            Decimal(1).scaleb(-bound.places)
        )


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_every_real_date_parses_to_itself(date: dt.date) -> None:
    assert parse_timestamp(date.isoformat()) == date


@pytest.mark.parametrize(
    "text",
    ["2026-02-30", "2026-04-31", "2026-00-10", "2026-01-01T24:00:00", "2026-01-01T00:00:00+24:00",
     "9999-12-31T23:59:59-01:00", "0000-01-01", "2026-1-1x", ""],
)  # fmt: skip
def test_impossible_timestamps_are_date_problems(text: str) -> None:
    with pytest.raises(DateProblem):
        parse_timestamp(text)


@pytest.mark.parametrize("seconds", [10**30, -1, "nan", "1e999999999", True, 253_402_300_800])
def test_unix_times_out_of_range_are_date_problems(seconds: object) -> None:
    with pytest.raises(DateProblem):
        from_unix(seconds)


def test_unix_time_is_exact() -> None:
    assert from_unix(1767225600) == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_the_readme_documents_every_bound_as_the_code_has_it() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()

    def show(value: Decimal) -> str:
        return f"{value:,}" if value == value.to_integral_value() else str(value)

    for kind, bound in BOUNDS.items():
        low = ("above " if bound.low_open else "") + show(bound.low)
        row = f"| `{kind}` | {bound.meaning} | {low} to {show(bound.high)} | {bound.places} |"
        assert row in readme, row


@pytest.mark.parametrize("value", ["-1", "1e30", "0.0000001"])
def test_serving_memory_figures_are_gigabytes_checked_by_validate(
    tmp_path: Path, value: str
) -> None:
    overlay = tmp_path / "serving.yaml"
    overlay.write_text(
        "serving:\n  - id: x-unit\n    model: deepseek-v3\n    engine: e\n    gpu: H800\n"
        "    gpus_per_replica: 8\n    input_tokens_per_s: 1000\n    output_tokens_per_s: 1000\n"
        f"    gpu_memory_gb: 80\n    weights_gb: {value}\n    source: s\n    as_of: 2026-01-01\n"
    )
    result = runner.invoke(app, ["catalog", "validate", str(overlay)])
    assert result.exit_code == 3, result.output
    assert f"{overlay}:10: serving[0].weights_gb: " in result.output
