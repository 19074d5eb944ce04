"""End to end: an offer whose prices are published only below a prompt length
(``priced_input_below``, bigmodel.cn's GLM offers above 32K) is never a silent low figure:
rankings and picks leave it out with a counted reason, an explicitly named offer shows its cost
as a lower bound, and workloads below the length are priced as before."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli.catalog import CatalogIndex, load_catalog
from tokenexport_cli.cli import app

runner = CliRunner()
REASON = "price for prompts of 32,000+ input tokens not published in the catalog"
OUTPUT = 150  # below the 200-token output limit of two of the offers: input side only here
PER_DAY = 1000
DAYS_PER_MONTH = Decimal("30.44")


def _workload(folder: Path, prompts: tuple[int, ...]) -> Path:
    """A usage-table workload: one recorded call per prompt length, OUTPUT tokens out."""
    rows = [f"2026-03-02T13:{n:02d}:00Z,glm-5,{p},{OUTPUT},0" for n, p in enumerate(prompts)]
    table = folder / "calls.csv"
    table.write_text(
        "timestamp,model,prompt_tokens,completion_tokens,cached_tokens\n" + "\n".join(rows) + "\n"
    )
    spec = folder / "work.yaml"
    spec.write_text(
        f"name: long-prompts\nrequests_per_day: {PER_DAY}\ninputs:\n  - usage_csv: calls.csv\n"
        f"output_tokens:\n  fixed: {OUTPUT}\n"
    )
    return spec


def _zhipu_glm5():
    index = CatalogIndex(load_catalog())
    return next(o for o in index.offers("glm-5") if o.provider == "zhipu"), index


def _monthly_by_hand(prompts: tuple[int, ...]) -> Decimal:
    """Every request at the published [0, 32K) prices, in the offer's own currency."""
    offer, _ = _zhipu_glm5()
    per_sample = sum(p * offer.input + OUTPUT * offer.output for p in prompts) / Decimal(10**6)
    return per_sample / len(prompts) * PER_DAY * DAYS_PER_MONTH


def _json(args: list[str]) -> dict:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_the_catalog_marks_the_zhipu_glm5_offer_and_catalog_show_lists_it() -> None:
    offer, _ = _zhipu_glm5()
    assert offer.priced_input_below is not None
    assert offer.priced_input_below.tokens == 32000
    shown = runner.invoke(app, ["catalog", "show", "glm-5"])
    assert shown.exit_code == 0
    assert "32,000+ input tokens: price not published (costs are lower bounds)" in shown.stdout
    data = _json(["catalog", "show", "glm-5"])
    limits = {o["provider"]: o.get("priced_input_below") for o in data["offers"]}
    assert limits["zhipu"]["tokens"] == 32000
    assert all(limit is None for provider, limit in limits.items() if provider != "zhipu")


def test_estimate_of_the_named_offer_shows_a_lower_bound(tmp_path: Path) -> None:
    prompts = (40_000, 2_000)
    spec = _workload(tmp_path, prompts)
    args = ["estimate", str(spec), "-m", "glm-5", "--provider", "zhipu", "--currency", "CNY"]
    line = _json(args)["lines"][0]
    assert Decimal(line["monthly"]) == _monthly_by_hand(prompts)
    assert line["lower_bound"] == {
        "priced_input_below": 32000,
        "requests": 1,
        "sample_requests": 2,
    }
    table = runner.invoke(app, args)
    assert table.exit_code == 0
    shown = f"≥ ¥{_monthly_by_hand(prompts).quantize(Decimal('0.01')):,}"
    assert shown in table.stdout
    assert "lower bound: 1 of 2 sample requests have 32,000+ input tokens" in table.stdout


def test_a_workload_below_the_length_is_priced_exactly_and_not_marked(tmp_path: Path) -> None:
    prompts = (31_000, 2_000)
    spec = _workload(tmp_path, prompts)
    args = ["estimate", str(spec), "-m", "glm-5", "--provider", "zhipu", "--currency", "CNY"]
    line = _json(args)["lines"][0]
    assert Decimal(line["monthly"]) == _monthly_by_hand(prompts)
    assert "lower_bound" not in line
    ranked = _json(["recommend", str(spec)])
    assert ("glm-5", "zhipu") in {(r["model"], r["provider"]) for r in ranked["ranked"]}
    assert ranked["dropped_unpublished_price"] == []


def test_recommend_leaves_the_offers_out_with_a_counted_named_reason(tmp_path: Path) -> None:
    spec = _workload(tmp_path, (40_000, 2_000))
    _, index = _zhipu_glm5()
    marked = {
        (o.model, o.provider)
        for o in index.catalog.offers
        if o.priced_input_below is not None and o.priced_input_below.tokens <= 40_000
    }
    data = _json(["recommend", str(spec)])
    dropped = {(e["model"], e["provider"]) for e in data["dropped_unpublished_price"]}
    assert ("glm-5", "zhipu") in dropped
    assert dropped == marked
    assert all(e["reason"] == REASON for e in data["dropped_unpublished_price"])
    assert not dropped & {(r["model"], r["provider"]) for r in data["ranked"]}
    text = runner.invoke(app, ["recommend", str(spec)])
    assert text.exit_code == 0
    sentence = next(
        line for line in text.stdout.splitlines() if "candidates dropped: price" in line
    )
    assert sentence.startswith(f"{len(marked)} candidates dropped: {REASON} (")


def test_estimate_of_every_model_excludes_it_and_compare_says_why(tmp_path: Path) -> None:
    spec = _workload(tmp_path, (40_000, 2_000))
    data = _json(["estimate", str(spec), "-m", "glm-5"])
    assert "zhipu" not in {line["provider"] for line in data["lines"]}
    assert {"model": "glm-5", "provider": "zhipu", "reason": REASON} in data["excluded"]
    compared = runner.invoke(app, ["compare", "glm-5", str(spec)])
    assert compared.exit_code == 0
    row = next(line for line in compared.stdout.splitlines() if "│ zhipu" in line)
    assert "excluded" in row
    assert REASON in compared.stdout
    assert "Cheapest path under your constraints: zhipu" not in compared.stdout


def test_a_budget_check_on_the_offer_fails_saying_the_cost_is_unknown(tmp_path: Path) -> None:
    spec = _workload(tmp_path, (40_000, 2_000))
    offer = ["-m", "glm-5", "--provider", "zhipu", "--currency", "CNY"]
    result = runner.invoke(
        app, ["check", "--workload", str(spec), *offer, "--max-monthly", "1000000"]
    )
    assert result.exit_code == 1
    assert f"glm-5 via zhipu: {REASON} (1 of 2 sample requests reach it)" in result.stderr


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_replay_prices_a_named_target_as_a_lower_bound(tmp_path: Path, engine: str) -> None:
    # cells hold calls of one price class: 31,999 and 32,000 must not share one
    _workload(tmp_path, (40_000, 32_000, 31_999, 2_000))
    columns = ["--column", "model=model", "--column", "input=prompt_tokens"]
    columns += ["--column", "output=completion_tokens", "--column", "timestamp=timestamp"]
    columns += ["--engine", engine]
    table = str(tmp_path / "calls.csv")
    data = _json(["replay", table, *columns, "-m", "glm-5", "--provider", "zhipu"])
    target = next(line for line in data["lines"] if line["role"] == "target")
    assert target["lower_bound"] == {
        "priced_input_below": 32000,
        "requests": 2,
        "sample_requests": 4,
    }
    assert all("lower_bound" not in line for line in data["lines"] if line["role"] != "target")
    text = runner.invoke(app, ["replay", table, *columns, "-m", "glm-5", "--provider", "zhipu"])
    row = next(line for line in text.stdout.splitlines() if "│ target" in line)
    assert row.count("≥ ") == 2  # the period cost and the monthly projection


OVERLAY = """\
offers:
  - model: alpha-1
    provider: alphalab
    input: 2.5
    output: 10
    tiers:
      - above: 100000
        input: 5
        output: 15
    priced_input_below:
      tokens: {tokens}
      source: our contract, annex B
      as_of: 2026-02-01
    source: our contract
    as_of: 2026-02-01
"""


def test_an_overlay_can_mark_any_offer(fixture_root: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "contract.yaml"
    overlay.write_text(OVERLAY.format(tokens=120000))
    assert runner.invoke(app, ["catalog", "validate", str(overlay)]).exit_code == 0
    args = ["estimate", "--input-tokens", "125000", "--output-tokens", "10"]
    args += ["--requests-per-month", "100", "-m", "alpha-1", "--catalog", str(overlay)]
    named = _json([*args, "--provider", "alphalab"])["lines"][0]
    assert named["lower_bound"]["priced_input_below"] == 120000
    every = _json(args)
    assert "alphalab" not in {line["provider"] for line in every["lines"]}
    reasons = {(e["provider"], e["reason"]) for e in every["excluded"]}
    assert ("alphalab", REASON.replace("32,000", "120,000")) in reasons


@pytest.mark.parametrize(
    ("tokens", "problem"),
    [
        # msgspec words this one (a positive int): only tokx's part, the place, is asserted
        ("0", "priced_input_below.tokens: "),
        ("200000", "priced_input_below.tokens: must be below the context window 128,000"),
        ("90000", "priced_input_below.tokens: must be above every tier in force"),
    ],
    ids=["zero", "beyond-window", "below-a-tier"],
)
def test_bad_values_are_located_errors(
    fixture_root: Path, tmp_path: Path, tokens: str, problem: str
) -> None:
    overlay = tmp_path / "contract.yaml"
    overlay.write_text(OVERLAY.format(tokens=tokens))
    result = runner.invoke(app, ["catalog", "validate", str(overlay)])
    assert result.exit_code == 3
    line = 11  # the line of ``tokens:``
    wanted = f"tokx: error: {overlay}:{line}: offers[0].{problem}"
    found = [text for text in result.stderr.splitlines() if text.startswith(wanted)]
    assert found and len(found[0]) > len(wanted), result.stderr


def test_a_missing_source_is_a_located_error(fixture_root: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "contract.yaml"
    overlay.write_text(
        OVERLAY.format(tokens=120000).replace("      source: our contract, annex B\n", "")
    )
    result = runner.invoke(app, ["catalog", "validate", str(overlay)])
    assert result.exit_code == 3
    assert (
        f"{overlay}:10: offers[0].priced_input_below.source: missing required key 'source'"
        in result.stderr
    )


BAND_OVERLAY = """\
offers:
  - model: mistral-large-3
    provider: fireworks
    input: 1.2
    output: 1.2
    priced_input_below:
      tokens: 32000
      source: a contract of ours
      as_of: 2026-02-01
    source: a contract of ours
    as_of: 2026-02-01
"""


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_replay_flags_a_converted_prompt_that_may_reach_the_length_within_the_band(
    tmp_path: Path, engine: str
) -> None:
    """GPT-4o's recorded counts replayed on a Mistral (tekken) offer: a prompt whose converted
    count is under 32,000 at the ratio's point value but may reach it within the ratio's band
    counts as reaching it, as ``estimate`` counts it; the one just shorter does not."""
    from tokenexport_cli.tokens.family_ratio import family_ratio

    index = CatalogIndex(load_catalog())
    ratio = family_ratio("o200k_base", "mistral-tekken", index.tokenizers)
    assert index.models["gpt-4o"].tokenizer == "o200k_base" and ratio.band_percent
    first = math.ceil(Fraction(32_000) / ratio.upper)  # the shortest that may reach 32,000
    assert first * ratio.factor < 32_000  # at the point value it would not
    overlay = tmp_path / "contract.yaml"
    overlay.write_text(BAND_OVERLAY)
    rows = [f"2026-03-02T13:0{n}:00Z,gpt-4o,{p},{OUTPUT}" for n, p in enumerate((first, first - 1))]
    table = tmp_path / "calls.csv"
    table.write_text("timestamp,model,prompt_tokens,completion_tokens\n" + "\n".join(rows) + "\n")
    columns = ["--column", "model=model", "--column", "input=prompt_tokens"]
    columns += ["--column", "output=completion_tokens", "--column", "timestamp=timestamp"]
    args = ["replay", str(table), *columns, "--engine", engine, "--catalog", str(overlay)]
    data = _json([*args, "-m", "mistral-large-3", "--provider", "fireworks"])
    target = next(line for line in data["lines"] if line["role"] == "target")
    assert target["lower_bound"] == {
        "priced_input_below": 32000,
        "requests": 1,
        "sample_requests": 2,
    }
