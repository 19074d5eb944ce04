"""estimate, recommend, compare and selfhost end to end on the fixture catalog, with the
expected figures worked by hand in comments."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.cli import app

runner = CliRunner()
QUICK = ["--input-tokens", "1000", "--output-tokens", "1000", "--requests-per-month", "1000"]


@pytest.fixture(autouse=True)
def _fixture_catalog(fixture_root: Path) -> None:
    """All tests here run on tests/fixtures/catalogs (newest: 2026-03-01)."""


def run_json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_estimate_prices_every_path_cheapest_first() -> None:
    payload = run_json("estimate", *QUICK)
    got = [(line["model"], line["provider"], line["monthly"]) for line in payload["lines"]]
    assert got == [
        # ¥(1000 x 2 + 1000 x 8)/1M = ¥0.01; off-peak (weekdays 8 h of 168 h = 5/21) at half
        # price: x (1 - 5/21 / 2) = 37/42; / 7.2 CNY per USD x 1000 requests
        ("beta-2", "betaai", "1.2235449735"),
        # (1000 x 0.3 + 1000 x 1.2)/1M = $0.0015, plus the 5% fee
        ("beta-2", "router", "1.575"),
        # (1000 x 2 + 1000 x 8)/1M = $0.01
        ("alpha-1", "alphalab", "10"),
        # (1000 x 2.5 + 1000 x 10)/1M x 1.05
        ("alpha-1", "router", "13.125"),
        # self-hosting commits whole replicas: 1,000 requests fill a sliver of one, and one
        # replica is 8 GPUs x $2.99/h x 730.44 h, not a pay-per-use share of it
        ("beta-2", "selfhost/beta-2-h100", "17472.1248"),
    ]
    assert payload["unpriced"] == [{"model": "gamma-ultra", "reason": "no public price"}]
    assert payload["catalog_version"] == "2026-03-01"
    assert payload["requests_per_month"] == "1000"
    router = payload["lines"][3]
    assert router["breakdown"]["fees"] == "0.625"
    assert router["per_1k_requests"] == "13.125"


def test_estimate_narrows_by_model_provider_and_path() -> None:
    payload = run_json("estimate", *QUICK, "--model", "alpha-one", "--path", "direct")
    assert [(line["model"], line["provider"]) for line in payload["lines"]] == [
        ("alpha-1", "alphalab")
    ]
    payload = run_json("estimate", *QUICK, "--provider", "router")
    assert {line["provider"] for line in payload["lines"]} == {"router"}


def test_estimate_in_cny_with_fx_override() -> None:
    payload = run_json(
        "estimate",
        *QUICK,
        "--model",
        "alpha-1",
        "--provider",
        "alphalab",
        "--currency",
        "CNY",
        "--fx",
        "CNY=7",
    )
    assert payload["lines"][0]["monthly"] == "70"  # $10 x 7
    assert payload["lines"][0]["currency"] == "CNY"


def test_estimate_table_shows_breakdown_and_unpriced() -> None:
    result = runner.invoke(app, ["estimate", *QUICK, "--breakdown", "--months", "12"])
    assert result.exit_code == 0, result.stderr
    assert "Monthly cost, 1,000 requests/month (catalog 2026-03-01, USD)" in result.stdout
    assert "cache write" in result.stdout and "month 12" in result.stdout
    assert "Unpriced (no price on any path, never counted as free): gamma-ultra" in result.stdout


def test_context_exclusion_and_split() -> None:
    args = [
        "estimate",
        "--input-tokens",
        "200000",
        "--output-tokens",
        "1000",
        "--requests-per-month",
        "1",
        "--model",
        "alpha-1",
    ]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 5  # nothing left to price: documented, explained on stderr
    assert result.stderr == (
        "tokx: error: no candidate left to price: 2 excluded (context window too small: 2); "
        "--explain lists them\n"
    )
    payload = json.loads(result.stdout)
    assert payload["lines"] == []
    assert payload["excluded"][0]["reason"] == (
        "context window 128,000 too small: 1 of 1 sample requests need up to 201,000 tokens"
    )
    table = runner.invoke(app, [*args, "--explain"])
    assert (table.exit_code, table.stdout) == (5, "")
    assert table.stderr.splitlines()[0] == (
        "tokx: excluded: alpha-1 via alphalab: context window 128,000 too small: "
        "1 of 1 sample requests need up to 201,000 tokens"
    )
    assert table.stderr.splitlines()[-1].startswith("tokx: error: no candidate left to price")
    payload = run_json(*args, "--long-inputs", "split", "--provider", "alphalab")
    (line,) = payload["lines"]
    # room 127,000 per call: 2 chunk calls + 1 combining call
    assert line["calls_per_request"] == "3"
    # chunk 1: 127,000 in > 100K tier: 127,000 x 5 + 1,000 out x 15 = 650,000 micro-$
    # chunk 2: 73,000 x 2 + 1,000 x 8 = 154,000; combine: 2,000 x 2 + 1,000 x 8 = 12,000
    assert line["monthly"] == "0.816"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give a workload file, --input FILES or --input-tokens N"),
        (
            ["--input-tokens", "5"],
            "give a workload file, or --requests-per-day or --requests-per-month",
        ),
        (
            [*QUICK, "--long-inputs", "chop"],
            "--long-inputs: expected 'exclude' or 'split', got 'chop'",
        ),
        (
            [*QUICK, "--currency", "EUR"],
            "no exchange rate for EUR (known: CNY, USD; add --fx EUR=RATE)",
        ),
        (
            [*QUICK, "--fx", "CNY=abc"],
            "--fx: expected CURRENCY=UNITS_PER_USD like CNY=6.9, got 'CNY=abc'",
        ),
        (
            [*QUICK, "--path", "cloud"],
            "--path: unknown path kind 'cloud' (choose from direct, aggregator, platform, hyperscaler, selfhost)",
        ),
        ([*QUICK, "--model", "alpha-2"], "unknown model 'alpha-2'; did you mean 'alpha-1'?"),
        ([*QUICK, "--provider", "routr"], "unknown provider 'routr'; did you mean 'router'?"),
        (
            ["--input-tokens", "5", "--requests-per-day", "x"],
            "--requests-per-day: 'x' is not a number",
        ),
    ],
)
def test_estimate_usage_errors(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["estimate", *args])
    assert result.exit_code == 2
    assert result.stderr == f"tokx: error: {message}\n"
    assert result.stdout == ""


def test_recommend_cheapest_under_constraints_and_explain() -> None:
    payload = run_json("recommend", *QUICK, "--exclude-origin", "CN", "--max-monthly", "11")
    assert [(r["model"], r["provider"]) for r in payload["ranked"]] == [("alpha-1", "alphalab")]
    reasons = {(e["model"], e["provider"]): e["reason"] for e in payload["excluded"]}
    assert reasons[("beta-2", "betaai")] == "origin CN excluded"
    assert reasons[("alpha-1", "router")] == "over budget (13.13 > 11 USD/month)"
    assert reasons[("gamma-ultra", None)] == "unpriced: no public price"


def test_recommend_benchmark_floor_and_missing_scores() -> None:
    payload = run_json("recommend", *QUICK, "--min", "gpqa-diamond=81")
    reasons = {(e["model"], e["provider"]): e["reason"] for e in payload["excluded"]}
    assert reasons[("alpha-1", "alphalab")] == "gpqa-diamond 80.1 < 81"
    assert reasons[("beta-2", "router")] == (
        "no benchmark data for gpqa-diamond (vendor-readme, unspecified)"
    )
    assert payload["ranked"] == []
    # beta-2 has no gpqa score on any of its three paths (betaai, router, self-host); alpha-1
    # has one below the floor, so only beta-2's paths count, and betaai is the cheapest of them
    assert payload["missing_scores"]["count"] == 3
    assert payload["missing_scores"]["cheapest"]["provider"] == "betaai"


def test_recommend_value_objective_marks_the_pareto_frontier() -> None:
    payload = run_json("recommend", *QUICK, "--objective", "value")
    ranked = [(r["provider"], r["score"], r["pareto"]) for r in payload["ranked"]]
    # only alpha-1 has a gpqa score: the cheaper path is on the frontier, the dearer is not
    assert ranked == [("alphalab", "80.1", True), ("router", "80.1", False)]
    assert payload["harnesses"] == {"gpqa-diamond": "vendor-readme"}


def test_recommend_table_shows_the_frontier_legend_only_with_scores() -> None:
    # value: alpha-1 has a gpqa score, so the table has the frontier column and its legend, and
    # the cheaper alphalab path is starred
    scored = runner.invoke(app, ["recommend", *QUICK, "--objective", "value"])
    assert scored.exit_code == 0, scored.stderr
    assert "* = Pareto frontier of cost vs score" in scored.stdout
    assert any("*" in row and "alphalab" in row for row in scored.stdout.splitlines())
    # cheapest with only beta-2 (no score on any path): no star can appear, so no legend either
    unscored = runner.invoke(app, ["recommend", *QUICK, "--origin", "CN"])
    assert unscored.exit_code == 0, unscored.stderr
    assert "beta-2" in unscored.stdout
    assert "Pareto" not in unscored.stdout
    assert not any("*" in row for row in unscored.stdout.splitlines())


def test_recommend_explain_table_lists_exclusions() -> None:
    result = runner.invoke(app, ["recommend", *QUICK, "--origin", "US", "--explain"])
    assert result.exit_code == 0, result.stderr
    assert "Pick: alpha-1 via alphalab (direct) at $10.00/month" in result.stdout
    assert "origin CN not in US" in result.stdout


def test_recommend_unknown_benchmark_and_objective() -> None:
    result = runner.invoke(app, ["recommend", *QUICK, "--min", "gpqa=50"])
    assert result.exit_code == 2
    assert result.stderr == "tokx: error: unknown benchmark 'gpqa'; did you mean 'gpqa-diamond'?\n"
    result = runner.invoke(app, ["recommend", *QUICK, "--objective", "fastest"])
    assert result.stderr == (
        "tokx: error: --objective: unknown 'fastest' (choose from cheapest, value, best)\n"
    )


def test_compare_one_model_across_paths() -> None:
    payload = run_json("compare", "beta-2")
    assert payload["cost_basis"] == "per_1m_tokens_3_to_1"
    costs = {p["provider"]: p["cost"]["monthly"] for p in payload["paths"]}
    # 750K x ¥2 + 250K x ¥8 = ¥3.5, x 37/42 off-peak, / 7.2
    assert Decimal(costs["betaai"]) == (Decimal("3.5") * 37 / 42 / Decimal("7.2")).quantize(
        Decimal("1e-10")
    )
    assert costs["router"] == "0.55125"  # (0.225 + 0.3) x 1.05
    assert payload["cheapest"] == "betaai"
    payload = run_json("compare", "beta-2", "--path", "aggregator")
    assert payload["cheapest"] == "router"


def test_selfhost_breakeven() -> None:
    payload = run_json("selfhost", "beta-2", *QUICK)
    (profile,) = payload["profiles"]
    assert profile["usd_per_million_input"] == "0.2214814815"  # 1e6/(50000 x 0.6) s x 23.92/3600
    assert profile["replica_monthly_usd"] == "17472.1248"  # 23.92 x 730.44 h
    # decode is the busier phase: 1000/(10000 x 0.6) = 1/6 replica-second per request (prefill's
    # 1000/(50000 x 0.6) runs alongside), so a full replica serves 730.44 x 3600 x 6 =
    # 15,777,504 requests at $17,472.1248/15,777,504 = $0.00111 each, under betaai's
    # $0.37/302.4 per 1,000 requests: break-even at 17,472.1248 x 302.4 / 0.37 x 1000 / 1000
    assert profile["breakeven_requests_per_month"] == "14279920.3770810811"
    payload = run_json("selfhost", "beta-2", *QUICK, "--gpu-price", "1")
    (profile,) = payload["profiles"]
    # $8/h x 730.44 h = $5,843.52 a month / betaai's $0.37/302.4 per request
    assert profile["breakeven_requests_per_month"] == "4775893.1027027027"


def test_selfhost_refuses_closed_models() -> None:
    result = runner.invoke(app, ["selfhost", "alpha-1"])
    assert result.exit_code == 2
    assert result.stderr == "tokx: error: alpha-1 has no open weights: it cannot be self-hosted\n"
