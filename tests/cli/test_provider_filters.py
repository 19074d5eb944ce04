"""--billing-country and --region end to end: sourced provider facts, and the count of
candidates dropped because a provider's fact is unknown (fixture catalog)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tokenexport_cli.catalog import load_catalog
from tokenexport_cli.cli import app

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
QUICK = ["--input-tokens", "1000", "--output-tokens", "1000", "--requests-per-month", "1000"]


def run_json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_billing_country_keeps_us_billed_paths_and_counts_unknown(fixture_root: Path) -> None:
    payload = run_json("recommend", *QUICK, "--billing-country", "US")
    assert [(r["model"], r["provider"]) for r in payload["ranked"]] == [("alpha-1", "alphalab")]
    reasons = {(e["model"], e["provider"]): e["reason"] for e in payload["excluded"]}
    assert reasons[("beta-2", "betaai")] == "billed from CN"
    # router has no billing facts; the self-host line has no provider entry at all
    assert reasons[("alpha-1", "router")] == "billing country unknown"
    assert payload["dropped_unknown"] == {"billing country unknown": 3}


def test_region_filter_counts_unknown_regions_in_text(fixture_root: Path) -> None:
    result = runner.invoke(app, ["recommend", *QUICK, "--region", "us"])
    assert result.exit_code == 0, result.stderr
    assert "Pick: alpha-1 via alphalab (direct)" in result.stdout
    # betaai, router (twice) and the self-host line list no regions
    assert "Dropped for unknown data: 4 with regions unknown" in result.stdout


def test_unsourced_fact_is_a_catalog_error(catalog_copy: Path) -> None:
    providers = catalog_copy / "providers.yaml"
    text = providers.read_text(encoding="utf-8")
    unsourced = text.replace("      - fields: [billing_country]\n", "      - fields: [regions]\n")
    providers.write_text(unsourced, encoding="utf-8")
    result = runner.invoke(app, ["recommend", *QUICK])
    assert result.exit_code == 3
    assert "billing_country: has no source" in result.stderr


def test_support_bot_billed_from_the_us_returns_candidates() -> None:
    """The shipped catalog: US-billed paths exist once provider facts are sourced."""
    payload = run_json("recommend", str(EXAMPLES / "support-bot.yaml"), "--billing-country", "US")
    assert payload["ranked"], "no candidate billed from the US"
    providers = {r["provider"] for r in payload["ranked"]}
    catalog = load_catalog(payload["catalog_version"])
    billed_from_us = {p.id for p in catalog.providers if p.billing_country == "US"}
    assert providers <= billed_from_us
    assert payload["dropped_unknown"]["billing country unknown"] > 0


def _reasons_by_provider(payload: dict) -> dict[str, set[str]]:
    reasons: dict[str, set[str]] = {}
    for entry in payload["excluded"]:
        reasons.setdefault(entry["provider"], set()).add(entry["reason"])
    return reasons


def test_sourced_countries_decide_billing_filter_and_only_unknowns_are_counted() -> None:
    """The shipped catalog: DeepSeek's own terms name a Hangzhou company, so its offers drop as
    billed from CN rather than as unknown; Together's terms name a Delaware corporation, so its
    offers stay; the unknown count is exactly the candidates whose provider has no sourced
    country."""
    payload = run_json("recommend", str(EXAMPLES / "support-bot.yaml"), "--billing-country", "US")
    catalog = load_catalog(payload["catalog_version"])
    country = {p.id: p.billing_country for p in catalog.providers}
    reasons = _reasons_by_provider(payload)
    assert reasons["deepseek"] == {"billed from CN"}
    assert "together" in {r["provider"] for r in payload["ranked"]}
    unknown = [e for e in payload["excluded"] if e["reason"] == "billing country unknown"]
    assert payload["dropped_unknown"]["billing country unknown"] == len(unknown)
    assert unknown and all(country.get(e["provider"]) is None for e in unknown)


def test_region_filter_drops_deepseek_for_its_sourced_region_not_as_unknown() -> None:
    """DeepSeek's privacy policy places processing in China, so --region us excludes its offers
    for their region; the regions-unknown count matches the excluded lines that say so."""
    payload = run_json("recommend", str(EXAMPLES / "support-bot.yaml"), "--region", "us")
    reasons = _reasons_by_provider(payload)
    assert reasons["deepseek"] == {"no region in us"}
    unknown = [e for e in payload["excluded"] if e["reason"] == "regions unknown"]
    assert payload["dropped_unknown"]["regions unknown"] == len(unknown)
