"""Every approximate family's band contains the measured true ratio on English, Chinese and code.

The ratios are the ``measured`` figures in each catalog's tokenizers.yaml (from
reference/TOKENIZERS.md). A family with its own measurement must contain it; a family with
none (Grok, unknown models, Gemini 3.1) must contain the ratio of every public vocabulary its
note names, so that its band is no narrower than what is known.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tokenexport_cli.catalog import CatalogIndex, load_catalog
from tokenexport_cli.tokens.families import family_spec
from tokenexport_cli.tokens.results import ApproximateFamily

CLASSES = ("english", "chinese", "code")
REFERENCE_TOKENS = 1_000_000
# Vocabularies the band of an unmeasured family must cover (named in the families' notes).
PUBLIC_EXCEPT_OLD = ("o200k_base", "glm", "glm5", "minimax", "qwen3.6", "llama4")
PUBLIC = (*PUBLIC_EXCEPT_OLD, "cl100k_base", "qwen", "deepseek-v3", "llama3", "gemini")


@pytest.fixture(scope="module", params=["2026-05-28", "2026-08-21"])
def index(request: pytest.FixtureRequest) -> CatalogIndex:
    return CatalogIndex(load_catalog(request.param))


def _ratios(index: CatalogIndex, family: str) -> dict[str, Decimal]:
    measured = index.tokenizers[family].measured
    assert measured is not None, family
    values = {name: getattr(measured, name) for name in CLASSES}
    return {name: value for name, value in values.items() if value is not None}


def _contains(spec: ApproximateFamily, ratio: Decimal) -> bool:
    estimate = spec.estimate(REFERENCE_TOKENS)
    return estimate.low <= ratio * REFERENCE_TOKENS <= estimate.high


def _approximate(index: CatalogIndex) -> list[str]:
    return [f.id for f in index.catalog.tokenizers if f.kind != "exact"]


def test_every_family_records_kind_source_date_and_measurement(index: CatalogIndex) -> None:
    for family in index.catalog.tokenizers:
        assert family.source.strip() and family.as_of
        if family.id not in ("grok", "unknown", "gemini-3.1"):
            assert family.measured is not None and family.measured.source.strip(), family.id


def test_measured_families_band_contains_every_measured_class(index: CatalogIndex) -> None:
    checked = 0
    for name in _approximate(index):
        if index.tokenizers[name].measured is None:
            continue
        spec = family_spec(index, name)
        assert isinstance(spec, ApproximateFamily) and spec.reference == "o200k_base"
        for text_class, ratio in _ratios(index, name).items():
            assert _contains(spec, ratio), (name, text_class, ratio)
            checked += 1
    assert checked >= 7  # claude x3, claude-v4.7 x3, kimi x1


@pytest.mark.parametrize("family", ["grok", "unknown"])
def test_unmeasured_band_contains_every_public_vocabulary(index: CatalogIndex, family: str) -> None:
    spec = family_spec(index, family)
    assert isinstance(spec, ApproximateFamily)
    for other in PUBLIC:
        for text_class, ratio in _ratios(index, other).items():
            assert _contains(spec, ratio), (family, other, text_class)


def test_gemini_31_band_contains_other_modern_vocabularies_relative_to_gemma3(
    index: CatalogIndex,
) -> None:
    spec = family_spec(index, "gemini-3.1")
    assert isinstance(spec, ApproximateFamily) and spec.reference == "gemini"
    gemma = _ratios(index, "gemini")
    for other in PUBLIC_EXCEPT_OLD:
        for text_class, ratio in _ratios(index, other).items():
            assert _contains(spec, ratio / gemma[text_class]), (other, text_class)


def test_claude_band_would_have_missed_chinese_with_the_old_assumption(
    index: CatalogIndex,
) -> None:
    # The issue's point: o200k x 1.0 ±27% does not contain Claude v3's Chinese ratio.
    old = ApproximateFamily.of("old", "o200k_base", "1.0", "0.27", "assumed")
    assert not _contains(old, _ratios(index, "claude")["chinese"])
    assert _contains(family_spec(index, "claude"), _ratios(index, "claude")["chinese"])  # type: ignore[arg-type]
