"""Source-format details the importers read from each format's own rules: genai-prices time
constraints and batch comments, models.dev base models, one-file parsing for the catalog build."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from tokenexport_cli.catalog.importers import genai_prices, models_dev
from tokenexport_cli.catalog.importers.base import SourceInfo
from tokenexport_cli.catalog.importers.match import plan_import
from tokenexport_cli.catalog.load import compile_catalog, read_files
from tokenexport_cli.catalog.locate import VersionDir
from tokenexport_cli.errors import DataError
from tokenexport_cli.schema import Batch

SYNC_FIXTURES = Path(__file__).parent / "fixtures"
AT = dt.date(2026, 6, 15)


def _genai(models: str) -> bytes:
    return f"id: alphalab\nname: AlphaLab\nmodels:\n{models}".encode()


def test_batch_discount_comes_from_price_comments() -> None:
    data = _genai(
        "  - id: alpha-1\n"
        "    price_comments: Standard pricing shown; Batch API offers 50%\n"
        "      discount on input/output.\n"
        "    prices: {input_mtok: 2, output_mtok: 8}\n"
        "  - id: alpha-2\n"
        "    price_comments: Standard pricing shown.\n"
        "    prices: {input_mtok: 2, output_mtok: 8}\n"
    )
    with_batch, without = genai_prices.parse(data, "alphalab.yml", AT)
    assert with_batch.prices is not None and without.prices is not None
    assert with_batch.prices.batch == Batch(
        discount=Decimal("0.5"),
        note="genai-prices price_comments: Batch API offers 50% discount",
    )
    assert without.prices.batch is None


def test_prices_checked_is_a_date_and_the_import_note_still_names_it() -> None:
    entries = genai_prices.parse_tree(SYNC_FIXTURES / "genai", AT)
    alpha = next(entry for entry in entries if entry.key == "alphalab/alpha-1")
    assert alpha.checked == dt.date(2026, 5, 30)
    assert not any("prices_checked" in note for note in alpha.notes)
    base = VersionDir("2026-06-01", SYNC_FIXTURES / "catalogs" / "2026-06-01", "path")
    catalog = compile_catalog(read_files(base), base.name)
    source = SourceInfo("genai-prices", "fixtures/genai", dt.datetime(2026, 6, 15, tzinfo=dt.UTC))
    plan = plan_import(catalog, entries, source, genai_prices)
    offer = next(o for o in plan.offers if o.key == ("alpha-1", "alphalab", ""))
    assert "genai-prices prices_checked 2026-05-30" in (offer.note or "")


@pytest.mark.parametrize(
    ("constraint", "field"),
    [
        ("{start_time: '16:30:00Z'}", "constraint.end_time: missing"),
        ("{start_time: '16:30:00+08:00', end_time: '00:30:00Z'}", "constraint.start_time"),
        ("{start_time: '25:00:00Z', end_time: '00:30:00Z'}", "constraint.start_time"),
    ],
)
def test_a_time_constraint_needs_both_utc_bounds(constraint: str, field: str) -> None:
    data = _genai(
        "  - id: alpha-1\n"
        "    prices:\n"
        "      - prices: {input_mtok: 2, output_mtok: 8}\n"
        f"      - constraint: {constraint}\n"
        "        prices: {input_mtok: 1, output_mtok: 4}\n"
    )
    with pytest.raises(DataError) as caught:
        genai_prices.parse(data, "alphalab.yml", AT)
    assert f"alphalab.yml: models[0] (alpha-1): {field}" in str(caught.value)


def test_a_time_constraint_becomes_a_utc_band() -> None:
    data = _genai(
        "  - id: alpha-1\n"
        "    prices:\n"
        "      - prices: {input_mtok: 2, output_mtok: 8}\n"
        "      - constraint: {start_time: '16:30:00Z', end_time: '00:30:00+00:00'}\n"
        "        prices: {input_mtok: 1, output_mtok: 4}\n"
    )
    (entry,) = genai_prices.parse(data, "alphalab.yml", AT)
    assert entry.prices is not None
    (band,) = entry.prices.time_bands
    assert (band.timezone, band.hours, band.input, band.output) == (
        "UTC",
        ("16:30-00:30",),
        Decimal(1),
        Decimal(4),
    )


def _write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_base_model_is_merged_deeply_and_omits_apply_after_the_merge(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "models/betaai/beta-2.toml",
        'name = "Beta 2"\nrelease_date = "2026-02-03"\nopen_weights = true\n'
        "[limit]\ncontext = 131072\ninput = 120000\noutput = 8192\n"
        '[modalities]\ninput = ["text", "image"]\noutput = ["text"]\n',
    )
    path = _write(
        tmp_path,
        "providers/togetherai/models/betaai/beta-2.toml",
        'base_model = "betaai/beta-2"\nbase_model_omit = ["limit.input", "modalities"]\n'
        "[limit]\noutput = 4096\ninput = 64000\n"
        "[cost]\ninput = 0.3\noutput = 1.2\n",
    )
    entry = models_dev.parse_file(tmp_path, path)
    assert (entry.provider, entry.provider_model_id) == ("togetherai", "betaai/beta-2")
    # context from the base model, output from the provider file; limit.input is omitted even
    # though the provider file sets it, as models.dev applies omits after merging
    assert (entry.context_window, entry.max_output) == (131072, 4096)
    assert (entry.input_modalities, entry.output_modalities) == ((), ())
    assert (entry.released, entry.open_weights) == (dt.date(2026, 2, 3), True)
    assert entry.prices is not None and entry.prices.input == Decimal("0.3")


def test_a_model_metadata_file_parses_with_its_vendor_as_provider(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "models/betaai/beta-2.toml",
        'name = "Beta 2"\nrelease_date = "2026-02-03"\n[limit]\ncontext = 131072\noutput = 8192\n',
    )
    entry = models_dev.parse_file(tmp_path, path)
    assert (entry.provider, entry.provider_model_id, entry.name) == ("betaai", "beta-2", "Beta 2")
    assert (entry.prices, entry.context_window, entry.released) == (
        None,
        131072,
        dt.date(2026, 2, 3),
    )


def test_a_file_outside_the_models_dev_layout_is_a_data_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "elsewhere/beta-2.toml", 'name = "Beta 2"\n')
    with pytest.raises(DataError) as caught:
        models_dev.parse_file(tmp_path, path)
    assert str(caught.value).startswith(f"{path}: not a models.dev file")
