"""End to end: an offer whose prices are published only for shorter responses
(``priced_output_below``, bigmodel.cn's GLM-4.5-Air and GLM-4.7 below 200 output tokens) is never
a silent low figure: an explicitly named offer shows its cost as a lower bound naming the output
limit, rankings leave it out with a counted reason naming it, replay splits cells at the length
on both engines, and workloads whose responses stay below it are priced as before."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.catalog import CatalogIndex, load_catalog
from tokenexport_cli.cli import app

runner = CliRunner()
OUTPUT_REASON = "price for responses of 200+ output tokens not published in the catalog"
BOTH_REASON = (
    "price for prompts of 32,000+ input tokens or responses of 200+ output tokens "
    "not published in the catalog"
)
PER_DAY = 1000
DAYS_PER_MONTH = Decimal("30.44")
GLM47 = ["-m", "glm-4.7", "--provider", "zhipu", "--currency", "CNY"]


def _workload(folder: Path, calls: tuple[tuple[int, int], ...]) -> Path:
    """A usage-table workload: one recorded call per (prompt, output) pair, outputs from it."""
    rows = [f"2026-03-02T13:{n:02d}:00Z,glm-4.7,{p},{o},0" for n, (p, o) in enumerate(calls)]
    table = folder / "calls.csv"
    table.write_text(
        "timestamp,model,prompt_tokens,completion_tokens,cached_tokens\n" + "\n".join(rows) + "\n"
    )
    spec = folder / "work.yaml"
    spec.write_text(
        f"name: answers\nrequests_per_day: {PER_DAY}\ninputs:\n  - usage_csv: calls.csv\n"
        "output_tokens:\n  from_logs: true\n"
    )
    return spec


def _index() -> CatalogIndex:
    return CatalogIndex(load_catalog())


def _zhipu(model: str):
    return next(o for o in _index().offers(model) if o.provider == "zhipu")


def _monthly_by_hand(calls: tuple[tuple[int, int], ...]) -> Decimal:
    """Every request at the published lowest-tier prices, in the offer's own currency."""
    offer = _zhipu("glm-4.7")
    per_sample = sum(p * offer.input + o * offer.output for p, o in calls) / Decimal(10**6)
    return per_sample / len(calls) * PER_DAY * DAYS_PER_MONTH


def _json(args: list[str]) -> dict:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_the_catalog_marks_glm_4_5_air_and_glm_4_7_on_bigmodel_cn() -> None:
    marked = {
        (o.model, o.provider): o.priced_output_below.tokens
        for o in _index().catalog.offers
        if o.priced_output_below is not None
    }
    assert marked == {("glm-4.5-air", "zhipu"): 200, ("glm-4.7", "zhipu"): 200}
    limit = _zhipu("glm-4.7").priced_output_below
    assert limit is not None and "zhipuai.yml#GLM-4.7" in limit.source
    assert "0.2k read as 200" in (limit.note or "")
    shown = runner.invoke(app, ["catalog", "show", "glm-4.7"], env={"COLUMNS": "250"})
    assert shown.exit_code == 0
    assert "200+ output tokens: price not published (costs are lower bounds)" in shown.stdout


def test_estimate_of_the_named_offer_is_a_lower_bound_naming_the_output_limit(
    tmp_path: Path,
) -> None:
    calls = ((2_000, 150), (3_000, 250))
    spec = _workload(tmp_path, calls)
    line = _json(["estimate", str(spec), *GLM47])["lines"][0]
    assert Decimal(line["monthly"]) == _monthly_by_hand(calls)
    assert line["lower_bound"] == {
        "priced_output_below": 200,
        "requests": 1,
        "sample_requests": 2,
    }
    table = runner.invoke(app, ["estimate", str(spec), *GLM47])
    assert table.exit_code == 0
    assert f"≥ ¥{_monthly_by_hand(calls).quantize(Decimal('0.01')):,}" in table.stdout
    assert "lower bound: 1 of 2 sample requests have 200+ output tokens" in table.stdout


@pytest.mark.parametrize(("output", "bound"), [(199, False), (200, True)])
def test_the_limit_itself_is_already_unpriced(tmp_path: Path, output: int, bound: bool) -> None:
    # bigmodel.cn's lowest output tier is [0, 0.2k): a response of exactly 200 is outside it
    calls = ((2_000, output),)
    line = _json(["estimate", str(_workload(tmp_path, calls)), *GLM47])["lines"][0]
    assert ("lower_bound" in line) is bound
    assert Decimal(line["monthly"]) == _monthly_by_hand(calls)


def test_both_limits_reached_are_both_named(tmp_path: Path) -> None:
    spec = _workload(tmp_path, ((40_000, 150), (2_000, 250), (1_000, 100)))
    line = _json(["estimate", str(spec), *GLM47])["lines"][0]
    assert line["lower_bound"] == {
        "priced_input_below": 32000,
        "priced_output_below": 200,
        "requests": 2,
        "sample_requests": 3,
    }
    assert any(
        note.startswith(
            "lower bound: 2 of 3 sample requests have 32,000+ input tokens (1) or "
            "200+ output tokens (1), which zhipu bills for glm-4.7"
        )
        for note in line["notes"]
    )
    every = _json(["estimate", str(spec), "-m", "glm-4.7"])
    assert {"model": "glm-4.7", "provider": "zhipu", "reason": BOTH_REASON} in every["excluded"]


def test_recommend_drops_the_offers_with_a_counted_reason_naming_output(tmp_path: Path) -> None:
    spec = _workload(tmp_path, ((2_000, 250), (3_000, 400)))
    marked = {
        (o.model, o.provider)
        for o in _index().catalog.offers
        if o.priced_output_below is not None and o.priced_output_below.tokens <= 400
    }
    data = _json(["recommend", str(spec)])
    dropped = {(e["model"], e["provider"]) for e in data["dropped_unpublished_price"]}
    assert dropped == marked == {("glm-4.5-air", "zhipu"), ("glm-4.7", "zhipu")}
    assert all(e["reason"] == OUTPUT_REASON for e in data["dropped_unpublished_price"])
    assert not dropped & {(r["model"], r["provider"]) for r in data["ranked"]}
    text = runner.invoke(app, ["recommend", str(spec)])
    assert text.exit_code == 0
    assert f"2 candidates dropped: {OUTPUT_REASON} (zhipu glm-4.5-air, zhipu glm-4.7)." in (
        text.stdout
    )


def test_responses_below_the_limit_keep_the_offers_ranked(tmp_path: Path) -> None:
    data = _json(["recommend", str(_workload(tmp_path, ((2_000, 150), (3_000, 199))))])
    assert data["dropped_unpublished_price"] == []
    ranked = {(r["model"], r["provider"]) for r in data["ranked"]}
    assert ("glm-4.7", "zhipu") in ranked


def test_a_budget_check_on_the_offer_fails_naming_the_output_limit(tmp_path: Path) -> None:
    spec = _workload(tmp_path, ((2_000, 150), (3_000, 250)))
    result = runner.invoke(
        app, ["check", "--workload", str(spec), *GLM47, "--max-monthly", "1000000"]
    )
    assert result.exit_code == 1
    assert f"glm-4.7 via zhipu: {OUTPUT_REASON} (1 of 2 sample requests reach it)" in (
        result.stderr
    )


REPLAY_COLUMNS = ["--column", "model=model", "--column", "input=prompt_tokens"]
REPLAY_COLUMNS += ["--column", "output=completion_tokens", "--column", "timestamp=timestamp"]


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_replay_splits_cells_at_the_output_limit(tmp_path: Path, engine: str) -> None:
    # 199 and 200 must not share one cell: only the 200 and 250 calls reach the limit
    _workload(tmp_path, ((2_000, 199), (2_000, 200), (2_100, 250), (1_000, 20)))
    table = str(tmp_path / "calls.csv")
    args = [table, *REPLAY_COLUMNS, "--engine", engine, *GLM47]
    data = _json(["replay", *args])
    target = next(line for line in data["lines"] if line["role"] == "target")
    assert target["lower_bound"] == {
        "priced_output_below": 200,
        "requests": 2,
        "sample_requests": 4,
    }
    assert any(
        note.startswith("lower bound: 2 calls with 200+ output tokens") for note in target["notes"]
    )
    # (2,000 + 2,000 + 2,100 + 1,000) x ¥2 + (199 + 200 + 250 + 20) x ¥8, per million
    assert Decimal(target["period_cost"]) == Decimal("0.019552")
    text = runner.invoke(app, ["replay", *args])
    row = next(line for line in text.stdout.splitlines() if "│ target" in line)
    assert row.count("≥ ") == 2  # the period cost and the monthly projection


AGGREGATE = (
    "model,provider,slot,exact,requests,input,cache_read,cache_write_5m,output,reasoning,"
    "prompt_min,prompt_max,whole_max"
)


@pytest.mark.parametrize(
    ("answers", "reaching"),
    [
        ("", 10),  # no answer columns: anything up to whole_max - prompt_min, counted as reaching
        (",120,180", 0),  # every answer known to stay below 200
        (",120,260", 10),  # across the limit: counted as reaching it
    ],
    ids=["unknown", "below", "across"],
)
def test_a_saved_aggregate_counts_cells_that_may_reach_the_limit(
    tmp_path: Path, answers: str, reaching: int
) -> None:
    header = AGGREGATE + (",answer_min,answer_max" if answers else "")
    path = tmp_path / "cells.csv"
    path.write_text(f"{header}\nglm-4.7,,3,false,10,30000,0,0,1500,0,2500,3500,3700{answers}\n")
    data = _json(["replay", "--aggregate", str(path), *GLM47])
    target = next(line for line in data["lines"] if line["role"] == "target")
    if not reaching:
        assert "lower_bound" not in target
        return
    assert target["lower_bound"]["requests"] == reaching
    assert any(
        note.startswith(f"{reaching} calls whose answers are known only as a range")
        for note in target["notes"]
    )


OVERLAY = """\
offers:
  - model: alpha-1
    provider: alphalab
    input: 2.5
    output: 10
    max_output: 4096
    priced_output_below:
      tokens: {tokens}
      source: our contract, annex C
      as_of: 2026-02-01
    source: our contract
    as_of: 2026-02-01
"""


def test_an_overlay_can_mark_any_offer(fixture_root: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "contract.yaml"
    overlay.write_text(OVERLAY.format(tokens=1000))
    assert runner.invoke(app, ["catalog", "validate", str(overlay)]).exit_code == 0
    args = ["estimate", "--input-tokens", "500", "--output-tokens", "1000"]
    args += ["--requests-per-month", "100", "-m", "alpha-1", "--catalog", str(overlay)]
    named = _json([*args, "--provider", "alphalab"])["lines"][0]
    assert named["lower_bound"] == {
        "priced_output_below": 1000,
        "requests": 1,
        "sample_requests": 1,
    }
    every = _json(args)
    reasons = {(e["provider"], e["reason"]) for e in every["excluded"]}
    assert ("alphalab", OUTPUT_REASON.replace("200", "1,000")) in reasons


@pytest.mark.parametrize(
    ("tokens", "problem"),
    [
        # msgspec words this one (a positive int): only tokx's part, the place, is asserted
        ("0", "priced_output_below.tokens: "),
        ("4096", "priced_output_below.tokens: must be below the maximum output 4,096"),
        ("200000", "priced_output_below.tokens: must be below the context window 128,000"),
    ],
    ids=["zero", "max-output", "beyond-window"],
)
def test_bad_values_are_located_errors(
    fixture_root: Path, tmp_path: Path, tokens: str, problem: str
) -> None:
    overlay = tmp_path / "contract.yaml"
    overlay.write_text(OVERLAY.format(tokens=tokens))
    result = runner.invoke(app, ["catalog", "validate", str(overlay)])
    assert result.exit_code == 3
    wanted = f"tokx: error: {overlay}:8: offers[0].{problem}"  # the line of ``tokens:``
    found = [text for text in result.stderr.splitlines() if text.startswith(wanted)]
    assert found and len(found[0]) > len(wanted), result.stderr
