"""An import that re-prices an offer keeps its ``priced_input_below`` mark (a source's price
list says nothing about tiers it does not publish), so the offer never turns into a silent
under-price; the note says the mark was kept."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tokenexport_cli.catalog.importers import format_module, parse_path
from tokenexport_cli.catalog.importers.base import SourceInfo
from tokenexport_cli.catalog.importers.pipeline import ImportTarget, run_import
from tokenexport_cli.catalog.load import load_path

BASE_VERSION = "2026-06-01"
SYNC_FIXTURES = Path(__file__).parent / "fixtures"
MARK = """\
    priced_input_below:
      tokens: 64000
      source: a contract annex
      as_of: 2026-06-01
"""


def test_a_reimported_offer_keeps_its_mark(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "catalogs"
    shutil.copytree(SYNC_FIXTURES / "catalogs", root)
    offers = root / BASE_VERSION / "offers" / "openrouter.yaml"
    text = offers.read_text()
    first = "    source: tests/sync/fixtures\n"
    assert first in text
    offers.write_text(text.replace(first, MARK + first, 1))
    monkeypatch.setenv("TOKX_CATALOG_ROOT", str(root))
    module = format_module("openrouter")
    retrieved = dt.datetime(2026, 6, 15, 9, 30, tzinfo=dt.UTC)
    source = SourceInfo(module.FORMAT, "fixtures/openrouter.json", retrieved)
    entries = parse_path(module, SYNC_FIXTURES / "openrouter.json", source.as_of)
    result = run_import(module, entries, source, ImportTarget())
    catalog = load_path(result.path)
    alpha = next(o for o in catalog.offers if (o.model, o.provider) == ("alpha-1", "openrouter"))
    assert alpha.source.startswith("openrouter:fixtures/openrouter.json")  # re-priced
    assert alpha.priced_input_below is not None
    assert (alpha.priced_input_below.tokens, alpha.priced_input_below.source) == (
        64000,
        "a contract annex",
    )
    assert "priced_input_below kept from tests/sync/fixtures" in (alpha.note or "")


def test_a_reimported_offer_keeps_its_output_mark_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "catalogs"
    shutil.copytree(SYNC_FIXTURES / "catalogs", root)
    offers = root / BASE_VERSION / "offers" / "openrouter.yaml"
    text = offers.read_text()
    first = "    source: tests/sync/fixtures\n"
    output_mark = MARK.replace("priced_input_below", "priced_output_below").replace("64000", "200")
    offers.write_text(text.replace(first, MARK + output_mark + first, 1))
    monkeypatch.setenv("TOKX_CATALOG_ROOT", str(root))
    module = format_module("openrouter")
    retrieved = dt.datetime(2026, 6, 15, 9, 30, tzinfo=dt.UTC)
    source = SourceInfo(module.FORMAT, "fixtures/openrouter.json", retrieved)
    entries = parse_path(module, SYNC_FIXTURES / "openrouter.json", source.as_of)
    catalog = load_path(run_import(module, entries, source, ImportTarget()).path)
    alpha = next(o for o in catalog.offers if (o.model, o.provider) == ("alpha-1", "openrouter"))
    assert [(side, limit.tokens) for side, limit in alpha.priced_below] == [
        ("input", 64000),
        ("output", 200),
    ]
    assert "priced_input_below, priced_output_below kept from tests/sync/fixtures" in (
        alpha.note or ""
    )
