"""Ratios that convert recorded counts between tokenizer families (``tokens.family_ratio``):
every family of the bundled catalog has a measured one, with a band; none converts 1:1
unmeasured. Figures are reference/TOKENIZERS.md's, as the catalog carries them."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tokenexport_cli.catalog import CatalogIndex, load_catalog
from tokenexport_cli.cli import app
from tokenexport_cli.schema import MeasuredRatios, TokenizerFamily
from tokenexport_cli.tokens.family_ratio import against_reference, family_ratio

runner = CliRunner()


def _families() -> dict[str, TokenizerFamily]:
    return CatalogIndex(load_catalog()).tokenizers


def test_every_family_of_the_catalog_converts_by_a_measured_ratio_with_a_band() -> None:
    families = _families()
    for family in families:
        found = against_reference(family, families)
        assert found is not None, family
        assert family == "o200k_base" or found[1] > 0, family


def test_families_the_main_table_has_use_its_chat_content_ratio() -> None:
    """reference/TOKENIZERS.md, "Token-count ratios against o200k_base (same text, 20 MB per
    class)": the chat JSON content column, the band the widest gap to English, Chinese, code."""
    families = _families()
    assert against_reference("gemini", families) == (Fraction("1.062"), Decimal("15.0"))
    assert against_reference("qwen3.6", families) == (Fraction("0.964"), Decimal("13.4"))
    assert against_reference("llama4", families) == (Fraction("0.957"), Decimal("8.7"))
    # an approximate family adds its band to its reference's: Gemini 3.1 on Gemma 3's figure
    assert against_reference("gemini-3.1", families) == (Fraction("1.062"), Decimal("30.0"))


def test_families_with_only_class_ratios_take_the_middle_and_a_band_reaching_both_ends() -> None:
    families = _families()
    # GLM: English 1.001, Chinese 0.874, code 0.993 (the addendum, as the catalog holds it)
    assert against_reference("glm5", families) == (Fraction("0.9375"), Decimal("6.8"))
    # MiniMax: 0.995, 0.790, 1.013
    assert against_reference("minimax", families) == (Fraction("0.9015"), Decimal("12.4"))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.decimals(min_value=Decimal("0.1"), max_value=Decimal("3"), places=3),
        min_size=2,
        max_size=3,
    )
)
def test_a_band_from_class_ratios_covers_every_class(values: list[Decimal]) -> None:
    classes = dict(zip(("english", "chinese", "code"), values, strict=False))
    measured = MeasuredRatios(**classes, source="s")
    family = TokenizerFamily(
        id="fam", kind="exact", measured=measured, source="s", as_of=dt.date(2026, 1, 1)
    )
    found = against_reference("fam", {"fam": family})
    assert found is not None
    middle, band = found
    for value in values:
        assert abs(Fraction(value) - middle) <= middle * Fraction(band) / 100


def test_a_recorded_gpt_log_replayed_on_gemini_carries_the_ratio_and_its_band(
    tmp_path: Path,
) -> None:
    """GPT-4o counts (o200k_base) onto Gemini 2.5 Pro: converted by 1.062, the line ±15%."""
    index = CatalogIndex(load_catalog())
    ratio = family_ratio("o200k_base", index.models["gemini-2.5-pro"].tokenizer, index.tokenizers)
    assert ratio.factor == Fraction("1.062") and ratio.band_percent == Decimal("15.0")
    table = tmp_path / "calls.csv"
    table.write_text(
        "timestamp,model,prompt_tokens,completion_tokens\n2026-03-02T13:00:00Z,gpt-4o,1000,100\n"
    )
    columns = ["--column", "model=model", "--column", "input=prompt_tokens"]
    columns += ["--column", "output=completion_tokens", "--column", "timestamp=timestamp"]
    result = runner.invoke(
        app, ["replay", str(table), *columns, "-m", "gemini-2.5-pro", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in json.loads(result.stdout)["lines"] if line["role"] == "target"]
    bands = {Decimal(str(line["approximate_band_percent"])) for line in lines}
    assert lines and bands == {Decimal(15)}
    assert any("by the measured ratio 1.062" in note for line in lines for note in line["notes"])
