"""The plain-text cost chart: scales, frontier marks, ASCII fallback, widths."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from tokenexport_cli.render.chart import (
    chart_rows,
    choose_scale,
    cost_chart,
    tick_label,
    use_ascii,
)

D = Decimal
NARROW = [("cheap", D("50"), True), ("middle", D("100"), False), ("dear", D("200"), True)]
WIDE = [("tiny", D("0.5"), True), ("mid", D("48.7"), False), ("huge", D("12345.6"), True)]


def bars(chart: str) -> dict[str, str]:
    """Label -> the bar characters of its row."""
    found = {}
    for line in chart.splitlines():
        parts = line[2:].split()
        if parts and parts[0] in {label for label, _, _ in NARROW + WIDE}:
            found[parts[0]] = parts[1] if len(parts) == 3 else ""
    return found


def test_linear_scale_when_costs_span_two_orders_of_magnitude_or_less() -> None:
    chart = cost_chart(NARROW, "USD", 80, ascii_only=True)
    lines = chart.splitlines()
    assert lines[0] == "Monthly cost (USD), linear scale from 0."
    assert lines[1] == "* = on the Pareto frontier: no other option is both cheaper and better."
    assert lines[2].split() == ["$0", "$50", "$100", "$150", "$200"]
    lengths = {label: len(bar) for label, bar in bars(chart).items()}
    # 80 - (2 + 6 label + 1 + 1 + 7 money) = 63 cells; bars are proportional to cost
    assert lengths == {"cheap": 15, "middle": 31, "dear": 63}
    assert lines[-1] == "* dear   " + "#" * 63 + " $200.00"


def test_log_scale_above_two_orders_of_magnitude_says_so_with_ticks() -> None:
    chart = cost_chart(WIDE, "USD", 100, ascii_only=True)
    lines = chart.splitlines()
    assert lines[0] == "Monthly cost (USD), log scale: each tick is 10x, bars start at $0.1."
    assert lines[2].split() == ["$0.1", "$1", "$10", "$100", "$1K", "$10K", "$100K"]
    assert lines[3].strip().count("+") == 7
    lengths = {label: len(bar) for label, bar in bars(chart).items()}
    # equal ratios get equal bar steps: 0.5 -> 48.7 is ~2 decades, 48.7 -> 12345.6 ~2.4
    assert lengths["tiny"] < lengths["mid"] < lengths["huge"]
    decade = (len(lines[3].strip()) - 1) / 6
    assert round((lengths["mid"] - lengths["tiny"]) / decade, 1) == pytest.approx(2.0, abs=0.1)
    assert choose_scale([D("1"), D("100")]).log is False
    assert choose_scale([D("1"), D("100.01")]).log is True


def test_frontier_rows_are_marked_and_order_is_kept() -> None:
    chart = cost_chart(NARROW, "USD", 80, ascii_only=True)
    rows = [
        line for line in chart.splitlines() if line[2:].split()[0] in ("cheap", "middle", "dear")
    ]
    assert [(row[0], row[2:].split()[0]) for row in rows] == [
        ("*", "cheap"),
        (" ", "middle"),
        ("*", "dear"),
    ]
    unmarked = cost_chart([("a", D(1), False), ("b", D(2), False)], "USD", 60, ascii_only=True)
    assert "Pareto" not in unmarked


def test_unicode_uses_eighth_blocks_and_ascii_fallback_is_pure_ascii() -> None:
    fancy = cost_chart(WIDE, "EUR", 90, ascii_only=False)
    assert "█" in fancy and "┬" in fancy and "€12,345.60" in fancy
    plain = cost_chart(WIDE, "EUR", 90, ascii_only=True)
    assert plain.isascii()
    assert "12,345.60 EUR" in plain and "#" in plain
    assert "\x1b[" not in fancy + plain  # never colour codes


def test_ascii_is_chosen_by_env_or_by_the_stream_encoding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOKX_ASCII", raising=False)
    utf8 = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    latin = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    assert use_ascii(utf8) is False
    assert use_ascii(latin) is True
    monkeypatch.setenv("TOKX_ASCII", "1")
    assert use_ascii(utf8) is True
    monkeypatch.setenv("TOKX_ASCII", "0")
    assert use_ascii(utf8) is False


@pytest.mark.parametrize("width", [40, 60, 100, 140])
def test_every_line_fits_the_width(width: int) -> None:
    label = "selfhost/deepseek-v3-production-h800-node (x)"  # 46 characters
    room = max(12, width // 3)
    for plain, ellipsis in ((True, "~"), (False, "…")):
        chart = cost_chart([*WIDE, (label, D("167.96"), True)], "USD", width, ascii_only=plain)
        assert max(len(line) for line in chart.splitlines()) <= width
        head = (room - 1) // 2  # shortened in the middle: model and provider both stay
        shown = (
            label if len(label) <= room else label[:head] + ellipsis + label[-(room - 1 - head) :]
        )
        assert chart.splitlines()[-1].startswith(f"* {shown} ")


def test_zero_cost_has_no_bar_and_tiny_costs_still_show() -> None:
    chart = cost_chart(
        [("free", D(0), False), ("tiny", D("0.01"), False), ("big", D("1"), False)],
        "USD",
        60,
        ascii_only=True,
    )
    found = {line[2:].split()[0]: line[2:].split() for line in chart.splitlines()[3:]}
    assert found["free"] == ["free", "$0.00"]
    assert found["tiny"][1].startswith("#")
    assert cost_chart([], "USD", 60) == "No options to chart.\n"


def test_tick_labels_are_compact() -> None:
    assert [tick_label(D(v), "USD") for v in ("0.01", "1", "250", "1000", "2500", "1E6")] == [
        "$0.01",
        "$1",
        "$250",
        "$1K",
        "$2.5K",
        "$1M",
    ]
    assert tick_label(D(1000), "CHF") == "1K"
    assert tick_label(D(10), "CNY", ascii_only=True) == "10"


def test_chart_rows_come_from_ranked_candidates(fixture_root: object) -> None:
    from tokenexport_cli.catalog import CatalogIndex, load_catalog
    from tokenexport_cli.pricing.engine import PricingOptions
    from tokenexport_cli.pricing.estimate import Selection, estimate
    from tokenexport_cli.pricing.fx import Fx
    from tokenexport_cli.ranking import Constraints, recommend
    from tokenexport_cli.usage import fixed_usage

    index = CatalogIndex(load_catalog())
    usage = fixed_usage(1000, 1000, D(1000))
    result = estimate(
        index, lambda model: usage, Selection(), Fx(index.catalog.fx, {}), PricingOptions()
    )
    ranked = recommend(index, result, Constraints(), "cheapest").ranked
    rows = chart_rows(ranked, limit=3)
    assert [(label, str(cost.quantize(D("0.01"))), mark) for label, cost, mark, _band in rows] == [
        ("beta-2 (betaai)", "1.22", False),
        ("beta-2 (router)", "1.58", False),
        ("alpha-1 (alphalab)", "10.00", True),
    ]
    assert any(item.pareto for item in ranked)  # alpha-1 (the only scored model) is on it


def test_approximate_rows_keep_their_band_and_long_labels_stay_distinct() -> None:
    rows = [
        ("deepseek-v3.2 (azure-ai-foundry eastus)", D("916.12"), False, None),
        ("deepseek-v3.2 (azure-ai-foundry westus)", D("917.50"), False, None),
        ("kimi-k2.5 (openrouter)", D("686.17"), True, D("27")),
    ]
    fancy = cost_chart(rows, "USD", 80, ascii_only=False, more=12)
    assert "~$686.17 ±27%" in fancy
    plain = cost_chart(rows, "USD", 80, ascii_only=True)
    assert "~$686.17 +-27%" in plain
    bars = fancy.splitlines()[-4:-1]
    assert "eastus)" in bars[0] and "westus)" in bars[1]  # never two rows that look the same
    assert fancy.splitlines()[-1] == "... 12 more (use --all or --top N)"
