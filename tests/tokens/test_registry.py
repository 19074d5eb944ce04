"""Registry: offline construction from verified files, hash and corruption errors, rank cache, lazy imports."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from token_samples import SAMPLE

from tokenexport_cli.errors import DataError, UsageError
from tokenexport_cli.tokens.registry import (
    DATA_DIR,
    build_tiktoken,
    exact_family_names,
    get_exact_family,
    load_ranks,
    read_verified,
)
from tokenexport_cli.tokens.sources import SOURCES, source_for


def test_every_shipped_file_matches_its_official_hash() -> None:
    for source in SOURCES:
        assert read_verified(source)  # raises DataError on mismatch


def test_provenance_and_licences_ship_with_the_data() -> None:
    provenance = (DATA_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    for source in SOURCES:
        assert source.sha256 in provenance and f"{source.package}=={source.version}" in provenance
        for name in source.licence_files:
            assert (DATA_DIR / "licenses" / name).is_file(), name


def test_tampered_file_is_a_data_error_naming_the_file(tmp_path: Path) -> None:
    source = source_for("cl100k_base")
    content = gzip.decompress((DATA_DIR / source.data_file).read_bytes())
    (tmp_path / source.data_file).write_bytes(gzip.compress(content.replace(b"IQ==", b"Ig==", 1)))
    with pytest.raises(DataError, match=r"cl100k_base\.tiktoken\.gz: sha256"):
        read_verified(source, tmp_path)


def test_truncated_file_is_a_data_error(tmp_path: Path) -> None:
    source = source_for("qwen")
    (tmp_path / source.data_file).write_bytes((DATA_DIR / source.data_file).read_bytes()[:1000])
    with pytest.raises(DataError, match="corrupted"):
        read_verified(source, tmp_path)
    with pytest.raises(DataError, match="missing"):
        read_verified(source_for("llama3"), tmp_path)


def test_unknown_family_is_a_usage_error_with_suggestion() -> None:
    with pytest.raises(UsageError, match="did you mean 'deepseek-v3'"):
        get_exact_family("deepseek-v2")


def test_rank_cache_round_trips_and_survives_corruption(tmp_path: Path) -> None:
    source = source_for("cl100k_base")
    shutil.copy(DATA_DIR / source.data_file, tmp_path / source.data_file)
    fresh = load_ranks(source, tmp_path)
    assert load_ranks(source, tmp_path) == fresh  # from the cache
    from tokenexport_cli.tokens.registry import _ranks_cache_path

    cache_file = _ranks_cache_path(source)
    assert cache_file.is_file()
    blob = bytearray(cache_file.read_bytes())
    blob[-10] ^= 0xFF
    cache_file.write_bytes(bytes(blob))
    assert load_ranks(source, tmp_path) == fresh  # corrupted cache ignored, rebuilt


def test_encodings_are_built_without_tiktoken_downloads(monkeypatch: pytest.MonkeyPatch) -> None:
    import tiktoken.load

    def no_network(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("tokx must never fetch tokenizer files")

    monkeypatch.setattr(tiktoken.load, "read_file", no_network)
    monkeypatch.setattr(tiktoken.load, "read_file_cached", no_network)
    encoding = build_tiktoken(get_exact_family("o200k_base"), use_cache=False)
    assert encoding.encode_ordinary(SAMPLE[0])


def test_importing_the_tokens_stage_loads_no_heavy_module() -> None:
    code = (
        "import sys, tokenexport_cli.tokens.counting, tokenexport_cli.tokens.cache;"
        "bad = {'tiktoken', 'tokenizers', 'typer', 'rich', 'quicktok', 'regex'} & set(sys.modules);"
        "print(sorted(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_registry_lists_the_shipped_families() -> None:
    assert set(exact_family_names()) >= {"o200k_base", "cl100k_base", "qwen", "deepseek-v3"}


def test_full_gemma_terms_ship_next_to_the_gemma_vocabulary() -> None:
    terms = (DATA_DIR / "licenses" / "GEMMA-TERMS-OF-USE.md").read_text(encoding="utf-8")
    assert "Source: https://ai.google.dev/gemma/terms" in terms
    assert "Last modified: April 1, 2026" in terms
    for heading in (
        "Section 1: DEFINITIONS",
        "Section 2: ELIGIBILITY AND USAGE",
        "Section 3: DISTRIBUTION AND RESTRICTIONS",
        "Section 4: ADDITIONAL PROVISIONS",
        "4.9 No Waiver",
        "## Appendix",
    ):
        assert heading in terms, heading
    assert "[Gemma 3](https://ai.google.dev/gemma/docs/core/model_card_3)" in terms
    notice = (DATA_DIR / "licenses" / "GEMMA-NOTICE.txt").read_text(encoding="utf-8")
    assert notice.startswith(
        "Gemma is provided under and subject to the Gemma Terms of Use found at "
        "ai.google.dev/gemma/terms"
    )
    assert "GEMMA-TERMS-OF-USE.md" in notice
    assert "GEMMA-TERMS-OF-USE.md" in source_for("gemini").licence_files
