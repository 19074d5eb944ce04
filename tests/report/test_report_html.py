"""tokx report without a browser: sections, figures that match estimate/recommend JSON, no
external references, escaping, and how the file is written."""

from __future__ import annotations

import json
import os
import stat
from decimal import Decimal
from pathlib import Path

import pytest
from report_scan import QUICK, report_app, scan
from typer.testing import CliRunner

from tokenexport_cli.render.report_html import CSP

REPO = Path(__file__).resolve().parents[2]

runner = CliRunner()
SECTIONS = ["recommendation", "workload", "scatter", "projection", "paths", "excluded", "sources"]


@pytest.fixture(autouse=True)
def _fixture_catalog(fixture_root: Path) -> None:
    """The hand-written fixture catalog (newest 2026-03-01): alpha-1, beta-2, gamma-ultra."""


def write_report(tmp_path: Path, *extra: str) -> str:
    """The report ranked for value (these tests were written for that objective; the default
    is recommend's, cheapest, see test_report_picks_what_recommend_picks_with_the_same_flags)."""
    target = tmp_path / "report.html"
    objective = [] if "--objective" in extra else ["--objective", "value"]
    result = runner.invoke(report_app(), ["report", *QUICK, "-o", str(target), *objective, *extra])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"tokx: wrote {target} (")
    return target.read_text(encoding="utf-8")


def cli_json(*args: str) -> dict:
    result = runner.invoke(report_app(), [*args, *QUICK, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_report_has_every_section_in_reading_order(tmp_path: Path) -> None:
    html = write_report(tmp_path)
    page = scan(html)
    assert [attrs.get("id") for tag, attrs in page.tags if tag == "section"] == SECTIONS
    assert html.startswith("<!DOCTYPE html>\n")
    assert page.text[""].lstrip().startswith("LLM cost report · tokx report")
    assert "Catalog 2026-03-01 · USD" in page.text[""]
    assert "Pick alpha-1 via alphalab (direct) at $10.00/month" in page.text["recommendation"]


def test_delivery_path_costs_match_estimate_json(tmp_path: Path) -> None:
    estimate = cli_json("estimate")
    page = scan(write_report(tmp_path))
    shown = {(row[0].text, row[2].value) for table in page.tables["paths"] for row in table[1:]}
    assert shown == {(line["provider"], line["monthly"]) for line in estimate["lines"]}
    requests = [attrs.get("data-value") for tag, attrs in page.tags if attrs.get("data-value")]
    assert requests[0] == estimate["requests_per_month"] == "1000"
    assert "gamma-ultra" in page.text["excluded"]  # unpriced: never shown as free
    assert "unpriced: no public price" in page.text["excluded"]


def test_ranking_and_pick_match_recommend_json(tmp_path: Path) -> None:
    recommendation = cli_json("recommend", "--objective", "value")
    page = scan(write_report(tmp_path))
    options = page.tables["scatter"][0]
    assert [cell.text for cell in options[0]][2:6] == ["model", "provider", "path", "monthly"]
    shown = [(row[2].text, row[3].text, row[5].value) for row in options[1:]]
    expected = [(r["model"], r["provider"], r["monthly"]) for r in recommendation["ranked"]]
    assert shown == expected
    assert "pick" in options[1][1].text and "frontier" in options[1][1].text
    # the scatter plot: one point per model (alpha-1 at its cheapest path), labelled
    circles = [attrs for tag, attrs in page.tags if tag == "circle"]
    assert [c["class"] for c in circles] == ["pt pick"]
    assert any(tag == "path" and attrs.get("class") == "frontier" for tag, attrs in page.tags)


def test_projection_is_twelve_months_of_each_featured_option(tmp_path: Path) -> None:
    page = scan(write_report(tmp_path))
    table = page.tables["projection"][0]
    heads = [cell.text for cell in table[0]]
    assert heads == [
        "month",
        "alpha-1alphalab (direct)",
        "alpha-1router (aggregator)",
        "beta-2betaai (direct)",
    ]
    months = table[1:13]
    assert [row[0].text for row in months] == [str(n) for n in range(1, 13)]
    assert {row[1].value for row in months} == {"10"}  # no growth in the quick form
    assert table[13][0].text == "total"
    assert table[13][1].value == "120"


def test_projection_compounds_the_workload_growth() -> None:
    from tokenexport_cli.api.report import gather_report
    from tokenexport_cli.catalog import CatalogIndex, load_catalog
    from tokenexport_cli.pricing.engine import PricingOptions
    from tokenexport_cli.pricing.estimate import Selection, estimate
    from tokenexport_cli.pricing.fx import Fx
    from tokenexport_cli.ranking import Constraints, recommend
    from tokenexport_cli.usage import FixedUsageSource, fixed_usage

    index = CatalogIndex(load_catalog())
    usage = FixedUsageSource(fixed_usage(1000, 1000, Decimal(1000)), Decimal(10))
    fx = Fx(index.catalog.fx, {})
    result = estimate(index, usage.usage_for, Selection(), fx, PricingOptions())
    rec = recommend(index, result, Constraints(), "value")
    report = gather_report(index, usage, rec, "t", "w", 5)
    line, series = report.projections[0]
    assert (line.model, line.provider) == ("alpha-1", "alphalab")
    assert series[:3] == (Decimal(10), Decimal(11), Decimal("12.1"))
    assert len(series) == 12


def test_page_references_nothing_outside_itself(tmp_path: Path) -> None:
    html = write_report(tmp_path)
    page = scan(html)
    tags = {tag for tag, _ in page.tags}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "base", "form"}
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert "://" not in (value or ""), (tag, name, value)
            assert not (value or "").startswith("//"), (tag, name, value)
            assert name not in ("href", "src", "srcset", "action", "xlink:href"), (tag, name)
    assert "url(" not in page.style and "@import" not in page.style
    csp = [a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv")]
    assert csp == [CSP] == ["default-src 'none'; style-src 'unsafe-inline'; img-src data:"]
    assert "@media print" in page.style


def test_source_addresses_are_text_not_links(tmp_path: Path) -> None:
    page = scan(write_report(tmp_path))
    sources = page.tables["sources"]
    assert [cell.text for cell in sources[0][1]] == [
        "Test fixture",
        "tests/fixtures",
        "2026-01-01",
        "-",
    ]
    priced = {(row[0].text, row[1].text) for row in sources[1][1:]}
    assert priced == {
        ("alpha-1", "alphalab"),
        ("alpha-1", "router"),
        ("beta-2", "betaai"),
        ("beta-2", "router"),
    }
    assert [cell.text for cell in sources[2][1]] == [
        "alpha-1",
        "gpqa-diamond",
        "80.1",
        "vendor-readme",
        "tests/fixtures",
    ]
    assert "never loads anything" in page.text["sources"]


EVIL_OVERLAY = """
models:
  - id: evil-1
    name: "<script>alert('x')</script> & Co"
    vendor: Evil
    origin: US
    open_weights: false
    context_window: 128000
    tokenizer: o200k_base
    source: tests
    as_of: 2026-01-01
offers:
  - model: evil-1
    provider: alphalab
    input: 0.01
    output: 0.01
    source: "https://example.com/p?a=1&b=<img src=x onerror=alert(1)>"
    as_of: 2026-01-01
benchmarks:
  - model: evil-1
    benchmark: gpqa-diamond
    score: 50
    harness: vendor-readme
    source: "</td><script>bad()</script>"
    as_of: 2026-01-01
"""


def test_catalog_text_is_escaped(tmp_path: Path) -> None:
    overlay = tmp_path / "evil.yaml"
    overlay.write_text(EVIL_OVERLAY, encoding="utf-8")
    html = write_report(tmp_path, "--catalog", str(overlay))
    page = scan(html)
    assert not any(tag in ("script", "img") for tag, _ in page.tags)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Co" in html
    assert "<script>alert('x')</script> & Co" in page.text["paths"]
    assert "https://example.com/p?a=1&b=<img src=x onerror=alert(1)>" in page.text["sources"]
    assert "</td><script>bad()</script>" in page.text["sources"]


def test_dash_writes_the_html_to_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(report_app(), ["report", *QUICK, "-o", "-"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert result.stdout.rstrip().endswith("</html>")
    assert result.stderr == ""
    assert list(tmp_path.iterdir()) == []


def test_existing_file_is_replaced_atomically_and_readable(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old report", encoding="utf-8")
    previous = os.umask(0o022)
    try:
        html = write_report(tmp_path)
    finally:
        os.umask(previous)
    assert html.startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_errors_are_one_line_with_exit_codes(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir" / "report.html"
    result = runner.invoke(report_app(), ["report", *QUICK, "-o", str(missing)])
    assert result.exit_code == 2
    assert result.stderr == f"tokx: error: --output: folder '{missing.parent}' does not exist\n"
    result = runner.invoke(report_app(), ["report", *QUICK, "--model", "alpha-onee"])
    assert result.exit_code == 2
    assert result.stderr == "tokx: error: unknown model 'alpha-onee'; did you mean 'alpha-1'?\n"
    result = runner.invoke(report_app(), ["report", *QUICK, "--top", "0"])
    assert result.exit_code == 2
    assert "--top: expected 1 to 20, got 0" in result.stderr


@pytest.mark.parametrize(
    "flags",
    [
        [],
        ["--objective", "cheapest", "--exclude-origin", "CN"],
        ["--objective", "value", "--path", "platform,aggregator"],
        ["--objective", "best", "--min-context", "100000"],
    ],
)
def test_report_picks_what_recommend_picks_with_the_same_flags(
    tmp_path: Path, flags: list[str]
) -> None:
    from tokenexport_cli.cli import app

    workload = str(REPO / "examples" / "support-bot.yaml")
    ranked = CliRunner().invoke(app, ["recommend", workload, *flags, "--format", "json"])
    assert ranked.exit_code == 0, ranked.stderr
    first = json.loads(ranked.stdout)["ranked"][0]
    target = tmp_path / "r.html"
    written = CliRunner().invoke(app, ["report", workload, *flags, "-o", str(target)])
    assert written.exit_code == 0, written.stderr
    page = scan(target.read_text())
    headline = " ".join(page.text["recommendation"].split())
    assert f"Pick {first['model']} via {first['provider']}" in headline
    if "--exclude-origin" in flags:
        assert "Constraints: model origin not: CN." in headline
