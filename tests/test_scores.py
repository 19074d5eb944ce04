"""Which score is compared: one harness and one variant per benchmark, one row per model, never
the maximum of several rows (hand-made catalogs)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec
import pytest

from tokenexport_cli.catalog import CatalogIndex
from tokenexport_cli.errors import InvalidValue
from tokenexport_cli.schema import Benchmark, Catalog
from tokenexport_cli.scores import choose_variants, score_rows

AS_OF = dt.date(2026, 1, 1)


def row(model: str, score: str, **fields: Any) -> Benchmark:
    base: dict[str, Any] = {
        "model": model,
        "benchmark": "swe-bench-verified",
        "score": Decimal(score),
        "harness": "vendor-reported",
        "source": "test",
        "as_of": AS_OF,
    }
    base.update(fields)
    return msgspec.convert(base, Benchmark)


def index_of(*rows: Benchmark) -> CatalogIndex:
    empty: dict[str, Any] = {
        key: ()
        for key in ("fx", "sources", "models", "providers", "offers", "gpus", "serving", "market")
    }
    catalog = Catalog(version="t", released=AS_OF, benchmarks=rows, tokenizers=(), **empty)
    return CatalogIndex(catalog)


HARNESS = {"swe-bench-verified": "vendor-reported"}


def test_multiple_attempt_figure_is_not_the_default_variant() -> None:
    # the Kimi README reports claude-opus-4 at 72.5 single-attempt and 79.4 multiple-attempt
    index = index_of(
        row("opus", "72.5", variant="agentic-single-attempt", attempts="single"),
        row("opus", "79.4", variant="agentic-multiple-attempts", attempts="multiple"),
    )
    variants = choose_variants(index, HARNESS, {"opus"})
    assert variants == {"swe-bench-verified": "agentic-single-attempt"}
    assert score_rows(index, "opus", HARNESS, variants)["swe-bench-verified"].score == Decimal(
        "72.5"
    )


def test_repeated_rows_take_the_stated_order_not_the_maximum() -> None:
    index = index_of(
        row("m", "70.0", thinking=False),
        row("m", "60.0", thinking=True, setting="reasoning: medium"),
        row("m", "65.0", thinking=True, setting="reasoning: high"),
    )
    chosen = score_rows(index, "m", HARNESS, {"swe-bench-verified": "unspecified"})
    # no row without a stated mode: thinking first, highest stated effort first -> 65.0,
    # although the non-thinking row is higher
    assert chosen["swe-bench-verified"].score == Decimal("65.0")


def test_newest_row_wins_between_identical_settings() -> None:
    index = index_of(
        row("m", "80.0", as_of=dt.date(2025, 1, 1)),
        row("m", "75.0", as_of=dt.date(2025, 6, 1)),
    )
    chosen = score_rows(index, "m", HARNESS, {"swe-bench-verified": "unspecified"})
    assert chosen["swe-bench-verified"].score == Decimal("75.0")


def test_pinning_an_unknown_variant_names_the_available_ones() -> None:
    index = index_of(row("m", "70.0"))
    with pytest.raises(InvalidValue) as caught:
        choose_variants(index, HARNESS, {"m"}, {"swe-bench-verified": "agentless"})
    assert "available: unspecified" in str(caught.value)
