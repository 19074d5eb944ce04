"""Workloads end to end: workload show, estimate on the bundled examples (tiers, long inputs,
quick form), and calibration saved and used by later estimates."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from tokenexport_cli.cli import app

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
runner = CliRunner()


def run_json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_workload_show_reports_each_family() -> None:
    payload = run_json("workload", "show", str(EXAMPLES / "support-bot.yaml"), "-m", "kimi-k2.5")
    families = {f["family"]: f for f in payload["families"]}
    assert set(families) == {"o200k_base", "cl100k_base", "qwen", "deepseek-v3", "kimi"}
    assert families["qwen"]["exact"] is True and families["kimi"]["exact"] is False
    from tokenexport_cli.catalog import CatalogIndex, load_catalog

    kimi = CatalogIndex(load_catalog(payload["catalog_version"])).tokenizers["kimi"]
    assert Decimal(families["kimi"]["band_percent"]) == kimi.band_percent
    for family in families.values():
        stats = family["input"]
        assert stats["requests"] == 32
        assert stats["p50"] <= stats["p95"] <= stats["p99"] <= stats["max"]
        assert family["prefix_tokens"] > 0  # the shared system prompt
        assert family["output"]["mean"] == "180"
    assert payload["requests_per_month"] == "1522000"  # 50,000 a day x 30.44


def test_long_documents_tiers_and_split() -> None:
    workload = str(EXAMPLES / "doc-review.yaml")
    default = run_json("estimate", workload)
    excluded = {e["model"] for e in default["excluded"]}
    assert "gpt-4o-mini" in excluded  # the ~183K-token manual does not fit 128K
    split = run_json("estimate", workload, "--long-inputs", "split", "--model", "gpt-4o-mini")
    assert split["lines"] and all(Decimal(line["calls_per_request"]) > 1 for line in split["lines"])
    tiered = run_json(
        "estimate", workload, "--model", "qwen3-max", "--provider", "alibaba-cloud-cn"
    )
    (line,) = tiered["lines"]
    assert Decimal(line["breakdown"]["tier_surcharge"]) > 0
    assert Decimal(line["breakdown"]["batch_savings"]) < 0  # half the work goes through batch


def test_quick_form_with_input_files_matches_a_workload_file(tmp_path: Path) -> None:
    docs = EXAMPLES / "doc-review" / "docs"
    spec = tmp_path / "w.yaml"
    spec.write_text(
        f"name: w\nrequests_per_month: 1000\ninputs:\n  - path: {docs}\n"
        "output_tokens:\n  fixed: 100\n"
    )
    from_file = run_json("estimate", str(spec), "-m", "deepseek-v4-flash", "--provider", "deepseek")
    quick = run_json(
        "estimate",
        "--input",
        str(docs),
        "--output-tokens",
        "100",
        "--requests-per-month",
        "1000",
        "-m",
        "deepseek-v4-flash",
        "--provider",
        "deepseek",
    )
    assert from_file["lines"][0]["monthly"] == quick["lines"][0]["monthly"]


def test_calibration_is_saved_and_used() -> None:
    workload = str(EXAMPLES / "support-bot.yaml")
    before = run_json("estimate", workload, "-m", "gpt-4o-mini", "--provider", "openai")
    log = str(EXAMPLES / "usage-log.jsonl")
    # the newest catalog knows the vendor ids the log uses (deepseek-chat, qwen-plus)
    newest = runner.invoke(app, ["calibrate", log, "--dry-run", "--format", "json"])
    assert newest.exit_code == 0, newest.stderr
    assert set(json.loads(newest.stdout)["models"]) == {"gpt-4o-mini", "deepseek-v3.2", "qwen-plus"}
    assert "skipped" not in newest.stderr
    # 2026-08-21 does not: their requests are skipped, and the rest still calibrate
    args = ["calibrate", log, "--format", "json", "--catalog-version", "2026-08-21"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    fit = json.loads(result.stdout)["models"]["gpt-4o-mini"]
    assert fit["requests"] == 22 and fit["family"] == "o200k_base"
    assert 1 < Decimal(fit["ratio"]) < Decimal("1.2")
    assert "request(s) skipped: unknown model" in result.stderr
    saved = Path(os.environ["TOKX_CONFIG_DIR"]) / "calibration.json"
    assert json.loads(saved.read_text())["models"]["gpt-4o-mini"]["ratio"] == fit["ratio"]
    after = run_json("estimate", workload, "-m", "gpt-4o-mini", "--provider", "openai")
    line = after["lines"][0]
    assert "tokens calibrated from 22 requests" in line["notes"][0]
    assert Decimal(line["monthly"]) > Decimal(before["lines"][0]["monthly"])


def test_calibrate_refuses_a_csv_and_dry_run_saves_nothing() -> None:
    result = runner.invoke(app, ["calibrate", str(EXAMPLES / "usage.csv")])
    assert result.exit_code == 3
    assert "a usage CSV has no request text to count locally" in result.stderr
    result = runner.invoke(app, ["calibrate", str(EXAMPLES / "usage-log.jsonl"), "--dry-run"])
    assert result.exit_code == 0
    assert not (Path(os.environ["TOKX_CONFIG_DIR"]) / "calibration.json").exists()


def test_bad_workload_file_is_a_located_data_error(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(
        "name: bad\nrequests_per_day: 10\ninputs: []\noutput_tokens:\n  fixed: 1\n"
        "cache_hit_rate: 1.5\n"
    )
    result = runner.invoke(app, ["estimate", str(spec)])
    assert result.exit_code == 3
    assert result.stderr.startswith(f"tokx: error: {spec}:")
    assert "Traceback" not in result.stderr
